"""Words around the rulebook's texts (locale/rules.yaml), in every language at once."""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

from ruamel.yaml import YAML

LANGS = ("ru", "en")


@functools.cache
def _catalogue() -> dict[str, dict[str, str]]:
    text = resources.files("diagnose").joinpath("locale/rules.yaml").read_text(encoding="utf-8")
    return YAML(typ="safe").load(text)


def word(key: str, lang: str, **fields: Any) -> str:
    """The text `key` in `lang` (English if missing), with {placeholders} filled in."""
    entry = _catalogue()[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**fields) if fields else text


def both(key: str, **fields: Any) -> dict[str, str]:
    """The text `key` in every language; a field given as {lang: text} is picked per language."""
    return {
        lang: word(key, lang, **{k: (v.get(lang, "") if isinstance(v, dict) else v) for k, v in fields.items()})
        for lang in LANGS
    }


def number(value: Any, lang: str, digits: int = 1) -> str:
    """A number as a person reads it: at most `digits` decimals, a comma in Russian."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    rounded = round(float(value), digits)
    text = str(int(rounded)) if rounded.is_integer() else f"{rounded:.{digits}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "ru" else text
