"""Each question type accepts and refuses answers at its edges, with the exact message.

`Question.parse` is the one checker for typed and file answers, so these messages are
what a person sees in the interview and in `diagnose validate`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from diagnose.expressions import DONT_KNOW, NOT_APPLICABLE
from diagnose.questionnaire import Question, Questionnaire, load_questionnaire

FIXTURE = Path(__file__).parent / "fixtures" / "valid" / "all-types.yaml"


@pytest.fixture(scope="module")
def questionnaire() -> Questionnaire:
    return load_questionnaire(FIXTURE)


def question(questionnaire: Questionnaire, qid: str) -> Question:
    return questionnaire.questions[qid]


ACCEPTED: list[tuple[str, Any, Any]] = [
    # single
    ("stage", "growth", "growth"),
    ("stage", "startup", "startup"),
    # multi: min_selected 1, max_selected 2
    ("stages", ["purchasing"], ["purchasing"]),
    ("stages", ["purchasing", "invoicing"], ["purchasing", "invoicing"]),
    ("stages", "shipping", ["shipping"]),  # one choice may be written without brackets
    # scale 1..5, whole numbers, both ends inclusive
    ("load", 1, 1),
    ("load", 5, 5),
    ("load", 4.0, 4),
    ("load", "3", 3),
    # number 0.5..24 (fractions allowed), inclusive
    ("hours", 0.5, 0.5),
    ("hours", 24, 24),
    ("hours", "1,5", 1.5),  # a decimal comma, as typed in Russian
    # whole number 1..500
    ("people", 1, 1),
    ("people", 500, 500),
    ("people", 3.0, 3),
    ("people", "1 0", 10),  # spaces between digit groups are ignored
    ("anything", -1e9, -1e9),
    # percent 0..100 inclusive
    ("share", 0, 0),
    ("share", 100, 100),
    ("share", 99.5, 99.5),
    # yes/no, including YAML booleans and any letter case
    ("agreed", "yes", "yes"),
    ("agreed", "No", "no"),
    ("agreed", True, "yes"),
    ("agreed", False, "no"),
    # text up to max_length 10
    ("note", "0123456789", "0123456789"),
    ("note", 12, "12"),
    # don't know / not applicable where allowed
    ("estimate", "dont_know", DONT_KNOW),
    ("travel", "not_applicable", NOT_APPLICABLE),
    ("both", "dont_know", DONT_KNOW),
    ("both", " not_applicable ", NOT_APPLICABLE),
    ("both", "yes", "yes"),
]


@pytest.mark.parametrize("qid, raw, value", ACCEPTED)
def test_accepted(questionnaire: Questionnaire, qid: str, raw: Any, value: Any) -> None:
    parsed = question(questionnaire, qid).parse(raw)
    assert parsed == value
    assert type(parsed) is type(value)


REFUSED: list[tuple[str, Any, str]] = [
    # single
    ("stage", "Growth", "'Growth' is not a choice (did you mean 'growth'?); expected one of: startup, growth, mature"),
    ("stage", "boom", "'boom' is not a choice; expected one of: startup, growth, mature"),
    ("stage", 1, "expected one of: startup, growth, mature, got number 1"),
    ("stage", ["growth"], "expected one of: startup, growth, mature, got a list"),
    # multi
    ("stages", [], "0 chosen; expected a list of 1 to 2 of: purchasing, shipping, invoicing"),
    (
        "stages",
        ["purchasing", "shipping", "invoicing"],
        "3 chosen; expected a list of 1 to 2 of: purchasing, shipping, invoicing",
    ),
    ("stages", ["shipping", "shipping"], "'shipping' is listed twice; list each choice once"),
    (
        "stages",
        ["shiping"],
        "'shiping' is not a choice (did you mean 'shipping'?); "
        "expected a list of 1 to 2 of: purchasing, shipping, invoicing",
    ),
    ("stages", [1], "number 1 is not a choice; expected a list of 1 to 2 of: purchasing, shipping, invoicing"),
    ("stages", {"a": 1}, "expected a list of 1 to 2 of: purchasing, shipping, invoicing, got a mapping"),
    # scale
    ("load", 0, "0 is below the minimum 1 (scale 1–5)"),
    ("load", 6, "6 is above the maximum 5 (scale 1–5)"),
    ("load", 2.5, "2.5 is not a whole number; expected a whole number from 1 to 5"),
    ("load", True, "expected a whole number from 1 to 5, got yes/no value true"),
    ("load", "high", "expected a whole number from 1 to 5, got 'high'"),
    # number with fractions
    ("hours", 0.4, "0.4 is below the minimum 0.5"),
    ("hours", 24.01, "24.01 is above the maximum 24"),
    ("hours", "12 h", "expected a number from 0.5 to 24, got '12 h'"),
    ("hours", float("nan"), "expected a number from 0.5 to 24, got number nan"),
    ("hours", float("inf"), "expected a number from 0.5 to 24, got number inf"),
    # whole number
    ("people", 0, "0 is below the minimum 1"),
    ("people", 501, "501 is above the maximum 500"),
    ("people", 2.5, "2.5 is not a whole number; expected a whole number from 1 to 500"),
    ("anything", True, "expected a number, got yes/no value true"),
    # percent
    ("share", 100.5, "100.5 is above the maximum 100 (percent 0–100)"),
    ("share", -0.1, "-0.1 is below the minimum 0 (percent 0–100)"),
    ("share", "50%", "expected a number from 0 to 100, got '50%'"),
    # yes/no
    ("agreed", "y", "expected yes or no, got 'y'"),
    ("agreed", 1, "expected yes or no, got number 1"),
    ("agreed", None, "expected yes or no, got nothing"),
    # text
    ("note", "01234567890", "text has 11 characters, more than the 10 allowed"),
    ("note", ["a"], "expected text of at most 10 characters, got a list"),
    # don't know / not applicable where not offered
    (
        "stage",
        "dont_know",
        "'dont_know' (don't know) is not allowed for this question; expected one of: startup, growth, mature",
    ),
    (
        "estimate",
        "not_applicable",
        "'not_applicable' (not applicable) is not allowed for this question; "
        "expected a number from 0 to 100, or dont_know",
    ),
    (
        "travel",
        "dont_know",
        "'dont_know' (don't know) is not allowed for this question; "
        "expected a number of at least 0, or not_applicable",
    ),
    ("both", "maybe", "'maybe' is not a choice; expected one of: yes, no, or dont_know / not_applicable"),
]


@pytest.mark.parametrize("qid, raw, message", REFUSED)
def test_refused(questionnaire: Questionnaire, qid: str, raw: Any, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        question(questionnaire, qid).parse(raw)
    assert str(caught.value) == message


def test_every_type_is_covered(questionnaire: Questionnaire) -> None:
    from diagnose.questionnaire import QUESTION_TYPES

    assert {q.type for q in questionnaire.iter_questions()} == set(QUESTION_TYPES)
    refused = {question(questionnaire, qid).type for qid, _, _ in REFUSED}
    accepted = {question(questionnaire, qid).type for qid, _, _ in ACCEPTED}
    assert refused == accepted == set(QUESTION_TYPES)


@pytest.mark.parametrize(
    "qid, value, en, ru",
    [
        ("stage", "growth", "Growth", "Рост"),
        ("stages", ["purchasing", "invoicing"], "Purchasing; Invoicing", "Закупка; Счета"),
        ("hours", 1.5, "1.5 h", "1,5 ч"),
        ("share", 40.0, "40 %", "40 %"),
        ("agreed", "yes", "yes", "да"),
        ("estimate", DONT_KNOW, "don't know", "не знаю"),
    ],
)
def test_display(questionnaire: Questionnaire, qid: str, value: Any, en: str, ru: str) -> None:
    q = question(questionnaire, qid)
    assert q.display(value, "en").lower() == en.lower()
    assert q.display(value, "ru").lower() == ru.lower()


@pytest.mark.parametrize("value, en, ru", [
    # a bare "5" does not say which end of the scale is which: the ends carry their labels
    (5, "5 of 5 (high)", "5 из 5 — высокая"),
    (1, "1 of 5 (low)", "1 из 5 — низкая"),
    (3, "3 of 5", "3 из 5"),
])
def test_a_scale_answer_is_shown_with_its_range(questionnaire: Questionnaire, value: int, en: str, ru: str) -> None:
    q = next(q for q in questionnaire.iter_questions() if q.type == "scale")
    assert (q.display(value, "en"), q.display(value, "ru")) == (en, ru)
    assert q.display(DONT_KNOW, "ru") == "не знаю"


def test_defaults_are_checked_by_the_same_parser(tmp_path: Path) -> None:
    source = FIXTURE.read_text(encoding="utf-8").replace(
        "        type: percent\n        text: {ru: Доля?", "        type: percent\n        default: 100\n        text: {ru: Доля?"
    )
    path = tmp_path / "q.yaml"
    path.write_text(source, encoding="utf-8")
    assert load_questionnaire(path).questions["share"].default == 100
