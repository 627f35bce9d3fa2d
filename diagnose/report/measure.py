"""Text widths from the bundled PT Sans metrics, so SVG boxes can be sized from their text.

SVG `<text>` does not wrap; a fixed-width box overflows on a long Russian role name.
Reading the advance widths from the very font the PDF embeds lets the charts wrap text
into lines that really fit, instead of guessing characters per line.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from diagnose.resources import templates_dir

FONT_FILES = {False: "PTSans-Regular.ttf", True: "PTSans-Bold.ttf"}


@functools.cache
def _metrics(bold: bool) -> tuple[dict[int, float], float]:
    """Code point -> advance width in em, and a fallback width for unknown glyphs (kept
    by the load cache: a fresh process neither imports fontTools for it nor reads the font)."""
    from diagnose.loadcache import kept_data

    path = templates_dir() / "fonts" / FONT_FILES[bold]
    return kept_data("font-widths", path, (), lambda: _read_metrics(path))


def _read_metrics(path: Path) -> tuple[dict[int, float], float]:
    from fontTools.ttLib import TTFont

    font = TTFont(path, lazy=True)
    units = font["head"].unitsPerEm
    hmtx = font["hmtx"].metrics
    widths = {code: hmtx[name][0] / units for code, name in font.getBestCmap().items()}
    return widths, widths.get(ord("n"), 0.55)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width of `text` set in PT Sans at `size` user units."""
    widths, fallback = _metrics(bold)
    return sum(widths.get(ord(ch), fallback) for ch in text) * size


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Greedy word wrap into lines no wider than `width`; a single longer word stays whole
    (callers shrink the font when `fits` says it does not fit)."""
    lines: list[str] = []
    current = ""
    for word, joiner in _tokens(text):
        candidate = f"{current}{joiner}{word}" if current else word
        if not current or text_width(candidate, size, bold) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines or [""]


def _tokens(text: str) -> list[tuple[str, str]]:
    """Words with the separator before them; a compound word may also break after its
    hyphen ("Проектно-" / "конструкторский")."""
    out: list[tuple[str, str]] = []
    for word in text.split():
        parts = re.split(r"(?<=\w-)(?=\w)", word)
        out.append((parts[0], " "))
        out.extend((part, "") for part in parts[1:])
    return out


def fit(text: str, width: float, size: float, bold: bool = False, min_size: float = 6.0) -> tuple[float, list[str]]:
    """The largest size <= `size` at which every word fits `width`, and the wrapped lines."""
    longest = max([w for w, _ in _tokens(text)] or [""], key=lambda w: text_width(w, size, bold))
    while size > min_size and text_width(longest, size, bold) > width:
        size -= 0.5
    return size, wrap(text, width, size, bold)
