"""The case suite: company profiles and what the book implies for each, as a yardstick.

Each `tests/fixtures/cases/NN-name.yaml` is an ordinary answer file; beside it,
`NN-name.expect.yaml` says what Erokhin & Klimov, Client Base Management (2024) (and the
brief's complementary criteria) imply for that company, written from the book alone:

    book: the reasoning, citing R-numbers
    expect:
      rules:     {rule id: status, or a list of accepted statuses where the book can be
                  read two ways}
      owners:    {task id: proposed owner, or a list of accepted owners}
      support:   a support mode (or a list)
      new_roles: the exact set of roles the proposal adds that do not exist today
      no_changes: true when the proposal should change nothing structurally
      reasons:   {rule id, task id, support, new_roles or no_changes: the book's reason}

Every item under `rules` and `owners`, and each of `support`, `new_roles` and
`no_changes`, is one conclusion. `test_fidelity` counts how many hold, fails below
FIDELITY_MIN and lists the ones that do not, with the book's reason; the figure is also
printed in the terminal summary (see tests/conftest.py). Expectations are never to be
copied from the tool's output: change one only where it contradicts the book or its own
case's answers, and say so in the commit message.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML
from rules_helpers import questionnaire, rulebook

from diagnose.answers import load_answers
from diagnose.cli import cli
from diagnose.diagnosis import ROLE_IDS, TASK_IDS, Diagnosis
from diagnose.rules.evaluate import evaluate
from diagnose.rules.structure import check_consistency

CASES_DIR = Path(__file__).parent / "fixtures" / "cases"
CASES = sorted(p.name.removesuffix(".yaml") for p in CASES_DIR.glob("*.yaml") if not p.name.endswith(".expect.yaml"))

# The share of the book's conclusions the tool must reach. Not 100 %: a handful may wait
# on a deliberate, documented disagreement between a reading of the book and the tool.
FIDELITY_MIN = 0.98
MIN_CASES = 32
SUMMARY_TITLE = "case suite (tests/fixtures/cases)"

STATUSES = ("fired", "confirmed", "not_fired", "not_applicable", "undetermined", "overridden")
SUPPORT_MODES = ("inside_sales", "separate_with_controls", "hybrid", "not_needed", "undetermined")
EXPECT_KEYS = ("rules", "owners", "support", "new_roles", "no_changes", "reasons")
# Role changes that leave a role as it is today.
UNCHANGED = ("existing", "unchanged")


def expectation(case: str) -> dict[str, Any]:
    return YAML(typ="safe").load((CASES_DIR / f"{case}.expect.yaml").read_text(encoding="utf-8"))


@functools.cache
def diagnosis(case: str) -> Diagnosis:
    answers = load_answers(CASES_DIR / f"{case}.yaml", questionnaire())
    return evaluate(answers, rulebook(), None, whatif=False)


def accepted(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


# ---------------------------------------------------------------------- conclusions


@dataclass
class Conclusion:
    case: str
    key: str  # "rules.R1-assortment-owner", "owners.order_processing", "support", ...
    expected: Any
    got: Any
    holds: bool
    reason: str


def structural_changes(d: Diagnosis) -> list[str]:
    """What the proposal changes: roles added or resized, tasks moved, reporting lines
    redrawn, and the diagnosis's own list of changes (support placement among them)."""
    found = [f"role {r.id}: {r.change}" for r in d.proposed_structure if r.change not in UNCHANGED]
    found += [f"task {t.task}: {t.previous_owner} -> {t.owner}" for t in d.tasks
              if t.previous_owner is not None and t.previous_owner != t.owner]
    today = {r.id: r for r in d.current_structure}
    found += [f"{r.id} reports to {r.reports_to} (today {today[r.id].reports_to})" for r in d.proposed_structure
              if r.id in today and today[r.id].reports_to != r.reports_to]
    found += [line.get("en") or next(iter(line.values()), "") for line in d.changes]
    return found


def conclusions(case: str) -> list[Conclusion]:
    spec = expectation(case)
    expect = spec["expect"]
    reasons = expect.get("reasons") or {}
    fallback = " ".join(spec["book"].split())

    def reason(key: str) -> str:
        return reasons.get(key, fallback)

    try:
        d = diagnosis(case)
    except Exception as error:  # a crash fails every conclusion of the case, not the count
        d, failure = None, f"error: {type(error).__name__}: {error}"
    out: list[Conclusion] = []
    for rule_id, want in (expect.get("rules") or {}).items():
        finding = d.finding(rule_id) if d else None
        got = finding.status if finding else (failure if d is None else "(no finding)")
        out.append(Conclusion(case, f"rules.{rule_id}", want, got, got in accepted(want), reason(rule_id)))
    for task, want in (expect.get("owners") or {}).items():
        got = (d.owner_of(task) or "(no owner)") if d else failure
        out.append(Conclusion(case, f"owners.{task}", want, got, got in accepted(want), reason(task)))
    if "support" in expect:
        got = d.support.mode if d else failure
        out.append(Conclusion(case, "support", expect["support"], got, got in accepted(expect["support"]),
                              reason("support")))
    if "new_roles" in expect:
        got = sorted(r.id for r in d.proposed_structure if r.change == "new") if d else failure
        out.append(Conclusion(case, "new_roles", sorted(expect["new_roles"]), got,
                              got == sorted(expect["new_roles"]), reason("new_roles")))
    if "no_changes" in expect:
        changes = structural_changes(d) if d else [failure]
        got = True if not changes else changes
        out.append(Conclusion(case, "no_changes", expect["no_changes"], got, (not changes) == expect["no_changes"],
                              reason("no_changes")))
    return out


def describe(c: Conclusion) -> str:
    return f"  {c.case}  {c.key}: expected {c.expected}, got {c.got}\n      book: {c.reason}"


def test_fidelity(terminal_summary: dict[str, list[str]]) -> None:
    every = [c for case in CASES for c in conclusions(case)]
    failing = sorted((c for c in every if not c.holds), key=lambda c: (c.key, c.case))
    held = len(every) - len(failing)
    headline = f"fidelity: {held}/{len(every)} hold ({100 * held / len(every):.1f} %, {len(CASES)} cases)"
    lines = [headline] + ([f"{len(failing)} conclusions do not hold:"] if failing else []) + [describe(c) for c in failing]
    terminal_summary[SUMMARY_TITLE] = lines
    if held < FIDELITY_MIN * len(every):
        pytest.fail(f"{headline}: below {FIDELITY_MIN:.0%}; the conclusions that do not hold are listed in "
                    f"the '{SUMMARY_TITLE}' section of the summary", pytrace=False)


# ---------------------------------------------------------------------- the files themselves


def test_the_suite_is_complete() -> None:
    assert len(CASES) >= MIN_CASES
    expects = sorted(p.name.removesuffix(".expect.yaml") for p in CASES_DIR.glob("*.expect.yaml"))
    assert expects == CASES  # every answer file has its expectation and the other way round
    assert all(re.fullmatch(r"\d\d-[a-z0-9-]+", case) for case in CASES)
    languages = {load_answers(CASES_DIR / f"{case}.yaml", questionnaire()).meta["language"] for case in CASES}
    assert languages == {"ru", "en"}


@pytest.mark.parametrize("case", CASES)
def test_case_is_a_valid_answer_file(case: str) -> None:
    path = CASES_DIR / f"{case}.yaml"
    result = CliRunner().invoke(cli, ["validate", str(path)], catch_exceptions=False)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith(f"{path}: valid ")
    answers = load_answers(path, questionnaire())
    assert answers.missing_required() == []
    shown = answers.visibility()
    assert [qid for qid in answers.values if not shown[qid]] == []  # no answer the rules would ignore
    header = path.read_text(encoding="utf-8").splitlines()[:2]
    assert all(line.startswith("# ") for line in header)  # the company described at the top


@pytest.mark.parametrize("case", CASES)
def test_expectation_names_only_what_exists(case: str) -> None:
    """A typo in an id would make a conclusion vacuous, so every name must exist."""
    spec = expectation(case)
    assert set(spec) == {"book", "expect"}
    assert isinstance(spec["book"], str) and len(spec["book"].split()) >= 10
    expect = spec["expect"]
    assert set(expect) <= set(EXPECT_KEYS) and set(expect) - {"reasons"}
    for rule_id, want in (expect.get("rules") or {}).items():
        assert rulebook().rule(rule_id) is not None, rule_id
        assert accepted(want) and set(accepted(want)) <= set(STATUSES), (rule_id, want)
        assert len(set(accepted(want))) == len(accepted(want)) < len(STATUSES)
    for task, want in (expect.get("owners") or {}).items():
        assert task in TASK_IDS and task in rulebook().tasks, task
        assert accepted(want) and set(accepted(want)) <= set(ROLE_IDS), (task, want)
    if "support" in expect:
        assert accepted(expect["support"]) and set(accepted(expect["support"])) <= set(SUPPORT_MODES)
    if "new_roles" in expect:
        roles = expect["new_roles"]
        assert isinstance(roles, list) and set(roles) <= set(ROLE_IDS) and len(set(roles)) == len(roles)
    if "no_changes" in expect:
        assert isinstance(expect["no_changes"], bool)
    named = set(expect.get("rules") or {}) | set(expect.get("owners") or {}) | set(expect) - {"rules", "owners"}
    for key, text in (expect.get("reasons") or {}).items():
        assert key in named, f"a reason for {key!r}, which is not a conclusion of this case"
        assert isinstance(text, str) and text.strip()


# ---------------------------------------------------------------------- no contradictions


def _pattern(template: str) -> re.Pattern[str]:
    """A rule text with its {placeholders} as wildcards: does a rendered text come from it?"""
    return re.compile(".*?".join(re.escape(part) for part in re.split(r"\{[^{}]*\}", template)), re.S)


def _from(text: dict[str, str], template: dict[str, str]) -> bool:
    """True when `text` is `template` rendered; a template that is little more than
    placeholders would match anything, so it never counts."""
    return any(len(re.sub(r"\{[^{}]*\}", "", template.get(lang) or "").strip()) >= 12
               and _pattern(template[lang]).fullmatch(value) for lang, value in text.items())


def contradictions(d: Diagnosis) -> list[str]:
    """Rules that show their `otherwise` text and still recommend (actions, a roadmap step),
    or that fired and show the `otherwise` text."""
    problems = []
    for finding in d.findings:
        rule = rulebook().rule(finding.rule_id)
        if rule is None or not rule.otherwise or rule.otherwise == rule.summary:
            continue
        if not _from(finding.summary, rule.otherwise):
            continue
        if finding.status == "fired":
            problems.append(f"{finding.rule_id} fired but shows its 'otherwise' text")
        if finding.actions:
            problems.append(f"{finding.rule_id} shows its 'otherwise' text and lists actions")
        templates = [rule.summary, *rule.actions]
        if any(_from(step, t) for step in d.roadmap for t in templates):
            problems.append(f"{finding.rule_id} shows its 'otherwise' text and its recommendation is in the roadmap")
    return problems


@pytest.mark.parametrize("case", CASES)
def test_case_has_no_contradictions(case: str) -> None:
    d = diagnosis(case)
    assert check_consistency(d, rulebook()) == []
    assert contradictions(d) == []
