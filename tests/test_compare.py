"""`diagnose compare BEFORE AFTER`: a follow-up audit set against the first.

The fixture pairs (tests/fixtures/compare/) were written from the book's logic before
the command ran: the chemical supplier split off order operations and ran the time study
the first audit asked for (R3 and R4 fired, then confirmed: carried out); the small
distributor grew past the size where everyone can do everything (new recommendations).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from diagnose.cli import cli
from diagnose.compare.headline import choose_headline, holds
from diagnose.compare.model import ABSENT, Comparison, Movement, movement
from diagnose.resources import questionnaire_path, rulebook_path
from tests.report_helpers import page_count, pdf_text

FIXTURES = Path(__file__).parent / "fixtures" / "compare"
CHEM_BEFORE = str(FIXTURES / "chemical-before.yaml")
CHEM_AFTER = str(FIXTURES / "chemical-after.yaml")
DIST_BEFORE = str(FIXTURES / "distributor-before.yaml")
DIST_AFTER = str(FIXTURES / "distributor-after.yaml")


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["compare", *args])
    return result.exit_code, result.stdout, result.stderr


def _ok(*args: str) -> str:
    code, out, err = _run(*args)
    assert code == 0, err
    return out


def _json(before: str, after: str, *args: str) -> dict:
    return json.loads(_ok(before, after, "--format", "json", *args))


# ----------------------------------------------------------------------- text


def test_text_in_the_answers_language_shows_carried_out_recommendations() -> None:
    text = _ok(CHEM_BEFORE, CHEM_AFTER)
    assert text.startswith("Повторный аудит: что изменилось\n===============================\nАО «ПромХимРесурс»\n"
                           "Первый аудит: 28.10.2026; повторный: 28.04.2027\n\n"
                           "Часть рекомендаций первого аудита выполнена и подтверждается ответами; остальные ещё предстоит\n"
                           "внедрить.\n")
    assert ("  выполнена           Выделить операционистов                         рекомендуется → уже на месте\n"
            "                      (R3-separate-operations)\n") in text
    assert ("  выполнена           Доказать нагрузку фотографией рабочего дня      рекомендуется → уже на месте\n"
            "                      (R4-time-study)\n") in text
    assert "  ещё не выполнена    Поддержка внутри продаж, когда важна скорость   рекомендуется → рекомендуется\n" in text
    # the indicator's move with its direction and size, in Russian figures
    assert "  Операционная нагрузка КМ            80 %           12,5 %           снизилось на 67,5 п. п.\n" in text
    # each audit's today → proposed: the first proposed 26.5 people, the follow-up has 24
    assert "  Отдел продаж всего              20 → 26,5                        24 → 24\n" in text
    assert "  Делали ли вы фотографию рабочего дня КМ за    нет                         да\n" in text


def test_text_in_english_and_aligned_columns() -> None:
    text = _ok(CHEM_BEFORE, CHEM_AFTER, "--lang", "en")
    assert "First audit: 2026-10-28; follow-up: 2027-04-28\n" in text
    assert "  Account managers' operational load  80 %          12.5 %     down by 67.5 pp\n" in text
    assert "  Sales team size without its head    18            22         up by 4\n" in text
    assert ("  Processing regular orders       Account manager → Order           Order operations → Order\n"
            "                                  operations                        operations\n") in text
    assert "  Order operations         — → 6.5                        4 → 4\n" in text
    # every row of a table starts its columns at the same places as its heading
    block = text.split("Recommendations\n---------------\n")[1].split("\n\n")[0].splitlines()
    change_column = block[0].index("Change")
    for line in block[2:]:
        if "→" in line:
            assert line.index("→") > change_column and line[change_column - 2:change_column] == "  "


def test_new_recommendations_when_the_team_outgrew_everyone_does_everything() -> None:
    text = _ok(DIST_BEFORE, DIST_AFTER)
    assert "\nNew reasons for change have appeared since the first audit.\n" in text
    assert "  new              The conveyor order (R10-conveyor-order)         not needed → recommended\n" in text
    assert "  still open       Prove the load with a time study                recommended → recommended\n" in text
    assert "  outcome changed  A small team — too early for a conveyor         already in place → not needed\n" in text
    assert "  Clients per account manager         40           46.7       up by 6.7\n" in text
    assert "  Hunter (active-sales manager)  — → —                          — → 1\n" in text


def test_the_same_file_twice_says_nothing_changed() -> None:
    text = _ok(DIST_BEFORE, DIST_BEFORE)
    assert "\nThe answers have not changed: the first audit's recommendations still stand.\n" in text
    for empty in ("No answer has changed.", "No indicator has moved.", "No role or headcount has changed.",
                  "No task has changed owner."):
        assert f"\n  {empty}\n" in text


# ----------------------------------------------------------------------- JSON


def test_json_fields() -> None:
    data = _json(CHEM_BEFORE, CHEM_AFTER)
    assert (data["kind"], data["version"], data["questionnaire_id"], data["versions"]) == \
        ("diagnose-comparison", "1.0", "sales-structure", [1, 1])
    assert data["dates"] == ["2026-10-28", "2027-04-28"]
    moves = {f["rule_id"]: (f["movement"], f["before"], f["after"]) for f in data["findings"]}
    assert moves["R3-separate-operations"] == ("carried_out", "fired", "confirmed")
    assert moves["R4-time-study"] == ("carried_out", "fired", "confirmed")
    assert moves["R5-share-of-wallet-symptom"] == ("resolved", "fired", "not_fired")
    assert moves["R6-specialist-support"] == ("kept", "confirmed", "confirmed")
    assert data["headline"]["en"].startswith("Some of the first audit's recommendations have been carried out")
    load = next(i for i in data["indicators"] if i["id"] == "am_operational_share")
    assert (load["before_value"], load["after_value"], load["delta"], load["direction"]) == (80, 12.5, -67.5, "down")
    operations = next(r for r in data["roles"] if r["id"] == "operations")
    assert operations["before"] == {"today": None, "proposed": 6.5}
    assert operations["after"] == {"today": 4, "proposed": 4}
    order = next(t for t in data["tasks"] if t["task"] == "order_processing")
    assert (order["today_before"], order["today_after"]) == ("account_manager", "operations")
    answers = {a["question_id"]: a for a in data["answers"]}
    assert answers["headcount_operations"]["before"] == {"ru": "0 чел.", "en": "0 people"}
    assert answers["time_study_done"]["after_state"] == "answered"
    assert data["only_before"] == [] and data["only_after"] == []


# ---------------------------------------------------------------- HTML and PDF


def test_html_is_self_contained_and_in_the_report_style(tmp_path: Path) -> None:
    target = tmp_path / "compare.html"
    code, _, err = _run(CHEM_BEFORE, CHEM_AFTER, "--format", "html", "-o", str(target), "--lang", "en")
    assert code == 0, err
    assert err == f"Wrote {target}\n"
    html = target.read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "<title>Follow-up audit: what has changed — АО «ПромХимРесурс»</title>" in html
    assert html.count('url("data:font/ttf;base64,') >= 6  # the fonts inline
    assert "file://" not in html and 'src="/' not in html
    assert '<tr class="movement-carried_out"><td class="movement">carried out</td>' in html
    assert "R3-separate-operations" not in html  # the client's copy names no rule ids
    consultant = tmp_path / "consultant.html"
    _ok(CHEM_BEFORE, CHEM_AFTER, "--format", "html", "-o", str(consultant), "--audience", "consultant")
    assert '<span class="rule-ref">R3-separate-operations</span>' in consultant.read_text(encoding="utf-8")


def test_pdf_text_and_pages(tmp_path: Path) -> None:
    target = tmp_path / "compare.pdf"
    _ok(DIST_BEFORE, DIST_AFTER, "--format", "pdf", "-o", str(target))
    data = target.read_bytes()
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert "Follow-up audit: what has changed" in text
    assert "New reasons for change have appeared since the first audit." in text
    assert "not needed → recommended" in text
    assert "up by 15 pp" in text
    assert page_count(data) >= 2
    assert "Page 2 of" in text


def test_pdf_in_russian_with_the_brand(tmp_path: Path) -> None:
    brand = tmp_path / "brand.yaml"
    brand.write_text("kind: brand\nname: Смирнова и партнёры\ncolors: {primary: '#204060'}\n", encoding="utf-8")
    target = tmp_path / "compare.pdf"
    _ok(CHEM_BEFORE, CHEM_AFTER, "--format", "pdf", "-o", str(target), "--brand", str(brand))
    text = pdf_text(target.read_bytes())
    assert "Смирнова и партнёры" in text
    assert "снизилось на 67,5 п. п." in text
    assert "рекомендуется → уже на месте" in text


def test_docx_is_an_editable_word_document_with_the_same_sections(tmp_path: Path) -> None:
    import docx

    brand = tmp_path / "brand.yaml"
    brand.write_text("kind: brand\nname: Смирнова и партнёры\ncolors: {primary: '#204060'}\n", encoding="utf-8")
    target = tmp_path / "compare.docx"
    _ok(CHEM_BEFORE, CHEM_AFTER, "--format", "docx", "-o", str(target), "--brand", str(brand))
    document = docx.Document(str(target))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == ("Heading 1", "Повторный аудит: что изменилось")
    assert ("Heading 2", "Рекомендации") in headings and ("Heading 2", "Изменившиеся ответы") in headings
    first = document.tables[0]
    assert [cell.text for cell in first.rows[0].cells] == ["Итог", "Правило", "Изменение"]
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "рекомендуется → уже на месте" in cells
    assert document.core_properties.language == "ru-RU"
    assert document.core_properties.title == "Повторный аудит: что изменилось"
    assert "Смирнова и партнёры" in document.core_properties.author


def test_refuses_a_pdf_to_the_terminal_only_when_it_is_one() -> None:
    code, out, _ = _run(DIST_BEFORE, DIST_AFTER, "--format", "pdf")  # CliRunner's stdout is no terminal
    assert code == 0 and out.startswith("%PDF-")


# ------------------------------------------------------------ versions and errors


def _version_two(tmp_path: Path) -> tuple[Path, Path]:
    """The bundled questionnaire as a version 2 that asks one more question, and the
    bundled rulebook written for it."""
    text = questionnaire_path().read_text(encoding="utf-8")
    text = text.replace("\nversion: 1\n", "\nversion: 2\n", 1)
    anchor = "      - id: top20_revenue_share\n"
    added = ("      - id: crm_in_use\n        type: yesno\n        required: false\n"
             "        text: {ru: Ведёте ли вы клиентов в CRM?, en: Do you keep your clients in a CRM?}\n\n")
    assert anchor in text
    questionnaire = tmp_path / "sales-structure-v2.yaml"
    questionnaire.write_text(text.replace(anchor, added + anchor, 1), encoding="utf-8")
    rules = rulebook_path("sales-structure").read_text(encoding="utf-8")
    rulebook = tmp_path / "sales-structure-v2.rules.yaml"
    rulebook.write_text(rules.replace("questionnaire_version: 1", "questionnaire_version: 2", 1), encoding="utf-8")
    return questionnaire, rulebook


def test_versions_of_one_questionnaire_list_questions_only_one_asks(tmp_path: Path) -> None:
    questionnaire, rulebook = _version_two(tmp_path)
    after = tmp_path / "after.yaml"
    after.write_text(Path(CHEM_AFTER).read_text(encoding="utf-8").replace("version: 1\n", "version: 2\n", 1)
                     .replace("  top20_revenue_share:", "  crm_in_use: 'yes'\n  top20_revenue_share:"), encoding="utf-8")
    args = (CHEM_BEFORE, str(after), "--questionnaire", str(questionnaire), "--rules", str(rulebook),
            "--rules", str(rulebook_path("sales-structure")))
    data = _json(*args)
    assert data["versions"] == [1, 2]
    assert [a["question_id"] for a in data["only_after"]] == ["crm_in_use"]
    assert data["only_after"][0]["after"] == {"ru": "да", "en": "yes"}
    assert "crm_in_use" not in {a["question_id"] for a in data["answers"]}
    text = _ok(*args, "--lang", "en")
    assert "Questionnaire versions: 1 → 2\n" in text
    assert ("Questions asked only in the follow-up audit (not compared)\n" in text
            and "  Do you keep your clients in a CRM?  yes\n" in text)


def test_answers_to_different_questionnaires_are_refused() -> None:
    code, out, err = _run(CHEM_BEFORE, str(FIXTURES / "field-service-answers.yaml"),
                          "--questionnaire", str(FIXTURES / "field-service.questionnaire.yaml"))
    assert (code, out) == (2, "")
    assert err == (f"{FIXTURES / 'field-service-answers.yaml'}:2:16: questionnaire: this file answers the questionnaire "
                   f"'field-service', but {CHEM_BEFORE} answers 'sales-structure'; compare needs two audits of the "
                   "same questionnaire\n")


def test_unreadable_files_are_located_both_at_once(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("questionnaire: sales-structure\nanswers: [\n", encoding="utf-8")
    code, out, err = _run(str(tmp_path / "missing.yaml"), str(broken))
    assert (code, out) == (2, "")
    lines = err.splitlines()
    assert lines[0] == f"{tmp_path / 'missing.yaml'}: no such file"
    assert lines[1].startswith(f"{broken}:3:1: ")
    assert len(lines) == 2


def test_an_incomplete_answer_file_is_refused_with_its_problems(tmp_path: Path) -> None:
    partial = tmp_path / "partial.yaml"
    text = Path(CHEM_AFTER).read_text(encoding="utf-8").replace("  top20_revenue_share: 80\n", "")
    partial.write_text(text, encoding="utf-8")
    code, _, err = _run(CHEM_BEFORE, str(partial))
    assert code == 2
    assert "top20_revenue_share" in err and err.startswith(f"{partial}:")


# ------------------------------------------------------------------- the logic


@pytest.mark.parametrize(("before", "after", "expected"), [
    ("fired", "confirmed", "carried_out"),
    ("fired", "not_fired", "resolved"),
    ("fired", "not_applicable", "resolved"),
    ("fired", ABSENT, "resolved"),
    ("not_fired", "fired", "appeared"),
    ("undetermined", "fired", "appeared"),
    (ABSENT, "fired", "appeared"),
    ("confirmed", "fired", "regressed"),
    ("fired", "fired", "still_open"),
    ("confirmed", "confirmed", "kept"),
    ("undetermined", "not_fired", "changed"),
    ("confirmed", "not_applicable", "changed"),
])
def test_movements(before: str, after: str, expected: str) -> None:
    assert movement(before, after) == expected


def test_headline_conditions() -> None:
    empty = Comparison("q", (1, 1), {"before": "", "after": ""}, (None, None), "en")
    assert holds({"carried_out": False, "answers_changed": False}, empty)
    assert not holds({"carried_out": True}, empty)
    assert choose_headline(empty)["en"] == "The conclusions about the sales structure are the same in both audits."


def test_every_word_in_every_language_and_every_outcome_worded() -> None:
    from typing import get_args

    from diagnose.compare.words import headlines
    from diagnose.diagnosis import Status
    from diagnose.locale import LANGUAGES
    from diagnose.texts import catalogue

    words = catalogue("compare")["words"]
    assert all(set(entry) == set(LANGUAGES) and all(entry.values()) for entry in words.values())
    needed = [f"movement_{name}" for name in get_args(Movement)] + [f"status_{name}" for name in (*get_args(Status), ABSENT)]
    assert [key for key in needed if key not in words] == []
    assert headlines()[-1][0] == {}  # the last headline always holds


def test_a_headline_with_an_unknown_condition_is_an_error_of_the_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    import diagnose.compare.words as words
    from diagnose.errors import UserError

    texts = {"words": {}, "headlines": [{"when": {"carried_ot": True}, "text": {"ru": "а", "en": "a"}},
                                        {"text": {"ru": "б", "en": "b"}}]}
    monkeypatch.setattr(words, "catalogue", lambda name: texts)
    words.headlines.cache_clear()
    try:
        with pytest.raises(UserError) as caught:
            words.headlines()
    finally:
        words.headlines.cache_clear()
    assert str(caught.value).startswith("diagnose/locale/compare.yaml: headlines[0]: unknown condition 'carried_ot' "
                                        "(did you mean 'carried_out'?); expected one of: carried_out, resolved,")


def test_files_given_the_wrong_way_round_are_compared_with_a_warning() -> None:
    result = CliRunner().invoke(cli, ["compare", CHEM_AFTER, CHEM_BEFORE, "--format", "json"])
    assert result.exit_code == 0
    assert result.stderr == (f"warning: {CHEM_BEFORE} (AFTER) is dated 2026-10-28, before {CHEM_AFTER} (BEFORE, "
                             "2027-04-28); give the first audit first\n")
    moves = {f["rule_id"]: f["movement"] for f in json.loads(result.stdout)["findings"]}
    assert moves["R3-separate-operations"] == "regressed"  # read backwards: in place, then needed again
