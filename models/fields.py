"""One reader for every document Debrief validates: bundles, templates, severities, prompts, language rules.

A document is read top-down, one mapping at a time, through :class:`Fields`:
typed getters that refuse a bad value with a :class:`SourceError` naming the
file, the line (for YAML; JSON has none) and the field path
(``phases[2].timebox``). The same rules hold in every file:

* a key the mapping does not have is refused, naming the keys it has;
* null is the same as leaving a key out: its default, or "is required";
* text is any plain value (``42`` reads as "42"), stripped, valid Unicode
  without NUL, and at most as long as the column it is stored in;
* a list of texts keeps each text once; a list item that is blank is refused;
* an id is text matched in full by its pattern.

What is particular to one format (a time in the review's zone, a phrase of the
pattern language, an id a catalog must know) stays with that format and
reports through the same :meth:`Fields.fail`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Any, NamedTuple, NoReturn, TypeVar

from models.limits import text_problem
from models.yamlsource import LineDict, LineList, SourceError, join_surrogates, scalar_text

T = TypeVar("T")

#: What an item that should be a mapping is told, unless its format says more.
MAPPING = "must be a mapping (key: value)"
_ITEM = "must be non-empty text"


def show(value: Any, limit: int = 60) -> str:
    """``value`` for a one-line message: text quoted (and cut short), anything else by its kind.

    Never the ``repr`` of a container (a hostile file can nest or alias one
    without end) nor the digits of a huge integer (``str`` refuses those).
    """
    if isinstance(value, str):
        shown = repr(value[:limit])
        return shown[:-1] + "…" + shown[-1] if len(value) > limit else shown
    if value is None or isinstance(value, bool | float):
        return repr(value)
    if isinstance(value, int):
        return repr(value) if value.bit_length() <= 64 else "(a number this large)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a value of type {type(value).__name__}"


def label(key: Any) -> str:
    """A key as it reads in a field path: as is when short and printable, else quoted."""
    if isinstance(key, str) and key.isprintable() and 0 < len(key) <= 60:
        return key
    return show(key) if isinstance(key, str) else show(scalar_text(key) or key)


def not_one_of(value: Any, allowed: Sequence[str]) -> str:
    return f"{show(value)} is not one of: {', '.join(allowed)}"


def read_text(value: Any, *, blank: str | None = None, wrong: str = "must be text", limit: int | None = None,
              collapse: bool = False) -> tuple[str, str | None]:
    """A plain value as text the library can store, and the problem (None when there is none).

    ``wrong`` is the problem of a list, a mapping or true/false, ``blank`` that
    of an empty value (None when empty is fine). The text is stripped, or has
    every run of white space made one space when ``collapse`` (for what is
    shown on one line); it must hold no NUL and no half of a character, and
    have at most ``limit`` characters: :func:`models.limits.text_problem`, the
    check of every other way in, so a value read never fails at the database.
    """
    raw = "" if value is None else scalar_text(value)
    if raw is None:
        # The one plain value scalar_text gives up on: an integer of thousands of digits.
        huge = isinstance(value, int) and not isinstance(value, bool)
        return "", f"{wrong}, not a number this long" if huge else wrong
    text = " ".join(raw.split()) if collapse else raw.strip()
    if blank is not None and not text:
        return text, blank
    if not text.isascii():
        try:
            text = join_surrogates(text)  # JSON's \\u escapes can spell half a character
        except ValueError as exc:
            return text, str(exc)
    return text, text_problem(text, limit)


class Item(NamedTuple):
    """One item of a list: its position, value, field path (``notes[3]``) and line."""

    position: int
    value: Any
    field: str
    line: int | None


class Reader:
    """Reads one document of the file at ``path``; every failure is a :class:`SourceError` naming it."""

    def __init__(self, path: str | None) -> None:
        self.path = path

    def fail(self, message: str, *, field: str | None = None, line: int | None = None) -> NoReturn:
        raise SourceError(message, path=self.path, line=line, field=field)

    def document(self, data: Any, allowed: Sequence[str] | None, *, shape: str) -> Fields:
        """The top mapping of the document; ``shape`` says what it should have been (line 1)."""
        if not isinstance(data, dict):
            self.fail(shape, line=1)
        return Fields(self, data, "", allowed)

    def mapping(self, value: Any, field: str, line: int | None, allowed: Sequence[str] | None, *,
                shape: str = MAPPING) -> Fields:
        """``value`` read as a mapping with ``allowed`` keys (any keys when None)."""
        if not isinstance(value, dict):
            self.fail(shape, field=field or None, line=line)
        return Fields(self, value, field, allowed, line=line)

    def text(self, value: Any, *, field: str, line: int | None, blank: str | None = None,
             wrong: str = "must be text", limit: int | None = None, collapse: bool = False) -> str:
        """A plain value as text the library can store: see :func:`read_text`."""
        text, problem = read_text(value, blank=blank, wrong=wrong, limit=limit, collapse=collapse)
        if problem is not None:
            self.fail(problem, field=field, line=line)
        return text


class Fields:
    """One mapping of the document, with typed getters that fail naming its field path and line."""

    def __init__(self, reader: Reader, data: dict[Any, Any], where: str, allowed: Sequence[str] | None, *,
                 line: int | None = None) -> None:
        self.reader = reader
        self.data = data
        #: The field path of this mapping ("" for the document itself).
        self.where = where
        #: The line of the mapping itself.
        self.at = data.line if isinstance(data, LineDict) else line
        if allowed is not None:
            self.check_keys(allowed)

    def check_keys(self, allowed: Sequence[str]) -> None:
        """Refuse the first key not in ``allowed``, naming those that are."""
        for key in self.data:
            if key not in allowed:
                expected = f"expected: {allowed[0]}" if len(allowed) == 1 else \
                    f"expected one of: {', '.join(allowed)}"
                self.fail(key, f"unknown key ({expected})")

    def field(self, key: Any) -> str:
        return f"{self.where}.{label(key)}" if self.where else label(key)

    def line(self, key: Any) -> int | None:
        """The line of ``key``, or of the mapping when the key is not there (None for JSON)."""
        return self.data.line_of(key) if isinstance(self.data, LineDict) else None

    def get(self, key: str) -> Any:
        return self.data.get(key)

    def fail(self, key: Any, message: str) -> NoReturn:
        self.reader.fail(message, field=self.field(key), line=self.line(key))

    def fail_item(self, key: str, index: int, message: str) -> NoReturn:
        """A problem of item ``index`` of the list at ``key``, at the item's line."""
        value = self.get(key)
        line = value.line_of(index) if isinstance(value, LineList) else self.line(key)
        self.reader.fail(message, field=f"{self.field(key)}[{index}]", line=line)

    def fail_here(self, message: str) -> NoReturn:
        """A problem of the mapping as a whole (two keys that do not go together, say)."""
        self.reader.fail(message, field=self.where or None, line=self.at)

    def text(self, key: str, *, required: bool = False, limit: int | None = None,
             collapse: bool = False) -> str:
        """The text at ``key`` ("" if absent): see :func:`read_text`."""
        text, problem = read_text(self.get(key), blank="is required" if required else None, limit=limit,
                                  collapse=collapse)
        if problem is not None:
            self.fail(key, problem)
        return text

    def optional_text(self, key: str, *, limit: int | None = None) -> str | None:
        return self.text(key, limit=limit) or None

    def identifier(self, key: str, pattern: re.Pattern[str], *, noun: str, rule: str,
                   limit: int | None = None) -> str:
        """A required id matching ``pattern`` in full: else "'x' is ``noun`` (``rule``)"."""
        value = self.text(key, required=True)
        if not pattern.fullmatch(value):
            self.fail(key, f"{show(value)} is not {noun} ({rule})")
        if limit is not None and len(value) > limit:
            self.fail(key, f"is {len(value):,} characters long; at most {limit:,} fit")
        return value

    def choice(self, key: str, allowed: Sequence[str], default: str) -> str:
        value = self.get(key)
        if value is None:
            return default
        if not isinstance(value, str) or value not in allowed:
            self.fail(key, not_one_of(value, allowed))
        return value

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.fail(key, "must be true or false")
        return value

    def maybe_flag(self, key: str) -> bool | None:
        value = self.get(key)
        if value is not None and not isinstance(value, bool):
            self.fail(key, "must be true, false or left out (unknown)")
        return value

    def whole_number(self, key: str, default: int, *, low: int, high: int, problem: str) -> int:
        """A whole number from ``low`` to ``high`` (``default`` if absent); ``problem`` says so otherwise."""
        value = self.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(key, problem)
        return value

    def parsed(self, key: str, parse: Callable[[Any], T], *, required: str | None = None) -> T | None:
        """``parse(value)``, or None if absent or ""; a ``ValueError`` it raises is the field's problem.

        ``required`` is the problem of an absent value, when it must be there.
        """
        value = self.get(key)
        if value is None or value == "":
            if required is not None:
                self.fail(key, required)
            return None
        try:
            return parse(value)
        except ValueError as exc:
            self.fail(key, str(exc))

    def mapping(self, key: str, allowed: Sequence[str] | None, *, shape: str = MAPPING) -> Fields:
        """The mapping at ``key`` (an empty one if absent)."""
        value = self.get(key)
        return self.reader.mapping({} if value is None else value, self.field(key), self.line(key), allowed,
                                   shape=shape)

    def items(self, key: str, *, required: bool = False, non_empty: bool = False,
              shape: str | None = None) -> Iterator[Item]:
        """Each item of the list at ``key`` (none if absent, unless ``required``)."""
        value = self.get(key)
        if value is None and not required:
            return
        if value is None:
            self.fail(key, "is required")
        if not isinstance(value, list) or (non_empty and not value):
            self.fail(key, shape or ("must be a non-empty list" if non_empty else "must be a list"))
        field = self.field(key)
        lines = value.item_lines if isinstance(value, LineList) else []
        for index, item in enumerate(value):
            line = lines[index] if index < len(lines) else self.line(key)
            yield Item(index, item, f"{field}[{index}]", line)

    def mappings(self, key: str, allowed: Sequence[str], *, shape: str = MAPPING, required: bool = False,
                 non_empty: bool = False) -> Iterator[Fields]:
        """Each item of the list at ``key``, read as a mapping with ``allowed`` keys."""
        for item in self.items(key, required=required, non_empty=non_empty):
            yield self.reader.mapping(item.value, item.field, item.line, allowed, shape=shape)

    def texts(self, key: str, *, allowed: Collection[str] | None = None,
              unknown: Callable[[str], str] | None = None, collapse: bool = False,
              shape: str = "must be a list") -> tuple[str, ...]:
        """The list of texts at ``key``, each once (empty if absent).

        With ``allowed``, each must be one of them; ``unknown(text)`` says what
        one that is not is (by default, the allowed ones listed).
        """
        value = self.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(key, shape)
        found: dict[str, None] = {}
        for index, item in enumerate(value):
            text, problem = read_text(item, blank=_ITEM, wrong=_ITEM, collapse=collapse)
            if problem is None and allowed is not None and text not in allowed:
                problem = unknown(text) if unknown is not None else not_one_of(text, tuple(allowed))
            if problem is not None:
                self.fail_item(key, index, problem)
            found[text] = None
        return tuple(found)
