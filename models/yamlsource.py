"""YAML loading that remembers where each value came from.

Mappings load as :class:`LineDict`, which records the 1-based line of each
key, so that a validator can say "bundle.yaml, line 12: review.started_at …"
instead of only naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError


class LineDict(dict[str, Any]):
    """A dict that also knows the source line of each key (and of itself)."""

    line: int | None = None
    key_lines: dict[str, int]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key_lines = {}

    def line_of(self, key: str) -> int | None:
        """The line of ``key`` if it is there, else the line of the mapping."""
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A list that knows the source line of each item."""

    line: int | None = None
    item_lines: list[int]

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.item_lines = []

    def line_of(self, index: int) -> int | None:
        if 0 <= index < len(self.item_lines):
            return self.item_lines[index]
        return self.line


#: How deep mappings and lists may nest. No Debrief file needs more than a handful
#: of levels; the limit keeps a hostile file ("[[[[…") from exhausting Python's
#: stack (composing and constructing recurse once per level).
MAX_DEPTH = 64

#: What a constructor of PyYAML raises on a scalar it cannot read (``!!int x``,
#: ``0b_``, ``!!bool maybe``, a ``!!map`` tag on a plain value): turned into a
#: YAML error at the node, so the message has the line.
_CONSTRUCTOR_FAULTS = (ValueError, TypeError, KeyError, IndexError, AttributeError, ArithmeticError)


class _LineLoader(yaml.SafeLoader):
    """Pure-Python safe loader (the C one cannot report node positions to constructors).

    Every way a node can fail to become a value is a :class:`yaml.MarkedYAMLError`
    with the node's position: nesting past :data:`MAX_DEPTH`, a scalar its tag's
    constructor cannot read, text that is not valid Unicode.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self._depth >= MAX_DEPTH:
            raise ComposerError(None, None, f"nested deeper than {MAX_DEPTH} levels",
                                self.peek_event().start_mark)  # type: ignore[no-untyped-call]
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except _CONSTRUCTOR_FAULTS as exc:
            raise ConstructorError(None, None, _cannot_read(node, exc), node.start_mark) from exc


def _cannot_read(node: yaml.Node, exc: BaseException) -> str:
    tag = node.tag.removeprefix("tag:yaml.org,2002:")
    if isinstance(node, yaml.ScalarNode):
        return f"{_quote(node.value)} is not a valid {tag} value"
    return f"this {_kind(node)} cannot be read as {tag} ({type(exc).__name__})"


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "mapping"
    return "list" if isinstance(node, yaml.SequenceNode) else "plain value"


def _quote(text: str, limit: int = 40) -> str:
    """``text`` quoted for a one-line message, cut short when long."""
    shown = repr(text[:limit])
    return shown[:-1] + "…" + shown[-1] if len(text) > limit else shown


def _expect(node: yaml.Node, kind: type[yaml.Node], what: str) -> None:
    # An explicit tag (``!!map x``) can hand these constructors any kind of node.
    if not isinstance(node, kind):
        raise ConstructorError(None, None, f"a {node.tag.removeprefix('tag:yaml.org,2002:')} tag needs "
                               f"{what}, not a {_kind(node)}", node.start_mark)


def _construct_mapping(loader: _LineLoader, node: yaml.Node) -> LineDict:
    _expect(node, yaml.MappingNode, "a mapping")
    assert isinstance(node, yaml.MappingNode)
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise ConstructorError(None, None, f"a key must be a plain value, not a {_kind(key_node)}",
                                   key_node.start_mark)
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = _key_text(key, key_node)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _key_text(key: Any, node: yaml.Node) -> str:
    """A scalar key that is not text (``1:``, ``true:``, ``~:``) as the text it reads as."""
    if isinstance(key, bytes | bytearray | set):
        raise ConstructorError(None, None, "a key must be text", node.start_mark)
    try:
        return str(key)
    except ValueError:  # an integer too long to write out in decimal
        raise ConstructorError(None, None, "a key must be text, not a number this long",
                               node.start_mark) from None


def _construct_sequence(loader: _LineLoader, node: yaml.Node) -> LineList:
    _expect(node, yaml.SequenceNode, "a list")
    assert isinstance(node, yaml.SequenceNode)
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_text(loader: _LineLoader, node: yaml.Node) -> str:
    _expect(node, yaml.ScalarNode, "a plain value")
    assert isinstance(node, yaml.ScalarNode)
    return _unicode(loader.construct_scalar(node), node)


def _unicode(text: str, node: yaml.Node) -> str:
    """``text`` as valid Unicode, or a YAML error at ``node``; see :func:`join_surrogates`."""
    try:
        return join_surrogates(text)
    except ValueError as exc:
        raise ConstructorError(None, None, str(exc), node.start_mark) from None


def join_surrogates(text: str) -> str:
    """``text`` with escaped surrogate pairs (``"\\ud83d\\ude00"``) joined; ``ValueError`` for a lone one.

    YAML's ``\\u`` escapes and JSON's can spell half a character. A lone
    surrogate cannot be written as UTF-8, so no database, file or window
    could take it later: it is refused where it is read, with its position.
    """
    if not _SURROGATE.search(text):
        return text
    lone = _LONE_SURROGATE.search(text)
    if lone is not None:
        raise ValueError(f"\\u{ord(lone.group()):04x} at position {lone.start() + 1} is half of a "
                         "character (a lone surrogate), not text")
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")


_SURROGATE = re.compile("[\ud800-\udfff]")
_LONE_SURROGATE = re.compile("[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]")


def _construct_timestamp_as_text(loader: _LineLoader, node: yaml.Node) -> str:
    # Timestamps stay text so validators parse them strictly (YAML would
    # silently turn a time without an offset into a naive datetime).
    return _construct_text(loader, node)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG, _construct_text)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)


class SourceError(ValueError):
    """A data file is malformed or invalid; the message names the file, line and field."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 field: str | None = None) -> None:
        self.path = path
        self.line = line
        self.field = field
        self.reason = message
        where = ", ".join(part for part in (path, f"line {line}" if line else None) if part)
        text = f"{field}: {message}" if field else message
        super().__init__(f"{where}: {text}" if where else text)


def load_yaml_text(text: str, *, path: str | None = None) -> Any:
    """Parse YAML text with line tracking; anything wrong with it becomes :class:`SourceError`."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise SourceError(f"not valid YAML: {_yaml_problem(exc)}", path=path, line=line) from exc
    except yaml.reader.ReaderError as exc:
        # A character YAML does not allow (a control character, U+FFFE); its
        # ``str`` spans two lines, so say it in one.
        line = text.count("\n", 0, exc.position) + 1
        character = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        raise SourceError(f"not valid YAML: the character {character} is not allowed in YAML",
                          path=path, line=line) from exc
    except yaml.YAMLError as exc:
        raise SourceError(f"not valid YAML: {one_line(exc)}", path=path) from exc
    except _CONSTRUCTOR_FAULTS as exc:  # pragma: no cover - construct_object marks these with a line
        raise SourceError(f"not valid YAML: {one_line(exc)}", path=path) from exc
    except RecursionError as exc:  # pragma: no cover - MAX_DEPTH keeps the stack short
        raise SourceError("not valid YAML: nested too deeply", path=path) from exc


def _yaml_problem(exc: yaml.MarkedYAMLError) -> str:
    """What PyYAML says, in one line ("expected a single document in the stream, but found another")."""
    parts = [part for part in (exc.context, exc.problem) if part]
    return one_line(", ".join(parts) if parts else exc)


def load_yaml_file(path: Path) -> Any:
    """Read and parse a YAML file; unreadable or undecodable files become :class:`SourceError`."""
    return load_yaml_text(read_text_file(path), path=str(path))


def read_text_file(path: Path) -> str:
    """The UTF-8 text of ``path``; a folder, a missing file or other bytes become :class:`SourceError`."""
    if path.is_dir():
        raise SourceError("is a folder, not a file", path=str(path))
    if path.exists() and not path.is_file():  # a FIFO or a device would block or never end
        raise SourceError("is not a regular file", path=str(path))
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise SourceError(f"cannot read the file: {exc.strerror or exc}", path=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise SourceError(f"not UTF-8 text (byte {exc.start})", path=str(path)) from exc
    return text.removeprefix("\ufeff")


def one_line(message: object, limit: int | None = 200) -> str:
    """``message`` as one line, of at most ``limit`` characters if given (error text may span lines)."""
    text = " ".join(str(message).split())
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def scalar_text(value: Any) -> str | None:
    """A plain value as the text it reads as (``42`` is "42"); None for a list, a mapping, true/false.

    None too for an integer too long to write out in decimal (Python's ``str``
    refuses more than 4,300 digits; YAML's ``0x`` form can spell one).
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return str(value)
    except ValueError:
        return None


T = TypeVar("T")


def load_user_file(path: Path, parse: Callable[[Any, str], T]) -> T | str:
    """``parse(document, path)`` of a user's config file, or the problem: one line (text) naming the file.

    The boundary for files a user edits by hand: whatever is wrong with one
    (YAML, types, a folder in its place) is reported and the file skipped, so
    the caller goes on with the built-ins and never stops on an exception.
    ``parse`` returns something other than text, so a ``str`` result is the problem.
    """
    try:
        return parse(load_yaml_file(path), str(path))
    except SourceError as exc:
        return one_line(exc, limit=None)
    except RecursionError:  # pragma: no cover - MAX_DEPTH keeps the stack short
        return f"{path}: nested too deeply"
    except Exception as exc:  # noqa: BLE001 - the last line: a user file never stops the app
        return f"{path}: unexpected problem reading the file ({type(exc).__name__}: {one_line(exc)})"

