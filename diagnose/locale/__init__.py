"""The languages diagnose speaks, defined once, and one `Locale` object per language.

`LANGUAGES` is the only list of language codes in the code: the CLI's `--lang` choices,
the report texts, the rulebook's and questionnaire's texts and the interview's words all
follow it. `locale(code)` gives the object every output (report, interview, explain,
messages) formats numbers, percentages, dates and plural forms with.

The locale data come from Babel, that is from CLDR: the decimal sign, the date patterns
and the plural rules (1 человек / 2 человека / 5 человек, 1 person / 2 people), which
are too subtle to write by hand for each language. Figures are printed without a
thousands separator, as every output did before the locale object existed; amounts of
money (`money`, `signed_money`) and other large figures (`grouped`) group thousands
with `group_sign`: CLDR's sign, except where `GROUP_SIGNS` says how the language's
typography does it (Russian: a narrow no-break space, U+202F, where CLDR has U+00A0;
PT Sans has no such glyph, and the PDF's text engine draws it from the font's space at
its narrow width, so the PDF's text layer reads it as a space).

The folder also holds the catalogues of words read by `diagnose/texts.py` (ui.yaml,
rules.yaml, checks.yaml) and the plural forms of unit words (plurals.yaml).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import os
import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

# Language code -> how its dates are written (a CLDR date pattern). The first language is
# the default where neither the user nor the answer file names one.
DATE_PATTERNS: dict[str, str] = {
    "ru": "dd.MM.yyyy",
    "en": "yyyy-MM-dd",  # ISO: reports in English go to international readers
}
LANGUAGES: tuple[str, ...] = tuple(DATE_PATTERNS)
# Thousands separators that differ from CLDR's: Russian typography groups digits with a
# narrow no-break space ("1 250 000"), CLDR gives the wide one.
GROUP_SIGNS: dict[str, str] = {"ru": "\u202f"}
MINUS = "\u2212"  # a signed figure's minus: the typographic sign, not the hyphen
DEFAULT_LANGUAGE = LANGUAGES[0]

# A number written language-neutrally (a point before the decimals), not part of a date
# or version such as 05.03.2024 or 1.2.3.
_NEUTRAL_DECIMAL = re.compile(r"(?<![\d.])(\d+)\.(\d+)(?![\d.])")
# A date pattern of figures only (day, month, year and signs between them), which gives
# the same text as Babel's format_date without Babel's locale data.
_NUMERIC_DATE = re.compile(r"(?:dd|MM|yyyy|[^A-Za-z'])+")
_DATE_FIELD = re.compile(r"dd|MM|yyyy")
_DATE_FIGURES = {
    "dd": lambda day: f"{day.day:02d}",
    "MM": lambda day: f"{day.month:02d}",
    "yyyy": lambda day: f"{day.year:04d}",
}


class Locale:
    """Numbers, percentages, dates and plural forms as one language writes them."""

    def __init__(self, code: str):
        self.code = code

    @functools.cached_property
    def _babel(self) -> Any:
        from babel import Locale as BabelLocale  # imported on first use: the CLI starts faster

        return BabelLocale.parse(self.code)

    @functools.cached_property
    def _cldr(self) -> dict[str, Any]:
        """What the outputs read from this language's CLDR data, kept by the load cache:
        a fresh process reads a small pickle instead of loading Babel's locale data."""
        from diagnose.loadcache import kept_data

        return kept_data("cldr", None, (self.code, _babel_files()), self._read_cldr)

    def _read_cldr(self) -> dict[str, Any]:
        from babel.numbers import get_decimal_symbol, get_group_symbol

        babel = self._babel
        return {
            "decimal": get_decimal_symbol(babel),
            "group": get_group_symbol(babel),
            "currency_pattern": babel.currency_formats["standard"].pattern,
            "currency_symbols": dict(babel.currency_symbols),
            "plural_rules": dict(babel.plural_form.rules),
        }

    @functools.cached_property
    def _plural_rule(self) -> Any:
        from babel.plural import PluralRule

        return PluralRule(self._cldr["plural_rules"])

    @functools.cached_property
    def decimal_sign(self) -> str:
        """"," in Russian, "." in English (CLDR)."""
        return self._cldr["decimal"]

    @functools.cached_property
    def group_sign(self) -> str:
        """The thousands separator: "," in English, a narrow no-break space in Russian."""
        return GROUP_SIGNS.get(self.code) or self._cldr["group"]

    def grouped(self, value: float | int, digits: int = 1) -> str:
        """`number` with thousands grouped: 1250000.5 -> "1 250 000,5" in Russian."""
        text = self.number(abs(value), digits)
        whole, sep, decimals = text.partition(self.decimal_sign)
        groups = []
        while len(whole) > 3:
            whole, tail = whole[:-3], whole[-3:]
            groups.insert(0, tail)
        body = self.group_sign.join([whole, *groups]) + (sep + decimals if sep else "")
        return (MINUS if value < 0 and text.strip("0" + self.decimal_sign) else "") + body

    def signed(self, value: float | int, digits: int = 1) -> str:
        """A change with its sign: "+2", "−1,5", "0" (a typographic minus)."""
        text = self.grouped(value, digits)
        return f"+{text}" if value > 0 and text != "0" else text

    def currency_symbol(self, code: str) -> str:
        """How the language writes a currency: "₽" for RUB in Russian, "RUB" in English."""
        return self._cldr["currency_symbols"].get(code, code)  # as Babel's get_currency_symbol

    def money(self, amount: float | int, code: str, sign: bool = False) -> str:
        """A whole amount in currency `code`, grouped, the symbol where the language's CLDR
        pattern puts it: "1 250 000 ₽" in Russian, "RUB 1,250,000" or "$3,500" in English;
        `sign`: a change, with "+" or "−"."""
        figure = self.signed(amount, 0) if sign else self.grouped(amount, 0)
        symbol = self.currency_symbol(code)
        pattern = self._cldr["currency_pattern"]
        if pattern.lstrip("+-").startswith("\u00a4"):
            sep = "" if len(symbol) == 1 else "\u00a0"
            head = figure[0] if figure[:1] in ("+", MINUS) else ""
            return f"{head}{symbol}{sep}{figure[len(head):]}"
        return f"{figure}\u00a0{symbol}"

    def _localised(self, text: str) -> str:
        return text if self.decimal_sign == "." else text.replace(".", self.decimal_sign)

    def number(self, value: Any, digits: int = 1) -> str:
        """A figure as a person reads it: at most `digits` decimals, no trailing zeros
        (3.5 -> "3,5" in Russian, 6.0 -> "6"); anything but a number is shown as is."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return str(value)
        if isinstance(value, float) and not math.isfinite(value):
            return str(value)
        # half up on the decimal figure a person sees (0.25 -> 0.3, 2.675 -> 2.68), not
        # `round`'s half to even on the binary value (0.2 and 2.67)
        rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
        if rounded == rounded.to_integral_value():
            return str(int(rounded))
        return self._localised(f"{rounded:f}".rstrip("0").rstrip("."))

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
            pattern = DATE_PATTERNS[self.code]
            if _NUMERIC_DATE.fullmatch(pattern):  # figures only: Babel's data is not needed
                return _DATE_FIELD.sub(lambda m: _DATE_FIGURES[m[0]](value), pattern)
            from babel.dates import format_date

            return format_date(value, pattern, locale=self._babel)
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
    return locale(code)._plural_rule(count)


def _babel_files() -> tuple:
    """Size and modification time of Babel's own module (its version is written there),
    found without importing Babel: what the kept CLDR figures were read with."""
    import importlib.util

    spec = importlib.util.find_spec("babel")
    try:
        stat = os.stat(spec.origin) if spec and spec.origin else None
    except OSError:
        stat = None
    return (stat.st_size, stat.st_mtime_ns) if stat else ()


@functools.cache
def locale(code: str) -> Locale:
    """The locale of language `code` (one object per language, made once)."""
    return Locale(code)
