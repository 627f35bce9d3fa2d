"""The diagnosis-by-dimension charts: each kind of indicator drawn as what it is.

A yes/no is two cells (no / yes), a level a three-step gauge, a figure on a scale a bar,
a known figure with neither scale nor level the figure alone; the dashed outline that
says "undetermined" is drawn only where the value is not known.
"""

from __future__ import annotations

from diagnose.report.charts import ChartRow, dimension_chart

COLORS = {"primary": "#1f3a5f", "accent": "#c8553d", "muted": "#8a94a6"}
WORDS = {"threshold": "threshold", "level_low": "low", "level_medium": "medium", "level_high": "high",
         "flag_yes": "yes", "flag_no": "no"}
DASHED = 'stroke-dasharray="3 2"'


def _svg(row: ChartRow) -> str:
    return dimension_chart([row], COLORS, WORDS)


def test_a_yes_is_two_cells_with_yes_filled_and_no_level_words() -> None:
    svg = _svg(ChartRow("Speed is critical", "yes", "high", kind="flag"))
    assert ">no</text>" in svg and ">yes</text>" in svg
    assert ">medium</text>" not in svg and DASHED not in svg
    assert f'fill="{COLORS["accent"]}"' in svg  # the yes cell


def test_a_no_fills_the_no_cell() -> None:
    svg = _svg(ChartRow("Introverted", "no", "low", kind="flag"))
    assert f'fill="{COLORS["primary"]}"' in svg and f'fill="{COLORS["accent"]}"' not in svg


def test_an_unknown_yes_or_no_is_dashed_with_no_cell_filled() -> None:
    svg = _svg(ChartRow("Share of wallet is not growing", "undetermined", "unknown", kind="flag", known=False))
    assert DASHED in svg and ">yes</text>" in svg
    assert COLORS["accent"] not in svg and COLORS["primary"] not in svg


def test_a_known_figure_without_level_or_scale_is_the_figure_alone() -> None:
    svg = _svg(ChartRow("Clients one account manager can hold", "56", "unknown", None, None, None))
    assert DASHED not in svg and ">low</text>" not in svg and "<rect" not in svg
    assert ">56</text>" in svg


def test_an_undetermined_level_keeps_the_dashed_gauge() -> None:
    svg = _svg(ChartRow("Operational load", "undetermined", "unknown", None, None, None, known=False))
    assert DASHED in svg and ">low</text>" in svg and ">high</text>" in svg
