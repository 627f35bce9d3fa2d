"""Headcount sizing, with the arithmetic shown: the rulebook's `sizing` lines, computed.

Beyond the book's text: the rulebook declares each step (rules/domain.py, format in
docs/rulebook.md), say orders a month × minutes per order, then full-time equivalents
from hours, then rounded up to the planning step. Every step is a `SizingLine` whose
formula carries the actual numbers, so a reader can redo it. A step whose inputs are
unknown (or an earlier step it reads) is left out rather than guessed.
"""

from __future__ import annotations

import math
import string
from typing import Any

from diagnose.diagnosis import SizingLine
from diagnose.expressions import is_true
from diagnose.rules.domain import Sizing, SizingStep
from diagnose.rules.words import LANGS, both, number

DEFAULT_STEP = 0.5  # the planning step when a rulebook names none


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _n(value: Any) -> str:
    """A number in a formula: language-neutral (the report shows it per language)."""
    return number(value, "en", 2)


def round_up(value: float, step: float) -> float:
    """Round a calculated FTE up to the planning step (at least one step)."""
    if step <= 0:
        return value
    return max(step, math.ceil(round(value / step, 6)) * step)


def planning_step(sizing: Sizing, values: dict[str, Any]) -> Any:
    """The value of the rulebook's planning-step parameter (the default without one)."""
    return values.get(sizing.step, DEFAULT_STEP) if sizing.step else DEFAULT_STEP


def compute_sizing(sizing: Sizing, env: dict[str, Any]) -> tuple[list[SizingLine], dict[str, float]]:
    """The sizing lines and the proposed FTE per role (rounded up to the planning step)."""
    lines: list[SizingLine] = []
    sized: dict[str, float] = {}
    step = planning_step(sizing, env)
    values = dict(env)
    for line in sizing.lines:
        value = _value(line, values, step)
        if value is None:
            continue
        values[line.id] = value
        if line.proposes:
            sized[line.role] = round_up(value, step)
        lines.append(_line(line, values, value, step))
    return lines, sized


def _value(line: SizingStep, values: dict[str, Any], step: Any) -> float | None:
    """The line's value, or None when what it needs is not known."""
    if not all(_is_number(values.get(name)) and values.get(name) for name in line.requires):
        return None
    if line.round_up is not None:
        earlier = values.get(line.round_up)
        return round_up(earlier, step) if _is_number(earlier) else None
    assert line.value is not None
    value = line.value.evaluate(values)
    return value if _is_number(value) else None


def _line(line: SizingStep, values: dict[str, Any], value: float, step: Any) -> SizingLine:
    shown = {name: _n(values.get(name)) for _, name, _, _ in string.Formatter().parse(line.formula) if name}
    note = both(line.note) if line.note else {}
    for when, extra in line.notes_when:
        if is_true(when.evaluate(values)):
            note = {lang: f"{text} {both(extra)[lang]}" for lang, text in note.items()}
    return SizingLine(
        line.role,
        both(line.title, step={lang: number(step, lang) for lang in LANGS}),
        f"{line.formula.format_map(shown)} = {_n(value)}",
        value if line.round_up else round(value, 2),
        {key: expression.evaluate(values) for key, expression in line.inputs},
        note,
        line.proposes,
    )
