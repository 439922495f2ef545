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
from models.fields import Reader, show
from models.limits import column_limit
from models.yamlsource import load_user_file, load_yaml_text

_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
_SEVERITY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_ID_RULE = "lower-case letters, digits and dashes"


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


TEMPLATE_KEYS = ("id", "name", "description", "for_meetings_only", "phases")
PHASE_KEYS = ("id", "name", "goal", "timebox", "prompts")
SEVERITY_KEYS = ("id", "name", "description")


def parse_template(data: Any, *, path: str | None = None, builtin: bool = False) -> Template:
    """Validate one template document."""
    doc = Reader(path).document(data, TEMPLATE_KEYS,
                                shape="a template must be a mapping with id, name and phases")
    meetings_only = doc.flag("for_meetings_only")
    template_id = doc.identifier("id", _ID, noun="a template id", rule=_ID_RULE, limit=TEMPLATE_ID_LIMIT)
    phases: list[Phase] = []
    for m in doc.mappings("phases", PHASE_KEYS, required=True, non_empty=True,
                          shape="must be a mapping with id and name"):
        phase_id = m.identifier("id", _ID, noun="a phase id", rule=_ID_RULE, limit=PHASE_ID_LIMIT)
        if any(p.id == phase_id for p in phases):
            m.fail("id", f"phase {show(phase_id)} appears twice")
        phases.append(Phase(
            id=phase_id,
            name=m.text("name", required=True),
            goal=m.text("goal"),
            timebox_minutes=m.whole_number("timebox", 10, low=1, high=600,
                                           problem="must be a whole number of minutes from 1 to 600"),
            prompts=m.texts("prompts", shape="must be a list of questions"),  # an asked one is recorded
        ))
    return Template(
        id=template_id,
        name=doc.text("name", required=True),
        description=doc.text("description"),
        phases=tuple(phases),
        builtin=builtin,
        for_meetings_only=meetings_only,
    )


def parse_severities(data: Any, *, path: str | None = None) -> list[Severity]:
    """Validate a severities document (``severities: [{id, name, description}]``)."""
    doc = Reader(path).document(data, ("severities",), shape="must be a mapping with a 'severities' list")
    result: list[Severity] = []
    for m in doc.mappings("severities", SEVERITY_KEYS, required=True,
                          shape="must be a mapping with id and name"):
        severity_id = m.identifier("id", _SEVERITY_ID, noun="a severity id", limit=SEVERITY_ID_LIMIT,
                                   rule="letters, digits, dashes or underscores")
        result.append(Severity(severity_id, m.text("name", required=True), m.text("description")))
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
