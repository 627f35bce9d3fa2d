"""The locale object: numbers, percentages, dates and plural forms in each language, and
the one language list every part of diagnose follows."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest

import diagnose.locale as locale_module
from diagnose.locale import LANGUAGES, locale


@pytest.mark.parametrize("value, ru, en", [
    (1, "1", "1"), (2, "2", "2"), (5, "5", "5"), (21, "21", "21"),
    (0.5, "0,5", "0.5"), (1.5, "1,5", "1.5"), (6.0, "6", "6"), (2.26, "2,3", "2.3"),
])
def test_number(value: float, ru: str, en: str) -> None:
    assert (locale("ru").number(value), locale("en").number(value)) == (ru, en)


def test_number_digits_and_non_numbers() -> None:
    assert locale("ru").number(866.666, 2) == "866,67"
    assert locale("en").number(0.25, 2) == "0.25"
    assert locale("ru").number(True) == "True"
    assert locale("ru").number("text") == "text"


@pytest.mark.parametrize("value, digits, shown", [
    # a half is rounded up, as a reader checking "35 ÷ 140 = 0,25 → ?" does by hand
    (0.25, 1, "0,3"), (0.35, 1, "0,4"), (12.25, 1, "12,3"), (2.675, 2, "2,68"), (0.5, 0, "1"),
    (0.24, 1, "0,2"), (-0.04, 1, "0"), (1e-9, 1, "0"), (76.47, 1, "76,5"), (123456789.0, 1, "123456789"),
])
def test_a_half_is_rounded_up(value: float, digits: int, shown: str) -> None:
    assert locale("ru").number(value, digits) == shown


def test_exact_keeps_six_significant_digits() -> None:
    assert locale("ru").exact(0.125) == "0,125"
    assert locale("en").exact(0.1234567) == "0.123457"
    assert locale("en").exact(12.0) == "12"


def test_percent() -> None:
    assert locale("ru").percent(76.47) == "76,5 %"
    assert locale("en").percent(76.47) == "76.5 %"


def test_date() -> None:
    day = dt.date(2024, 3, 5)
    assert (locale("ru").date(day), locale("en").date(day)) == ("05.03.2024", "2024-03-05")
    assert locale("ru").date("2024-03-05") == "05.03.2024"
    assert locale("ru").date("not a date") == "not a date"
    assert locale("en").date(None) == ""


PERSON_RU = {"one": "человек", "few": "человека", "many": "человек", "other": "человека"}
PERSON_EN = {"one": "person", "other": "people"}


@pytest.mark.parametrize("count, ru, en", [
    (1, "1 человек", "1 person"), (2, "2 человека", "2 people"), (5, "5 человек", "5 people"),
    (21, "21 человек", "21 people"), (0.5, "0,5 человека", "0.5 people"), (1.5, "1,5 человека", "1.5 people"),
])
def test_plural_forms(count: float, ru: str, en: str) -> None:
    assert locale("ru").count(count, PERSON_RU) == ru
    assert locale("en").count(count, PERSON_EN) == en


@pytest.mark.parametrize("count, ru, en", [
    (1, "1 клиент", "1 person"), (2, "2 клиента", "2 people"), (5, "5 клиентов", "5 people"),
    (21, "21 клиент", "21 people"), (0.5, "0,5 клиента", "0.5 people"), (1.5, "1,5 клиента", "1.5 people"),
])
def test_unit_words_take_their_plural_form(count: float, ru: str, en: str) -> None:
    assert locale("ru").with_unit(count, "клиентов") == ru
    assert locale("en").with_unit(count, "people") == en


def test_a_unit_without_forms_is_written_as_given() -> None:
    assert locale("ru").with_unit(1, "чел.") == "1 чел."
    assert locale("ru").with_unit(2.5, "ч в день") == "2,5 ч в день"
    assert locale("en").with_unit(3, "") == "3"


def test_formula_gets_the_decimal_sign_but_dates_do_not() -> None:
    neutral = "⌈0.25 ÷ 0.5⌉ × 0.5 = 0.5 (05.03.2024, v1.2.3)"
    assert locale("ru").formula(neutral) == "⌈0,25 ÷ 0,5⌉ × 0,5 = 0,5 (05.03.2024, v1.2.3)"
    assert locale("en").formula(neutral) == neutral


def test_languages_are_defined_once_and_cli_choices_follow(monkeypatch: pytest.MonkeyPatch) -> None:
    import diagnose.cli
    import diagnose.interview.typed
    import diagnose.report.texts
    import diagnose.rules.words

    assert LANGUAGES == tuple(locale_module.DATE_PATTERNS) == ("ru", "en")
    for module in (diagnose.rules.words, diagnose.interview.typed):
        assert module.LANGS is LANGUAGES
    assert diagnose.report.texts.LANGUAGES is LANGUAGES
    monkeypatch.setattr(locale_module, "LANGUAGES", (*LANGUAGES, "de"))
    try:
        cli = importlib.reload(diagnose.cli)
        assert list(cli.LANGS.choices) == ["ru", "en", "de"]
    finally:
        monkeypatch.undo()
        importlib.reload(diagnose.cli)
    assert list(diagnose.cli.LANGS.choices) == ["ru", "en"]


@pytest.mark.parametrize(("value", "ru", "en"), [
    (1250000.5, "1\u202f250\u202f000,5", "1,250,000.5"),
    (999, "999", "999"),
    (1000, "1\u202f000", "1,000"),
    (-3500, "\u22123\u202f500", "\u22123,500"),
])
def test_grouped_thousands_use_a_narrow_no_break_space_in_russian(value: float, ru: str, en: str) -> None:
    # CLDR (Babel) gives U+00A0 for Russian; Russian typography groups with U+202F
    from babel.numbers import get_group_symbol

    assert get_group_symbol("ru") == "\u00a0"
    assert (locale("ru").grouped(value), locale("en").grouped(value)) == (ru, en)


def test_signed_changes() -> None:
    assert [locale("ru").signed(v) for v in (2, -1, 0, 1.5, -0.04)] == ["+2", "\u22121", "0", "+1,5", "0"]
    assert locale("en").signed(6.5) == "+6.5"


@pytest.mark.parametrize(("amount", "code", "sign", "ru", "en"), [
    (445000, "RUB", False, "445\u202f000\u00a0₽", "RUB\u00a0445,000"),
    (445000, "RUB", True, "+445\u202f000\u00a0₽", "+RUB\u00a0445,000"),
    (-120000, "RUB", True, "\u2212120\u202f000\u00a0₽", "\u2212RUB\u00a0120,000"),
    (3500, "USD", True, "+3\u202f500\u00a0$", "+$3,500"),
    (285000.4, "EUR", False, "285\u202f000\u00a0€", "€285,000"),
])
def test_money_in_the_currency_given(amount: float, code: str, sign: bool, ru: str, en: str) -> None:
    assert (locale("ru").money(amount, code, sign), locale("en").money(amount, code, sign)) == (ru, en)
