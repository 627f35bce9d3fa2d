"""Visibility with one answer changed, recomputed from that answer on, is the full walk's."""

from __future__ import annotations

import pytest
from rules_helpers import questionnaire
from test_rules_memo import EXAMPLES, _single_changes

from diagnose.answers import AnswerSet, load_answers
from diagnose.resources import examples_dir
from diagnose.rules.reshow import Reshow


@pytest.mark.parametrize("name", EXAMPLES)
def test_visibility_from_the_changed_answer_on_is_the_full_walks(name: str) -> None:
    answers = load_answers(examples_dir() / f"{name}.yaml", questionnaire())
    reshow = Reshow(answers.questionnaire)
    assert reshow.usable  # the bundled questionnaire reads only what comes before
    at = reshow.at(answers.values)
    assert at.shown == answers.visibility()
    moved = 0
    for question, value in _single_changes(answers, [0, 1, 2, 5, 10, 30, 60, 100, 400]):
        values = dict(answers.values)
        values[question.id] = value
        full = AnswerSet(answers.questionnaire, answers.meta, values).visibility()
        assert at.shown_with(question.id, value) == full, (question.id, value)
        moved += full != at.shown
    assert moved > 0  # some of these answers do show or hide questions


def test_only_the_steps_an_answer_reaches_are_repeated() -> None:
    book_questionnaire = questionnaire()
    reshow = Reshow(book_questionnaire)
    for question in book_questionnaire.iter_questions():
        if question.show_if is None:
            continue
        for name in question.show_if.names:
            if name in reshow.position and reshow.position[name] < reshow.position[question.id]:
                # an answer the show-if reads directly moves it
                assert (None, question) in reshow.steps(name), (name, question.id)
    # a question no show-if or computed value reads moves nothing
    readers = {name for q in book_questionnaire.iter_questions() if q.show_if is not None
               for name in q.show_if.names} | {name for c in book_questionnaire.computed for name in c.expr.names}
    unread = [q.id for q in book_questionnaire.iter_questions() if q.id not in readers]
    assert unread and all(reshow.steps(qid) == [] for qid in unread)
