"""Response tables (CSV exports of online forms) -> answer documents, one per row.

Columns are named by question id or by the question's text in any language of the
questionnaire, as form tools export them. Cells may hold choice ids or choice texts,
"yes"/"да", "don't know"/"не знаю", several choices separated by ';' (or ','), and
numbers with a decimal comma. Each row becomes a round-trip mapping whose positions
point at the CSV row and column, so that the answer checker's messages say
`file.csv:ROW:COL: answers.question_id: ...` exactly as they do for YAML files.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap

from diagnose.errors import Location, Problem, ProblemList, UserError, did_you_mean
from diagnose.questionnaire import Question, Questionnaire
from diagnose.texts import catalogue, ui
from diagnose.yamlio import BAD_CHARACTER, Document, read_text

_MULTI_SEPARATORS = (";", "\n", ",")


@dataclass
class TableRow:
    """One company's answers read from a table row, as a Document the checker accepts."""

    document: Document
    row_number: int  # 1-based line of the row in the file


def _norm(text: str) -> str:
    """Compare headers and cell texts without case, extra spaces or typographic quotes."""
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    for a, b in (("«", '"'), ("»", '"'), ("“", '"'), ("”", '"'), ("’", "'"), ("ё", "е")):
        text = text.replace(a, b)
    return " ".join(text.split()).strip(" ?:.*")


def _column_map(questionnaire: Questionnaire) -> dict[str, tuple[str, str]]:
    """Normalised header -> ("answer", question id) or ("meta", key) or ("ignore", "")."""
    columns: dict[str, tuple[str, str]] = {}
    for question in questionnaire.iter_questions():
        columns[_norm(question.id)] = ("answer", question.id)
        for text in question.text.values():
            columns.setdefault(_norm(text), ("answer", question.id))
    for key, names in catalogue("ui")["csv_meta_columns"].items():
        for name in names:
            columns[_norm(name)] = ("meta", key)
    for names in catalogue("ui")["csv_ignored_columns"].values():
        for name in names:
            columns.setdefault(_norm(name), ("ignore", ""))
    return columns


def _special_words(questionnaire: Questionnaire) -> dict[str, str]:
    words = {}
    for state in ("dont_know", "not_applicable"):
        words[_norm(state)] = state
        for lang in questionnaire.languages:
            words[_norm(ui(state, lang))] = state
    for answer in ("yes", "no"):
        for lang in questionnaire.languages:
            words[_norm(ui(answer, lang))] = answer
    words.update({"true": "yes", "false": "no"})
    return words


def _choice_id(question: Question, cell: str) -> str:
    wanted = _norm(cell)
    for choice in question.choices:
        if wanted == _norm(choice.id) or any(wanted == _norm(t) for t in choice.text.values()):
            return choice.id
    return cell.strip()


def cell_value(question: Question, cell: str, specials: dict[str, str]) -> Any:
    """Turn a table cell into the raw value an answer file would hold (then Question.parse)."""
    text = cell.strip()
    if not text:
        return None
    special = specials.get(_norm(text))
    if special in ("dont_know", "not_applicable"):
        return special
    if question.type == "yesno":
        return special or text
    if question.type == "single":
        return _choice_id(question, text)
    if question.type == "multi":
        for separator in _MULTI_SEPARATORS:
            parts = [p for p in (x.strip() for x in text.split(separator)) if p]
            ids = [_choice_id(question, p) for p in parts]
            if all(i in question.choice_ids for i in ids) or separator == _MULTI_SEPARATORS[-1]:
                if len(parts) > 1 or separator == _MULTI_SEPARATORS[-1]:
                    return ids
        return [_choice_id(question, text)]
    if question.type in ("number", "percent", "scale"):
        return _strip_unit(question, text)
    return text


def _strip_unit(question: Question, text: str) -> str:
    """'12 h/day' or '40 %' -> the number, when the suffix is the question's own unit."""
    units = ["%"] if question.type == "percent" else list(question.unit.values())
    for unit in units:
        if unit and _norm(text).endswith(_norm(unit)):
            return text.strip()[: len(text.strip()) - len(unit)].strip()
    return text


def _rows(text: str, columns: dict[str, tuple[str, str]], name: str = "") -> list[list[str]]:
    """Split the table with the delimiter under which most headers are known columns.

    Question texts contain commas, so guessing from character counts (csv.Sniffer)
    picks ',' for a ';'-separated Excel export; matching headers does not.
    """
    best: list[list[str]] = []
    best_score = -1
    failure: Problem | None = None
    for delimiter in (",", ";", "\t"):
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        try:
            rows = list(reader)
        except csv.Error as exc:  # a cell over csv's size limit (131072 characters): refuse the table
            failure = failure or Problem(Location(name, reader.line_num), f"cannot read the table: {exc}; "
                                         "expected short answers, one row per company")
            continue
        score = sum(_norm(title) in columns for title in rows[0]) if rows else 0
        if score > best_score:
            best, best_score = rows, score
    if best_score < 0 and failure is not None:
        raise UserError(failure)
    return best


def _load(path: str | Path, questionnaire: Questionnaire, name: str) -> tuple[list[list[str]], list[tuple[int, str, str]]]:
    """The table's rows (header first) and the column plan; table-wide problems raise."""
    text = read_text(path, name)
    if not text.strip():
        raise UserError(Problem(Location(name, 1, 1), "file is empty, expected a header row and one row per company"))
    bad = BAD_CHARACTER.search(text)
    if bad:  # an escape sequence in a cell would reach the terminal, file names and the summary
        at = bad.start()
        raise UserError(Problem(Location(name, text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)),
                                f"the control character U+{ord(bad.group()):04X} is not allowed in a table; "
                                "expected printable text"))
    columns = _column_map(questionnaire)
    rows = _rows(text, columns, name)
    header = rows[0]
    problems = ProblemList()
    plan: list[tuple[int, str, str]] = []  # (column index, kind, key)
    seen: dict[str, int] = {}
    for index, title in enumerate(header):
        kind, key = columns.get(_norm(title), ("unknown", ""))
        if kind == "unknown":
            if not title.strip():
                continue
            problems.add(
                Location(name, 1, index + 1, f"columns[{index + 1}]"),
                f"column '{title.strip()}' is neither a question id, a question's text nor a known "
                f"field{did_you_mean(title.strip(), [q for q in questionnaire.questions])}",
            )
            continue
        if kind == "ignore":
            continue
        if key in seen:
            problems.add(
                Location(name, 1, index + 1, f"columns[{index + 1}]"),
                f"column '{title.strip()}' answers '{key}' again (column {seen[key] + 1} already does)",
            )
            continue
        seen[key] = index
        plan.append((index, kind, key))
    if "company" not in seen:
        problems.add(Location(name, 1, 1, "columns"), "no 'company' column; expected one naming each company")
    problems.raise_if_any()
    return rows, plan


def count_rows(path: str | Path, questionnaire: Questionnaire, display: str | None = None) -> int:
    """How many companies `read_table` would return (0 when the table has no rows);
    table-wide problems raise UserError, row problems are left for `read_table`."""
    rows, _ = _load(path, questionnaire, display or str(path))
    return sum(1 for row in rows[1:] if any(cell.strip() for cell in row))


def read_table(path: str | Path, questionnaire: Questionnaire, display: str | None = None) -> list[TableRow]:
    """Read a CSV export into one answer document per data row.

    Problems with the table as a whole (no header, unknown columns) raise UserError;
    problems with a row's answers are left for the answer checker, per row.
    """
    name = display or str(path)
    rows, plan = _load(path, questionnaire, name)
    specials = _special_words(questionnaire)
    result: list[TableRow] = []
    line = 1
    for row in rows[1:]:
        line += 1
        if not any(cell.strip() for cell in row):
            continue
        data = CommentedMap()
        data["questionnaire"] = questionnaire.id
        data["version"] = questionnaire.version
        meta = CommentedMap()
        answers = CommentedMap()
        for index, kind, key in plan:
            cell = row[index] if index < len(row) else ""
            target = meta if kind == "meta" else answers
            if kind == "meta":
                value: Any = cell.strip() or None
            else:
                value = cell_value(questionnaire.questions[key], cell, specials)
            target[key] = value
            target.lc.add_kv_line_col(key, [line - 1, index, line - 1, index])
        for mapping in (data, meta, answers):
            mapping.lc.line, mapping.lc.col = line - 1, 0
        data["meta"] = meta
        data["answers"] = answers
        for key in ("questionnaire", "version", "meta", "answers"):
            data.lc.add_kv_line_col(key, [line - 1, 0, line - 1, 0])
        result.append(TableRow(Document(name, data, ""), line))
    if not result:
        raise UserError(Problem(Location(name, 2, 1), "the table has a header but no rows"))
    return result
