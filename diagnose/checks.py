"""Consistency checks across answers: the questionnaire's `checks:` evaluated.

One function, `broken_checks`, used by answer files (`answers.answers_from_document`:
an error check is a located problem, a warning is kept on the `AnswerSet`), by
`diagnose validate`, by batch and by the interview. A check is evaluated only when
every answer it involves is given (not "don't know", not hidden, not unanswered): a
half-answered questionnaire is never told it is inconsistent.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from diagnose.expressions import Missing, is_true
from diagnose.questionnaire import Check, Questionnaire
from diagnose.texts import ui


@dataclass(frozen=True)
class Broken:
    """A check whose condition is false for these answers."""

    check: Check

    @property
    def is_error(self) -> bool:
        return self.check.severity == "error"

    def message(self, questionnaire: Questionnaire, env: Mapping[str, Any], lang: str) -> str:
        """The check's message in `lang`, each {name} filled with that answer as shown."""
        return fill(self.check.message.get(lang) or next(iter(self.check.message.values()), ""),
                    questionnaire, env, lang)


def broken_checks(questionnaire: Questionnaire, env: Mapping[str, Any],
                  only: Iterable[str] | None = None) -> list[Broken]:
    """The checks `env` (answer-set environment: name -> value) breaks, in declaration
    order; `only`: just the checks involving one of these questions."""
    wanted = set(only) if only is not None else None
    broken = []
    for check in questionnaire.checks:
        if wanted is not None and not wanted.intersection(check.involves):
            continue
        # an answer not given ("don't know", not asked yet) or "not applicable" is left to
        # the condition: it is undetermined there, and an undetermined check is not broken,
        # unless the condition gives it a meaning (no travel is zero hours; a headcount
        # not given yet counts as none, so the roles already given can overrun the total)
        if is_true(check.holds.evaluate(env)) is False:
            broken.append(Broken(check))
    return broken


def fill(text: str, questionnaire: Questionnaire, env: Mapping[str, Any], lang: str) -> str:
    """`{name}` fields replaced by the value shown in `lang`. The loader allowed only
    plain names the check reads (`rules/text_fields.field_problem`), so nothing here
    reaches into Python objects."""
    out = []
    for literal, name, _spec, _conversion in string.Formatter().parse(text):
        out.append(literal)
        if name is not None:
            out.append(_shown(questionnaire, name, env.get(name), lang))
    return "".join(out)


def _shown(questionnaire: Questionnaire, name: str, value: Any, lang: str) -> str:
    question = questionnaire.questions.get(name)
    if question is not None:  # a choice's text, a unit, «неприменимо» — never a file id
        return question.display(value, lang)
    if isinstance(value, Missing):
        return ui(value.state, lang)
    if isinstance(value, float):
        from diagnose.question_types import format_number

        return format_number(round(value, 2), lang)
    return str(value)
