"""The languages diagnose speaks, defined once, and one `Locale` object per language.

`LANGUAGES` is the only list of language codes in the code: the CLI's `--lang` choices,
the report texts, the rulebook's and questionnaire's texts and the interview's words all
follow it. `locale(code)` gives the object every output (report, interview, explain,
messages) formats numbers, percentages, dates and plural forms with.

The locale data come from Babel, that is from CLDR: the decimal sign, the date patterns
and the plural rules (1 человек / 2 человека / 5 человек, 1 person / 2 people), which
are too subtle to write by hand for each language. Numbers are printed without a
thousands separator, as every output did before the locale object existed; the CLDR
grouping sign is one method away (`Locale.group_sign`).

The folder also holds the catalogues of words read by `diagnose/texts.py` (ui.yaml,
rules.yaml, checks.yaml) and the plural forms of unit words (plurals.yaml).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Mapping
from typing import Any

# Language code -> how its dates are written (a CLDR date pattern). The first language is
# the default where neither the user nor the answer file names one.
DATE_PATTERNS: dict[str, str] = {
    "ru": "dd.MM.yyyy",
    "en": "yyyy-MM-dd",  # ISO: reports in English go to international readers
}
LANGUAGES: tuple[str, ...] = tuple(DATE_PATTERNS)
DEFAULT_LANGUAGE = LANGUAGES[0]

# A number written language-neutrally (a point before the decimals), not part of a date
# or version such as 05.03.2024 or 1.2.3.
_NEUTRAL_DECIMAL = re.compile(r"(?<![\d.])(\d+)\.(\d+)(?![\d.])")


class Locale:
    """Numbers, percentages, dates and plural forms as one language writes them."""

    def __init__(self, code: str):
        self.code = code

    @functools.cached_property
    def _babel(self) -> Any:
        from babel import Locale as BabelLocale  # imported on first use: the CLI starts faster

        return BabelLocale.parse(self.code)

    @functools.cached_property
    def decimal_sign(self) -> str:
        """"," in Russian, "." in English (CLDR)."""
        from babel.numbers import get_decimal_symbol

        return get_decimal_symbol(self._babel)

    @functools.cached_property
    def group_sign(self) -> str:
        """The thousands separator of CLDR (a no-break space in Russian); not used yet."""
        from babel.numbers import get_group_symbol

        return get_group_symbol(self._babel)

    def _localised(self, text: str) -> str:
        return text if self.decimal_sign == "." else text.replace(".", self.decimal_sign)

    def number(self, value: Any, digits: int = 1) -> str:
        """A figure as a person reads it: at most `digits` decimals, no trailing zeros
        (3.5 -> "3,5" in Russian, 6.0 -> "6"); anything but a number is shown as is."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return str(value)
        rounded = round(float(value), digits)
        if rounded.is_integer():
            return str(int(rounded))
        return self._localised(f"{rounded:.{digits}f}".rstrip("0").rstrip("."))

    def exact(self, value: Any) -> str:
        """A number as it was given (up to six significant digits), for answers, bounds
        and parameters: 0.125 stays "0.125" ("0,125" in Russian), 12.0 becomes "12"."""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, float):
            return self._localised(f"{value:.6g}")
        return str(value)

    def percent(self, value: Any, digits: int = 1) -> str:
        """A share given in percent points: 76.47 -> "76,5 %" in Russian."""
        return f"{self.number(value, digits)} %"

    def date(self, value: Any) -> str:
        """A date (or an ISO date text) in this language's pattern; other text as is."""
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                return value
        if isinstance(value, dt.date):
            from babel.dates import format_date

            return format_date(value, DATE_PATTERNS[self.code], locale=self._babel)
        return "" if value is None else str(value)

    def formula(self, text: str) -> str:
        """A language-neutral formula ("⌈0.25 ÷ 0.5⌉ × 0.5 = 0.5") with this language's
        decimal sign; the diagnosis keeps the neutral text, outputs show this one."""
        if self.decimal_sign == ".":
            return text
        return _NEUTRAL_DECIMAL.sub(lambda m: f"{m[1]}{self.decimal_sign}{m[2]}", text)

    def plural_category(self, count: float | int) -> str:
        """The CLDR plural category of `count`: "one", "few", "many" or "other"."""
        if isinstance(count, float) and count.is_integer():
            count = int(count)
        return _plural_category(self.code, count)

    def plural(self, count: float | int, forms: Mapping[str, str]) -> str:
        """The form of a word for `count`, from forms by CLDR category ("other" if missing)."""
        return forms.get(self.plural_category(count)) or forms["other"]

    def count(self, count: float | int, forms: Mapping[str, str], digits: int = 1) -> str:
        """A number with its word in the right form: "1 person", "2 people", "21 человек"."""
        return f"{self.number(count, digits)} {self.plural(count, forms)}"

    def with_unit(self, value: float | int, unit: str) -> str:
        """An answer with its unit, the unit in the form the number asks for when
        locale/plurals.yaml knows it ("1 person"; "2 people"); otherwise as written."""
        from diagnose.texts import catalogue  # here: `--help` needs the language list, not YAML

        forms = catalogue("plurals").get(self.code, {}).get(unit)
        word = self.plural(value, forms) if forms and math.isfinite(value) else unit
        return f"{self.exact(value)} {word}".strip()


@functools.cache
def _plural_category(code: str, count: float | int) -> str:
    return locale(code)._babel.plural_form(count)


@functools.cache
def locale(code: str) -> Locale:
    """The locale of language `code` (one object per language, made once)."""
    return Locale(code)
