"""What a person types at the prompt, turned into the raw value an answer file would hold.

The conversion only translates shorthand (choice numbers, "1,3", "y", "dk"); it never
decides validity. Whatever it returns goes through `Question.parse`, so a typed answer
gets exactly the message batch validation gives for the same value in a file.
"""

from __future__ import annotations

import re
from typing import Any

from diagnose.locale import LANGUAGES as LANGS
from diagnose.questionnaire import Question
from diagnose.texts import ui


def _words(key: str) -> set[str]:
    """Every spelling of an interface word, in all languages, lower-cased."""
    words: set[str] = set()
    for lang in LANGS:
        words.update(w.strip().lower() for w in ui(key, lang).split(","))
    return {w for w in words if w}


def special_state(text: str) -> str | None:
    """'dont_know' / 'not_applicable' when the text names one of them, else None."""
    word = text.strip().lower()
    if not word:
        return None
    for state in ("dont_know", "not_applicable"):
        spellings = _words(f"iv_{state}_key") | {state, *(ui(state, lang).lower() for lang in LANGS)}
        if word in spellings:
            return state
    return None


def typed_to_raw(question: Question, text: str) -> Any:
    """The raw answer for `text` (not checked: `Question.parse` does that)."""
    stripped = text.strip()
    state = special_state(stripped)
    if state is not None:
        return state
    if question.type == "single":
        return _choice(question, stripped)
    if question.type == "yesno":
        lowered = stripped.lower()
        if lowered in _words("iv_yes_keys"):
            return "yes"
        if lowered in _words("iv_no_keys"):
            return "no"
        return stripped
    if question.type == "multi":
        parts = [p for p in re.split(r"[,;\s]+", stripped) if p]
        return [_choice(question, part) for part in parts]
    if question.type == "percent":
        return stripped.removesuffix("%").strip()
    if question.type in ("number", "scale"):
        return stripped
    return text.strip()


def _choice(question: Question, text: str) -> str:
    """A choice id for a number (1-based) or an id; anything else is returned unchanged."""
    ids = question.choice_ids
    if text.isdigit() and 1 <= int(text) <= len(ids):
        return ids[int(text) - 1]
    return text
