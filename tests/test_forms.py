"""Form tools both ways: the questionnaire written as an XLSForm, and exports of form
tools read by `diagnose batch` (.xlsx workbooks, KoboToolbox / ODK columns, Google Forms
checkboxes, Windows-1251 CSVs), with located errors and a round trip through the form."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from forms_helpers import KOBO_AFTER, KOBO_BEFORE, survey_paths, write_kobo_export
from openpyxl import Workbook, load_workbook

from diagnose.answers import answers_from_document, load_answers
from diagnose.batch.tables import open_table, row_document
from diagnose.cli import cli
from diagnose.errors import ProblemList, UserError
from diagnose.expressions import Missing
from diagnose.method import load_method

ROOT = Path(__file__).parent.parent
FORMS = Path(__file__).parent / "fixtures" / "forms"
EXAMPLES = ROOT / "questionnaires" / "examples"


@pytest.fixture(scope="module")
def questionnaire():  # -> Questionnaire
    return load_method().questionnaire


@pytest.fixture(scope="module")
def form(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("form") / "form.xlsx"
    result = CliRunner().invoke(cli, ["questions", "--format", "xlsform", "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Wrote {path}\n"
    return path


def _sheet(form: Path, name: str) -> list[dict[str, str]]:
    rows = list(load_workbook(form)[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _answers(path: Path, questionnaire) -> list[dict]:  # noqa: ANN001
    """Each row's checked answers as plain values ("dont_know" for a Missing state)."""
    header, rows = open_table(path, questionnaire)
    found = []
    for row in rows:
        problems = ProblemList()
        answers = answers_from_document(row_document(header, row, questionnaire), problems, questionnaire)
        problems.raise_if_any()
        found.append({"meta": dict(answers.meta), "values": _plain(answers.values)})
    return found


def _plain(values: dict) -> dict:
    return {k: v.state if isinstance(v, Missing) else v for k, v in values.items()}


# ------------------------------------------------------------------ out: the XLSForm


def test_xlsform_has_the_three_sheets_and_settings(form: Path, questionnaire) -> None:  # noqa: ANN001
    assert load_workbook(form).sheetnames == ["survey", "choices", "settings"]
    assert _sheet(form, "settings") == [{"form_title": "Структура отдела продаж", "form_id": "sales-structure",
                                         "version": "1", "default_language": "Русский (ru)"}]
    header = next(load_workbook(form)["survey"].iter_rows(values_only=True))
    assert header == ("type", "name", "label::Русский (ru)", "label::English (en)", "hint::Русский (ru)",
                      "hint::English (en)", "required", "relevant", "constraint", "constraint_message::Русский (ru)",
                      "constraint_message::English (en)", "parameters", "default")


def test_every_question_is_a_row_with_its_type_labels_and_hint(form: Path, questionnaire) -> None:  # noqa: ANN001
    rows = {row["name"]: row for row in _sheet(form, "survey") if row["type"] not in ("begin_group", "end_group")}
    questions = list(questionnaire.iter_questions())
    states = {f"{q.id}__state" for q in questions if q.special_answers() and q.type in ("number", "percent", "scale")}
    assert set(rows) == {"company", "respondent"} | {q.id for q in questions} | states
    for question in questions:
        row = rows[question.id]
        assert row["label::Русский (ru)"] == question.text["ru"]
        assert row["label::English (en)"] == question.text["en"]
        assert row["hint::English (en)"] == (question.help.get("en") or None)
        assert row["required"] == ("yes" if question.required else None)
    assert rows["company_stage"]["type"] == "select_one company_stage"
    assert rows["am_internal_stages"]["type"] == "select_multiple am_internal_stages"
    assert rows["salespeople_total"]["type"] == "integer"
    assert rows["sales_cycle_months"]["type"] == "decimal"
    assert rows["specialist_request_frequency"]["type"] == "range"
    assert rows["specialist_request_frequency"]["parameters"] == "start=1 end=5 step=1"
    assert rows["time_study_done"]["type"] == "select_one yes_no"
    assert rows["company"]["required"] == "yes"
    # the sections are groups, in order, around their questions
    groups = [row["name"] for row in _sheet(form, "survey") if row["type"] == "begin_group"]
    assert groups == ["interview", *[section.id for section in questionnaire.sections]]


def test_show_if_becomes_relevant_and_ranges_constraints(form: Path, questionnaire) -> None:  # noqa: ANN001
    rows = {row["name"]: row for row in _sheet(form, "survey")}
    for question in questionnaire.iter_questions():
        if question.show_if is None:
            assert rows[question.id]["relevant"] in (None, f"${{{question.id}__state}} = 'value'")
        else:
            assert rows[question.id]["relevant"], question.id
    assert rows["managers_trainable"]["relevant"] == "${product_complexity} != 'simple'"
    assert rows["am_hours_orders"]["relevant"] == "(${headcount_account_managers} > 0 and ${time_study_done} = 'yes')"
    assert rows["specialists_report_to"]["relevant"] == (
        "(${specialist_help_needed} = 'yes' and (${specialists_location} = 'inside_sales' or "
        "${specialists_location} = 'both'))")
    # a number allowing "don't know": a companion question first, the figure only when it is given
    assert rows["am_hours_travel__state"]["type"] == "select_one am_hours_travel__state"
    assert rows["am_hours_travel"]["relevant"] == (
        "((${headcount_account_managers} > 0 and ${time_study_done} = 'yes')) and ${am_hours_travel__state} = 'value'")
    assert rows["top20_revenue_share"]["constraint"] == ". >= 0 and . <= 100"
    assert rows["top20_revenue_share"]["constraint_message::English (en)"] == "Allowed: from 0 to 100"
    assert rows["salespeople_total"]["constraint"] == ". >= 1"
    assert rows["am_internal_stages"]["constraint"] == "count-selected(.) >= 1"


def test_choices_of_every_list_with_special_answers(form: Path, questionnaire) -> None:  # noqa: ANN001
    lists: dict[str, list[str]] = {}
    labels = {}
    for row in _sheet(form, "choices"):
        lists.setdefault(row["list_name"], []).append(row["name"])
        labels[(row["list_name"], row["name"])] = (row["label::Русский (ru)"], row["label::English (en)"])
    for question in questionnaire.iter_questions():
        if question.choices:
            assert lists[question.id] == [c.id for c in question.choices] + question.special_answers()
            for choice in question.choices:
                assert labels[(question.id, choice.id)] == (choice.text["ru"], choice.text["en"])
    assert lists["yes_no"] == ["yes", "no"]
    assert labels[("yes_no", "yes")] == ("да", "yes")
    assert lists["am_hours_travel__state"] == ["value", "not_applicable"]
    assert lists["sales_cycle_months__state"] == ["value", "dont_know"]
    assert labels[("sales_cycle_months__state", "dont_know")] == ("не знаю", "don't know")


def test_formula_looking_labels_stay_text(tmp_path: Path) -> None:
    out = tmp_path / "form.xlsx"
    result = CliRunner().invoke(cli, ["questions", "--format", "xlsform", "-o", str(out), "--questionnaire",
                                      str(FORMS / "formula-labels.yaml")])
    assert result.exit_code == 0, result.output
    cells = [c for row in load_workbook(out)["survey"].iter_rows() for c in row if c.value]
    label = next(c for c in cells if str(c.value).startswith("=HYPERLINK"))
    assert label.data_type == "s" and label.value == '=HYPERLINK("http://example.com","click")'
    assert all(c.data_type != "f" for c in cells)


def test_a_show_if_xlsform_cannot_say_is_a_located_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["questions", "--format", "xlsform", "-o", str(tmp_path / "f.xlsx"),
                                      "--questionnaire", str(FORMS / "conditional-show-if.yaml")])
    assert result.exit_code == 2
    assert result.stderr == (
        f"{FORMS / 'conditional-show-if.yaml'}: sections[0].questions[2].show_if: '(hunters if hunters > 0 else "
        "farmers) > 3' cannot be written as an XLSForm relevance: '… if … else …' has no XLSForm form\n")
    assert not (tmp_path / "f.xlsx").exists()


def test_xlsform_to_stdout_is_refused() -> None:
    result = CliRunner().invoke(cli, ["questions", "--format", "xlsform"])
    assert result.exit_code == 2
    assert result.stderr == "-o -: an XLSForm is a binary workbook; pass -o FILE.xlsx\n"


# ------------------------------------------------------------------ in: form tools' exports


def test_round_trip_through_the_form_as_a_kobo_export(form: Path, questionnaire, tmp_path: Path) -> None:  # noqa: ANN001
    originals = [load_answers(EXAMPLES / name, questionnaire) for name in sorted(p.name for p in EXAMPLES.glob("*.yaml"))]
    export = tmp_path / "kobo.xlsx"
    write_kobo_export(export, form, originals)
    header = next(load_workbook(export).active.iter_rows(values_only=True))
    assert header[:4] == tuple(KOBO_BEFORE) and header[-len(KOBO_AFTER):] == tuple(KOBO_AFTER)
    assert "team_clients/headcount_hunters" in header and "product/sales_cycle_months__state" in header
    read = _answers(export, questionnaire)
    assert len(read) == len(originals) == 4
    for original, back in zip(originals, read, strict=True):
        shown = original.visibility()
        assert back["values"] == {k: v for k, v in _plain(original.values).items() if shown[k]}
        assert back["meta"]["company"] == original.meta["company"]
    assert any(v == "dont_know" for row in read for v in row["values"].values())
    # and the batch makes the same diagnosis from the export as from the answer file
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["batch", str(export), "--out-dir", str(out), "--format", "json", "-j", "1"])
    assert result.exit_code == 0, result.stderr
    direct = CliRunner().invoke(cli, ["report", str(EXAMPLES / sorted(p.name for p in EXAMPLES.glob("*.yaml"))[0]),
                                      "--format", "json"])
    from_form = json.loads(next(out.glob("*row-1.json")).read_text(encoding="utf-8"))
    assert json.loads(direct.stdout)["findings"] == from_form["findings"]


def test_survey_paths_name_group_and_question(form: Path) -> None:
    paths = survey_paths(form)
    assert paths[:3] == [("interview/company", "company"), ("interview/respondent", "respondent"),
                         ("company/company_stage", "company_stage")]


def test_a_bad_cell_in_a_kobo_workbook_is_located(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(FORMS)
    result = CliRunner().invoke(cli, ["batch", "kobo-bad-cell.xlsx", "--out-dir", str(tmp_path), "--format", "json",
                                      "-j", "1"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "failed: kobo-bad-cell.xlsx:3:16: answers.headcount_hunters: cell P3 (team_clients/headcount_hunters): "
        "-3 is below the minimum 0")
    assert [p.name for p in tmp_path.glob("*--*")] == ["ооо-нордтерммаш--kobo-bad-cell-row-1.json"]


@pytest.mark.parametrize(("name", "message"), [
    ("unknown-column.xlsx", "unknown-column.xlsx:1:3: columns[C]: column 'salespeople_totl' is neither a question id, "
                            "a question's text nor a known field (did you mean 'salespeople_total'?)"),
    ("formula.xlsx", "formula.xlsx:2:3: cell C2 holds a formula; expected a value (copy the sheet and paste values "
                     "only)"),
    ("not-a-workbook.xlsx", "not-a-workbook.xlsx: is not an .xlsx workbook (not a zip archive); expected an Excel "
                            "file, or save the table as CSV"),
    ("latin1.csv", "latin1.csv:2:4: byte 0xe9 is not valid UTF-8; expected a UTF-8 text file, re-save it as UTF-8"),
])
def test_broken_tables_are_refused_with_their_place(name: str, message: str, questionnaire,  # noqa: ANN001
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FORMS)
    with pytest.raises(UserError) as caught:
        _answers(Path(name), questionnaire)
    assert str(caught.value) == message


def test_a_workbook_that_unpacks_too_large_is_refused(tmp_path: Path, questionnaire,  # noqa: ANN001
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from diagnose.batch import xlsx_table

    book = Workbook()
    book.active.append(["company"])
    book.active.append(["x" * 5000])
    book.save(tmp_path / "big.xlsx")
    monkeypatch.setattr(xlsx_table, "MAX_UNPACKED_BYTES", 4000)
    with pytest.raises(UserError) as caught:
        _answers(tmp_path / "big.xlsx", questionnaire)
    assert str(caught.value).startswith(f"{tmp_path / 'big.xlsx'}: the workbook unpacks to 0 MB, more than the 0 MB")


def test_google_forms_checkboxes_joined_with_commas(questionnaire) -> None:  # noqa: ANN001
    # "Внутренние перевозки (между цехами, складами, площадками)" holds commas itself
    rows = _answers(FORMS / "google-checkboxes.csv", questionnaire)
    assert rows[1]["values"]["am_internal_stages"] == [
        "purchasing", "in_plant_transport", "production_scheduling", "quality_testing", "shipping_logistics"]
    reference = _answers(ROOT / "tests/fixtures/batch/responses-ru.csv", questionnaire)
    assert [r["values"] for r in rows] == [r["values"] for r in reference]


def test_windows_1251_csv_is_read_as_the_utf8_one(questionnaire) -> None:  # noqa: ANN001
    assert (FORMS / "responses-ru-cp1251.csv").read_bytes().decode("cp1251")
    rows = _answers(FORMS / "responses-ru-cp1251.csv", questionnaire)
    reference = _answers(ROOT / "tests/fixtures/batch/responses-ru.csv", questionnaire)
    assert rows == reference
    assert rows[0]["meta"]["company"] == "ООО «Теплосеть-Маш»"


def test_kobo_space_separated_choices_and_split_columns(tmp_path: Path, questionnaire) -> None:  # noqa: ANN001
    book = Workbook()
    book.active.append(["_uuid", "interview/company", "am_time/am_internal_stages",
                        "am_time/am_internal_stages/customs", "meta/instanceID"])
    book.active.append(["u1", "Acme", "customs invoicing_payments", 1, "uuid:1"])
    book.save(tmp_path / "kobo.xlsx")
    header, rows = open_table(tmp_path / "kobo.xlsx", questionnaire)
    assert [(kind, key) for _, kind, key in header.plan] == [("meta", "company"), ("answer", "am_internal_stages")]
    document = row_document(header, next(rows), questionnaire)
    assert list(document.data["answers"]["am_internal_stages"]) == ["customs", "invoicing_payments"]


def test_a_label_export_names_the_state_row_and_the_figure_alike(tmp_path: Path, questionnaire) -> None:  # noqa: ANN001
    # Kobo's "Labels" export: headers and values are the form's Russian labels
    text = questionnaire.questions["sales_cycle_months"].text["ru"]
    book = Workbook()
    book.active.append(["Название компании клиента", text, text])
    book.active.append(["Acme", "не знаю", None])
    book.active.append(["Beta", "Укажу значение", 7])
    book.save(tmp_path / "labels.xlsx")
    header, rows = open_table(tmp_path / "labels.xlsx", questionnaire)
    assert [(kind, key) for _, kind, key in header.plan] == [
        ("meta", "company"), ("state", "sales_cycle_months"), ("answer", "sales_cycle_months")]
    values = [row_document(header, row, questionnaire).data["answers"]["sales_cycle_months"] for row in rows]
    assert values == ["dont_know", "7"]


def test_formula_looking_names_from_a_workbook_are_text_in_the_summary(tmp_path: Path, form: Path,  # noqa: ANN001
                                                                     questionnaire) -> None:  # noqa: ANN001
    original = load_answers(EXAMPLES / "small-distributor.yaml", questionnaire)
    export = tmp_path / "kobo.xlsx"
    write_kobo_export(export, form, [original], {(2, "interview/company"): '=HYPERLINK("http://x")'})
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["batch", str(export), "--out-dir", str(out), "--format", "json", "-j", "1"])
    assert result.exit_code == 0, result.stderr
    summary = (out / "summary.csv").read_bytes().decode("utf-8-sig")
    assert "'=HYPERLINK" in summary and ',=HYPERLINK' not in summary
    report = json.loads(next(out.glob("*row-1.json")).read_text(encoding="utf-8"))
    assert report["company"]["company"] == '=HYPERLINK("http://x")'


@pytest.mark.parametrize(("show_if", "relevant"), [
    ("'customs' in am_internal_stages", "selected(${am_internal_stages}, 'customs')"),
    ("'customs' not in am_internal_stages", "not(selected(${am_internal_stages}, 'customs'))"),
    ("count(am_internal_stages) >= 2", "count-selected(${am_internal_stages}) >= 2"),
    ("sales_cycle_months is dont_know", "${sales_cycle_months__state} = 'dont_know'"),
    ("key_client_revenue_growth is dont_know", "${key_client_revenue_growth} = 'dont_know'"),
    ("not (headcount_hunters + headcount_account_managers > 3)",
     "not((${headcount_hunters} + ${headcount_account_managers}) > 3)"),
    ("max(headcount_hunters, 1) > 0.5", "max(${headcount_hunters}, 1) > 0.5"),
])
def test_conditions_in_xpath(show_if: str, relevant: str, questionnaire) -> None:  # noqa: ANN001
    from diagnose.expressions import compile_expression
    from diagnose.xlsform import show_if_to_xpath

    tree = compile_expression(show_if, questionnaire.name_infos()).tree
    questions = {q.id: q for q in questionnaire.iter_questions()}
    assert show_if_to_xpath(tree, questions) == relevant


def test_pyxform_converts_the_form_without_warnings(form: Path, tmp_path: Path) -> None:
    """pyxform is what KoboToolbox and ODK Central turn an uploaded XLSForm into a form with."""
    from pyxform.xls2xform import xls2xform_convert

    xform = tmp_path / "form.xml"
    warnings = xls2xform_convert(xlsform_path=str(form), xform_path=str(xform), validate=False)
    assert warnings == []
    text = xform.read_text(encoding="utf-8")
    assert '<h:title>Структура отдела продаж</h:title>' in text
    assert ('<bind nodeset="/data/product/managers_trainable" type="string" required="true()" '
            "relevant=\" /data/product/product_complexity  != 'simple'\"/>") in text
    assert ('<bind nodeset="/data/team_clients/top20_revenue_share" type="decimal" required="true()" '
            "relevant=\" /data/team_clients/top20_revenue_share__state  = 'value'\" "
            'constraint=". &gt;= 0 and . &lt;= 100"') in text
    assert 'lang="English (en)"' in text and 'lang="Русский (ru)"' in text


def test_questions_as_text_to_a_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["questions", "--lang", "en", "-o", str(tmp_path / "q.txt")])
    assert result.exit_code == 0 and result.stdout == ""
    assert (tmp_path / "q.txt").read_text(encoding="utf-8").startswith("Sales department structure\n")
