"""Small SVG charts for the diagnosis by dimension, drawn as inline SVG strings.

One chart per dimension: each indicator is a labelled row with a bar (a numeric value on
a known scale, with the threshold it is compared with), a three-step gauge (low / medium /
high) for a level, a two-step one (no / yes) for a flag, or its value alone when it is
known but has neither scale nor level. The dashed "undetermined" outline is drawn only
where the value is not known. Every piece of text passes through `escape`, because
labels and values come from answer files; colours come from a validated brand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from html import escape

from diagnose.report.measure import fit, text_width

WIDTH = 235.0  # 83 mm: one unit prints as one point
LABEL_SIZE = 9.0
VALUE_SIZE = 8.5
BAR_HEIGHT = 9.0
LINE = 11.0
LEVELS = ("low", "medium", "high")


@dataclass
class ChartRow:
    """One indicator as the chart draws it (already in the report's language)."""

    label: str
    display: str
    level: str  # low / medium / high / unknown
    value: float | None = None  # numeric value when the row is a bar
    scale_max: float | None = None
    threshold: float | None = None
    threshold_text: str = ""  # the threshold as the report's language writes it
    kind: str = ""  # the rulebook's indicator kind: "flag" is drawn as no / yes
    known: bool = True  # False: undetermined, drawn with the dashed outline


def _text(x: float, y: float, text: str, size: float, fill: str, anchor: str = "start", bold: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" fill="{fill}" text-anchor="{anchor}"'
            f'{weight}>{escape(text)}</text>')


def dimension_chart(rows: list[ChartRow], colors: Mapping[str, str], words: Mapping[str, str]) -> str:
    """An SVG drawing every row; `words` gives 'threshold' and the level names."""
    parts: list[str] = []
    y = 0.0
    bar_width = WIDTH * 0.58
    value_x = bar_width + 8
    value_width = WIDTH - value_x
    for row in rows:
        size, lines = fit(row.label, WIDTH, LABEL_SIZE, bold=True)
        for line in lines:
            y += LINE
            parts.append(_text(0, y, line, size, "#222", bold=True))
        y += 4
        top = y
        if row.value is not None and row.scale_max:
            parts.extend(_bar(row, top, bar_width, colors, words))
        elif row.kind == "flag":
            parts.extend(_flag(row, top, bar_width, colors, words))
        elif row.known and row.level not in LEVELS:
            # a known figure with nothing to compare it with: the figure alone, no gauge
            parts.append(_text(0, top + BAR_HEIGHT - 1, row.display, VALUE_SIZE, "#222", bold=True))
            y = top + BAR_HEIGHT + 8
            continue
        else:
            parts.extend(_gauge(row, top, bar_width, colors, words))
        vsize, vlines = fit(row.display, value_width, VALUE_SIZE)
        for index, line in enumerate(vlines):
            parts.append(_text(value_x, top + BAR_HEIGHT - 1 + index * (vsize + 2), line, vsize, "#222"))
        below = max(BAR_HEIGHT + (10 if row.threshold is not None and row.scale_max else 0),
                    BAR_HEIGHT - 1 + (len(vlines) - 1) * (vsize + 2) + 3)
        y = top + below + 8
    height = max(y, 10)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH:g} {height:.0f}" '
            f'width="{WIDTH:g}" height="{height:.0f}" font-family="PT Sans, Report Symbols, sans-serif">'
            + "".join(parts) + "</svg>")


def _bar(row: ChartRow, top: float, width: float, colors: Mapping[str, str], words: Mapping[str, str]) -> list[str]:
    assert row.value is not None and row.scale_max
    share = max(0.0, min(1.0, float(row.value) / float(row.scale_max)))
    fill = colors["accent"] if row.level == "high" else colors["primary"]
    parts = [
        f'<rect x="0" y="{top:.1f}" width="{width:.1f}" height="{BAR_HEIGHT}" rx="2" fill="#e8ebf0"/>',
        f'<rect x="0" y="{top:.1f}" width="{width * share:.1f}" height="{BAR_HEIGHT}" rx="2" fill="{fill}"/>',
    ]
    if row.threshold is not None:
        tx = width * max(0.0, min(1.0, float(row.threshold) / float(row.scale_max)))
        parts.append(f'<line x1="{tx:.1f}" y1="{top - 2:.1f}" x2="{tx:.1f}" y2="{top + BAR_HEIGHT + 2:.1f}" '
                     f'stroke="#222" stroke-width="1.2"/>')
        label = f"{words['threshold']} {row.threshold_text}"
        anchor = "middle"
        if tx - text_width(label, 7) / 2 < 0:
            anchor, tx = "start", 0.0
        elif tx + text_width(label, 7) / 2 > width:
            anchor, tx = "end", width
        parts.append(_text(tx, top + BAR_HEIGHT + 9, label, 7, colors["muted"], anchor))
    return parts


def _flag(row: ChartRow, top: float, width: float, colors: Mapping[str, str], words: Mapping[str, str]) -> list[str]:
    """Two cells, no and yes; the answer's cell filled ("high" is the yes the rulebook flags)."""
    gap = 3.0
    step = (width - gap) / 2
    answer = {"high": "yes", "low": "no"}.get(row.level) if row.known else None
    parts = []
    for index, cell in enumerate(("no", "yes")):
        x = index * (step + gap)
        active = cell == answer
        fill = (colors["accent"] if cell == "yes" else colors["primary"]) if active else "#e8ebf0"
        parts.append(f'<rect x="{x:.1f}" y="{top:.1f}" width="{step:.1f}" height="{BAR_HEIGHT}" rx="2" fill="{fill}"/>')
        parts.append(_text(x + step / 2, top + BAR_HEIGHT - 2, words[f"flag_{cell}"], 7,
                           "#ffffff" if active else colors["muted"], "middle"))
    if answer is None:
        parts.append(f'<rect x="0" y="{top:.1f}" width="{width:.1f}" height="{BAR_HEIGHT}" rx="2" fill="none" '
                     f'stroke="{colors["muted"]}" stroke-dasharray="3 2"/>')
    return parts


def _gauge(row: ChartRow, top: float, width: float, colors: Mapping[str, str], words: Mapping[str, str]) -> list[str]:
    gap = 3.0
    step = (width - 2 * gap) / 3
    parts = []
    for index, level in enumerate(LEVELS):
        x = index * (step + gap)
        active = row.level != "unknown" and LEVELS.index(row.level) >= index if row.level in LEVELS else False
        fill = (colors["accent"] if row.level == "high" else colors["primary"]) if active else "#e8ebf0"
        parts.append(f'<rect x="{x:.1f}" y="{top:.1f}" width="{step:.1f}" height="{BAR_HEIGHT}" rx="2" fill="{fill}"/>')
        label_fill = "#ffffff" if active else colors["muted"]
        parts.append(_text(x + step / 2, top + BAR_HEIGHT - 2, words[f"level_{level}"], 7, label_fill, "middle"))
    if row.level not in LEVELS:
        parts.append(f'<rect x="0" y="{top:.1f}" width="{width:.1f}" height="{BAR_HEIGHT}" rx="2" fill="none" '
                     f'stroke="{colors["muted"]}" stroke-dasharray="3 2"/>')
    return parts
