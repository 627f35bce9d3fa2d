"""Predictable output names: `<company>--<input stem>[-row-N].<format>`.

Names keep Cyrillic letters (a Russian company stays readable), drop characters that
are awkward in file names, and are unique within one run.
"""

from __future__ import annotations

import re
import unicodedata

_UNSAFE = re.compile(r"[^\w]+", re.UNICODE)


def slug(text: str, limit: int = 60) -> str:
    text = unicodedata.normalize("NFKC", text).strip().lower()
    text = _UNSAFE.sub("-", text).strip("-_")
    return text[:limit].rstrip("-_") or "company"


def output_stem(company: str, input_stem: str, row: int | None) -> str:
    stem = f"{slug(company)}--{slug(input_stem, 40)}"
    if row is not None:
        stem += f"-row-{row + 1}"
    return stem
