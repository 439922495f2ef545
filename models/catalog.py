"""Meeting templates and severity definitions: built-ins plus the user's own.

Built-ins ship as YAML in ``resources/``; a user adds more in their config
folder (``templates/*.yaml`` and ``severities.yaml``). A broken user file is
reported with its path and line and skipped, so the app always starts with
at least the built-ins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from models.yamlsource import LineDict, LineList, SourceError, load_yaml_file, load_yaml_text

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_SEVERITY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


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
    if not isinstance(value, str | int | float):
        raise SourceError("must be text", path=path, line=mapping.line_of(key), field=f"{where}{key}")
    return str(value).strip()


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
    template_id = _text(data, "id", path, "")
    if not _ID.match(template_id):
        raise SourceError("must be lower-case letters, digits and dashes", path=path,
                          line=data.line_of("id"), field="id")
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
        phase_id = _text(item, "id", path, where)
        if not _ID.match(phase_id):
            raise SourceError("must be lower-case letters, digits and dashes", path=path,
                              line=item.line_of("id"), field=f"{where}id")
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
        severity_id = _text(item, "id", path, where)
        if not _SEVERITY_ID.match(severity_id):
            raise SourceError("must be letters, digits, dashes or underscores", path=path,
                              line=item.line_of("id"), field=f"{where}id")
        result.append(Severity(severity_id, _text(item, "name", path, where),
                               _text(item, "description", path, where, required=False)))
    return result


def _builtin_text(*parts: str) -> str:
    return resources.files("resources").joinpath(*parts).read_text(encoding="utf-8")


def builtin_templates() -> dict[str, Template]:
    """The templates that ship with Debrief, by id."""
    folder = resources.files("resources").joinpath("templates")
    found: dict[str, Template] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            name = f"resources/templates/{entry.name}"
            template = parse_template(load_yaml_text(entry.read_text(encoding="utf-8"), path=name),
                                      path=name, builtin=True)
            found[template.id] = template
    return found


def builtin_severities() -> dict[str, Severity]:
    data = load_yaml_text(_builtin_text("severities.yaml"), path="resources/severities.yaml")
    return {s.id: s for s in parse_severities(data, path="resources/severities.yaml")}


def load_catalog(config_folder: Path | None = None) -> Catalog:
    """Built-in templates and severities, overlaid with valid user files."""
    templates = builtin_templates()
    severities = builtin_severities()
    problems: list[str] = []
    if config_folder is not None:
        for path in sorted((config_folder / "templates").glob("*.y*ml")):
            try:
                template = parse_template(load_yaml_file(path), path=str(path))
            except SourceError as exc:
                problems.append(str(exc))
                continue
            if template.id in templates and templates[template.id].builtin:
                problems.append(f"{path}: id {template.id!r} is a built-in template; rename it to add yours")
                continue
            templates[template.id] = template
        user_severities = config_folder / "severities.yaml"
        if user_severities.exists():
            try:
                for severity in parse_severities(load_yaml_file(user_severities), path=str(user_severities)):
                    severities[severity.id] = severity
            except SourceError as exc:
                problems.append(str(exc))
    return Catalog(templates=templates, severities=severities, problems=tuple(problems))
