"""Meeting templates and severity definitions: built-ins plus the user's own.

Built-ins ship as YAML in ``resources/``; a user adds more in their config
folder (``templates/*.yaml`` and ``severities.yaml``). A broken user file is
reported with its path and line and skipped, so the app always starts with
at least the built-ins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from models.entities import Meeting, Note, Review
from models.limits import column_limit, text_problem
from models.yamlsource import LineDict, LineList, SourceError, load_user_file, load_yaml_text, scalar_text

_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
_SEVERITY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


def _shortest(*limits: int | None) -> int:
    return min(n for n in limits if n is not None)


# Ids are stored with what is recorded (a review's template and severity, a
# note's phase), so each is at most as long as the shortest column it lands in.
TEMPLATE_ID_LIMIT = _shortest(column_limit(Review, "template"), column_limit(Meeting, "template"))
PHASE_ID_LIMIT = _shortest(column_limit(Note, "phase"))
SEVERITY_ID_LIMIT = _shortest(column_limit(Review, "severity"))


@dataclass(frozen=True)
class Phase:
    """One phase of a meeting template."""

    id: str
    name: str
    goal: str
    timebox_minutes: int
    prompts: tuple[str, ...]


@dataclass(frozen=True)
class Template:
    """A meeting template: phases in the order the room walks them."""

    id: str
    name: str
    description: str
    phases: tuple[Phase, ...]
    builtin: bool = True
    #: Only for a later meeting of a review (an actions meeting), never offered for a new review.
    for_meetings_only: bool = False

    def phase(self, phase_id: str) -> Phase | None:
        return next((p for p in self.phases if p.id == phase_id), None)

    def phase_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.phases)


@dataclass(frozen=True)
class Severity:
    """A severity level from the organisation's definitions."""

    id: str
    name: str
    description: str


@dataclass(frozen=True)
class Catalog:
    """Everything loaded, plus the problems found in user files."""

    templates: dict[str, Template]
    severities: dict[str, Severity]
    problems: tuple[str, ...] = field(default=())

    def template(self, template_id: str) -> Template | None:
        return self.templates.get(template_id)

    def template_or_default(self, template_id: str) -> Template:
        return self.templates.get(template_id) or self.templates["standard"]

    def review_templates(self) -> dict[str, Template]:
        """The templates a new review may use (those only for later meetings left out)."""
        return {k: t for k, t in self.templates.items() if not t.for_meetings_only}

    def severity(self, severity_id: str | None) -> Severity | None:
        return self.severities.get(severity_id) if severity_id else None


def _require(mapping: Any, key: str, path: str | None, where: str) -> Any:
    if not isinstance(mapping, dict) or key not in mapping or mapping[key] in (None, ""):
        line = mapping.line if isinstance(mapping, LineDict) else None
        raise SourceError("is required", path=path, line=line, field=f"{where}{key}")
    return mapping[key]


def _text(mapping: LineDict, key: str, path: str | None, where: str, *, required: bool = True) -> str:
    value = _require(mapping, key, path, where) if required else mapping.get(key, "")
    if value is None:
        return ""
    text = scalar_text(value)
    if text is None:
        raise SourceError("must be text", path=path, line=mapping.line_of(key), field=f"{where}{key}")
    return _clean(text.strip(), path, mapping.line_of(key), f"{where}{key}")


def _clean(text: str, path: str | None, line: int | None, field: str) -> str:
    """``text`` unless it holds a NUL character, which no library could store once it is recorded."""
    problem = text_problem(text)
    if problem is not None:
        raise SourceError(problem, path=path, line=line, field=field)
    return text


def _identifier(mapping: LineDict, key: str, path: str | None, where: str, pattern: re.Pattern[str],
                limit: int, what: str) -> str:
    """A required id: ``pattern`` in full and at most ``limit`` characters."""
    value = _text(mapping, key, path, where)
    if not pattern.fullmatch(value):
        raise SourceError(f"must be {what}", path=path, line=mapping.line_of(key), field=f"{where}{key}")
    if len(value) > limit:
        raise SourceError(f"is {len(value)} characters long; at most {limit} fit", path=path,
                          line=mapping.line_of(key), field=f"{where}{key}")
    return value


_ID_TEXT = "lower-case letters, digits and dashes"


def _line(items: Any, index: int) -> int | None:
    return items.line_of(index) if isinstance(items, LineList) else None


def _check_keys(mapping: LineDict, allowed: set[str], path: str | None, where: str) -> None:
    for key in mapping:
        if key not in allowed:
            raise SourceError(
                f"unknown key (expected one of: {', '.join(sorted(allowed))})",
                path=path, line=mapping.line_of(key), field=f"{where}{key}",
            )


def parse_template(data: Any, *, path: str | None = None, builtin: bool = False) -> Template:
    """Validate one template document."""
    if not isinstance(data, LineDict):
        raise SourceError("a template must be a mapping with id, name and phases", path=path, line=1)
    _check_keys(data, {"id", "name", "description", "phases", "for_meetings_only"}, path, "")
    meetings_only = data.get("for_meetings_only", False)
    if not isinstance(meetings_only, bool):
        raise SourceError("must be true or false", path=path, line=data.line_of("for_meetings_only"),
                          field="for_meetings_only")
    template_id = _identifier(data, "id", path, "", _ID, TEMPLATE_ID_LIMIT, _ID_TEXT)
    phases_data = _require(data, "phases", path, "")
    if not isinstance(phases_data, LineList) or not phases_data:
        raise SourceError("must be a non-empty list", path=path, line=data.line_of("phases"), field="phases")
    phases: list[Phase] = []
    for index, item in enumerate(phases_data):
        where = f"phases[{index}]."
        if not isinstance(item, LineDict):
            raise SourceError("must be a mapping", path=path, line=phases_data.line_of(index),
                              field=f"phases[{index}]")
        _check_keys(item, {"id", "name", "goal", "timebox", "prompts"}, path, where)
        phase_id = _identifier(item, "id", path, where, _ID, PHASE_ID_LIMIT, _ID_TEXT)
        if any(p.id == phase_id for p in phases):
            raise SourceError(f"phase {phase_id!r} appears twice", path=path, line=item.line_of("id"),
                              field=f"{where}id")
        timebox = item.get("timebox", 10)
        if not isinstance(timebox, int) or isinstance(timebox, bool) or not 1 <= timebox <= 600:
            raise SourceError("must be a whole number of minutes from 1 to 600", path=path,
                              line=item.line_of("timebox"), field=f"{where}timebox")
        prompts = item.get("prompts") or []
        if not isinstance(prompts, list) or not all(isinstance(p, str) for p in prompts):
            raise SourceError("must be a list of questions", path=path, line=item.line_of("prompts"),
                              field=f"{where}prompts")
        for number, prompt in enumerate(prompts):  # an asked prompt is recorded with the meeting
            _clean(prompt, path, _line(prompts, number), f"{where}prompts[{number}]")
        phases.append(Phase(
            id=phase_id,
            name=_text(item, "name", path, where),
            goal=_text(item, "goal", path, where, required=False),
            timebox_minutes=timebox,
            prompts=tuple(p.strip() for p in prompts),
        ))
    return Template(
        id=template_id,
        name=_text(data, "name", path, ""),
        description=_text(data, "description", path, "", required=False),
        phases=tuple(phases),
        builtin=builtin,
        for_meetings_only=meetings_only,
    )


def parse_severities(data: Any, *, path: str | None = None) -> list[Severity]:
    """Validate a severities document (``severities: [{id, name, description}]``)."""
    if not isinstance(data, LineDict):
        raise SourceError("must be a mapping with a 'severities' list", path=path, line=1)
    _check_keys(data, {"severities"}, path, "")
    items = _require(data, "severities", path, "")
    if not isinstance(items, LineList):
        raise SourceError("must be a list", path=path, line=data.line_of("severities"), field="severities")
    result: list[Severity] = []
    for index, item in enumerate(items):
        where = f"severities[{index}]."
        if not isinstance(item, LineDict):
            raise SourceError("must be a mapping", path=path, line=items.line_of(index),
                              field=f"severities[{index}]")
        _check_keys(item, {"id", "name", "description"}, path, where)
        severity_id = _identifier(item, "id", path, where, _SEVERITY_ID, SEVERITY_ID_LIMIT,
                                  "letters, digits, dashes or underscores")
        result.append(Severity(severity_id, _text(item, "name", path, where),
                               _text(item, "description", path, where, required=False)))
    return result


def _builtin_text(*parts: str) -> str:
    return resources.files("resources").joinpath(*parts).read_text(encoding="utf-8")


def builtin_templates() -> dict[str, Template]:
    """The templates that ship with Debrief, by id (a fresh dict: the caller may add to it)."""
    return dict(_builtin_templates())


@cache
def _builtin_templates() -> tuple[tuple[str, Template], ...]:
    # Parsed once: read-only data, and every load_catalog starts from it.
    folder = resources.files("resources").joinpath("templates")
    found: dict[str, Template] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            name = f"resources/templates/{entry.name}"
            template = parse_template(load_yaml_text(entry.read_text(encoding="utf-8"), path=name),
                                      path=name, builtin=True)
            found[template.id] = template
    return tuple(found.items())


def builtin_severities() -> dict[str, Severity]:
    """The severity definitions that ship with Debrief, by id (a fresh dict)."""
    return dict(_builtin_severities())


@cache
def _builtin_severities() -> tuple[tuple[str, Severity], ...]:
    data = load_yaml_text(_builtin_text("severities.yaml"), path="resources/severities.yaml")
    return tuple((s.id, s) for s in parse_severities(data, path="resources/severities.yaml"))


def load_catalog(config_folder: Path | None = None) -> Catalog:
    """Built-in templates and severities, overlaid with valid user files.

    Never raises for a user file: each broken one is a line in
    :attr:`Catalog.problems` (its path, line and field) and is skipped.
    """
    templates = builtin_templates()
    severities = builtin_severities()
    problems: list[str] = []
    if config_folder is not None:
        for path in _user_templates(config_folder, problems):
            template = load_user_file(path, lambda data, name: parse_template(data, path=name))
            if isinstance(template, str):
                problems.append(template)
            elif template.id in templates and templates[template.id].builtin:
                problems.append(f"{path}: id {template.id!r} is a built-in template; rename it to add yours")
            else:
                templates[template.id] = template
        user_severities = config_folder / "severities.yaml"
        if user_severities.exists():
            found = load_user_file(user_severities, lambda data, name: parse_severities(data, path=name))
            if isinstance(found, str):
                problems.append(found)
            else:
                severities.update((severity.id, severity) for severity in found)
    return Catalog(templates=templates, severities=severities, problems=tuple(problems))


def _user_templates(config_folder: Path, problems: list[str]) -> list[Path]:
    """The user's template files, in name order (a folder that cannot be listed is a problem)."""
    folder = config_folder / "templates"
    try:
        return sorted(folder.glob("*.y*ml"))
    except OSError as exc:
        problems.append(f"{folder}: cannot list the folder: {exc.strerror or exc}")
        return []
