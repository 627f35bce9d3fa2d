"""The rulebook's domain sections (sizing, key decisions, support placement): checked
when the rulebook loads, with exact located messages, and evaluated as declared."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from diagnose.cli import cli
from diagnose.rules.evaluate import evaluate
from diagnose.rules.rulebook import load_rulebook
from tests.rules_helpers import answers_with, questionnaire

DOMAIN = Path(__file__).parent / "fixtures" / "rules" / "domain"
TASKS = ("new_client_acquisition, assortment_expansion, client_relationship, order_processing, "
         "order_fulfilment_control, solution_design")
FORMULA_NAMES = "write {name} of an answer, a computed value, a parameter, an indicator or an earlier line"

CASES = {
    "sizing-unknown-name": "76:14: sizing.lines[0].value: unknown name 'orders_per_mont' in condition "
                           "'orders_per_mont * minutes_per_order / 60' (did you mean 'orders_per_month'?)",
    "sizing-unknown-text": "75:14: sizing.lines[0].title: unknown text id 'sizing_order_hours' (did you mean "
                           "'sizing_orders_hours'?); expected a key of diagnose/locale/rules.yaml",
    "sizing-formula-name": "77:16: sizing.lines[0].formula: unknown name '{order_per_month}' in formula "
                           f"(did you mean 'orders_per_month'?); {FORMULA_NAMES}",
    "sizing-step": "71:9: sizing.step: unknown parameter 'fte_stp' (did you mean 'fte_step'?); "
                   "expected one of: fte_step, high_load",
    "sizing-round-up": "81:17: sizing.lines[1].round_up: unknown sizing line 'order_hour' (did you mean "
                       "'order_hours'?); expected one of: order_hours",
    "decision-task": "68:68: key_decisions[0].task: unknown task id 'order_procesing' (did you mean "
                     f"'order_processing'?); expected one of: {TASKS}",
    "placement-mode": "63:5: support_placement.needs.inside_sale: unknown support mode 'inside_sale' (did you mean "
                      "'inside_sales'?); expected one of: inside_sales, separate_with_controls, hybrid, not_needed, "
                      "undetermined",
    "placement-fallback": "66:8: support_placement.today[1].when: the last clause has no 'when': it says what to "
                          "write when none holds",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_domain_mistake_is_one_located_message(name: str) -> None:
    path = DOMAIN / f"{name}.rules.yaml"
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr == f"{path}:{CASES[name]}\n"


def test_declared_sizing_lines_are_computed_with_their_formula() -> None:
    rulebook = load_rulebook(DOMAIN / "valid.rules.yaml", questionnaire())
    answers = answers_with(orders_per_month=400, minutes_per_order=12)
    diagnosis = evaluate(answers, rulebook, whatif=False)
    assert [(line.role, line.formula, line.result) for line in diagnosis.sizing] == [
        ("operations", "400 × 12 ÷ 60 = 80", 80),
        ("operations", "⌈80 ÷ 0.5⌉ × 0.5 = 80", 80),
    ]
    assert diagnosis.sizing[1].title["en"] == "Proposed headcount (rounded up to 0.5)"


def test_a_line_whose_input_is_unknown_is_left_out_with_the_lines_that_read_it() -> None:
    rulebook = load_rulebook(DOMAIN / "valid.rules.yaml", questionnaire())
    answers = answers_with(orders_per_month=None, minutes_per_order=12)
    assert evaluate(answers, rulebook, whatif=False).sizing == []


def test_the_what_if_explores_the_declared_key_decisions() -> None:
    rulebook = load_rulebook(DOMAIN / "valid.rules.yaml", questionnaire())
    diagnosis = evaluate(answers_with(), rulebook)
    assert [flip.decision for flip in diagnosis.what_would_change] == ["operations_split", "support_placement"]
