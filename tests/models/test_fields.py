"""The one reader of every validated document: each getter's rules, and any value at any getter.

Examples pin the messages people read; Hypothesis then puts any value (text
with NUL, lone surrogates and line breaks, 5,000-digit numbers, NaN, dates,
nested lists and mappings) at every getter, and any mapping of YAML under the
key and line checks. The outcome is always one of two: a value of the
getter's type that keeps its promise (stripped, storable, within its limit,
each once), or one :class:`SourceError` line naming the file and the field,
never another exception.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from models.fields import Fields, Reader, label, show
from models.yamlsource import SourceError, join_surrogates, load_yaml_text
from tests.conftest import EXAMPLES

PATH = "mine.yaml"
_ID = re.compile(r"[a-z0-9][a-z0-9-]*")


def _fields(text: str, allowed: tuple[str, ...] | None = None) -> Fields:
    return Reader(PATH).document(load_yaml_text(text, path=PATH), allowed, shape="must be a mapping")


def _refusal(read: Callable[[], object]) -> SourceError:
    with pytest.raises(SourceError) as caught:
        read()
    return caught.value


# ---------------------------------------------------------------- the rules, by example


def test_an_unknown_key_names_itself_its_line_and_the_keys_there_are() -> None:
    """A misspelt key is refused at its line, with the keys the mapping has in their order."""
    error = _refusal(lambda: _fields("id: a\nnmae: A\n", ("id", "name", "goal")))
    assert str(error) == f"{PATH}, line 2: nmae: unknown key (expected one of: id, name, goal)"


def test_an_unknown_key_of_a_one_key_document_says_the_one() -> None:
    """With one key allowed, the message names it alone."""
    error = _refusal(lambda: _fields("rule: []\n", ("rules",)))
    assert str(error) == f"{PATH}, line 1: rule: unknown key (expected: rules)"


def test_a_key_with_a_line_break_is_named_quoted_on_one_line() -> None:
    """A key that is not printable is quoted in the field path, so the message stays one line."""
    error = _refusal(lambda: _fields('"a\\nb": 1\n', ("id",)))
    assert error.field == "'a\\nb'" and "\n" not in str(error)


def test_a_missing_required_text_is_at_the_mappings_line_a_blank_one_at_its_own() -> None:
    """Absent: the mapping's line; present but blank: the key's line."""
    doc = _fields("top: x\nphases:\n  - id: a\n    goal: g\n  - id: b\n    name: '  '\n")
    first, second = doc.mappings("phases", ("id", "name", "goal"))
    missing = _refusal(lambda: first.text("name", required=True))
    blank = _refusal(lambda: second.text("name", required=True))
    assert (missing.line, missing.field, missing.reason) == (3, "phases[0].name", "is required")
    assert (blank.line, blank.field, blank.reason) == (6, "phases[1].name", "is required")


def test_null_is_the_same_as_leaving_a_key_out() -> None:
    """Every getter gives its default for null, as for a missing key."""
    doc = _fields("a: ~\n")
    assert doc.text("a") == "" and doc.optional_text("a") is None
    assert doc.flag("a", default=True) is True and doc.maybe_flag("a") is None
    assert doc.whole_number("a", 10, low=1, high=600, problem="no") == 10
    assert doc.choice("a", ("x", "y"), "y") == "y" and doc.texts("a") == ()
    assert doc.parsed("a", int) is None and list(doc.items("a")) == []
    assert doc.mapping("a", ("k",)).data == {}


def test_text_is_any_plain_value_stripped() -> None:
    """A number reads as the text it is written as; surrounding white space goes."""
    doc = _fields("a: 42\nb: '  two words  '\nc: 1.5\n")
    assert (doc.text("a"), doc.text("b"), doc.text("c")) == ("42", "two words", "1.5")


def test_collapsed_text_is_one_line() -> None:
    """collapse makes every run of white space one space (for what is shown on one line)."""
    assert _fields('a: "one\\n two\\tthree "\n').text("a", collapse=True) == "one two three"


@pytest.mark.parametrize(("yaml_text", "says"), [
    ("a: [x]\n", "must be text"),
    ("a: {b: c}\n", "must be text"),
    ("a: true\n", "must be text"),
    ("a: 0x" + "f" * 5000 + "\n", "must be text, not a number this long"),
    ('a: "x\\0y"\n', "contains a NUL character (at position 2)"),
    ("a: " + "x" * 41 + "\n", "is 41 characters long; at most 40 fit"),
])
def test_what_text_refuses(yaml_text: str, says: str) -> None:
    """Lists, mappings, true/false, numbers too long to write, NUL, and text past its column's length."""
    error = _refusal(lambda: _fields(yaml_text).text("a", limit=40))
    assert str(error) == f"{PATH}, line 1: a: {says}"


def test_a_lone_surrogate_from_json_is_refused_and_a_pair_is_one_character() -> None:
    """JSON's \\u escapes can spell half a character: refused; a whole pair is joined."""
    doc = Reader(PATH).document({"a": "x\ud800", "b": "\ud83d\ude00"}, None, shape="must be a mapping")
    assert "lone surrogate" in _refusal(lambda: doc.text("a")).reason
    assert doc.text("b") == "\U0001f600"


def test_an_identifier_is_matched_in_full_and_named_with_its_rule() -> None:
    """An id that does not match says which kind of id and what it may hold; the length is its column's."""
    doc = _fields('a: "Time line"\nb: "abc\\n"\nc: ' + "x" * 9 + "\n")
    wrong = _refusal(lambda: doc.identifier("a", _ID, noun="a phase id", rule="lower-case letters"))
    assert wrong.reason == "'Time line' is not a phase id (lower-case letters)"
    assert doc.identifier("b", _ID, noun="an id", rule="r") == "abc"
    assert _refusal(lambda: doc.identifier("c", _ID, noun="an id", rule="r", limit=8)).reason == \
        "is 9 characters long; at most 8 fit"


def test_a_choice_lists_the_allowed_values() -> None:
    """A value outside the list is quoted and the list given."""
    error = _refusal(lambda: _fields("kind: outage\n").choice("kind", ("incident", "near-miss"), "incident"))
    assert error.reason == "'outage' is not one of: incident, near-miss"


@pytest.mark.parametrize("value", ["maybe", "1", "'true'", "[true]"])
def test_a_flag_is_true_or_false(value: str) -> None:
    """Only what YAML reads as true or false is a flag: not a number, quoted text or a list."""
    assert _refusal(lambda: _fields(f"a: {value}\n").flag("a")).reason == "must be true or false"


@pytest.mark.parametrize("value", ["0", "601", "true", "'10'", "1.5"])
def test_a_whole_number_is_an_integer_in_range(value: str) -> None:
    """Booleans, text, fractions and numbers out of range get the field's own problem."""
    doc = _fields(f"t: {value}\n")
    error = _refusal(lambda: doc.whole_number("t", 10, low=1, high=600, problem="1 to 600"))
    assert error.reason == "1 to 600"


def test_a_parse_failure_is_the_fields_problem() -> None:
    """parsed() turns the parser's ValueError into a refusal of the field, at its line."""
    def parse(value: Any) -> int:
        raise ValueError(f"{show(value)} is not a count")

    error = _refusal(lambda: _fields("x: 1\ny: seven\n").parsed("y", parse))
    assert str(error) == f"{PATH}, line 2: y: 'seven' is not a count"


def test_a_required_parsed_value_says_what_it_needs() -> None:
    """An absent or empty value is refused with the message given for it."""
    doc = _fields("a: ''\n")
    assert _refusal(lambda: doc.parsed("a", int, required="is required (a time)")).reason == \
        "is required (a time)"


def test_list_items_are_named_by_index_and_line() -> None:
    """Each item's field has its index; its line is its own."""
    doc = _fields("tags:\n  - one\n  - [two]\n")
    error = _refusal(lambda: doc.texts("tags"))
    assert (error.line, error.field, error.reason) == (3, "tags[1]", "must be non-empty text")


def test_a_list_of_texts_keeps_each_once_in_order() -> None:
    """Repeats are dropped, the first place kept."""
    assert _fields("a: [b, ' a', b, c, a]\n").texts("a") == ("b", "a", "c")


def test_a_text_outside_the_allowed_is_named_as_the_format_says() -> None:
    """By default the allowed values are listed; a format may say it its own way."""
    doc = _fields("kinds: [question, blame]\n")
    assert _refusal(lambda: doc.texts("kinds", allowed=("question",))).reason == \
        "'blame' is not one of: question"
    assert _refusal(lambda: doc.texts("kinds", allowed={"question"},
                                      unknown=lambda k: f"unknown kind {k}")).reason == "unknown kind blame"


@pytest.mark.parametrize(("yaml_text", "says"), [
    ("items: {a: b}\n", "must be a non-empty list"),
    ("items: []\n", "must be a non-empty list"),
    ("other: 1\n", "is required"),
    ("items: [x]\n", "must be a mapping with id"),
])
def test_a_required_list_of_mappings(yaml_text: str, says: str) -> None:
    """Required and non-empty: absent, empty, not a list, an item not a mapping, each said."""
    doc = _fields(yaml_text)
    error = _refusal(lambda: list(doc.mappings("items", ("id",), required=True, non_empty=True,
                                               shape="must be a mapping with id")))
    assert error.reason == says


def test_a_problem_of_the_whole_mapping_names_the_mapping() -> None:
    """fail_here names the mapping's field and its first line."""
    [card] = _fields("cards:\n  - id: x\n    title: X\n").mappings("cards", ("id", "title"))
    error = _refusal(lambda: card.fail_here("needs kinds or cues"))
    assert (error.line, error.field) == (2, "cards[0]")


def test_json_has_no_lines_but_names_fields() -> None:
    """A plain dict (JSON) is refused by field, without a line."""
    doc = Reader("b.json").document({"review": {"title": ["x"]}}, None, shape="must be a mapping")
    error = _refusal(lambda: doc.mapping("review", ("title",)).text("title"))
    assert (error.line, error.field) == (None, "review.title")
    assert str(error) == "b.json: review.title: must be text"


def test_a_document_that_is_not_a_mapping_is_refused_at_line_1() -> None:
    """The document's own shape message, at line 1, without a field."""
    shape = "must be a mapping with a 'rules' list"
    error = _refusal(lambda: Reader(PATH).document(["a"], None, shape=shape))
    assert str(error) == f"{PATH}, line 1: must be a mapping with a 'rules' list"


# ---------------------------------------------------------------- any value at any getter

#: Text that is hard to store or show: NUL, line breaks, lone surrogates, a BOM, long runs.
ODD_TEXT = st.text(st.characters() | st.sampled_from(["\x00", "\n", " ", "\t", "\ud800", "\udc00", "\ufeff"]),
                   max_size=50)
SCALARS = st.one_of(
    st.none(), st.booleans(), ODD_TEXT, st.sampled_from(["", "  ", "abc", "a-b", "Time line", "incident"]),
    st.integers(), st.integers(-3, 3).map(lambda n: n * 10 ** 4400),  # past what str() writes out
    st.floats(allow_nan=True, allow_infinity=True), st.dates(), st.datetimes(),
)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=5) | st.integers(), inner, max_size=4),
                      max_leaves=12)

_ALLOWED = ("incident", "abc", "42")


def _stored(text: str) -> str | None:
    """``text`` as the reader stores it (joined surrogate pairs), or None when it cannot be stored."""
    try:
        text = join_surrogates(text)
    except ValueError:
        return None
    return None if "\x00" in text else text


def _is_text(text: object, limit: int | None = None) -> None:
    assert isinstance(text, str)
    assert _stored(text) == text and text == text.strip()
    assert limit is None or len(text) <= limit


def _is_some_text(text: object) -> None:
    _is_text(text)
    assert text != ""


def _is_one_line(text: object) -> None:
    _is_text(text)
    assert isinstance(text, str) and "  " not in text and "\n" not in text


def _is_optional_text(text: object) -> None:
    if text is not None:
        _is_some_text(text)


def _is_id(text: object) -> None:
    _is_text(text, 8)
    assert isinstance(text, str) and _ID.fullmatch(text)


def _is_choice(text: object) -> None:
    assert text in _ALLOWED


def _is_flag(value: object) -> None:
    assert isinstance(value, bool)


def _is_maybe_flag(value: object) -> None:
    assert value is None or isinstance(value, bool)


def _is_minutes(value: object) -> None:
    assert type(value) is int and 1 <= value <= 600


def _is_optional_int(value: object) -> None:
    assert value is None or type(value) is int


def _is_mapping_of_a_b(value: object) -> None:
    assert isinstance(value, Fields) and set(value.data) <= {"a", "b"}


def _are_texts(value: object) -> None:
    assert isinstance(value, tuple) and len(set(value)) == len(value)
    for text in value:
        _is_some_text(text)


def _are_allowed_texts(value: object) -> None:
    _are_texts(value)
    assert isinstance(value, tuple) and set(value) <= set(_ALLOWED)


def _are_items(value: object) -> None:
    assert isinstance(value, list)
    assert [item.field for item in value] == [f"doc.k[{n}]" for n in range(len(value))]


def _are_mappings(value: object) -> None:
    assert isinstance(value, list) and all(set(item.data) <= {"a"} for item in value)


#: Each getter, and the check of the value it gives.
GETTERS: dict[str, tuple[Callable[[Fields], object], Callable[[Any], None]]] = {
    "text": (lambda m: m.text("k"), _is_text),
    "required text": (lambda m: m.text("k", required=True), _is_some_text),
    "limited text": (lambda m: m.text("k", limit=5), lambda t: _is_text(t, 5)),
    "collapsed text": (lambda m: m.text("k", collapse=True), _is_one_line),
    "optional text": (lambda m: m.optional_text("k"), _is_optional_text),
    "identifier": (lambda m: m.identifier("k", _ID, noun="an id", rule="r", limit=8), _is_id),
    "choice": (lambda m: m.choice("k", _ALLOWED, "abc"), _is_choice),
    "flag": (lambda m: m.flag("k"), _is_flag),
    "maybe flag": (lambda m: m.maybe_flag("k"), _is_maybe_flag),
    "whole number": (lambda m: m.whole_number("k", 10, low=1, high=600, problem="p"), _is_minutes),
    "parsed": (lambda m: m.parsed("k", lambda v: int(str(v))), _is_optional_int),
    "mapping": (lambda m: m.mapping("k", ("a", "b")), _is_mapping_of_a_b),
    "texts": (lambda m: m.texts("k"), _are_texts),
    "allowed texts": (lambda m: m.texts("k", allowed=_ALLOWED), _are_allowed_texts),
    "items": (lambda m: list(m.items("k", required=True)), _are_items),
    "mappings": (lambda m: list(m.mappings("k", ("a",))), _are_mappings),
}


@pytest.mark.fuzz
@settings(max_examples=EXAMPLES)
@given(value=VALUES, getter=st.sampled_from(sorted(GETTERS)))
def test_any_value_at_any_getter_is_its_type_or_one_source_error_line(value: Any, getter: str) -> None:
    """Whatever the value, each getter keeps its promise or refuses in one line naming file and field."""
    read, check = GETTERS[getter]
    doc = Reader(PATH).document({"doc": {"k": value}}, None, shape="must be a mapping").mapping("doc", None)
    try:
        result = read(doc)
    except SourceError as exc:
        assert str(exc).startswith(f"{PATH}: doc.k"), str(exc)
        assert "\n" not in str(exc) and "\r" not in str(exc), str(exc)
        return
    check(result)


#: Keys as they appear in Debrief's files, and text values YAML writes on lines of their own.
KEYS = st.lists(st.sampled_from(["id", "name", "goal", "phases", "title", "kind", "text", "at", "k9"]),
                min_size=1, max_size=6, unique=True)
PLAIN = st.text(st.characters(categories=("L", "N"), max_codepoint=0x2FF) | st.just(" "), max_size=30)


@pytest.mark.fuzz
@settings(max_examples=EXAMPLES)
@given(data=st.data(), keys=KEYS)
def test_a_yaml_mapping_is_read_at_its_lines(data: st.DataObject, keys: list[str]) -> None:
    """Texts read back stripped; a wrong-typed value and an unknown key are refused at their own lines."""
    values = {key: data.draw(PLAIN, label=key) for key in keys}
    bad = data.draw(st.sampled_from(keys), label="bad")
    document = {**values, bad: data.draw(st.sampled_from([["x"], {"a": "b"}, True]), label="bad value")}
    text = yaml.safe_dump(document, sort_keys=False, default_flow_style=False, allow_unicode=True)
    line_of = {key: next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(f"{key}:"))
               for key in keys}

    doc = _fields(text, tuple(keys))
    for key in keys:
        if key != bad:
            assert doc.text(key) == values[key].strip()
    error = _refusal(lambda: doc.text(bad))
    assert (error.line, error.field) == (line_of[bad], bad)

    allowed = tuple(key for key in keys if key != bad)
    unknown = _refusal(lambda: _fields(text, allowed))
    assert (unknown.line, unknown.field) == (line_of[bad], bad)
    assert unknown.reason.startswith("unknown key (expected")


@pytest.mark.fuzz
@settings(max_examples=EXAMPLES)
@given(items=st.lists(ODD_TEXT | st.integers(-10 ** 6, 10 ** 6), max_size=8))
def test_a_list_of_texts_is_each_stripped_once_or_the_first_bad_item(items: list[Any]) -> None:
    """texts() is the stripped items in order, each once; else the first item that is blank or unstorable."""
    doc = Reader(PATH).document({"k": items}, None, shape="must be a mapping")
    wanted = [_stored(str(item).strip()) for item in items]
    try:
        result = doc.texts("k")
    except SourceError as exc:
        assert exc.field is not None
        index = int(exc.field.removeprefix("k[").removesuffix("]"))
        assert not wanted[index] and all(wanted[:index])
        return
    assert all(wanted) and result == tuple(dict.fromkeys(wanted))


KNOWN = ("id", "name", "goal", "kind")


@pytest.mark.fuzz
@settings(max_examples=EXAMPLES)
@given(keys=st.lists(st.sampled_from(KNOWN) | st.text(max_size=8), max_size=6, unique=True),
       allowed=st.lists(st.sampled_from(KNOWN), min_size=1, max_size=4, unique=True))
def test_keys_are_refused_exactly_when_one_is_not_allowed(keys: list[str], allowed: list[str]) -> None:
    """The first key not allowed (any text) is named, quoted if odd; or all are allowed and none is named."""
    data = dict.fromkeys(keys, 1)
    unknown = [key for key in keys if key not in allowed]
    try:
        Reader(PATH).document(data, tuple(allowed), shape="must be a mapping")
    except SourceError as exc:
        assert unknown and exc.field == label(unknown[0]) and "\n" not in str(exc)
        return
    assert not unknown


@pytest.mark.fuzz
@settings(max_examples=EXAMPLES)
@given(value=VALUES | st.sampled_from([date(1, 1, 1), datetime(9999, 1, 1), 10 ** 5000, float("nan")]))
def test_show_and_label_are_short_and_one_line(value: Any) -> None:
    """Any value is shown in at most ~60 characters, on one line (never a huge repr or number)."""
    for shown in (show(value), label(value)):
        assert "\n" not in shown and "\r" not in shown
        assert len(shown) <= 10 * 60 + 3  # repr writes a character in at most 10 (\U0001f600)
