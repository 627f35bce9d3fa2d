"""`diagnose validate` lints rulebooks: exact messages with file, line, column, key path."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from diagnose.cli import cli
from diagnose.errors import UserError
from diagnose.resources import rulebook_path
from diagnose.rules.format import DEFAULT_CITATION
from diagnose.rules.rulebook import load_rulebook

LINT = Path(__file__).parent / "fixtures" / "rules" / "lint"
ROLES = ("head_of_commercial, head_of_sales, hunter, account_manager, senior_account_manager, operations, "
         "sales_support_specialist, specialist_department")
TASKS = ("new_client_acquisition, assortment_expansion, client_relationship, order_processing, "
         "order_fulfilment_control, solution_design")

CASES = {
    "unknown-name": "49:11: rules[0].when.all[1]: unknown name 'am_operation_share' in condition "
                    "'am_operation_share >= high_load' (did you mean 'am_operations_share'?)",
    "unknown-role": f"52:42: rules[0].then.assign[0].role: unknown role id 'operation' (did you mean 'operations'?); "
                    f"expected one of: {ROLES}",
    "unknown-task": f"52:18: rules[0].then.assign[0].task: unknown task id 'order_procesing' (did you mean "
                    f"'order_processing'?); expected one of: {TASKS}",
    "out-of-range": "49:11: rules[0].when.all[1]: rule 'R3-separate-operations' can never fire: "
                    "\"am_operations_share_estimate > 120\" can never be true: 'am_operations_share_estimate' "
                    "is a percent from 0 to 100",
    "contradiction": "50:11: rules[0].when.all[2]: rule 'R3-separate-operations' can never fire: "
                     "\"product_complexity == 'simple'\" and \"product_complexity == 'high'\" cannot both be true",
    "constant-false": "49:11: rules[0].when.all[1]: rule 'R3-separate-operations' can never fire: "
                      "\"high_load > 100\" is false whatever the answers (with the parameters' default values)",
    "equal-priority": "65:11: rules[1].then.assign[0]: rule 'C1-secondary-function-split' decides task "
                      "'order_processing' (account_manager) and rule 'R3-separate-operations' decides it "
                      "differently (operations) with the same priority 60; give one of them a higher priority",
    "unknown-rule-ref": "49:19: rules[0].when.all[1].fired: unknown rule 'R5-share-of-wallet'",
    "unknown-name-in-assignment": "52:60: rules[0].then.assign[0].when: unknown name 'am_operation_share' in "
                                  "condition 'am_operation_share >= high_load' (did you mean 'am_operations_share'?)",
    "bad-syntax": "49:11: rules[0].when.all[1]: cannot parse condition 'load >=': unexpected 'end of condition'",
    "missing-priority": "42:5: rules[0]: a rule that assigns tasks or places support needs a 'priority' "
                        "(a whole number; higher wins a conflict)",
    "rule-cycle": "56:5: rules[1]: rules depend on each other's outcome in a cycle: "
                  "R4-time-study -> R5-share-of-wallet-symptom -> R4-time-study",
    "bad-citation": "7:11: citation: expected text, or a text in each language (ru: ..., en: ...), got number 2024",
    "bare-condition": "46:11: rules[0].when: expected 'all: [...]' or 'any: [...]' (a list of small conditions, "
                      "so that each one is traced)",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_lint_message(name: str) -> None:
    path = LINT / f"{name}.rules.yaml"
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr == f"{path}:{CASES[name]}\n"


def test_load_rulebook_raises_the_same_problems() -> None:
    with pytest.raises(UserError) as caught:
        load_rulebook(LINT / "unknown-name.rules.yaml")
    assert [p.location.path for p in caught.value.problems] == ["rules[0].when.all[1]"]


def test_citations_and_sources_read_as_one_string_or_per_language() -> None:
    minimal = load_rulebook(LINT / "minimal.rules.yaml")
    assert minimal.citation == DEFAULT_CITATION  # no citation: the book, in each language
    assert minimal.parameters["high_load"].source == {"ru": "test", "en": "test"}  # the older plain string
    rulebook = load_rulebook(LINT / "citations.rules.yaml")
    assert rulebook.citation == {"ru": "Old Book (1999)", "en": "Old Book (1999)"}
    assert rulebook.rules[0].citation == {"ru": "Книга, глава 3", "en": "Book, chapter 3"}


def test_minimal_and_bundled_rulebooks_are_valid() -> None:
    for path in (LINT / "minimal.rules.yaml", rulebook_path()):
        result = CliRunner().invoke(cli, ["validate", str(path)])
        assert (result.exit_code, result.stdout) == (0, f"{path}: valid rulebook\n")


def test_bundled_rulebook_has_every_rule_of_the_brief() -> None:
    rulebook = load_rulebook(rulebook_path())
    ids = sorted((r.index, r.id) for r in rulebook.rules)
    assert [i for _, i in ids] == [
        "R1-assortment-owner", "R2-temperament-fit", "R3-separate-operations", "R4-time-study",
        "R5-share-of-wallet-symptom", "R6-specialist-support", "R7-support-inside-sales", "R8-support-controls",
        "R9-hybrid-support", "R10-conveyor-order", "C1-secondary-function-split", "C2-team-size-conveyor",
        "C3-selling-time-share", "C4-hunter-farmer-split", "C5-am-sizing",
    ]
    assert {r.source for r in rulebook.rules if r.id.startswith("C")} == {"complementary"}
    assert {r.source for r in rulebook.rules if r.id.startswith("R")} == {"book"}
    # every rule explains itself in both languages, and says what to find out
    for rule in rulebook.rules:
        for text in (rule.title, rule.summary, rule.rationale):
            assert set(text) == {"ru", "en"}, rule.id
        assert rule.to_find_out, rule.id
    for parameter in rulebook.parameters.values():
        assert parameter.source and set(parameter.explanation) == {"ru", "en"}


def test_the_bundled_rulebook_reads_every_question_it_asks() -> None:
    result = CliRunner().invoke(cli, ["validate", str(rulebook_path())])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""


def test_validate_warns_about_questions_no_rule_reads() -> None:
    path = LINT / "minimal.rules.yaml"
    result = CliRunner().invoke(cli, ["validate", str(path)])
    # a warning, not an error: the rulebook is valid and the exit code says so
    assert result.exit_code == 0
    assert result.stdout == f"{path}: valid rulebook\n"
    warning = result.stderr.strip().splitlines()[-1]
    assert warning.startswith(f"{path}: warning: no rule, indicator or today's-structure test reads these questions: "
                              "product_complexity, managers_trainable, sales_cycle_months, ")
    # questions marked `context: true` frame the report and are not listed; questions the
    # rulebook reads (the time-study hours through a computed value) are not either
    assert "company_stage" not in warning and "am_hours_orders" not in warning
    assert warning.endswith("(give each a reader, mark it 'context: true' in the questionnaire, or remove it)")


def test_validate_warns_about_missing_domain_sections() -> None:
    # a rulebook written before sizing, key decisions and the support placement were
    # rulebook sections still loads; validate says what it goes without
    path = LINT / "minimal.rules.yaml"
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0
    assert result.stderr.splitlines()[:3] == [
        f"{path}: warning: no 'sizing' section: no headcount sizing is shown",
        f"{path}: warning: no 'key_decisions' section: no 'what would change it' is searched for",
        f"{path}: warning: no 'support_placement' section: today's support placement is not read from the answers "
        "and no support role is required",
    ]
