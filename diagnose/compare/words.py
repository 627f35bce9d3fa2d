"""The words of `diagnose compare` (`locale/compare.yaml`), read once and checked.

`word(key, lang, **fields)` fills a text's {placeholders} with values (a value is never
read as a format string itself); `headlines()` gives the headline candidates with their
conditions, checked against the movements the comparison knows.
"""

from __future__ import annotations

import functools
from typing import Any

from diagnose.diagnosis import Text
from diagnose.errors import Location, Problem, UserError, unknown
from diagnose.locale import LANGUAGES
from diagnose.texts import catalogue

CATALOGUE = "compare"
_FILE = "diagnose/locale/compare.yaml"


def word(key: str, lang: str, **fields: Any) -> str:
    """The text `key` in `lang` (English if that language is missing), fields filled in."""
    entry = catalogue(CATALOGUE)["words"][key]
    text = entry.get(lang) or entry["en"]
    return text.format(**fields) if fields else text


def every_language(key: str, **fields: Any) -> Text:
    """The text `key` in every language; a field given as {lang: text} is picked per language."""
    return {lang: word(key, lang, **{name: (value.get(lang, "") if isinstance(value, dict) else value)
                                     for name, value in fields.items()})
            for lang in LANGUAGES}


@functools.cache
def headlines() -> tuple[tuple[dict[str, bool], Text], ...]:
    """(when, text) of every headline candidate, in the file's order."""
    from diagnose.compare.headline import CONDITIONS

    candidates = []
    for index, entry in enumerate(catalogue(CATALOGUE)["headlines"]):
        where = Location(_FILE, path=f"headlines[{index}]")
        when = entry.get("when") or {}
        for name, value in when.items():
            if name not in CONDITIONS:
                raise UserError(Problem(where, unknown("condition", name, CONDITIONS)))
            if not isinstance(value, bool):
                raise UserError(Problem(where, f"'{name}' must be true or false"))
        text = entry.get("text") or {}
        missing = [lang for lang in LANGUAGES if not text.get(lang)]
        if missing:
            raise UserError(Problem(where, f"the text has no {', '.join(missing)}"))
        candidates.append((dict(when), dict(text)))
    if not candidates or candidates[-1][0]:
        raise UserError(Problem(Location(_FILE, path="headlines"), "the last headline must have no 'when'"))
    return tuple(candidates)
