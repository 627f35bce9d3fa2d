"""Which questions are asked with one answer changed, recomputing only what it can move.

`AnswerSet.visibility` walks the whole questionnaire: each show-if and computed value in
order. The what-if search asks that for every trial answer a show-if reads (a fifth of
its time), yet one changed answer can only move the show-ifs and computed values that
read it, directly or through a computed value or a question it hides or shows, and only
those after it in the walk (before it the walk has not met its value yet). `Reshow`
finds those steps once per questionnaire and question; `ReshowAt` keeps one company's
walk and repeats only them. An expression is a pure function of the names it reads, so
every other step would give what it gave, and the result is the full walk's.

The shortcut needs each step to read only names the walk has met before it (otherwise
the kept walk would show a step a value the full walk had not reached yet); a
questionnaire that breaks this is always walked in full.
"""

from __future__ import annotations

from typing import Any

from diagnose.answers import computed_schedule, walk_visibility
from diagnose.expressions import NOT_APPLICABLE, UNANSWERED, is_true
from diagnose.questionnaire import Computed, Question, Questionnaire
from diagnose.rules.memo import reads

Step = tuple[Computed | None, Question | None]  # a computed value to evaluate, or a question's show-if


class Reshow:
    """The steps of the visibility walk each question's answer can move, found once."""

    def __init__(self, questionnaire: Questionnaire):
        self.questionnaire = questionnaire
        self.schedule = computed_schedule(questionnaire)
        self.position = {question.id: index for index, (question, _) in enumerate(self.schedule)}
        self.usable = _in_order(self.schedule)
        self._steps: dict[str, list[Step]] = {}

    def steps(self, question_id: str) -> list[Step]:
        """The computed values and show-ifs after this question that read it, directly
        or through an earlier step, in the walk's order."""
        found = self._steps.get(question_id)
        if found is None:
            moved = {question_id}
            found = []
            for question, ready in self.schedule[self.position[question_id] + 1:]:
                for computed in ready:
                    if not moved.isdisjoint(reads(computed.expr)):
                        found.append((computed, None))
                        moved.add(computed.id)
                if question.show_if is not None and not moved.isdisjoint(reads(question.show_if)):
                    found.append((None, question))
                    moved.add(question.id)
            self._steps[question_id] = found
        return found

    def at(self, values: dict[str, Any]) -> ReshowAt:
        """For the company whose answers are `values`."""
        return ReshowAt(self, values)


class ReshowAt:
    def __init__(self, reshow: Reshow, values: dict[str, Any]):
        self.reshow = reshow
        self.values = values
        self.shown, self.env = walk_visibility(reshow.questionnaire, values)

    def shown_with(self, question_id: str, value: Any) -> dict[str, bool]:
        """Which questions are asked with this one answer set to `value` (a new dict)."""
        reshow = self.reshow
        if not reshow.usable or question_id not in reshow.position:
            values = dict(self.values)
            values[question_id] = value
            return walk_visibility(reshow.questionnaire, values)[0]
        shown = dict(self.shown)
        steps = reshow.steps(question_id)
        if not steps:
            return shown
        env = dict(self.env)
        if shown[question_id]:
            env[question_id] = value
        values = self.values
        for computed, question in steps:
            if computed is not None:
                env[computed.id] = computed.expr.evaluate(env)
            else:
                assert question is not None and question.show_if is not None
                visible = is_true(question.show_if.evaluate(env)) is not False
                shown[question.id] = visible
                env[question.id] = values.get(question.id, UNANSWERED) if visible else NOT_APPLICABLE
        return shown


def _in_order(schedule: list[tuple[Question, list[Computed]]]) -> bool:
    """Whether every computed value and show-if reads only names met before it."""
    known = {"true", "false", "none"}
    for question, ready in schedule:
        for computed in ready:
            if not known.issuperset(reads(computed.expr)):
                return False
            known.add(computed.id)
        if question.show_if is not None and not known.issuperset(reads(question.show_if)):
            return False
        known.add(question.id)
    return True
