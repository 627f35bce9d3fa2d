"""Consistency checks across answers (`checks:` in a questionnaire): the loader's
located errors, each bundled check on both sides of its threshold, `diagnose validate`
(errors exit 2, warnings print and exit 0) and batch refusing an input an error check
breaks. Fixtures: tests/fixtures/checks/ (base.yaml passes every check)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from diagnose.answers import answers_from_document, load_answers
from diagnose.checks import broken_checks
from diagnose.cli import cli
from diagnose.errors import ProblemList
from diagnose.yamlio import load_document

FIXTURES = Path(__file__).parent / "fixtures"
CHECKS = FIXTURES / "checks"


def _validate(monkeypatch, *files: str):  # -> click Result
    monkeypatch.chdir(FIXTURES)
    return CliRunner().invoke(cli, ["validate", *files])


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    """base.yaml with one answer line changed (each threshold is tried on both sides)."""
    text = (CHECKS / "base.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "answers.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _broken(path: Path) -> list[str]:
    problems = ProblemList()
    answer_set = answers_from_document(load_document(path), problems)
    assert answer_set is not None
    return [b.check.id for b in broken_checks(answer_set.questionnaire, answer_set.environment())]


def test_the_loader_locates_every_wrong_check(monkeypatch) -> None:
    result = _validate(monkeypatch, "checks/bad-checks.yaml")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "checks/bad-checks.yaml:20:12: checks[0].holds: unknown name 'totl' in condition 'hunters <= totl' "
        "(did you mean 'total'?)",
        "checks/bad-checks.yaml:23:15: checks[1].severity: unknown severity 'fatal'; expected one of: error, warning",
        "checks/bad-checks.yaml:25:46: checks[1].message.en: '{hunters.__class__}' is not allowed in text: a value "
        "is written as {name} alone, without '.', '[', '!' or ':'",
        "checks/bad-checks.yaml:30:5: checks[2].fails: unknown key 'fails'; expected one of: id, holds, severity, message",
        "checks/bad-checks.yaml:26:9: checks[2].id: check id 'loud' is used twice",
        "checks/bad-checks.yaml:34:19: checks[3].message.ru: '{total}' in message: the condition does not read "
        "'total'; a message may name only what its condition reads (hunters)",
        "checks/bad-checks.yaml:34:34: checks[3].message.en: '{total}' in message: the condition does not read "
        "'total'; a message may name only what its condition reads (hunters)",
    ]


def test_the_base_answers_break_no_check() -> None:
    assert _broken(CHECKS / "base.yaml") == []


@pytest.mark.parametrize(("old", "new", "broken"), [
    # roles 2+14+0+0+2 = 18 of 18: equal is fine, one more is not
    ("  headcount_sales_specialists: 2", "  headcount_sales_specialists: 3", ["roles_within_total"]),
    ("  salespeople_total: 18", "  salespeople_total: 19", []),
    ("  salespeople_total: 18", "  salespeople_total: 17", ["roles_within_total"]),
    # time study 2.5+4+0.8+0.2+1+0 = 8.5 h; 14 h is plausible, 14.5 h is a warning, over 24 h an error
    ("  am_hours_internal: 4.0", "  am_hours_internal: 9.5", []),
    ("  am_hours_internal: 4.0", "  am_hours_internal: 10.0", ["time_study_plausible_day"]),
    ("  am_hours_internal: 4.0", "  am_hours_internal: 19.5", ["time_study_plausible_day"]),
    ("  am_hours_internal: 4.0", "  am_hours_internal: 20.0", ["time_study_within_day"]),
    # travel "not applicable" counts as no hours, as in am_hours_total
    ("  am_hours_travel: 0 ", "  am_hours_travel: not_applicable ", []),
    # minutes per order: 600 is plausible, 601 and 3,000 are not
    ("  minutes_per_order: 40 ", "  minutes_per_order: 600 ", []),
    ("  minutes_per_order: 40 ", "  minutes_per_order: 601 ", ["minutes_per_order_plausible"]),
    ("  minutes_per_order: 40 ", "  minutes_per_order: 3000 ", ["minutes_per_order_plausible"]),
    # a check whose answer is "don't know" is not evaluated
    ("  minutes_per_order: 40 ", "  minutes_per_order: dont_know ", []),
    # 'none' alone is fine; with another stage it is not
    ("  am_internal_stages:\n    - purchasing\n    - in_plant_transport\n    - production_scheduling\n"
     "    - quality_testing\n    - shipping_logistics\n", "  am_internal_stages: [none]\n", []),
    ("  am_internal_stages:\n", "  am_internal_stages:\n    - none\n", ["internal_stages_none_alone"]),
])
def test_each_bundled_check_on_both_sides(tmp_path: Path, old: str, new: str, broken: list[str]) -> None:
    assert _broken(_variant(tmp_path, old, new)) == broken


def test_an_unanswered_total_leaves_the_headcount_check_out(tmp_path: Path) -> None:
    path = _variant(tmp_path, "  salespeople_total: 18", "  salespeople_total:")
    path.write_text(path.read_text(encoding="utf-8").replace("  headcount_sales_specialists: 2", "  headcount_sales_specialists: 9"),
                    encoding="utf-8")
    assert _broken(path) == []


def test_validate_locates_an_error_check_at_the_later_answer(monkeypatch) -> None:
    result = _validate(monkeypatch, "checks/roles-over-total.yaml")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "checks/roles-over-total.yaml:39:3: answers.headcount_sales_specialists: The roles add up to more people (20) "
        "than the sales department has in total (18 people). Correct the total or the headcounts by role: count each "
        "person once, under the role that takes most of their time. (check 'roles_within_total')",
    ]


def test_validate_names_the_choices_ticked_with_none(monkeypatch) -> None:
    result = _validate(monkeypatch, "checks/stages-none-and-others.yaml")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0].startswith(
        "checks/stages-none-and-others.yaml:55:3: answers.am_internal_stages: \"None\" is ticked together with "
        "other stages (Purchasing of raw materials or goods; ")
    assert result.stderr.splitlines()[0].endswith(
        "None — others handle this). Keep either \"None\" alone or only the stages account managers push orders "
        "through themselves. (check 'internal_stages_none_alone')")


def test_validate_prints_a_warning_and_exits_0(monkeypatch) -> None:
    result = _validate(monkeypatch, "checks/slow-order.yaml")
    assert result.exit_code == 0
    assert result.stdout == "checks/slow-order.yaml: valid answers\n"
    assert result.stderr.splitlines() == [
        "checks/slow-order.yaml:43:3: answers.minutes_per_order: warning: Processing one order takes 3000 minutes, "
        "more than 10 hours. Check that this is minutes for one order, not for all orders, nor hours. "
        "(check 'minutes_per_order_plausible')",
    ]


def test_batch_refuses_an_input_an_error_check_breaks(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(FIXTURES)
    result = CliRunner().invoke(cli, ["batch", "checks/roles-over-total.yaml", "checks/base.yaml",
                                      "--out-dir", str(tmp_path / "out"), "--format", "json", "-j", "1"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "failed: checks/roles-over-total.yaml:39:3: answers.headcount_sales_specialists: The roles add up to more "
        "people (20) than the sales department has in total (18 people). Correct the total or the headcounts by "
        "role: count each person once, under the role that takes most of their time. (check 'roles_within_total')")
    assert len(list((tmp_path / "out").glob("*.json"))) == 2  # base.yaml's report and summary.json


# ----------------------------------------------------------------------------- the interview

def _interview(tmp_path: Path, lang: str, lines: list[str]):  # -> click Result
    return CliRunner().invoke(cli, ["interview", "-o", str(tmp_path / "a.yaml"), "--lang", lang],
                              input="\n".join(lines) + "\n")


def _small_distributor(lang: str) -> list[str]:
    return (FIXTURES / "interview" / f"small-distributor.{lang}.input").read_text(encoding="utf-8").splitlines()


def test_the_interview_asks_again_after_an_error_check(tmp_path: Path) -> None:
    lines = _small_distributor("en")
    assert lines[11:17] == ["4", "0", "4", "0", "0", "0"]  # total 4; hunters 0, AMs 4, seniors, operations, specialists 0
    lines[16:17] = ["1", "0"]  # one specialist too many (5 of 4), then corrected
    result = _interview(tmp_path, "en", lines)
    assert result.exit_code == 0, result.output + result.stderr
    said = " ".join((result.output + result.stderr).split())  # read across the wrapped lines
    assert (
        "Answer: 1 ! The roles add up to more people (5) than the sales department has in total (4 people). "
        "Correct the total or the headcounts by role: count each person once, under the role that takes most of "
        'their time. This does not agree with the answers to: "How many of them are hunters (active-sales '
        'managers)?": 0 people; "How many are account managers, not counting senior account managers?": 4 people; '
        '"How many are senior account managers?": 0 people; "How many are order operations staff (sales '
        'administrators) who process orders?": 0 people; "How many people work in the sales department in total, '
        "not counting you?\": 4 people (? = help, < = back, !text = consultant's note) Answer: 0 Team and clients · "
        "13/44 ") in said
    answers = load_answers(tmp_path / "a.yaml")
    assert answers.values["headcount_sales_specialists"] == 0


def test_the_interview_shows_a_warning_and_goes_on(tmp_path: Path) -> None:
    lines = _small_distributor("en")
    assert lines[20] == "12"  # minutes per order
    lines[20] = "3000"
    result = _interview(tmp_path, "en", lines)
    assert result.exit_code == 0, result.output + result.stderr
    said = result.output + result.stderr
    assert "Processing one order takes 3000 minutes, more than 10 hours." in said
    assert load_answers(tmp_path / "a.yaml").values["minutes_per_order"] == 3000


def test_batch_prints_a_warning_check_and_makes_the_report(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(FIXTURES)
    result = CliRunner().invoke(cli, ["batch", "checks/slow-order.yaml",
                                      "--out-dir", str(tmp_path / "out"), "--format", "json", "-j", "1"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[:1] == [
        "warning: checks/slow-order.yaml:43:3: answers.minutes_per_order: Processing one order takes 3000 minutes, "
        "more than 10 hours. Check that this is minutes for one order, not for all orders, nor hours. "
        "(check 'minutes_per_order_plausible')",
    ]


def test_a_russian_interview_says_the_check_in_russian(tmp_path: Path) -> None:
    lines = _small_distributor("en")  # numbers and choice numbers: the same typed in either language
    lines[16:17] = ["1", "0"]
    result = _interview(tmp_path, "ru", lines)
    assert result.exit_code == 0, result.output + result.stderr
    said = " ".join((result.output + result.stderr).split())  # read across the wrapped lines
    assert ("Ответ: 1 ! По ролям указано больше людей (5), чем всего в отделе продаж (4 чел.). Исправьте общую "
            "численность или число людей в ролях") in said
    assert "Это не сходится с ответами: «Сколько из них — менеджеры активных продаж" in said


def test_a_check_message_shows_what_was_answered_not_a_file_id() -> None:
    # travel "not applicable" beside hours that overrun the day: the message reads the
    # answer as the person gave it («неприменимо»), never its id in the file
    from diagnose.checks import fill
    from diagnose.expressions import NOT_APPLICABLE
    from diagnose.questionnaire import load_questionnaire
    from diagnose.resources import questionnaire_path

    questionnaire = load_questionnaire(questionnaire_path("sales-structure"))
    check = next(c for c in questionnaire.checks if c.id == "time_study_within_day")
    env = {"am_hours_orders": 10, "am_hours_internal": 8, "am_hours_clients": 5, "am_hours_development": 2,
           "am_hours_admin": 1, "am_hours_travel": NOT_APPLICABLE, "am_hours_total": 26}
    ru, en = (fill(check.message[lang], questionnaire, env, lang) for lang in ("ru", "en"))
    assert "дорогу (неприменимо)" in ru and "travel (not applicable)" in en
    assert "not_applicable" not in ru + en


def test_a_choice_typed_twice_is_named_by_its_text_at_the_prompt() -> None:
    from diagnose.question_types import voice
    from diagnose.questionnaire import load_questionnaire
    from diagnose.resources import questionnaire_path

    stages = load_questionnaire(questionnaire_path("sales-structure")).questions["am_internal_stages"]
    with voice("typed"), pytest.raises(ValueError) as typed:
        stages.parse(["purchasing", "purchasing"], "ru")
    assert str(typed.value) == "«Закупка сырья или товара» выбран дважды; каждый вариант выбирается один раз"
    with pytest.raises(ValueError) as in_file:  # an answer file holds the id: the message names it
        stages.parse(["purchasing", "purchasing"], "en")
    assert str(in_file.value) == "'purchasing' is listed twice; list each choice once"


def test_the_headcount_check_fires_at_the_role_that_overruns_the_total(tmp_path: Path) -> None:
    # total 4, no hunters, then 5 account managers: already one more than the department
    # has, before the seniors, operations and specialists are asked
    lines = _small_distributor("en")
    assert lines[11:14] == ["4", "0", "4"]
    lines[13:14] = ["5", "4"]
    result = _interview(tmp_path, "en", lines)
    assert result.exit_code == 0, result.output + result.stderr
    said = " ".join((result.output + result.stderr).split())
    assert ("Answer: 5 ! The roles add up to more people (5) than the sales department has in total (4 people). "
            "Correct the total or the headcounts by role: count each person once, under the role that takes most of "
            'their time. This does not agree with the answers to: "How many of them are hunters (active-sales '
            'managers)?": 0 people; "How many people work in the sales department in total, not counting you?": '
            "4 people ") in said
    assert said.index("Answer: 5 !") < said.index("How many are senior account managers?")
    assert load_answers(tmp_path / "a.yaml").values["headcount_account_managers"] == 4
