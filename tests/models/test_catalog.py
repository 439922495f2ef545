"""Templates and severities: built-ins, user additions, broken files."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.catalog import builtin_severities, builtin_templates, load_catalog
from tests.models.hostile_documents import HOSTILE_FILES

DESIGN_PHASES = ["level-setting", "timeline", "went-well", "surprises", "learnings", "actions", "wrap-up"]


def test_standard_template_has_the_seven_phases_of_the_design() -> None:
    """The built-in standard template walks the design's phases in order."""
    standard = load_catalog().templates["standard"]
    assert [p.id for p in standard.phases] == DESIGN_PHASES
    assert standard.name == "Standard incident review"


def test_every_builtin_phase_has_a_goal_a_timebox_and_three_to_six_prompts() -> None:
    """Facilitators get enough to work with, and not too much."""
    for template in load_catalog().templates.values():
        for phase in template.phases:
            assert phase.goal, (template.id, phase.id)
            assert phase.timebox_minutes > 0
            assert 3 <= len(phase.prompts) <= 6, (template.id, phase.id, len(phase.prompts))


def test_learning_focused_template_has_no_actions_phase() -> None:
    """The learning-focused review leaves actions out."""
    template = load_catalog().templates["learning-focused"]
    assert "actions" not in template.phase_ids()
    assert template.phase_ids()[0] == "level-setting"


def test_prompts_use_blameless_language() -> None:
    """No built-in prompt asks 'why' or talks of fault."""
    for template in load_catalog().templates.values():
        for phase in template.phases:
            for prompt in phase.prompts:
                lowered = prompt.lower()
                assert not lowered.startswith("why"), prompt
                for word in ("fault", "blame", "human error", "should have"):
                    assert word not in lowered, prompt


def test_builtin_severities_run_from_sev1_to_sev4_with_descriptions() -> None:
    """Severity ids and their customer-impact descriptions ship built in."""
    severities = load_catalog().severities
    assert list(severities) == ["SEV1", "SEV2", "SEV3", "SEV4"]
    assert all(s.description for s in severities.values())


def test_a_user_template_is_added(user_dirs: dict[str, Path]) -> None:
    """A valid YAML file in the config folder's templates/ becomes a template."""
    folder = user_dirs["config"] / "templates"
    folder.mkdir(parents=True)
    (folder / "short.yaml").write_text(
        "id: short\nname: Short review\nphases:\n  - id: timeline\n    name: Timeline\n    timebox: 15\n"
    )
    catalog = load_catalog(user_dirs["config"])
    assert catalog.templates["short"].phase_ids() == ("timeline",)
    assert catalog.problems == ()


def test_a_broken_user_template_is_reported_with_path_and_line(user_dirs: dict[str, Path]) -> None:
    """A bad file is skipped with its path and line; the built-ins still load."""
    folder = user_dirs["config"] / "templates"
    folder.mkdir(parents=True)
    broken = folder / "broken.yaml"
    broken.write_text("id: broken\nname: Broken\nphases:\n  - id: timeline\n    name: Timeline\n"
                      "    timebox: soon\n")
    catalog = load_catalog(user_dirs["config"])
    assert "standard" in catalog.templates and "broken" not in catalog.templates
    assert len(catalog.problems) == 1
    assert str(broken) in catalog.problems[0]
    assert "line 6" in catalog.problems[0] and "phases[0].timebox" in catalog.problems[0]


def test_a_user_template_with_invalid_yaml_is_reported(user_dirs: dict[str, Path]) -> None:
    """A YAML syntax error names the file and line."""
    folder = user_dirs["config"] / "templates"
    folder.mkdir(parents=True)
    (folder / "bad.yaml").write_text("id: bad\nphases: [\n")
    problems = load_catalog(user_dirs["config"]).problems
    assert len(problems) == 1 and "bad.yaml, line 3" in problems[0]


def test_user_severities_extend_and_override_builtins(user_dirs: dict[str, Path]) -> None:
    """severities.yaml in the config folder adds levels and replaces same-id ones."""
    user_dirs["config"].mkdir(parents=True)
    (user_dirs["config"] / "severities.yaml").write_text(
        "severities:\n  - {id: SEV0, name: Catastrophic, description: Everything is down}\n"
        "  - {id: SEV4, name: Cosmetic, description: Only we noticed}\n")
    severities = load_catalog(user_dirs["config"]).severities
    assert severities["SEV0"].name == "Catastrophic"
    assert severities["SEV4"].name == "Cosmetic"
    assert "SEV1" in severities


def test_broken_user_severities_keep_the_builtins(user_dirs: dict[str, Path]) -> None:
    """An unknown key in severities.yaml is reported with its line and ignored."""
    user_dirs["config"].mkdir(parents=True)
    (user_dirs["config"] / "severities.yaml").write_text("severities:\n  - id: SEV9\n    colour: red\n")
    catalog = load_catalog(user_dirs["config"])
    assert list(catalog.severities) == ["SEV1", "SEV2", "SEV3", "SEV4"]
    assert "line 3" in catalog.problems[0] and "severities[0].colour" in catalog.problems[0]


# ---------------------------------------------------------------- any problem: reported and skipped


def _place(path: Path, content: str | bytes | None) -> Path:
    """``content`` at ``path``: text, bytes, or (``None``) a folder of that name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    return path


@pytest.mark.parametrize("where", ["templates/bad.yaml", "severities.yaml"])
@pytest.mark.parametrize(("name", "content", "line", "says"), HOSTILE_FILES,
                         ids=[h[0] for h in HOSTILE_FILES])
def test_a_hostile_user_file_is_one_problem_and_the_builtins_load(
        user_dirs: dict[str, Path], where: str, name: str, content: str | bytes | None, line: int | None,
        says: str) -> None:
    """A bad tag, deep nesting, a huge number, other bytes, a folder: reported with path and line, skipped."""
    path = _place(user_dirs["config"] / where, content)
    catalog = load_catalog(user_dirs["config"])
    assert list(catalog.templates) == list(builtin_templates())
    assert catalog.severities == builtin_severities()
    [problem] = catalog.problems
    assert problem.startswith(f"{path}, line {line}: " if line else f"{path}: ")
    assert says in problem and "\n" not in problem


@pytest.mark.parametrize(("text", "line", "field", "says"), [
    ("id: mine\nname: 42\nphases: [{id: a, name: [x]}]\n", 3, "phases[0].name", "must be text"),
    ("id: mine\nname: Mine\nphases: [{id: a, name: A, timebox: 0x" + "f" * 5000 + "}]\n", 3,
     "phases[0].timebox", "whole number of minutes"),
    ("id: mine\nname: 0x" + "f" * 5000 + "\nphases: [{id: a, name: A}]\n", 2, "name", "must be text"),
    ('id: mine\nname: Mine\nphases: [{id: "timeline\\x01", name: A}]\n', 3, "phases[0].id", "lower-case"),
    ('id: "mine\\n"\nname: Mine\nphases: [{id: a, name: A}]\n', 1, None, None),
    ("id: mine\nname: Mine\nphases: [{id: " + "a" * 41 + ", name: A}]\n", 3, "phases[0].id",
     "is 41 characters long; at most 40 fit"),
    ("id: " + "m" * 61 + "\nname: Mine\nphases: [{id: a, name: A}]\n", 1, "id", "at most 60 fit"),
    ('id: mine\nname: Mine\nphases: [{id: a, name: A, prompts: ["ok", "a\\0b"]}]\n', 3,
     "phases[0].prompts[1]", "contains a NUL character"),
    ("id: mine\nname: Mine\nphases: {a: b}\n", 3, "phases", "non-empty list"),
    ("id: mine\nname: Mine\nphases: [a]\n", 3, "phases[0]", "must be a mapping"),
    ("id: mine\nname: Mine\nfor_meetings_only: [x]\nphases: [{id: a, name: A}]\n", 3, "for_meetings_only",
     "true or false"),
])
def test_wrong_types_anywhere_in_a_user_template(user_dirs: dict[str, Path], text: str, line: int,
                                                 field: str | None, says: str | None) -> None:
    """Every field checks its type and shape; an id is matched in full (a trailing newline is stripped)."""
    path = _place(user_dirs["config"] / "templates" / "mine.yaml", text)
    catalog = load_catalog(user_dirs["config"])
    if field is None:  # "mine\n" reads as "mine": YAML text is stripped
        assert catalog.problems == () and "mine" in catalog.templates
        return
    [problem] = catalog.problems
    assert problem.startswith(f"{path}, line {line}: {field}: ") and says in problem


@pytest.mark.parametrize(("text", "field", "says"), [
    ("severities:\n  - {id: " + "S" * 41 + ", name: Long}\n", "severities[0].id", "at most 40 fit"),
    ('severities:\n  - {id: "SEV\\x01", name: Odd}\n', "severities[0].id", "letters, digits"),
    ("severities:\n  - {id: SEV0, name: {a: b}}\n", "severities[0].name", "must be text"),
    ("severities: {SEV0: x}\n", "severities", "must be a list"),
])
def test_wrong_values_in_user_severities(user_dirs: dict[str, Path], text: str, field: str,
                                         says: str) -> None:
    """A severity id is stored with each review: its column's length, its characters, checked."""
    path = _place(user_dirs["config"] / "severities.yaml", text)
    catalog = load_catalog(user_dirs["config"])
    assert catalog.severities == builtin_severities()
    [problem] = catalog.problems
    assert problem.startswith(f"{path}, line ") and f": {field}: " in problem and says in problem


def test_an_unlistable_templates_entry_is_not_an_error(user_dirs: dict[str, Path]) -> None:
    """A file where the templates folder should be: nothing to read, the built-ins as always."""
    _place(user_dirs["config"] / "templates", "not a folder")
    catalog = load_catalog(user_dirs["config"])
    assert catalog.problems == () and list(catalog.templates) == list(builtin_templates())
