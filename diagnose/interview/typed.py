"""What a person types at the prompt, turned into the raw value an answer file would hold.

The conversion only translates shorthand (choice numbers, "1,3", "y", "dk"); it never
decides validity. Whatever it returns goes through `Question.parse`, so a typed answer
gets exactly the message batch validation gives for the same value in a file.
"""

from __future__ import annotations

from typing import Any

from diagnose.question_types import LANGS, interface_words
from diagnose.questionnaire import Question
from diagnose.texts import ui

__all__ = ["LANGS", "special_state", "typed_to_raw"]


def special_state(text: str) -> str | None:
    """'dont_know' / 'not_applicable' when the text names one of them, else None."""
    word = text.strip().lower()
    if not word:
        return None
    for state in ("dont_know", "not_applicable"):
        spellings = interface_words(f"iv_{state}_key") | {state, *(ui(state, lang).lower() for lang in LANGS)}
        if word in spellings:
            return state
    return None


def typed_to_raw(question: Question, text: str) -> Any:
    """The raw answer for `text` (not checked: `Question.parse` does that); the question's
    type reads its own shorthand (question_types.py)."""
    stripped = text.strip()
    state = special_state(stripped)
    if state is not None:
        return state
    return question.kind.typed(question, stripped)
