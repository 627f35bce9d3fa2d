"""Helpers for tests/test_forms.py: a KoboToolbox-style .xlsx export of answers, made
from the survey sheet of an XLSForm (as Kobo itself does: one column per survey row,
named by its group path, choice names as values, its own meta columns around them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from diagnose.answers import AnswerSet
from diagnose.expressions import Missing

KOBO_BEFORE = ["start", "end", "today", "deviceid"]
KOBO_AFTER = ["meta/instanceID", "_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
              "_submitted_by", "__version__", "_tags", "_index"]
STATE = "__state"


def survey_paths(form: Path) -> list[tuple[str, str]]:
    """(group/name path, name) of every row of the form's survey sheet that holds an answer."""
    sheet = load_workbook(form, read_only=True)["survey"]
    rows = sheet.iter_rows(values_only=True)
    header = list(next(rows))
    kind, name = header.index("type"), header.index("name")
    groups: list[str] = []
    paths = []
    for row in rows:
        if row[kind] == "begin_group":
            groups.append(row[name])
        elif row[kind] == "end_group":
            groups.pop()
        elif row[kind]:
            paths.append(("/".join([*groups, row[name]]), row[name]))
    return paths


def kobo_value(answers: AnswerSet, name: str) -> Any:
    """What Kobo's "XML values" export holds for the survey row `name`."""
    if name in ("company", "respondent"):
        return answers.meta.get(name)
    shown = answers.visibility()
    question = name.removesuffix(STATE)
    if not shown.get(question, False) or question not in answers.values:
        return None
    value = answers.values[question]
    if name.endswith(STATE):
        return value.state if isinstance(value, Missing) else "value"
    if isinstance(value, Missing):
        has_state = answers.questionnaire.questions[question].type in ("number", "percent", "scale")
        return None if has_state else value.state
    if isinstance(value, list):
        return " ".join(value)
    return value


def write_kobo_export(path: Path, form: Path, answer_sets: list[AnswerSet],
                      changes: dict[tuple[int, str], Any] | None = None) -> None:
    """The export as Kobo writes it; `changes` puts (row, column path) -> a value of its own."""
    paths = survey_paths(form)
    book = Workbook()
    sheet = book.active
    sheet.title = "sales-structure"
    sheet.append(KOBO_BEFORE + [p for p, _ in paths] + KOBO_AFTER)
    for number, answers in enumerate(answer_sets, 1):
        values = [kobo_value(answers, name) for _, name in paths]
        meta = [f"uuid-{number}", number, f"uuid-{number}", "2026-11-30T10:00:00", "", "", "submitted_via_web", "",
                "vAbc123", "", number]
        sheet.append(["2026-11-30T09:00:00", "2026-11-30T09:40:00", "2026-11-30", "ee.kobo"] + values + meta)
    columns = [cell.value for cell in sheet[1]]
    for (row, column), value in (changes or {}).items():
        cell = sheet.cell(row=row, column=columns.index(column) + 1, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # a text cell, as a form tool writes it, even if it starts with '='
    book.save(path)
