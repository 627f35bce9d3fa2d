"""The comparison as terminal text: a heading, the headline, then each section as
aligned columns (long cells wrapped inside their column)."""

from __future__ import annotations

import textwrap

from diagnose.compare.model import Comparison
from diagnose.compare.view import Section, view

WIDTH = 100
GAP = "  "
INDENT = "  "
_CAPS = {"findings": [18, 46, 30], "answers": [44, 26, 26], "indicators": [34, 16, 16, 26],
         "roles": [30, 32, 32], "tasks": [30, 32, 32]}  # the widest each column may get


def _widths(section: Section, rows: list[list[str]]) -> list[int]:
    caps = _CAPS.get(section.key, [60, 36])
    widths = []
    for index, cap in enumerate(caps[: len(section.columns)]):
        cells = [section.columns[index], *(row[index] for row in rows)]
        widths.append(min(cap, max(len(cell) for cell in cells)))
    return widths


def _table(section: Section, rows: list[list[str]]) -> list[str]:
    widths = _widths(section, rows)
    lines = []
    for number, row in enumerate([section.columns, *rows]):
        wrapped = [textwrap.wrap(cell, width, break_on_hyphens=False) or [""]
                   for cell, width in zip(row, widths, strict=True)]
        for depth in range(max(len(cell) for cell in wrapped)):
            parts = [(cell[depth] if depth < len(cell) else "").ljust(width) for cell, width in zip(wrapped, widths, strict=True)]
            lines.append((INDENT + GAP.join(parts)).rstrip())
        if number == 0:
            lines.append(INDENT + GAP.join("─" * width for width in widths))
    return lines


def comparison_text(comparison: Comparison, lang: str) -> str:
    """The whole comparison in `lang`, ending with a newline."""
    shown = view(comparison, lang)
    lines = [shown.title, "=" * len(shown.title)]
    if shown.company:
        lines.append(shown.company)
    lines.append(shown.audits)
    lines += shown.notes
    lines.append("")
    lines += textwrap.wrap(shown.headline, WIDTH)
    for section in shown.sections:
        lines += ["", section.heading, "-" * len(section.heading)]
        if not section.rows:
            lines.append(INDENT + section.empty)
            continue
        rows = section.rows
        if section.key == "findings":  # the rule id after its title: the consultant looks it up
            rows = [[row[0], f"{row[1]} ({row[3]})", row[2]] for row in rows]
        lines += _table(section, rows)
    return "\n".join(lines) + "\n"
