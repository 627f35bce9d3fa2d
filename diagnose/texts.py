"""Interface words in Russian and English, read from `locale/ui.yaml`.

The questionnaire carries its own texts; this file holds only the words around them
("don't know", "Section", ...), so that no person-facing wording lives in Python.
"""

from __future__ import annotations

import functools
from importlib import resources

from ruamel.yaml import YAML


@functools.cache
def _catalogue() -> dict[str, dict[str, str]]:
    text = resources.files("diagnose").joinpath("locale/ui.yaml").read_text(encoding="utf-8")
    return YAML(typ="safe").load(text)


def ui(key: str, lang: str, **fields: object) -> str:
    """The interface text `key` in `lang` (English if that language is missing)."""
    entry = _catalogue()[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**fields) if fields else text
