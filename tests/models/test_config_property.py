"""User config files never stop the app: any file is loaded or reported with its path, and the built-ins stay.

Hypothesis writes hostile YAML to the user's config folder (redirected by the
``user_dirs`` fixture): the built-in template, severities, prompts and
language rules, mutated (values of any type, keys deleted and added, raw
tags, huge numbers, deep nesting, lone surrogates, NUL characters, ids with
control characters), then with the text broken, or random text and bytes.
:func:`load_catalog`, :func:`load_prompt_bank` and :func:`load_language_rules`
must never raise; a file they refuse is one problem line naming it (never the
last-line "unexpected problem"), and the built-ins are all still there.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.catalog import builtin_severities, builtin_templates, load_catalog
from models.language import builtin_rules, check, load_language_rules
from models.prompts import builtin_prompt_bank, load_prompt_bank
from models.yamlsource import load_yaml_text
from tests.conftest import EXAMPLES
from tests.models.hostile_documents import broken_text, mutated, plain, render

UNEXPECTED = "unexpected problem"


def _resource(*parts: str) -> Any:
    return plain(load_yaml_text(resources.files("resources").joinpath(*parts).read_text(encoding="utf-8")))


def _prompts_base() -> Any:
    bank = _resource("prompts.yaml")
    return {"phases": dict(list(bank["phases"].items())[:2]), "cards": bank["cards"][:2]}


#: Each user file: where it goes in the config folder, a valid document to mutate, and its keys.
FILES: dict[str, tuple[str, Any, tuple[str, ...]]] = {
    "template": ("templates/mine.yaml", _resource("templates", "standard.yaml"),
                 ("id", "name", "description", "phases", "for_meetings_only", "goal", "timebox", "prompts")),
    "severities": ("severities.yaml", _resource("severities.yaml"),
                   ("severities", "id", "name", "description")),
    "prompts": ("prompts.yaml", _prompts_base(),
                ("phases", "cards", "id", "title", "kinds", "cues", "questions", "timeline", "wrap-up")),
    "language": ("language.yaml", {"rules": _resource("language.yaml")["rules"][:3]},
                 ("rules", "id", "pattern", "except", "why", "reframe", "enabled")),
}
KINDS = st.sampled_from(sorted(FILES))

BUILTIN_TEMPLATES = builtin_templates()
BUILTIN_SEVERITIES = builtin_severities()
BUILTIN_RULE_IDS = [rule.id for rule in builtin_rules()]


def _write(config: Path, kind: str, content: str | bytes) -> Path:
    """``content`` as the user's ``kind`` file, alone in the config folder (examples share the fixture)."""
    shutil.rmtree(config, ignore_errors=True)
    path = config / FILES[kind][0]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    return path


def _reported(problems: tuple[str, ...], path: Path) -> None:
    for problem in problems:
        assert str(path) in problem, problem
        assert "\n" not in problem and "\r" not in problem, problem
        assert UNEXPECTED not in problem, problem


def check_config(config: Path, path: Path) -> None:
    """Every loader on the config folder: no exception, problems name ``path``, the built-ins stay."""
    catalog = load_catalog(config)
    _reported(catalog.problems, path)
    for template_id, template in BUILTIN_TEMPLATES.items():
        assert catalog.templates[template_id] == template
    assert set(BUILTIN_SEVERITIES) <= set(catalog.severities)

    bank, problems = load_prompt_bank(config)
    _reported(problems, path)
    builtin = builtin_prompt_bank()
    if problems:
        assert bank == builtin
    for phase_id, prompts in builtin.phases.items():
        assert bank.prompts_for(phase_id)[: len(prompts)] == prompts
    assert {card.id for card in builtin.cards} <= {card.id for card in bank.cards}

    rules = load_language_rules(config)
    _reported(rules.problems, path)
    if rules.problems:
        assert [rule.id for rule in rules.rules] == BUILTIN_RULE_IDS
    # Every rule loaded also runs, with participants' names for {person}.
    check("The engineer should have known; Kim's human error", rules.rules, people=("Kim", "Responder A"))


@pytest.mark.fuzz
@settings(max_examples=EXAMPLES)
@given(data=st.data(), kind=KINDS)
def test_a_mutated_user_file_is_loaded_or_reported(data: st.DataObject, kind: str,
                                                   user_dirs: dict[str, Path]) -> None:
    """A built-in document with values replaced, deleted or added: loaded, or one problem naming it."""
    _name, base, keys = FILES[kind]
    doc = data.draw(mutated(base, keys, most=3))
    path = _write(user_dirs["config"], kind, render(doc, "yaml", ascii_only=data.draw(st.booleans())))
    check_config(user_dirs["config"], path)


@pytest.mark.fuzz
@settings(max_examples=EXAMPLES)
@given(data=st.data(), kind=KINDS)
def test_a_near_miss_user_file_is_loaded_or_reported(data: st.DataObject, kind: str,
                                                     user_dirs: dict[str, Path]) -> None:
    """Values almost right (ids with control characters or too long, NUL, long phrases): many still load."""
    _name, base, keys = FILES[kind]
    doc = data.draw(mutated(base, keys, most=2, gentle=True))
    check_config(user_dirs["config"], _write(user_dirs["config"], kind, render(doc, "yaml")))


@pytest.mark.fuzz
@settings(max_examples=EXAMPLES)
@given(data=st.data(), kind=KINDS)
def test_a_broken_user_file_is_reported(data: st.DataObject, kind: str, user_dirs: dict[str, Path]) -> None:
    """The text itself broken after a mutation: loaded if still valid, else one problem naming it."""
    _name, base, keys = FILES[kind]
    text = data.draw(broken_text(render(data.draw(mutated(base, keys, most=2)), "yaml")))
    check_config(user_dirs["config"], _write(user_dirs["config"], kind, text))


@pytest.mark.fuzz
@settings(max_examples=EXAMPLES)
@given(content=st.one_of(st.binary(max_size=300), st.text(max_size=300)), kind=KINDS)
def test_random_text_or_bytes_as_a_user_file(content: str | bytes, kind: str,
                                             user_dirs: dict[str, Path]) -> None:
    """Whatever is in the file, the loaders go on with the built-ins."""
    check_config(user_dirs["config"], _write(user_dirs["config"], kind, content))
