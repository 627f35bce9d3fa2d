"""The question-type registry: the types every questionnaire may use, and a new type
added as one class, which the loader, the answer checker, the interview's typed text,
the template, the printed questionnaire and the CSV reader then use with no other change."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from diagnose.batch.tables import cell_value, special_words
from diagnose.errors import ProblemList
from diagnose.interview.typed import typed_to_raw
from diagnose.paper import questionnaire_as_text
from diagnose.question_types import QUESTION_TYPES, TYPES, QuestionType, register, say
from diagnose.questionnaire import Question, Questionnaire, load_questionnaire, questionnaire_from_document
from diagnose.schema import Checker
from diagnose.template import template_text
from diagnose.yamlio import load_document

FIXTURES = Path(__file__).parent / "fixtures" / "valid"


def test_the_types_and_their_order() -> None:
    # the order is the one the loader's "expected one of" lists them in
    assert QUESTION_TYPES == ("single", "multi", "scale", "number", "percent", "yesno", "text")
    assert {name: kind.widget for name, kind in TYPES.items()} == {
        "single": "select", "multi": "checkbox", "scale": "text", "number": "text",
        "percent": "text", "yesno": "select", "text": "text",
    }


def test_xlsform_row_types() -> None:
    questionnaire = load_questionnaire(FIXTURES / "all-types.yaml")
    rows = {q.id: q.kind.xlsform_type(q) for q in questionnaire.iter_questions()}
    assert rows["stage"] == "select_one stage"
    assert rows["stages"] == "select_multiple stages"
    assert rows["load"] == "range"
    assert rows["hours"] == "decimal"
    assert rows["people"] == "integer"
    assert rows["share"] == "decimal"
    assert rows["agreed"] == "select_one yes_no"
    assert rows["note"] == "text"


class Code(QuestionType):
    """A fixed-length code in capitals; typed and read from a table in any case."""

    name = "code"
    keys = ("length",)

    def read(self, check: Checker, raw: Any, path: str, languages: list[str], question: Question) -> None:
        question.max_length = check.integer(raw, "length", f"{path}.length") or 2

    def expected(self, question: Question, lang: str, extra: str) -> str:
        return say("expect_text", lang, max=question.max_length, extra=extra)

    def parse(self, question: Question, raw: Any, lang: str) -> str:
        if not isinstance(raw, str) or len(raw) != question.max_length or not raw.isupper():
            raise ValueError(say("expected_got", lang, expected=question.expected(lang), got=repr(raw)))
        return raw

    def typed(self, question: Question, text: str) -> Any:
        return text.upper()

    def cell(self, question: Question, text: str, special: str | None, cells: Any) -> Any:
        return text.upper()

    def template_lines(self, question: Question, lang: str) -> list[str]:
        return [f"code: {'X' * question.max_length}"]

    def paper_lines(self, question: Question, lang: str, indent: str, width: int) -> list[str]:
        return [indent + "[ ]" * question.max_length]


@pytest.fixture()
def with_code() -> Iterator[Questionnaire]:
    register(Code)
    try:
        problems = ProblemList()
        questionnaire = questionnaire_from_document(load_document(FIXTURES / "new-type.yaml"), problems)
        assert not problems.items and questionnaire is not None
        yield questionnaire
    finally:
        TYPES.pop("code")


def test_a_new_type_is_one_class(with_code: Questionnaire) -> None:
    region = with_code.questions["region"]
    assert region.kind is TYPES["code"]
    assert region.parse("MSK") == "MSK"
    with pytest.raises(ValueError) as caught:
        region.parse("msk")
    assert str(caught.value) == "expected text of at most 3 characters, got 'msk'"
    assert typed_to_raw(region, " spb ") == "SPB"
    assert typed_to_raw(region, "dk") == "dont_know"  # the special words stay the session's
    assert cell_value(region, "ekb", special_words(with_code)) == "EKB"
    assert "  # code: XXX\n" in template_text(with_code, "en")
    assert "    [ ][ ][ ]\n" in questionnaire_as_text(with_code, "en")
    # conditions may read it as they read any question
    assert with_code.questions["name"].show_if is not None


def test_an_unregistered_type_is_refused_with_the_registered_ones() -> None:
    problems = ProblemList()
    assert questionnaire_from_document(load_document(FIXTURES / "new-type.yaml"), problems) is None
    assert [p.message for p in problems.items][0] == (
        "unknown question type 'code'; expected one of: single, multi, scale, number, "
        "percent, yesno, text"
    )
