"""The method in use (diagnose/method.py): loaded when asked, once, errors kept; the
stages are plain functions of the method and the answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from diagnose.diagnosis import to_json
from diagnose.errors import UserError
from diagnose.method import diagnose, load_method, read_answers, render
from diagnose.questionnaire import load_questionnaire
from diagnose.resources import examples_dir, questionnaire_path
from diagnose.rules.evaluate import evaluate

ANSWERS = examples_dir() / "small-distributor.yaml"
MINI = Path(__file__).parent / "fixtures" / "interview" / "mini.questionnaire.yaml"


def test_nothing_is_read_until_asked_for_and_a_loading_error_is_kept(tmp_path):
    missing = tmp_path / "missing.rules.yaml"
    method = load_method(rules=missing, brand=tmp_path / "missing-brand.yaml")  # no error yet
    with pytest.raises(UserError) as first:
        _ = method.rulebook
    with pytest.raises(UserError) as again:
        _ = method.rulebook
    assert again.value is first.value  # not read a second time
    assert str(missing) in str(first.value.problems[0])


def test_without_sets_or_a_parameter_file_the_overrides_need_no_rulebook(tmp_path):
    method = load_method(rules=tmp_path / "missing.rules.yaml")
    assert method.overrides == {}
    assert load_method(sets=("am_operations_share_high=40",)).overrides == {"am_operations_share_high": 40}


def test_the_diagnosis_is_the_evaluation_of_the_method_and_its_search_is_prepared_once():
    method = load_method()
    answers = read_answers(method, ANSWERS)
    first = diagnose(method, answers)
    search = method.whatif_search
    second = diagnose(method, read_answers(method, ANSWERS))
    assert method.whatif_search is search
    assert to_json(first) == to_json(second) == to_json(evaluate(answers))


def test_answers_pick_the_questionnaire_of_a_method_given_none():
    method = load_method()
    answers = read_answers(method, ANSWERS)
    assert method.for_questionnaire(answers.questionnaire) is method
    assert method.questionnaire is answers.questionnaire


def test_a_method_given_a_questionnaire_makes_another_for_other_answers():
    mini = load_questionnaire(MINI)
    method = load_method(mini)
    assert method.pinned and method.questionnaire is mini
    bundled = load_questionnaire(questionnaire_path())
    other = method.for_questionnaire(bundled)
    assert other is not method and other.questionnaire is bundled
    assert method.for_questionnaire(bundled) is other  # remembered
    assert method.questionnaire is mini


def test_render_uses_the_method_brand(tmp_path):
    brand = Path(__file__).parent / "fixtures" / "batch" / "settings" / "brand.yaml"
    method = load_method(brand=brand)
    rendered = render(method, diagnose(method, read_answers(method, ANSWERS)), "html", "en")
    assert "Northern Lights Consulting" in rendered.data.decode("utf-8")
