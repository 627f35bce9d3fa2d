"""The questionnaire as an XLSForm (`diagnose questions --format xlsform`), the sheet
format KoboToolbox, ODK and SurveyCTO build web and phone forms from.

The workbook has the three sheets of the standard: `survey` (one row per question, in
a group per section), `choices` (one list per choice question) and `settings`
(form_id, version, title, default language). Labels, hints and constraint messages
are given per language as `label::Русский (ru)` / `label::English (en)` columns.

What maps how:
- a question's type gives the row's `type` (`QuestionType.xlsform_type`); a scale is a
  `range` with its `parameters`;
- a choice or yes/no question that allows "don't know" / "not applicable" gets those as
  choices of its own list; a number that allows them gets a companion `select_one`
  row `<id>__state` before it ("I will give the figure" / "don't know" / …) and is asked
  only when the figure is to be given, so that a form export still says which it was;
- `show_if` becomes `relevant` (`show_if_to_xpath`), ranges and min/max selected a
  `constraint` with its message;
- a company name row comes first in a group of its own: a table needs it for each row.

Every cell is written as text, so a label beginning with '=' stays a label and never
becomes a spreadsheet formula.
"""

from __future__ import annotations

import io
from typing import Any

from jinja2 import nodes

from diagnose.errors import Location, Problem, ProblemList, UserError
from diagnose.question_types import format_number
from diagnose.questionnaire import Question, Questionnaire
from diagnose.texts import ui

STATE_SUFFIX = "__state"  # the companion row of a number that allows special answers
STATE_VALUE = "value"  # its choice "I will give the figure"
META_GROUP = "interview"
META_ROWS = (("company", "iv_meta_company", True), ("respondent", "iv_meta_respondent", False))
SURVEY_COLUMNS = ("type", "name", "label", "hint", "required", "relevant", "constraint",
                  "constraint_message", "parameters", "default")
TRANSLATED = ("label", "hint", "constraint_message")


def language_column(lang: str) -> str:
    """'Русский (ru)', 'English (en)': the language as XLSForm columns name it."""
    from babel import Locale

    name = Locale.parse(lang).get_display_name(lang) or lang
    return f"{name[:1].upper()}{name[1:]} ({lang})"


def has_state_row(question: Question) -> bool:
    """A question whose special answers need a companion row (a number: no choice list to hold them)."""
    return bool(question.special_answers()) and not question.kind.has_choices and question.type != "yesno"


def list_name(question: Question) -> str | None:
    """The choices list a select row names, or None for a row without choices."""
    row_type = question.kind.xlsform_type(question)
    if not row_type.startswith("select_"):
        return None
    name = row_type.split(" ", 1)[1]
    return question.id if question.special_answers() and name != question.id else name


# ------------------------------------------------------------------ show_if -> relevant


class _Untranslatable(Exception):
    pass


_OPERATORS = {"eq": "=", "ne": "!=", "gt": ">", "gteq": ">=", "lt": "<", "lteq": "<="}
_ARITHMETIC = {"Add": "+", "Sub": "-", "Mul": "*", "Div": "div", "Mod": "mod"}
_CONSTRUCTS = {"CondExpr": "'… if … else …'", "List": "a list", "FloorDiv": "'//'", "Pow": "'**'"}
_FUNCTIONS = ("min", "max", "abs", "round")  # ODK's XPath has these under the same names


def show_if_to_xpath(tree: nodes.Node, questions: dict[str, Question]) -> str:
    """Our condition language -> an XLSForm `relevant` expression (XPath 1.0 with ${name});
    raise _Untranslatable for what XLSForm cannot say."""
    return _XPath(questions).expr(tree)


class _XPath:
    def __init__(self, questions: dict[str, Question]) -> None:
        self.questions = questions

    def expr(self, node: nodes.Node) -> str:
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            kind = type(node).__name__
            raise _Untranslatable(f"{_CONSTRUCTS.get(kind, repr(kind))} has no XLSForm form")
        return method(node)

    def _question(self, name: str) -> Question:
        if name not in self.questions:
            raise _Untranslatable(f"'{name}' is not a question")
        return self.questions[name]

    def _Name(self, node: nodes.Name) -> str:
        if node.name in ("true", "false"):
            return f"{node.name}()"
        return "${" + self._question(node.name).id + "}"

    def _Const(self, node: nodes.Const) -> str:
        value = node.value
        if isinstance(value, bool):
            return "true()" if value else "false()"
        if isinstance(value, (int, float)):
            return format_number(value, "en").replace("\u202f", "").replace(",", "")
        if isinstance(value, str):
            if "'" in value:
                raise _Untranslatable("a text holding ' has no XPath literal")
            return f"'{value}'"
        raise _Untranslatable(f"the value {value!r} has no XLSForm form")

    def _And(self, node: nodes.And) -> str:
        return f"({self.expr(node.left)} and {self.expr(node.right)})"

    def _Or(self, node: nodes.Or) -> str:
        return f"({self.expr(node.left)} or {self.expr(node.right)})"

    def _Not(self, node: nodes.Not) -> str:
        return f"not({self.expr(node.node)})"

    def _Neg(self, node: nodes.Neg) -> str:
        return f"-{self.expr(node.node)}"

    def _binary(self, node: Any) -> str:
        return f"({self.expr(node.left)} {_ARITHMETIC[type(node).__name__]} {self.expr(node.right)})"

    _Add = _Sub = _Mul = _Div = _Mod = _binary

    def _Compare(self, node: nodes.Compare) -> str:
        parts = []
        left = node.expr
        for operand in node.ops:
            parts.append(self._compare(left, operand.op, operand.expr))
            left = operand.expr
        return parts[0] if len(parts) == 1 else "(" + " and ".join(parts) + ")"

    def _compare(self, left: nodes.Node, op: str, right: nodes.Node) -> str:
        if op in ("in", "notin"):
            if not (isinstance(right, nodes.Name) and isinstance(left, nodes.Const)):
                raise _Untranslatable("only 'choice' in a multiple-choice question has an XLSForm form")
            question = self._question(right.name)
            test = f"selected(${{{question.id}}}, {self._Const(left)})"
            return test if op == "in" else f"not({test})"
        return f"{self.expr(left)} {_OPERATORS[op]} {self.expr(right)}"

    def _Call(self, node: nodes.Call) -> str:
        name = node.node.name if isinstance(node.node, nodes.Name) else ""
        if name == "count" and len(node.args) == 1 and isinstance(node.args[0], nodes.Name):
            return f"count-selected(${{{self._question(node.args[0].name).id}}})"
        if name in _FUNCTIONS and node.args:
            return f"{name}({', '.join(self.expr(arg) for arg in node.args)})"
        raise _Untranslatable(f"the function '{name}' has no XLSForm form")

    def _Test(self, node: nodes.Test) -> str:
        question = self._question(node.node.name)
        field = f"${{{question.id}{STATE_SUFFIX}}}" if has_state_row(question) else f"${{{question.id}}}"
        if node.name in ("dont_know", "not_applicable"):
            if has_state_row(question) or question.kind.has_choices:
                if question.type == "multi":
                    return f"selected({field}, '{node.name}')"
                return f"{field} = '{node.name}'"
            return f"{field} = '{node.name}'"
        if node.name == "answered":
            return f"{field} != ''"
        if node.name == "unanswered":
            return f"{field} = ''"
        if node.name == "known":
            if has_state_row(question):
                return f"{field} = '{STATE_VALUE}'"
            specials = " and ".join(f"{field} != '{s}'" for s in question.special_answers())
            return f"({field} != ''{' and ' + specials if specials else ''})"
        raise _Untranslatable(f"the test 'is {node.name}' has no XLSForm form")


# ------------------------------------------------------------------ rows


def _texts(key: str, value: dict[str, str], languages: list[str]) -> dict[str, str]:
    return {f"{key}::{language_column(lang)}": value.get(lang, "") for lang in languages}


def _constraint(question: Question, languages: list[str]) -> tuple[str, dict[str, str]]:
    if question.type == "multi":
        parts = []
        if question.min_selected is not None:
            parts.append(f"count-selected(.) >= {question.min_selected}")
        if question.max_selected is not None:
            parts.append(f"count-selected(.) <= {question.max_selected}")
        words = {lang: ui("xf_count", lang, count=question.expected(lang)) for lang in languages} if parts else {}
        return " and ".join(parts), words
    if question.kind.has_choices or question.type in ("yesno", "text", "scale"):
        return "", {}
    low, high = question.bounds()
    parts = []
    if low is not None:
        parts.append(f". >= {format_number(low, 'en')}")
    if high is not None:
        parts.append(f". <= {format_number(high, 'en')}")
    words = {lang: ui("xf_range", lang, range=question.range_text(lang).strip()) for lang in languages} if parts else {}
    return " and ".join(parts), words


def _question_rows(question: Question, languages: list[str], relevant: str) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    own_relevant = relevant
    if has_state_row(question):
        state_name = question.id + STATE_SUFFIX
        rows.append({
            "type": f"select_one {state_name}", "name": state_name,
            **_texts("label", question.text, languages),
            **_texts("hint", {lang: ui("xf_state_hint", lang) for lang in languages}, languages),
            "required": "yes" if question.required else "", "relevant": relevant,
        })
        own = f"${{{state_name}}} = '{STATE_VALUE}'"
        own_relevant = f"({relevant}) and {own}" if relevant else own
    row_type = question.kind.xlsform_type(question)
    name = list_name(question)
    if name is not None:
        row_type = f"{row_type.split(' ', 1)[0]} {name}"
    constraint, messages = _constraint(question, languages)
    row = {
        "type": row_type, "name": question.id,
        **_texts("label", question.text, languages),
        **_texts("hint", question.help, languages),
        "required": "yes" if question.required else "", "relevant": own_relevant, "constraint": constraint,
        **(_texts("constraint_message", messages, languages) if messages else {}),
    }
    if question.type == "scale":
        row["parameters"] = f"start={format_number(question.min, 'en')} end={format_number(question.max, 'en')} step=1"
    if question.default is not None and not isinstance(question.default, list):
        row["default"] = str(question.default)
    rows.append(row)
    return rows


def _choice_rows(question: Question, languages: list[str], done: set[str]) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    if has_state_row(question):
        state_name = question.id + STATE_SUFFIX
        rows.append({"list_name": state_name, "name": STATE_VALUE,
                     **_texts("label", {lang: ui("xf_state_value", lang) for lang in languages}, languages)})
        for special in question.special_answers():
            rows.append({"list_name": state_name, "name": special,
                         **_texts("label", {lang: ui(special, lang) for lang in languages}, languages)})
    name = list_name(question)
    if name is None or name in done:
        return rows
    done.add(name)
    options = [(value, {lang: title for lang, title in
                        ((lang, dict(question.kind.options(question, lang)).get(value, value)) for lang in languages)})
               for value, _ in question.kind.options(question, languages[0])]
    options += [(special, {lang: ui(special, lang) for lang in languages}) for special in question.special_answers()]
    for value, texts in options:
        rows.append({"list_name": name, "name": value, **_texts("label", texts, languages)})
    return rows


def form_rows(questionnaire: Questionnaire) -> tuple[list[dict[str, str]], list[dict[str, str]], dict[str, str]]:
    """The survey rows, the choice rows and the settings of the questionnaire's XLSForm;
    a show_if XLSForm cannot say raises a UserError naming it."""
    languages = list(questionnaire.languages)
    questions = {q.id: q for q in questionnaire.iter_questions()}
    problems = ProblemList()
    survey: list[dict[str, str]] = [
        {"type": "begin_group", "name": META_GROUP,
         **_texts("label", {lang: ui("xf_meta_group", lang) for lang in languages}, languages)}]
    for name, key, required in META_ROWS:
        survey.append({"type": "text", "name": name, "required": "yes" if required else "",
                       **_texts("label", {lang: ui(key, lang) for lang in languages}, languages)})
    survey.append({"type": "end_group", "name": META_GROUP})
    choices: list[dict[str, str]] = []
    done: set[str] = set()
    for s_index, section in enumerate(questionnaire.sections):
        survey.append({"type": "begin_group", "name": section.id, **_texts("label", section.title, languages)})
        for q_index, question in enumerate(section.questions):
            if question.id + STATE_SUFFIX in questions:
                problems.add(Location(questionnaire.path, None, None, f"sections[{s_index}].questions[{q_index}].id"),
                             f"the form needs the name '{question.id}{STATE_SUFFIX}' for this question's "
                             "\"don't know\" row, but a question has it; rename that question")
            relevant = ""
            if question.show_if is not None:
                try:
                    relevant = show_if_to_xpath(question.show_if.tree, questions)
                except _Untranslatable as exc:
                    problems.add(Location(questionnaire.path, None, None,
                                          f"sections[{s_index}].questions[{q_index}].show_if"),
                                 f"'{question.show_if.source}' cannot be written as an XLSForm relevance: {exc}")
            survey += _question_rows(question, languages, relevant)
            choices += _choice_rows(question, languages, done)
        survey.append({"type": "end_group", "name": section.id})
    problems.raise_if_any()
    settings = {"form_title": questionnaire.title.get(languages[0], questionnaire.id), "form_id": questionnaire.id,
                "version": str(questionnaire.version), "default_language": language_column(languages[0])}
    return survey, choices, settings


def _sheet(book: Any, title: str, columns: list[str], rows: list[dict[str, str]]) -> None:
    sheet = book.create_sheet(title)
    for r_index, values in enumerate([{column: column for column in columns}, *rows], 1):
        for c_index, column in enumerate(columns, 1):
            text = values.get(column, "")
            if text:
                cell = sheet.cell(row=r_index, column=c_index, value=text)
                cell.data_type = "s"  # openpyxl makes '=…' a formula; a label is never one


def xlsform_bytes(questionnaire: Questionnaire) -> bytes:
    """The XLSForm workbook (.xlsx) of the questionnaire."""
    from openpyxl import Workbook

    survey, choices, settings = form_rows(questionnaire)
    languages = list(questionnaire.languages)
    survey_columns = [c for column in SURVEY_COLUMNS for c in (
        [f"{column}::{language_column(lang)}" for lang in languages] if column in TRANSLATED else [column])]
    choice_columns = ["list_name", "name", *[f"label::{language_column(lang)}" for lang in languages]]
    book = Workbook()
    book.remove(book.active)
    _sheet(book, "survey", survey_columns, survey)
    _sheet(book, "choices", choice_columns, choices)
    _sheet(book, "settings", list(settings), [settings])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_xlsform(questionnaire: Questionnaire, output: str) -> None:
    """Write the XLSForm atomically (outputs.py); '-' is refused: a workbook is binary."""
    from diagnose.outputs import atomic_write_bytes

    if output == "-":
        raise UserError(Problem(Location("-o -"), "an XLSForm is a binary workbook; pass -o FILE.xlsx"))
    atomic_write_bytes(output, xlsform_bytes(questionnaire))
