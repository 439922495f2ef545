"""Templates and severities: built-ins, user additions, broken files."""

from __future__ import annotations

from pathlib import Path

from models.catalog import load_catalog

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
