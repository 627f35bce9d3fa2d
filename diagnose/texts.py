"""Interface words in Russian and English, read from the catalogues in `locale/`.

The questionnaire carries its own texts; `locale/ui.yaml` holds the words around them
("don't know", "Section", ...) and `locale/rules.yaml` the words around the rulebook's
texts, so that no person-facing wording lives in Python.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

from ruamel.yaml import YAML


@functools.cache
def catalogue(name: str) -> dict[str, Any]:
    """The catalogue `locale/<name>.yaml`, loaded once."""
    text = resources.files("diagnose").joinpath(f"locale/{name}.yaml").read_text(encoding="utf-8")
    return YAML(typ="safe").load(text)


def lookup(name: str, key: str, lang: str, **fields: object) -> str:
    """The text `key` of catalogue `name` in `lang` (English if that language is missing)."""
    entry = catalogue(name)[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**fields) if fields else text


def ui(key: str, lang: str, **fields: object) -> str:
    """The interface text `key` in `lang`."""
    return lookup("ui", key, lang, **fields)
