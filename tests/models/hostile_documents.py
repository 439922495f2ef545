"""Hypothesis strategies for hostile YAML and JSON documents: a valid document, mutated.

*Structured* mutations replace, delete or add values anywhere in a document
(random types, text, numbers, nested lists and mappings, the keys of the
format, values that are almost right). *Raw tokens* are text no serializer
writes (YAML tags, 5,000-digit numbers, nesting 1,000 deep, lone surrogates,
NaN): a value is a placeholder that :func:`render` swaps for the token after
dumping. *Text* mutations then break the file itself (a line dropped, doubled
or shifted, characters spliced in).

Shared by the bundle and the user-config property tests.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import yaml
from hypothesis import strategies as st

#: (YAML text, JSON text) of each raw token; each stands where a value would.
RAW_TOKENS: tuple[tuple[str, str], ...] = (
    ("!!int x", '"x"'),
    ("!!float x", "1.5"),
    ("!!bool maybe", "true"),
    ("!!int 0x", "0"),
    ("0b_", "-0"),
    ("0x_", "0.0"),
    ("._", '"._"'),
    ("!!python/object:os.system x", "null"),
    ("!!python/name:os.system ''", "null"),
    ("!!binary xx", '"xx"'),
    ("!!binary aGVsbG8=", '"hello"'),
    ("!!map x", "{}"),
    ("!!seq x", "[]"),
    ("!!str [x]", '["x"]'),
    ("!!set {a, b}", '{"a": null}'),
    ("!!omap [a]", '["a"]'),
    ("!!pairs [{a: 1}]", '[{"a": 1}]'),
    ("!!timestamp x", '"x"'),
    ("!!null [x]", "[null]"),
    ("!<tag:yaml.org,2002:int> 1_0", "10"),
    ("!local x", '"x"'),
    ("*nowhere", "[}"),
    ("&loop [*loop]", "[[[]]]"),
    ("{<<: 3}", '{"<<": 3}'),
    ("{<<: [x]}", '{"<<": ["x"]}'),
    ('"\\ud800"', '"\\ud800"'),
    ('"x\\udc00y"', '"x\\udc00y"'),
    ('"\\ud83d\\ude00"', '"\\ud83d\\ude00"'),
    ('"a\\0b"', '"a\\u0000b"'),
    ('"\\x01\\x7f\\u0085"', '"\\u0001\\u007f\\u0085"'),
    ("9" * 5000, "9" * 5000),
    ("-" + "9" * 4301, "-" + "9" * 4301),
    ("0x" + "f" * 5000, "1e400"),
    ("0o" + "7" * 5000, "-1e400"),
    ("1" + ":59" * 3000, "1" + "0" * 4300),
    ("1e99999", "1E99999"),
    (".nan", "NaN"),
    ("-.inf", "-Infinity"),
    (".inf", "Infinity"),
    ("[" * 1000 + "]" * 1000, "[" * 1000 + "]" * 1000),
    ("{a: " * 200 + "b" + "}" * 200, '{"a": ' * 200 + "1" + "}" * 200),
    ("[" * 63 + "]" * 63, "[" * 63 + "]" * 63),
    ("[" * 65 + "]" * 65, "[" * 65 + "]" * 65),
    ("0999-03-02T09:14:00Z", '"0999-03-02T09:14:00Z"'),
    ("0001-01-01T00:00:00Z", '"0001-01-01T00:00:00Z"'),
    ("0001-01-01T00:00:00+01:00", '"0001-01-01T00:00:00+01:00"'),
    ("9999-12-31T23:59:59-23:00", '"9999-12-31T23:59:59-23:00"'),
    ("9999-12-31T23:59:59.999999Z", '"9999-12-31T23:59:59.999999Z"'),
    ("2026-03-02 09:14:00", '"2026-03-02 09:14:00"'),
    ("2026-03-02", '"2026-03-02"'),
    ("0001-01-01", '"0001-01-01"'),
    ("2026-02-30", '"2026-02-30"'),
)

#: Text that is almost right somewhere in a bundle or config file.
NEAR_MISSES: tuple[str, ...] = (
    "", " ", "x", "0", "-1", "1.0", "true", "null", "~",
    "2026-03-02T09:14:00Z", "2026-03-02T09:14:00+01:00", "2026-03-02T09:14:00", "2026-03-02",
    "1900-01-01T00:00:00Z", "1899-12-31T23:59:59Z", "2200-12-31T23:59:59Z", "2201-01-01T00:00:00Z",
    "0999-03-02T09:14:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-03-02T25:00:00Z",
    "UTC", "Europe/Berlin", "America/New_York", "Pacific/Kiritimati", "Etc/GMT+12", "Mars/Olympus",
    "Europe/", "../etc/passwd", "Europe", "posixrules",
    "SEV1", "SEV4", "SEV9", "standard", "learning-focused", "actions-meeting", "retro",
    "incident", "near-miss", "draft", "reviewed", "observation", "surprise", "parking-lot",
    "level-setting", "timeline", "actions", "wrap-up", "timeline\x01", "time line", "Timeline",
    "technical", "process", "low", "high", "done", "review", "facilitator", "note-taker",
    "Responder A", "Kim", "Noor", "Sam Facilitator", "Nobody",
    "a\x00b", "\x00", "\x01\x02", "\t", "\u2028", "\ufeff", "\U0001f600", "\u202e", "e\u0301",
    "x" * 40, "x" * 41, "x" * 60, "x" * 61, "x" * 64, "x" * 65, "x" * 80, "x" * 81,
    "x" * 100, "x" * 101, "x" * 200, "x" * 201, "x" * 300, "x" * 301, "y" * 5000,
    "{person}", "{people}", "should have", "(", "[", "\\", "*", "&a", "!!int", "<<",
    "__raw_", "lower-case", "UPPER", "a b", "-a", "a-",
)


def placeholder(index: int) -> str:
    return f"__raw_{index}__"


def raw_values() -> st.SearchStrategy[str]:
    """A placeholder for one raw token (see :func:`render`)."""
    return st.integers(0, len(RAW_TOKENS) - 1).map(placeholder)


def scalars() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(), st.booleans(),
        st.integers(), st.integers(min_value=-(2**80), max_value=2**80),
        st.floats(), st.text(max_size=30), st.sampled_from(NEAR_MISSES), raw_values(),
    )


def values(keys: tuple[str, ...]) -> st.SearchStrategy[Any]:
    """Any value: a scalar, or small lists and mappings of them (mapping keys: the format's or any)."""
    key = st.one_of(st.sampled_from(keys), st.text(max_size=12)) if keys else st.text(max_size=12)
    return st.recursive(
        scalars(),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(key, inner, max_size=3),
        max_leaves=6,
    )


def _containers(doc: Any) -> list[Any]:
    """Every list and mapping in ``doc``, the document itself last (iteratively: no recursion).

    Last, because ``sampled_from`` favours its first choices and the
    interesting mutations are deep in the document.
    """
    found: list[Any] = []
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict | list):
            found.append(node)
            stack.extend(node.values() if isinstance(node, dict) else node)
    return found[::-1]


@st.composite
def mutated(draw: st.DrawFn, base: Any, keys: tuple[str, ...], most: int = 4, *,
            gentle: bool = False) -> Any:
    """``base`` (plain dicts and lists) with one to ``most`` values replaced, deleted or added.

    ``gentle`` only replaces values, with text: more of those documents are
    still valid, so they reach what comes after validation.
    """
    doc = copy.deepcopy(base)
    # Often text: most fields are text, and a value that is almost right gets
    # further into the checks (and into the library) than a random type.
    text = st.one_of(st.sampled_from(NEAR_MISSES), st.text(max_size=30))
    anything = text if gentle else st.one_of(text, values(keys))
    actions = ("replace", "delete", "add", "copy", "replace")
    for _ in range(draw(st.integers(1, most))):
        if gentle:  # a scalar in place of a scalar
            slots = [(node, key) for node in _containers(doc)
                     for key in (node if isinstance(node, dict) else range(len(node)))
                     if not isinstance(node[key], dict | list)]
            node, key = draw(st.sampled_from(slots))
            node[key] = draw(anything)
            continue
        node = draw(st.sampled_from(_containers(doc)))
        action = draw(st.sampled_from(actions))
        if isinstance(node, dict):
            if action == "add" or not node:
                node[draw(st.one_of(st.sampled_from(keys), st.text(max_size=12)))] = draw(anything)
                continue
            key = draw(st.sampled_from(sorted(node, key=str)))
            if action == "delete":
                del node[key]
            elif action == "copy":
                node[draw(st.sampled_from(keys))] = copy.deepcopy(node[key])
            else:
                node[key] = draw(anything)
        else:
            if action == "add" or not node:
                node.insert(draw(st.integers(0, len(node))), draw(anything))
                continue
            index = draw(st.integers(0, len(node) - 1))
            if action == "delete":
                del node[index]
            elif action == "copy":
                node.append(copy.deepcopy(node[index]))
            else:
                node[index] = draw(anything)
    return doc


def render(doc: Any, fmt: str, *, ascii_only: bool = False) -> str:
    """``doc`` as YAML or JSON text, each placeholder swapped for its raw token."""
    if fmt == "json":
        text = json.dumps(doc, indent=1, ensure_ascii=ascii_only)
    else:
        text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=not ascii_only, width=200)
    if "__raw_" not in text:
        return text
    for index, (yaml_text, json_text) in enumerate(RAW_TOKENS):
        token = placeholder(index)
        text = text.replace(f'"{token}"', json_text) if fmt == "json" else text.replace(token, yaml_text)
    return text


@st.composite
def broken_text(draw: st.DrawFn, text: str) -> str:
    """``text`` as is, or with a line dropped, doubled or shifted, or characters spliced in."""
    lines = text.splitlines(keepends=True)
    edit = draw(st.sampled_from(("none", "none", "drop", "double", "indent", "dedent", "splice")))
    if edit == "none" or not lines:
        return text
    index = draw(st.integers(0, len(lines) - 1))
    if edit == "drop":
        del lines[index]
    elif edit == "double":
        lines.insert(index, lines[index])
    elif edit == "indent":
        lines[index] = "  " + lines[index]
    elif edit == "dedent":
        lines[index] = lines[index][2:] if lines[index].startswith("  ") else lines[index]
    else:
        at = draw(st.integers(0, len(lines[index])))
        piece = draw(st.one_of(st.text(max_size=8), st.sampled_from(
            (":", "- ", "[", "{", "}", "]", "&a ", "*a", "!!int ", "? ", "|", ">", "#", "'", '"', "\t",
             "\\", "%YAML 1.1\n", "---\n", "...\n", "\x00", "\x01", "\ufeff", "<<: "))))
        lines[index] = lines[index][:at] + piece + lines[index][at:]
    return "".join(lines)


def plain(doc: Any) -> Any:
    """A loaded document (LineDict, LineList) as plain dicts and lists."""
    return json.loads(json.dumps(doc))


#: Whole files that once stopped every command and the window when they were a user's
#: config file (or that must never): (id, content, line or None, what the problem says).
#: ``None`` content is a folder where the file should be.
HOSTILE_FILES: tuple[tuple[str, str | bytes | None, int | None, str], ...] = (
    ("python-tag", "severities: !!python/object:os.system x\n", 1, "could not determine a constructor"),
    ("python-name", "!!python/name:os.system\n", 1, "could not determine a constructor"),
    ("int-tag", "a: 1\nb: !!int x\n", 2, "'x' is not a valid int value"),
    ("float-tag", "a: !!float x\n", 1, "'x' is not a valid float value"),
    ("plain-0b", "a: [0b_]\n", 1, "'0b_' is not a valid int value"),
    ("map-tag", "!!map x\n", 1, "a map tag needs a mapping"),
    ("deep", "a: " + "[" * 1000 + "]" * 1000 + "\n", 1, "nested deeper than 64 levels"),
    ("huge-int", "a: " + "9" * 5000 + "\n", 1, "is not a valid int value"),
    ("huge-key", "? 0x" + "f" * 5000 + "\n: a\n", 1, "a key must be text"),
    ("recursive", "a: &a [*a]\n", 1, "recursive"),
    ("surrogate", 'a: "\\ud800"\n', 1, "lone surrogate"),
    ("control", "a: \x01\n", 1, "the character U+0001 is not allowed"),
    ("latin-1", "name: Café\n".encode("latin-1"), None, "not UTF-8 text"),
    ("folder", None, None, "is a folder, not a file"),
)
