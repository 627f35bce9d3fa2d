"""Trial conditions re-evaluated only where a changed name reaches are a full run's."""

from __future__ import annotations

import pytest
from rules_helpers import questionnaire, rulebook
from test_rules_memo import EXAMPLES, _single_changes

from diagnose.answers import AnswerSet, load_answers
from diagnose.resources import examples_dir
from diagnose.rules import rerun
from diagnose.rules.decide import key_decisions, rule_condition, run
from diagnose.rules.rerun import Rerun


@pytest.mark.parametrize("name", EXAMPLES)
def test_conditions_from_the_changed_names_are_a_full_runs(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = load_answers(examples_dir() / f"{name}.yaml", questionnaire())
    book = rulebook()
    params = {pid: p.default for pid, p in book.parameters.items()}
    base = run(book, answers.environment(), params)
    at = Rerun(book).at(base)
    evaluated = []
    monkeypatch.setattr(rerun, "rule_condition", lambda rule, outcome: (evaluated.append(rule.id), rule_condition(rule, outcome)))
    total = 0
    for question, value in _single_changes(answers, [0, 1, 2, 5, 10, 30, 60, 100, 400]):
        values = dict(answers.values)
        values[question.id] = value
        env = AnswerSet(answers.questionnaire, answers.meta, values).environment()
        full = run(book, env, params, trace=False)
        partial = at.conditions(env)
        assert partial.held == full.held, (question.id, value)
        assert partial.premise == full.premise, (question.id, value)
        assert partial.env == full.env, (question.id, value)
        assert key_decisions(book, env, params, {}, at.conditions) == key_decisions(book, env, params, {}), (question.id, value)
        total += len(book.rules)
    assert 0 < len(evaluated) < total / 2  # most rules read nothing a single answer changes
