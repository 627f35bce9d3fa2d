"""The what-if search's shortcuts give exactly what a plain evaluation gives.

Memoised expressions answer from memory only for the very same values (types included);
a rulebook with memoised expressions decides like the original for every answer the
search tries; questions no decision reads are the only ones left out; an answer the
ripple check calls harmless decides like the current one in a full evaluation.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from rules_helpers import answers_with, questionnaire, rulebook

from diagnose.answers import AnswerSet, load_answers
from diagnose.expressions import NameInfo, Undetermined, compile_expression
from diagnose.resources import examples_dir
from diagnose.rules.evaluate import key_decisions, run
from diagnose.rules.memo import MemoExpression, Memoised, memoised, reads
from diagnose.rules.ripple import Ripple
from diagnose.rules.whatif import _influencing, _thresholds

EXAMPLES = ("complex-logistics", "chemical-raw-materials", "small-distributor", "engineering-equipment")


def test_memo_tells_equal_values_of_different_types_apart() -> None:
    expression = MemoExpression(compile_expression("x + 0 == 1", {"x": NameInfo("number")}))
    assert expression.evaluate({"x": 1}) is True
    assert expression.evaluate({"x": 2}) is False
    assert expression.evaluate({"x": 1.0}) is True
    # True == 1 in Python, but the evaluator does no arithmetic on a yes/no value (it is
    # undetermined): a memo keyed by value alone would answer True from x = 1 instead
    assert expression.evaluate({"x": True}) == Undetermined(frozenset({("x + 0", "not_a_number")}))


def test_memo_keys_lists_by_content_and_order() -> None:
    names = {"m": NameInfo("multi", ("a", "b", "c"))}
    expression = MemoExpression(compile_expression("'a' in m and count(m) > 1", names))
    assert expression.evaluate({"m": ["a"]}) is False
    assert expression.evaluate({"m": ["a", "b"]}) is True
    assert expression.evaluate({"m": ["b", "a"]}) is True
    assert expression.evaluate({"m": ["b", "c"]}) is False


def test_reads_names_every_name_in_the_tree() -> None:
    names = {"a": NameInfo("number"), "b": NameInfo("number"), "c": NameInfo("number")}
    assert set(reads(compile_expression("a > 1 and (b + c) / 2 > a", names))) >= {"a", "b", "c"}


def test_only_expressions_dearer_than_a_look_up_are_memoised() -> None:
    memo = Memoised(rulebook())
    sources = [expression.source for expression in memo.expressions]
    kept = [i.expr.source for i in memo.rulebook.indicators if not isinstance(i.expr, MemoExpression)]
    assert "am_selling_share" in kept and "headcount_account_managers > 0" not in sources
    assert any(source.startswith("((am_hours_orders + am_hours_internal) / am_hours_total * 100) if ")
               for source in sources)


def _outcome_facts(outcome):  # -> tuple
    return (outcome.decisions(), outcome.held, outcome.status, outcome.owner, dict(outcome.today_roles),
            outcome.support_mode, [str(c) for c in outcome.conflicts])


@pytest.mark.parametrize("name", EXAMPLES)
def test_memoised_rulebook_decides_like_the_original(name: str) -> None:
    answers = load_answers(examples_dir() / f"{name}.yaml", questionnaire())
    book = rulebook()
    fast = memoised(book)
    assert fast is not book and fast.questionnaire is not book.questionnaire
    params = {pid: p.default for pid, p in book.parameters.items()}
    tried = 0
    for question in answers.questionnaire.iter_questions():
        if question.type in ("single", "yesno", "multi"):
            options = [[c] if question.type == "multi" else c for c in question.choice_ids]
        elif question.type == "text":
            continue
        else:
            options = [0, 1, 2.5, 10, 100, 1000]
        for value in options:
            values = dict(answers.values)
            values[question.id] = value
            plain = run(book, AnswerSet(book.questionnaire, answers.meta, values).environment(), params)
            quick = run(fast, AnswerSet(fast.questionnaire, answers.meta, values).environment(), params)
            assert _outcome_facts(quick) == _outcome_facts(plain), (question.id, value)
            tried += 1
    assert tried > 100


def test_questions_left_out_of_the_search_change_no_decision() -> None:
    book = rulebook()
    influencing = _influencing(book, book.questionnaire)
    left_out = [q for q in book.questionnaire.iter_questions() if q.id not in influencing]
    base = answers_with()
    params = {pid: p.default for pid, p in book.parameters.items()}
    before = run(book, base.environment(), params).decisions()
    for question in left_out:
        if question.type in ("number", "percent", "scale"):
            options: list = [0, 7, 1000]
        elif question.type == "multi":
            options = [[c] for c in question.choice_ids]
        else:
            options = list(question.choice_ids) or ["some text"]
        for value in options:
            values = dict(base.values)
            values[question.id] = value
            trial = AnswerSet(base.questionnaire, base.meta, values)
            assert run(book, trial.environment(), params).decisions() == before, question.id


def _single_changes(answers: AnswerSet, numbers: list) -> Iterator[tuple[Any, Any]]:
    """(question, value) for every one-answer change worth trying: each choice, each single
    choice of a multi, and each of `numbers` for a numeric question (text is skipped)."""
    for question in answers.questionnaire.iter_questions():
        if question.type in ("single", "yesno"):
            options: list = list(question.choice_ids)
        elif question.type == "multi":
            options = [[c] for c in question.choice_ids]
        elif question.type == "text":
            continue
        else:
            options = numbers
        for value in options:
            yield question, value


@pytest.mark.parametrize("name", EXAMPLES)
def test_ripple_says_unchanged_only_when_a_full_run_decides_the_same(name: str) -> None:
    answers = load_answers(examples_dir() / f"{name}.yaml", questionnaire())
    book = rulebook()
    params = {pid: p.default for pid, p in book.parameters.items()}
    base = run(book, answers.environment(), params)
    ripple = Ripple(book, answers.questionnaire, params).at(base.env)
    shortcuts = 0
    for question, value in _single_changes(answers, [0, 0.5, 1, 2, 3, 5, 8, 15, 30, 50, 70, 100, 250, 1000]):
        if not ripple.unchanged(question.id, value):
            continue
        shortcuts += 1
        values = dict(answers.values)
        values[question.id] = value
        trial = run(book, AnswerSet(answers.questionnaire, answers.meta, values).environment(), params)
        assert trial.decisions() == base.decisions(), (question.id, value)
        assert set(trial.today_roles) == set(base.today_roles), (question.id, value)
    assert shortcuts > 50


@pytest.mark.parametrize("name", EXAMPLES)
def test_key_decisions_remembered_by_their_basis_are_the_full_runs_decisions(name: str) -> None:
    answers = load_answers(examples_dir() / f"{name}.yaml", questionnaire())
    book = rulebook()
    params = {pid: p.default for pid, p in book.parameters.items()}
    known: dict = {}
    tried = 0
    for question, value in _single_changes(answers, [0, 1, 2, 5, 10, 30, 60, 100, 400]):
        values = dict(answers.values)
        values[question.id] = value
        env = AnswerSet(answers.questionnaire, answers.meta, values).environment()
        full = run(book, env, params)
        decisions, roles = key_decisions(book, env, params, known)
        assert (decisions, roles) == (full.decisions(), frozenset(full.today_roles)), (question.id, value)
        tried += 1
    assert len(known) < tried / 3  # most answers share their basis with another


def test_numbers_are_tried_only_at_the_thresholds_their_answers_reach() -> None:
    # The time-study hours feed the account managers' operational and selling shares,
    # so those shares' thresholds are the values worth trying; the team-size thresholds
    # read only headcounts, which no hour of the time study changes.
    book = rulebook()
    names = frozenset(book.parameters)
    thresholds = _thresholds(book, book.questionnaire, names)
    assert {"am_operations_share_high", "selling_share_low"} <= thresholds["am_hours_orders"]
    assert "conveyor_min_team" not in thresholds["am_hours_orders"]
    # a headcount reaches the team-size thresholds
    assert {"conveyor_min_team", "small_team_max"} <= thresholds["headcount_hunters"]
    assert "selling_share_low" not in thresholds["headcount_hunters"]
    # every threshold found is a parameter of the rulebook
    assert all(found <= names for found in thresholds.values())


@pytest.mark.parametrize("name", EXAMPLES)
def test_a_trial_runs_environment_is_the_full_evaluations(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only what a changed answer reaches is evaluated again, with the same names, order,
    values and types as evaluating the trial's whole environment."""
    from diagnose.method import diagnose, load_method, read_answers
    from diagnose.rules import whatif

    shortcut = whatif._Trials._environment
    compared: list[bool] = []

    def checked(self: Any, trial: AnswerSet, question_id: str, visible: dict[str, bool]) -> dict[str, Any]:
        fast, full = shortcut(self, trial, question_id, visible), trial.environment()
        assert list(fast) == list(full)
        assert [(type(v), repr(v)) for v in fast.values()] == [(type(v), repr(v)) for v in full.values()]
        compared.append(visible != self.shown)
        return fast

    monkeypatch.setattr(whatif._Trials, "_environment", checked)
    method = load_method()
    diagnose(method, read_answers(method, examples_dir() / f"{name}.yaml"))
    assert compared
