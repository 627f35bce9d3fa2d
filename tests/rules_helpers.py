"""Shared helpers for the rulebook tests: load a fixture, change answers, evaluate."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from diagnose.answers import AnswerSet, load_answers
from diagnose.diagnosis import Diagnosis
from diagnose.questionnaire import load_questionnaire
from diagnose.resources import questionnaire_path, rulebook_path
from diagnose.rules.evaluate import evaluate
from diagnose.rules.rulebook import Rulebook, load_rulebook

FIXTURES = Path(__file__).parent / "fixtures" / "rules"


@functools.cache
def questionnaire():  # -> Questionnaire
    return load_questionnaire(questionnaire_path())


@functools.cache
def rulebook() -> Rulebook:
    return load_rulebook(rulebook_path(), questionnaire())


def answers_with(base: str = "base.yaml", **changes: Any) -> AnswerSet:
    """A fixture's answers with some changed; each new answer goes through Question.parse
    (the one answer checker), `None` makes a question unanswered."""
    answers = load_answers(FIXTURES / base, questionnaire())
    for qid, raw in changes.items():
        if raw is None:
            answers.values.pop(qid, None)
        else:
            answers.values[qid] = answers.questionnaire.questions[qid].parse(raw)
    return answers


def diagnose_with(base: str = "base.yaml", params: dict[str, Any] | None = None, **changes: Any) -> Diagnosis:
    return evaluate(answers_with(base, **changes), rulebook(), params, whatif=False)


def status(diagnosis: Diagnosis, rule_id: str) -> str:
    finding = diagnosis.finding(rule_id)
    assert finding is not None, rule_id
    return finding.status
