"""Words around the rulebook's texts (locale/rules.yaml), in every language at once."""

from __future__ import annotations

from typing import Any

from diagnose.texts import lookup

LANGS = ("ru", "en")


def word(key: str, lang: str, **fields: Any) -> str:
    """The text `key` in `lang` (English if missing), with {placeholders} filled in."""
    return lookup("rules", key, lang, **fields)


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
