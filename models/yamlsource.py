"""YAML loading that remembers where each value came from.

Mappings load as :class:`LineDict`, which records the 1-based line of each
key, so that a validator can say "bundle.yaml, line 12: review.started_at …"
instead of only naming the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

try:  # the C loader is several times faster where libyaml is present
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - depends on the wheel
    _BaseLoader = yaml.SafeLoader


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


class _LineLoader(yaml.SafeLoader):
    """Pure-Python safe loader (the C one cannot report node positions to constructors)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_timestamp_as_text(loader: _LineLoader, node: yaml.ScalarNode) -> str:
    # Timestamps stay text so validators parse them strictly (YAML would
    # silently turn a time without an offset into a naive datetime).
    return str(loader.construct_scalar(node))


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
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
    """Parse YAML text with line tracking; syntax errors become :class:`SourceError`."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise SourceError(f"not valid YAML: {exc.problem or exc.context}", path=path, line=line) from exc
    except yaml.YAMLError as exc:
        raise SourceError(f"not valid YAML: {exc}", path=path) from exc


def load_yaml_file(path: Path) -> Any:
    """Read and parse a YAML file; unreadable or undecodable files become :class:`SourceError`."""
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise SourceError(f"cannot read the file: {exc.strerror or exc}", path=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise SourceError(f"not UTF-8 text (byte {exc.start})", path=str(path)) from exc
    return load_yaml_text(text, path=str(path))


def fast_load(text: str) -> Any:
    """Parse trusted YAML (our own resources) with the C loader when available."""
    return yaml.load(text, Loader=_BaseLoader)  # noqa: S506 - a SafeLoader
