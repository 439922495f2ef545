"""The blameless language coach's rules and check: every shipped rule, the pattern language, user files."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.language import PHRASE_LIMIT, Rule, builtin_rules, check, load_language_rules, parse_rules
from models.yamlsource import SourceError, load_yaml_text
from tests.models.hostile_documents import HOSTILE_FILES

PEOPLE = ("Responder A", "Bob Smith")

#: For each shipped rule id: texts it must flag, and near misses that nothing may flag.
EXAMPLES: dict[str, tuple[list[str], list[str]]] = {
    "human-error": (
        ["The outage was put down to human error", "Classic human-error, nothing more", "operator error"],
        ["A human noticed the error page first", "Errors went up for humans and bots alike"],
    ),
    "should-have": (
        ["He should have rolled back sooner", "They should've paged the database team",
         "We shouldn't have deployed on a Friday", "If only Bob had checked the canary"],
        ["Should we roll back first next time?", "We should have a runbook for this",
         "We shouldn't have to restart it by hand"],
    ),
    "careless": (
        ["That was a careless change", "Carelessness in the review", "The flag was set carelessly"],
        ["She carefully rolled back the change", "Nobody cared less about latency than errors"],
    ),
    "why-didnt": (
        ["Why didn't anyone check the canary?", "Why did you restart the primary?",
         "why didnt he page someone"],
        ["Why didn't the alert fire?", "Why did the cache expire so early?"],
    ),
    "failed-to": (
        ["The on-call failed to escalate", "Bob failed to see the drift",
         "The graph showed it but we failed to notice", "Someone failed to double-check the diff"],
        ["The job failed to start after the push", "Failover to the second region worked",
         "The API failed to respond", "The replica failed to read its config"],
    ),
    "obviously": (
        ["Obviously the config was wrong", "The logs clearly showed the timeout",
         "It was obvious from the graph"],
        ["The logs were clear about the timeout", "We cleared the cache at 09:40"],
    ),
    "just-had-to": (
        ["He simply restarted the pod", "All they had to do was roll back",
         "You just had to read the runbook"],
        ["We had just deployed the fix", "Just in time, traffic recovered", "A simple retry loop"],
    ),
    "root-cause-person": (
        ["The root cause was Bob", "root cause is the on-call engineer",
         "Root cause: someone pushed the config", "Responder A was the root cause"],
        ["The root cause was a race in the config loader", "The root cause is still unclear"],
    ),
    "blame": (
        ["Ops blamed the network", "We need to stop blaming the vendor", "Who is to blame?"],
        ["This is a blameless review", "A blame-free culture helps"],
    ),
    "fault": (
        ["It was Bob's fault", "The deploy team was at fault", "Whose fault was it?"],
        ["Fault injection tests passed", "The fault-tolerant path held", "A page fault storm on the host"],
    ),
    "negligent": (
        ["That was negligent", "A reckless deploy on a Friday", "gross negligence"],
        ["The impact was negligible", "Recovery was quick"],
    ),
    "mistake-by": (
        ["It was a mistake by the on-call", "Bob made a mistake with the flag", "Responder A's mistake"],
        ["A mistake in the config template", "Mistakes happen in every rollout"],
    ),
    "should-know-better": (
        ["A senior engineer should know better", "He should have known better than to skip staging"],
        ["We should know more by Friday", "Knowing the system better helped"],
    ),
    "lack-of-attention": (
        ["A lack of attention during the rollout", "He wasn't paying attention", "The team got complacent"],
        ["A lack of alerting hid the errors", "The alert got plenty of attention"],
    ),
    "didnt-bother": (
        ["He didn't bother to check staging", "They did not bother with the canary"],
        ["Nobody wanted to bother the vendor at night"],
    ),
    "judgement": (
        ["A stupid mistake", "Incompetent handling of the page", "a rookie mistake"],
        ["The dumb pipe between the regions held", "A mistake in the template"],
    ),
}

RULES = builtin_rules()


def _rule(*patterns: str, exceptions: tuple[str, ...] = (), rule_id: str = "test") -> Rule:
    return Rule(rule_id, patterns, "Why it matters.", "A better question?", exceptions=exceptions)


def _write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "language.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_shipped_rule_has_examples() -> None:
    """The example table covers exactly the rules in resources/language.yaml."""
    assert set(EXAMPLES) == {rule.id for rule in RULES}


@pytest.mark.parametrize(("rule_id", "text"),
                         [(rule_id, text) for rule_id, (flagged, _) in EXAMPLES.items() for text in flagged])
def test_rule_flags_its_positive_example(rule_id: str, text: str) -> None:
    """Each rule flags the phrases it is written for."""
    assert rule_id in {flag.rule_id for flag in check(text, RULES, people=PEOPLE)}


@pytest.mark.parametrize(("rule_id", "text"),
                         [(rule_id, text) for rule_id, (_, clean) in EXAMPLES.items() for text in clean])
def test_rule_leaves_its_near_miss_alone(rule_id: str, text: str) -> None:
    """A near miss of a rule's phrases is flagged by no rule at all."""
    assert check(text, RULES, people=PEOPLE) == []


def test_every_builtin_rule_says_why_and_offers_a_question() -> None:
    """Each shipped rule explains itself and reframes as a question to the room."""
    for rule in RULES:
        assert rule.why and rule.reframe.endswith("?"), rule.id


def test_flag_carries_position_text_why_and_reframe() -> None:
    """A flag points at the matched words and brings the rule's why and reframe."""
    text = "Honestly he should have rolled back"
    [flag] = check(text, [_rule("should have")])
    assert (flag.rule_id, flag.matched_text) == ("test", "should have")
    assert text[flag.start:flag.end] == "should have"
    assert (flag.why, flag.reframe) == ("Why it matters.", "A better question?")


def test_flags_come_in_order_of_position() -> None:
    """Flags from different rules are sorted by where they start."""
    text = "Clearly it was human error and he should have known"
    flags = check(text, RULES)
    assert [f.rule_id for f in flags] == ["obviously", "human-error", "should-have"]
    assert [f.start for f in flags] == sorted(f.start for f in flags)


def test_matching_ignores_case_and_keeps_the_typed_spelling() -> None:
    """SHOULD HAVE is flagged, and the flag shows the words as typed."""
    [flag] = check("He SHOULD Have known", [_rule("should have")])
    assert flag.matched_text == "SHOULD Have"


@pytest.mark.parametrize("text", ["careful", "uncare", "care-free", "carer", "scare"])
def test_a_pattern_never_matches_inside_a_longer_word(text: str) -> None:
    """Whole words only: 'care' does not flag words that contain it (a hyphen joins words)."""
    assert check(text, [_rule("care")]) == []


@pytest.mark.parametrize("text", ["care", "Care.", "(care)", "“care”", "they care, we care"])
def test_a_pattern_matches_the_whole_word_beside_punctuation(text: str) -> None:
    """Punctuation and quotes around a word do not hide it."""
    assert check(text, [_rule("care")]) != []


@pytest.mark.parametrize("text", ["human error", "human   error", "human-error", "Human\terror",
                                  "human\nerror"])
def test_words_may_be_joined_by_any_spaces_or_hyphens(text: str) -> None:
    """Between words, spaces and hyphens are interchangeable."""
    assert [f.matched_text for f in check(text, [_rule("human error")])] == [text]


@pytest.mark.parametrize("text", ["didn't bother", "didn’t bother", "didnt bother"])
def test_an_apostrophe_matches_a_curly_one_or_none(text: str) -> None:
    """Typed, typographic or dropped apostrophes all match."""
    assert len(check(text, [_rule("didn't bother")])) == 1


def test_a_flag_inside_a_longer_flag_is_dropped() -> None:
    """'should have known better' is one flag, not also 'should have'."""
    flags = check("He should have known better", RULES)
    assert [(f.rule_id, f.matched_text) for f in flags] == [
        ("should-know-better", "should have known better")]


def test_an_except_phrase_makes_a_match_fine() -> None:
    """'should have a runbook' is a need, 'should have alerted' a judgement."""
    rule = _rule("should have", exceptions=("should have a",))
    assert check("We should have a runbook", [rule]) == []
    assert len(check("We should have alerted", [rule])) == 1


def test_every_occurrence_is_flagged() -> None:
    """The same phrase twice gives two flags."""
    assert [f.start for f in check("blame here, blame there", [_rule("blame")])] == [0, 12]


def test_person_placeholder_matches_a_participant_only_when_given() -> None:
    """'{person}' matches the review's participants, full or first name."""
    rule = _rule("root cause was {person}")
    assert check("The root cause was Priya", [rule]) == []
    people = ("Priya Natarajan",)
    assert [f.matched_text for f in check("The root cause was Priya", [rule], people=people)] == [
        "root cause was Priya"]
    assert [f.matched_text for f in check("root cause was priya natarajan", [rule], people=people)] == [
        "root cause was priya natarajan"]


@pytest.mark.parametrize("who", ["he", "she", "they", "someone", "the engineer", "the on-call", "ops"])
def test_person_placeholder_matches_people_words(who: str) -> None:
    """'{person}' matches pronouns and words for people without any participants."""
    assert len(check(f"The root cause was {who}", [_rule("root cause was {person}")])) == 1


def test_person_placeholder_leaves_things_alone() -> None:
    """'{person}' does not match a system or a word that merely starts like a pronoun."""
    rule = _rule("root cause was {person}")
    for text in ("The root cause was the cache", "root cause was hellish load", "root cause was theirs"):
        assert check(text, [rule]) == [], text


def test_participant_names_are_matched_literally() -> None:
    """Regex characters in a name are plain text."""
    rule = _rule("{person} failed to")
    assert check("KKK failed to", [rule], people=("K+",)) == []
    assert len(check("K+ failed to", [rule], people=("K+",))) == 1


def test_empty_text_has_no_flags() -> None:
    """Nothing typed, nothing flagged."""
    assert check("", RULES, people=PEOPLE) == []


def test_an_unknown_placeholder_is_reported_with_its_line() -> None:
    """Only {person} is a placeholder; a typo names the line."""
    text = "rules:\n  - id: x\n    pattern:\n      - root cause was {persn}\n    why: W\n    reframe: R?\n"
    with pytest.raises(SourceError) as raised:
        parse_rules(load_yaml_text(text, path="language.yaml"), path="language.yaml")
    assert "line 4" in str(raised.value) and "{persn}" in str(raised.value)


def test_a_user_rule_is_added(user_dirs: dict[str, Path]) -> None:
    """A new id in the user's language.yaml joins the built-ins."""
    _write(user_dirs["config"], "rules:\n  - id: hero\n    pattern: [saved the day]\n"
                                "    why: Heroics hide the system.\n    reframe: What made it possible?\n")
    loaded = load_language_rules(user_dirs["config"])
    assert loaded.problems == ()
    assert [r.id for r in loaded.rules] == [r.id for r in RULES] + ["hero"]
    assert [f.rule_id for f in check("Bob saved the day", loaded.rules)] == ["hero"]


def test_a_user_rule_replaces_a_builtin_by_id(user_dirs: dict[str, Path]) -> None:
    """The same id in the user's file wins, in the built-in's place."""
    _write(user_dirs["config"], "rules:\n  - id: blame\n    pattern: [finger pointing]\n"
                                "    why: Ours.\n    reframe: Ours?\n")
    loaded = load_language_rules(user_dirs["config"])
    assert [r.id for r in loaded.rules] == [r.id for r in RULES]
    assert check("They blamed the network", loaded.rules) == []
    assert [f.reframe for f in check("finger-pointing again", loaded.rules)] == ["Ours?"]


def test_a_user_file_can_switch_a_builtin_rule_off(user_dirs: dict[str, Path]) -> None:
    """'enabled: false' with just an id removes a built-in rule."""
    _write(user_dirs["config"], "rules:\n  - id: obviously\n    enabled: false\n")
    loaded = load_language_rules(user_dirs["config"])
    assert "obviously" not in {r.id for r in loaded.rules}
    assert check("Obviously wrong", loaded.rules) == []


def test_a_broken_user_file_is_reported_with_path_and_line(user_dirs: dict[str, Path]) -> None:
    """A rule without a reframe skips the file, names path, line and field; built-ins still load."""
    path = _write(user_dirs["config"], "rules:\n  - id: hero\n    pattern: [saved the day]\n"
                                       "    why: Heroics hide the system.\n")
    loaded = load_language_rules(user_dirs["config"])
    assert [r.id for r in loaded.rules] == [r.id for r in RULES]
    [problem] = loaded.problems
    assert str(path) in problem and "line 2" in problem and "rules[0].reframe" in problem


def test_a_user_file_with_invalid_yaml_is_reported_with_its_line(user_dirs: dict[str, Path]) -> None:
    """A YAML syntax error names the file and the line."""
    path = _write(user_dirs["config"], "rules:\n  - id: hero\n    pattern: [saved the day\n    why: x\n")
    [problem] = load_language_rules(user_dirs["config"]).problems
    assert str(path) in problem and "line" in problem


def test_an_unknown_key_in_a_user_rule_is_reported(user_dirs: dict[str, Path]) -> None:
    """A misspelt key names its line instead of being ignored."""
    _write(user_dirs["config"], "rules:\n  - id: hero\n    patern: [saved the day]\n"
                                "    why: W\n    reframe: R?\n")
    [problem] = load_language_rules(user_dirs["config"]).problems
    assert "line 3" in problem and "rules[0].patern" in problem


def test_no_user_file_means_the_builtins_without_problems(user_dirs: dict[str, Path]) -> None:
    """With nothing in the config folder, the shipped rules load cleanly."""
    loaded = load_language_rules(user_dirs["config"])
    assert [r.id for r in loaded.rules] == [r.id for r in RULES] and loaded.problems == ()


# ---------------------------------------------------------------- any problem: reported and skipped


@pytest.mark.parametrize(("name", "content", "line", "says"), HOSTILE_FILES,
                         ids=[h[0] for h in HOSTILE_FILES])
def test_a_hostile_user_language_file_is_one_problem(user_dirs: dict[str, Path], name: str,
                                                     content: str | bytes | None, line: int | None,
                                                     says: str) -> None:
    """A bad tag, deep nesting, a huge number, other bytes, a folder: the built-in rules and one problem."""
    path = user_dirs["config"] / "language.yaml"
    user_dirs["config"].mkdir(parents=True)
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    loaded = load_language_rules(user_dirs["config"])
    assert [r.id for r in loaded.rules] == [r.id for r in RULES]
    [problem] = loaded.problems
    assert problem.startswith(f"{path}, line {line}: " if line else f"{path}: ")
    assert says in problem and "\n" not in problem


_RULE = "rules:\n  - id: hero\n    pattern: {pattern}\n    why: W\n    reframe: R?\n"


@pytest.mark.parametrize(("text", "line", "field", "says"), [
    (_RULE.format(pattern="a" * 1500), 3, "rules[0].pattern", f"a phrase has at most {PHRASE_LIMIT}"),
    (_RULE.format(pattern="[" + ", ".join(["x" * 99 + " y"] * 3) + "]"), 3, "rules[0].pattern[0]", "at most"),
    (_RULE.format(pattern="{a: b}"), 3, "rules[0].pattern", "a phrase with at least one letter"),
    (_RULE.format(pattern="0x" + "f" * 5000), 3, "rules[0].pattern", "a phrase"),
    (_RULE.replace("id: hero", 'id: "he\\nro"').format(pattern="saved it"), 2, "rules[0].id", "lower-case"),
    (_RULE.replace("why: W", "why: [W]").format(pattern="saved it"), 4, "rules[0].why", "must be text"),
    (_RULE.replace("reframe: R?", "enabled: maybe\n    reframe: R?").format(pattern="x"), 5,
     "rules[0].enabled", "true or false"),
])
def test_wrong_values_anywhere_in_a_user_rule(user_dirs: dict[str, Path], text: str, line: int, field: str,
                                              says: str) -> None:
    """A page-long phrase (it would exhaust the stack when compiled), an id with a newline, wrong types."""
    path = _write(user_dirs["config"], text)
    loaded = load_language_rules(user_dirs["config"])
    assert [r.id for r in loaded.rules] == [r.id for r in RULES]
    [problem] = loaded.problems
    assert problem.startswith(f"{path}, line {line}: {field}: ") and says in problem


def test_a_rule_id_is_stripped_like_every_text(user_dirs: dict[str, Path]) -> None:
    """'hero\\n' reads as 'hero', as a template's id does; the id is then matched in full."""
    _write(user_dirs["config"], _RULE.replace("id: hero", 'id: "hero\\n"').format(pattern="saved it"))
    loaded = load_language_rules(user_dirs["config"])
    assert loaded.problems == () and loaded.rule("hero") is not None


def test_a_phrase_as_long_as_the_limit_works(user_dirs: dict[str, Path]) -> None:
    """PHRASE_LIMIT characters are still a phrase: compiled and matched."""
    phrase = ("saved the day " * 10)[:PHRASE_LIMIT].strip()
    _write(user_dirs["config"], _RULE.format(pattern=phrase))
    loaded = load_language_rules(user_dirs["config"])
    assert loaded.problems == ()
    assert [f.rule_id for f in check(f"He {phrase}.", loaded.rules)] == ["hero"]


def test_every_built_in_rule_compiles_and_warm_compiles_them_all() -> None:
    """The built-ins are not compiled while the app starts (0.3 s); warm() compiles each, and each can."""
    from importlib import resources

    from models.language import LanguageRules, parse_rules
    from models.yamlsource import load_yaml_text

    text = resources.files("resources").joinpath("language.yaml").read_text(encoding="utf-8")
    rules = LanguageRules(tuple(parse_rules(load_yaml_text(text), builtin=True)))
    assert all(not rule._compiled for rule in rules.rules)
    rules.warm()
    assert all(rule._compiled for rule in rules.rules if rule.enabled and rule.patterns)
