"""Words around the rulebook's texts (locale/rules.yaml), in every language at once."""

from __future__ import annotations

from typing import Any

from diagnose.locale import LANGUAGES as LANGS
from diagnose.locale import locale
from diagnose.texts import lookup

__all__ = ["LANGS", "both", "headcount", "number", "word"]


def word(key: str, lang: str, **fields: Any) -> str:
    """The text `key` in `lang` (English if missing), with {placeholders} filled in."""
    return lookup("rules", key, lang, **fields)


def both(key: str, **fields: Any) -> dict[str, str]:
    """The text `key` in every language; a field given as {lang: text} is picked per language."""
    return {
        lang: word(key, lang, **{k: (v.get(lang, "") if isinstance(v, dict) else v) for k, v in fields.items()})
        for lang in LANGS
    }


def headcount(value: float | None, lang: str) -> str:
    """A role's headcount: "6 чел.", "6,5 ставки" (a fraction of a person is a post's share)."""
    if value is None:
        return word("headcount_unknown", lang)
    key = "headcount_fte" if float(value).is_integer() else "headcount_fte_fraction"
    return word(key, lang, n=number(value, lang))


def number(value: Any, lang: str, digits: int = 1) -> str:
    """A number in the texts of the rules: `Locale.number` of `lang`."""
    return locale(lang).number(value, digits)
