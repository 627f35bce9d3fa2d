"""Interface words in Russian and English, read from the catalogues in `locale/`.

The questionnaire carries its own texts; `locale/ui.yaml` holds the words around them
("don't know", "Section", ...) and `locale/rules.yaml` the words around the rulebook's
texts, so that no person-facing wording lives in Python.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Any


@functools.cache
def catalogue(name: str) -> dict[str, Any]:
    """The catalogue `locale/<name>.yaml`, loaded once (and kept by the load cache)."""
    from diagnose.loadcache import kept_data

    file = resources.files("diagnose").joinpath(f"locale/{name}.yaml")
    return kept_data("catalogue", Path(str(file)), (), lambda: _read(file.read_text(encoding="utf-8")))


def _read(text: str) -> dict[str, Any]:
    from ruamel.yaml import YAML  # only when the kept catalogue is missing or stale

    return YAML(typ="safe").load(text)


def lookup(name: str, key: str, lang: str, **fields: object) -> str:
    """The text `key` of catalogue `name` in `lang` (English if that language is missing)."""
    entry = catalogue(name)[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**fields) if fields else text


def ui(key: str, lang: str, **fields: object) -> str:
    """The interface text `key` in `lang`."""
    return lookup("ui", key, lang, **fields)
