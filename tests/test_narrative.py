"""The summary's narrative: the rulebook's `narrative` section, checked when it loads,
and chosen for each company by what its diagnosis found.

What each company should read was written from the book and the case files before the
tool ran: a small team with a simple product is told a conveyor is too early, a company
already organised as the book advises is told nothing needs to change, a large team
without its stages is offered the conveyor.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from click.testing import CliRunner
from rules_helpers import questionnaire

from diagnose.answers import load_answers
from diagnose.cli import cli
from diagnose.diagnosis import Diagnosis
from diagnose.rules.evaluate import evaluate

NARRATIVE = Path(__file__).parent / "fixtures" / "rules" / "narrative"
CASES = Path(__file__).parent / "fixtures" / "cases"
ALL_CASES = sorted(p for p in CASES.glob("*.yaml") if not p.name.endswith(".expect.yaml"))

ALREADY_RIGHT = "Sales are already organised the way the book advises — the structure needs no change."
TOO_EARLY = "For a team of this size a conveyor of roles is too early"
CONVEYOR = "We propose to run sales as a conveyor"
NO_SUPPORT = "The product is simple enough that sales needs no specialist support."
OPERATIONS = "Operations staff in the sales department take order processing off the account managers."
HUNTERS = "Hunters take over winning new clients"
HYBRID = "Sales gets a technical specialist of its own, while the specialist department keeps its own work."

LOAD_ERRORS = {
    "unknown-rule": "58:22: narrative.headline[0].when.rules.R3-separate-operation: unknown rule id "
                    "'R3-separate-operation' (did you mean 'R3-separate-operations'?); expected a rule of this rulebook",
    "unknown-status": "58:54: narrative.lead[0].when.rules.R3-separate-operations: unknown rule status 'done'; "
                      "expected one of: fired, confirmed, not_fired, not_applicable, undetermined, overridden",
    "unknown-mode": "58:23: narrative.lead[0].when.support: unknown support mode 'inside_sale' (did you mean "
                    "'inside_sales'?); expected one of: inside_sales, separate_with_controls, hybrid, not_needed, "
                    "undetermined",
    "unknown-role": "58:26: narrative.lead[0].when.new_roles[0]: unknown role id 'hunters' (did you mean 'hunter'?); "
                    "expected one of: head_of_commercial, head_of_sales, hunter, account_manager, "
                    "senior_account_manager, operations, sales_support_specialist, specialist_department",
    "last-headline-when": "58:7: narrative.headline[0].when: the last headline has no 'when': it is what a company "
                          "reads when no other holds",
    "placeholder": "59:18: narrative.lead[0].text.ru: a narrative text takes no {placeholders}: its condition chose "
                   "it, so it says in words what holds",
    "not-a-flag": "58:23: narrative.lead[0].when.changes: expected true or false, got 'yes'",
    "unknown-key": "58:14: narrative.lead[0].when.change: unknown key 'change' (did you mean 'changes'?); expected "
                   "one of: rules, any_rules, new_roles, roles, without_roles, support, changes, fired, "
                   "undetermined, confirmed",
}


@pytest.mark.parametrize("name", sorted(LOAD_ERRORS))
def test_a_narrative_mistake_is_one_located_message(name: str) -> None:
    path = NARRATIVE / f"{name}.rules.yaml"
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr == f"{path}:{LOAD_ERRORS[name]}\n"


@functools.cache
def diagnosis(name: str) -> Diagnosis:
    path = next(p for p in ALL_CASES if p.stem == name)
    return evaluate(load_answers(path, questionnaire()))


def headline(name: str) -> str:
    return diagnosis(name).narrative.headline["en"]


def lead(name: str) -> list[str]:
    return [sentence["en"] for sentence in diagnosis(name).narrative.lead]


def test_a_company_organised_as_the_book_advises_is_told_so() -> None:
    assert headline("01-aligned-equipment-distributor") == ALREADY_RIGHT


def test_a_small_team_with_a_simple_product_is_told_a_conveyor_is_too_early() -> None:
    assert headline("34-team-4-simple").startswith(TOO_EARLY)
    assert NO_SUPPORT in lead("34-team-4-simple")
    assert not any(CONVEYOR in s for s in [headline("34-team-4-simple"), *lead("34-team-4-simple")])


def test_the_books_chemical_leader_is_offered_the_conveyor_with_operations() -> None:
    # 40 account managers and their hunters, every order on the AMs: the book's own example
    assert headline("06-book-chemical-leader").startswith(CONVEYOR)
    assert OPERATIONS in lead("06-book-chemical-leader")
    assert NO_SUPPORT not in lead("06-book-chemical-leader")


def test_complex_logistics_reads_operations_and_the_hybrid_but_not_new_hunters() -> None:
    # it has three hunters already: the conveyor needs operations and support of its own
    sentences = lead("05-book-complex-logistics")
    assert OPERATIONS in sentences and HYBRID in sentences
    assert not any(s.startswith(HUNTERS) for s in sentences)


@pytest.mark.parametrize("path", ALL_CASES, ids=lambda p: p.stem)
def test_no_sentence_claims_what_the_findings_do_not_support(path: Path) -> None:
    d = diagnosis(path.stem)
    status = {f.rule_id: f.status for f in d.findings}
    book = [f.status for f in d.findings if f.source == "book"]
    new_roles = {r.id for r in d.proposed_structure if r.change == "new"}
    words = [d.narrative.headline["en"], *(s["en"] for s in d.narrative.lead)]
    assert words[0], "every company reads a headline"
    if words[0] == ALREADY_RIGHT:
        assert not d.changes and "fired" not in book and "undetermined" not in book
    if words[0].startswith(CONVEYOR):
        assert status["R10-conveyor-order"] == "fired"
        assert status["C2-team-size-conveyor"] not in ("fired", "confirmed")
    if words[0].startswith(TOO_EARLY):
        assert status["C2-team-size-conveyor"] in ("fired", "confirmed")
    assert (NO_SUPPORT in words) == (d.support.mode == "not_needed")
    assert (OPERATIONS in words) == ("operations" in new_roles)
    assert any(s.startswith(HUNTERS) for s in words) == ("hunter" in new_roles)


def test_the_russian_narrative_is_russian() -> None:
    d = diagnosis("34-team-4-simple")
    assert d.narrative.headline["ru"].startswith("Для команды такого размера конвейер ролей вводить рано")
    assert "Продукт достаточно прост — поддержка специалистов продажам не нужна." in [s["ru"] for s in d.narrative.lead]


def test_the_summary_page_prints_the_headline_and_lead(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = CliRunner().invoke(cli, ["report", str(CASES / "34-team-4-simple.yaml"), "--lang", "en",
                                      "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert f'<p class="headline">{TOO_EARLY}' in html
    assert f'<p class="lead">{NO_SUPPORT}</p>' in html
    assert "We propose to run sales as a conveyor: each stage has its own role" not in html
