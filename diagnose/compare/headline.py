"""The comparison's headline, chosen by conditions declared in `locale/compare.yaml`.

Each candidate's `when` names movements of the rules' outcomes (or `answers_changed`),
each true (at least one) or false (none); the first candidate whose conditions all hold
is the headline, so no sentence claims a move the two diagnoses do not show. The
candidates are checked when first read: an unknown condition is an error of the file,
never a sentence silently skipped.
"""

from __future__ import annotations

from diagnose.compare.model import MOVEMENTS, Comparison
from diagnose.compare.words import headlines
from diagnose.diagnosis import Text

CONDITIONS = (*MOVEMENTS, "answers_changed")


def holds(when: dict[str, bool], comparison: Comparison) -> bool:
    """Whether every condition of `when` holds for `comparison`."""
    for name, wanted in when.items():
        present = bool(comparison.answers) if name == "answers_changed" else comparison.count(name) > 0
        if present != wanted:
            return False
    return True


def choose_headline(comparison: Comparison) -> Text:
    """The first candidate whose `when` holds (the last one has none)."""
    for when, text in headlines():
        if holds(when, comparison):
            return text
    return {}
