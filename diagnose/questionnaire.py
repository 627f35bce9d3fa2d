"""The questionnaire model: sections, typed questions, computed values.

`load_questionnaire` reads a questionnaire YAML file (docs/formats.md) and checks all
of it in one pass. `Question.parse` is the one place where an answer is checked: the
interview and answer files both call it, so a typed answer and one read from a file get
the same error text. What differs by question type is the type's class
(`Question.kind`, diagnose/question_types.py).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from diagnose.errors import ProblemList, did_you_mean, one_of, unknown
from diagnose.expressions import (
    DONT_KNOW,
    NOT_APPLICABLE,
    Expression,
    ExpressionError,
    Missing,
    NameInfo,
    compile_expression,
)
from diagnose.locale import LANGUAGES
from diagnose.question_types import (
    ALL_TYPE_KEYS,
    QUESTION_TYPES,
    TYPES,
    Choice,
    QuestionType,
    at_prompt,
    format_number,
)
from diagnose.question_types import say as _say
from diagnose.resources import bundled_questionnaires
from diagnose.schema import DOTTED_ID, Checker, describe, join
from diagnose.texts import ui
from diagnose.yamlio import BAD_CHARACTER, Document

SPECIAL_ANSWERS = {"dont_know": DONT_KNOW, "not_applicable": NOT_APPLICABLE}
_COMMON_KEYS = (
    "id", "type", "text", "help", "required", "default", "show_if",
    "allow_dont_know", "allow_not_applicable", "context",
)


@dataclass
class Question:
    """One question; `parse` turns a raw answer into a checked value."""

    id: str
    type: str
    text: dict[str, str]
    section: str
    help: dict[str, str] = field(default_factory=dict)
    required: bool = True
    # asked to frame the report (company stage, industry), not for a rule to read
    context: bool = False
    default: Any = None
    show_if: Expression | None = None
    allow_dont_know: bool = False
    allow_not_applicable: bool = False
    choices: tuple[Choice, ...] = ()
    min: float | None = None
    max: float | None = None
    integer: bool = False
    unit: dict[str, str] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    max_length: int = 2000
    min_selected: int | None = None
    max_selected: int | None = None

    @property
    def kind(self) -> QuestionType:
        """The question's type (diagnose/question_types.py): everything that differs by type."""
        return TYPES[self.type]

    @property
    def choice_ids(self) -> tuple[str, ...]:
        return self.kind.choice_ids(self)

    def choice_text(self, choice_id: str, lang: str) -> str:
        for choice in self.choices:
            if choice.id == choice_id:
                return choice.text.get(lang, choice_id)
        return choice_id

    def special_answers(self) -> list[str]:
        allowed = []
        if self.allow_dont_know:
            allowed.append("dont_know")
        if self.allow_not_applicable:
            allowed.append("not_applicable")
        return allowed

    def expected(self, lang: str = "en") -> str:
        """What a valid answer looks like, for error messages and templates. In English
        choices are their ids (what an answer file holds); in another language, the
        interview's, they are the numbers it lists them under, and "don't know" is
        spelled out."""
        special = self.special_answers()
        extra = ""
        if special:
            typed = lang != "en" or at_prompt()
            names = [_say("quoted", lang, text=ui(state, lang)) for state in special] if typed else special
            extra = _say("or_special", lang, specials=" / ".join(names))
        return self.kind.expected(self, lang, extra)

    def range_text(self, lang: str = "en") -> str:
        low, high = self.bounds()
        if low is not None and high is not None:
            return _say("range_from_to", lang, low=_num(low, lang), high=_num(high, lang))
        if low is not None:
            return _say("range_at_least", lang, low=_num(low, lang))
        if high is not None:
            return _say("range_at_most", lang, high=_num(high, lang))
        return ""

    def bounds(self) -> tuple[float | None, float | None]:
        return self.kind.bounds(self)

    def parse(self, raw: Any, lang: str = "en") -> Any:
        """Return the checked value (or a Missing state); raise ValueError with the message
        in `lang` (English for files, the interview's language in the interview)."""
        check_characters(raw, lang)
        if isinstance(raw, str) and raw.strip() in SPECIAL_ANSWERS:
            state = raw.strip()
            if state in self.special_answers():
                return SPECIAL_ANSWERS[state]
            label = ui(state, lang)
            raise ValueError(_say("special_not_allowed", lang, state=state, label=label, expected=self.expected(lang)))
        return self.kind.parse(self, raw, lang)

    def display(self, value: Any, lang: str) -> str:
        """A value as a person reads it (choice texts, units, don't know)."""
        if isinstance(value, Missing):
            return ui(value.state, lang)
        return self.kind.display(self, value, lang)

    def name_info(self) -> NameInfo:
        """What a condition naming this question may compare it with."""
        return NameInfo(self.type, self.choice_ids if self.kind.has_choices else ())


@dataclass
class Computed:
    """A value computed from answers by an expression declared in YAML."""

    id: str
    type: str
    text: dict[str, str]
    expr: Expression


@dataclass
class Check:
    """A consistency check across answers: `holds` must not be false (docs/formats.md)."""

    id: str
    holds: Expression
    severity: str  # one of CHECK_SEVERITIES
    message: dict[str, str]  # may name answers as {name}
    involves: tuple[str, ...]  # the questions the condition reads, computed values expanded


CHECK_SEVERITIES = ("error", "warning")


@dataclass
class Section:
    id: str
    title: dict[str, str]
    questions: list[Question]


@dataclass
class Questionnaire:
    id: str
    version: int
    languages: list[str]
    title: dict[str, str]
    sections: list[Section]
    computed: list[Computed]
    path: str
    intro: dict[str, str] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)

    @functools.cached_property
    def questions(self) -> dict[str, Question]:
        return {q.id: q for s in self.sections for q in s.questions}

    def iter_questions(self) -> Iterator[Question]:
        for section in self.sections:
            yield from section.questions

    def section_of(self, question: Question) -> Section:
        return next(s for s in self.sections if s.id == question.section)

    def name_infos(self) -> dict[str, NameInfo]:
        infos = {q.id: q.name_info() for q in self.iter_questions()}
        infos.update({c.id: NameInfo("computed") for c in self.computed})
        return infos


def check_characters(raw: Any, lang: str = "en") -> None:
    """Refuse text (or a list of texts) holding a control character or half a surrogate
    pair, in the words the file check gives (`yamlio._check_scalar`). A file never gets
    here with one, the YAML scan refuses it first; typed at the interview prompt (ESC, or
    bytes that are not UTF-8, which arrive as lone surrogates), it would be saved into a
    file that its own `--resume` then refuses, and echoed to the terminal by messages."""
    for text in raw if isinstance(raw, list) else [raw]:
        bad = BAD_CHARACTER.search(text) if isinstance(text, str) else None
        if bad:
            code = ord(bad.group())
            key = "surrogate" if 0xD800 <= code <= 0xDFFF else "control_character"
            raise ValueError(_say(key, lang, code=f"U+{code:04X}"))


_num = format_number  # the answer checker's number format (question_types.format_number)


def load_questionnaire(path: str | Path, display: str | None = None) -> Questionnaire:
    """Load and check a questionnaire file; raise UserError listing every problem.

    Reuses what was built from the same text before (diagnose/loadcache.py); problems are
    always found by `questionnaire_from_document` on the located document."""
    from diagnose.loadcache import load_checked

    return load_checked(path, display, "questionnaire", questionnaire_from_document)


def find_questionnaire(name: str, version: Any = None, offered: Sequence[Questionnaire] = ()) -> Questionnaire | None:
    """The questionnaire a file names by id: one of `offered` (given with --questionnaire)
    or a bundled one, by id alone, never as a path; None if there is none.

    Where the file records a version (a whole number), a questionnaire of that version
    wins; otherwise, and when none has it, the first found (offered before bundled), so
    that the version check that follows names the version found.
    """
    wanted = version if type(version) is int else None
    found = [q for q in offered if q.id == name]
    if wanted is not None:
        exact = next((q for q in found if q.version == wanted), None)
        if exact is not None:
            return exact
    elif found:
        return found[0]
    path = bundled_questionnaires().get(name) if isinstance(name, str) else None
    if path is not None:
        bundled = load_questionnaire(path)
        if wanted is None or bundled.version == wanted or not found:
            return bundled
    return found[0] if found else None


def unknown_questionnaire(name: str, offered: Sequence[Questionnaire] = ()) -> str:
    """Why `find_questionnaire` found nothing: the ids there are, nothing about files."""
    bundled = list(bundled_questionnaires())
    given = sorted({q.id for q in offered})
    hint = did_you_mean(name, bundled + given) if len(name) <= 100 else ""
    text = f"unknown questionnaire {describe(name)}{hint}; expected one of the bundled questionnaires: {one_of(bundled)}"
    if given:
        text += f", or one given with --questionnaire: {one_of(given)}"
    return text


def questionnaire_from_document(document: Document, problems: ProblemList) -> Questionnaire | None:
    """Build a Questionnaire, recording every problem; None when it cannot be built."""
    check = Checker(document, problems)
    data = document.data
    check.keys(
        data, "",
        ("kind", "id", "version", "languages", "title", "intro", "sections", "computed", "checks"),
        ("kind", "id", "version", "languages", "title", "sections"),
    )
    if data.get("kind") not in (None, "questionnaire"):
        check.error(data, "kind", "kind", f"expected 'questionnaire', got {describe(data.get('kind'))}")
    qid = check.identifier(data, "id", "id", DOTTED_ID) or ""
    version = check.integer(data, "version", "version") or 0
    languages = _languages(check, data)
    title = check.text(data, "title", "title", languages)
    intro = check.text(data, "intro", "intro", languages, required=False)
    known: dict[str, NameInfo] = {}  # names a condition may read, in declaration order
    sections = _sections(check, data, languages, known)
    computed = _computed(check, data, languages, known)
    checks = _checks(check, data, languages, known, computed)
    if problems:
        return None
    return Questionnaire(qid, version, languages, title, sections, computed, document.path, intro, checks)


def _sections(check: Checker, data: Any, languages: list[str], known: dict[str, NameInfo]) -> list[Section]:
    seen_sections: set[str] = set()
    sections: list[Section] = []
    raw_sections = check.sequence(data, "sections", "sections") or []
    if "sections" in data and not raw_sections and isinstance(data.get("sections"), list):
        check.error(data, "sections", "sections", "expected at least one section")
    for index, raw in enumerate(raw_sections):
        path = f"sections[{index}]"
        if not isinstance(raw, dict):
            check.error(raw_sections, index, path, f"expected a section mapping, got {describe(raw)}")
            continue
        check.keys(raw, path, ("id", "title", "questions"), ("id", "title", "questions"))
        sid = check.identifier(raw, "id", f"{path}.id") or f"section{index}"
        if sid in seen_sections:
            check.error(raw, "id", f"{path}.id", f"section id '{sid}' is used twice")
        seen_sections.add(sid)
        stitle = check.text(raw, "title", f"{path}.title", languages)
        questions = []
        raw_questions = check.sequence(raw, "questions", f"{path}.questions") or []
        for qindex, raw_q in enumerate(raw_questions):
            qpath = f"{path}.questions[{qindex}]"
            if not isinstance(raw_q, dict):
                check.error(raw_questions, qindex, qpath, f"expected a question mapping, got {describe(raw_q)}")
                continue
            question = _question(check, raw_q, qpath, sid, languages, known)
            if question is not None:
                questions.append(question)
                known[question.id] = question.name_info()
        sections.append(Section(sid, stitle, questions))
    return sections


def _computed(check: Checker, data: Any, languages: list[str], known: dict[str, NameInfo]) -> list[Computed]:
    computed: list[Computed] = []
    for index, raw in enumerate(check.sequence(data, "computed", "computed") or []):
        path = f"computed[{index}]"
        if not isinstance(raw, dict):
            check.error(data["computed"], index, path, f"expected a mapping, got {describe(raw)}")
            continue
        check.keys(raw, path, ("id", "type", "text", "expr"), ("id", "type", "text", "expr"))
        cid = check.identifier(raw, "id", f"{path}.id")
        ctype = raw.get("type")
        if ctype not in ("number", "percent"):
            check.error(raw, "type", f"{path}.type", f"expected 'number' or 'percent', got {describe(ctype)}")
        text = check.text(raw, "text", f"{path}.text", languages)
        if cid and cid in known:
            check.error(raw, "id", f"{path}.id", f"'{cid}' is already the id of a question or computed value")
            continue
        if cid and "expr" in raw:
            try:
                expr = compile_expression(raw["expr"], known)
            except ExpressionError as exc:
                check.error(raw, "expr", f"{path}.expr", str(exc))
                continue
            computed.append(Computed(cid, str(ctype), text, expr))
            known[cid] = NameInfo("computed")
    return computed


def _checks(check: Checker, data: Any, languages: list[str], known: dict[str, NameInfo],
            computed: list[Computed]) -> list[Check]:
    """The `checks:` section: conditions across answers that must hold, each with the
    severity and the message shown when one does not."""
    from diagnose.rules.text_fields import field_problem

    reads = {c.id: c.expr.names for c in computed}
    checks: list[Check] = []
    seen: set[str] = set()
    for index, raw in enumerate(check.sequence(data, "checks", "checks") or []):
        path = f"checks[{index}]"
        if not isinstance(raw, dict):
            check.error(data["checks"], index, path, f"expected a check mapping, got {describe(raw)}")
            continue
        check.keys(raw, path, ("id", "holds", "severity", "message"), ("id", "holds", "severity", "message"))
        kid = check.identifier(raw, "id", f"{path}.id")
        if kid and kid in seen:
            check.error(raw, "id", f"{path}.id", f"check id '{kid}' is used twice")
        seen.add(kid or "")
        severity = raw.get("severity")
        if "severity" in raw and severity not in CHECK_SEVERITIES:
            check.error(raw, "severity", f"{path}.severity",
                        unknown("severity", str(severity), CHECK_SEVERITIES, describe(severity)))
        holds = None
        if "holds" in raw:
            try:
                holds = compile_expression(raw["holds"], known)
            except ExpressionError as exc:
                check.error(raw, "holds", f"{path}.holds", str(exc))
        involves = _questions_read(holds.names, reads) if holds is not None else ()
        # a message may name only what the check reads: those are the values known to be there
        named = {n: known[n] for n in (*holds.names, *involves)} if holds is not None else known
        message = check.text(raw, "message", f"{path}.message", languages)
        for lang, text in message.items():
            problem = field_problem(text, known) if isinstance(text, str) else None
            if problem is None and isinstance(text, str):
                problem = _unread_field(text, named)
            if problem:
                check.error(raw["message"], lang, f"{path}.message.{lang}", problem)
        if kid and holds is not None and severity in CHECK_SEVERITIES:
            checks.append(Check(kid, holds, str(severity), message, involves))
    return checks


def _unread_field(text: str, named: dict[str, NameInfo]) -> str | None:
    """A {name} the check's condition does not read: it may be unanswered when the check
    breaks, so a message names only what its condition reads."""
    import string

    for _, name, _, _ in string.Formatter().parse(text):
        if name and name not in named:
            return (f"'{{{name}}}' in message: the condition does not read '{name}'; a message may "
                    f"name only what its condition reads ({', '.join(named)})")
    return None


def _questions_read(names: Sequence[str], reads: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The questions behind `names`: a computed value stands for the names it reads."""
    found: dict[str, None] = {}
    for name in names:
        if name in reads:
            found.update(dict.fromkeys(_questions_read(reads[name], reads)))
        else:
            found[name] = None
    return tuple(found)


def _languages(check: Checker, data: Any) -> list[str]:
    languages = data.get("languages")
    if isinstance(languages, list) and not languages:
        check.error(data, "languages", "languages", "expected at least one language code, such as [ru, en], got an empty list")
        return list(LANGUAGES)
    if not isinstance(languages, list) or not all(isinstance(x, str) for x in languages):
        if "languages" in data:
            check.error(data, "languages", "languages", f"expected a list of language codes such as [ru, en], got {describe(languages)}")
        return list(LANGUAGES)
    again = next((i for i, x in enumerate(languages) if x in languages[:i]), None)
    if again is not None:
        check.error(languages, again, f"languages[{again}]", f"language '{languages[again]}' is listed twice; "
                    "list each language once")
        # most likely a typo for a language the texts are written in: take those as well,
        # so that every text in them is not reported too
        title = data.get("title")
        return list(dict.fromkeys([str(x) for x in languages] + [str(k) for k in (title if isinstance(title, dict) else ())]))
    return [str(x) for x in languages]


def _question(
    check: Checker, raw: Any, path: str, section: str, languages: list[str], known: dict[str, NameInfo]
) -> Question | None:
    before = len(check.problems.items)
    kind = TYPES.get(raw.get("type")) if isinstance(raw.get("type"), str) else None
    if kind is None:
        _unknown_type(check, raw, path, known)
        return None
    check.keys(raw, path, _COMMON_KEYS + kind.keys, ("id", "type", "text"))
    qid = check.identifier(raw, "id", f"{path}.id")
    if qid is None:
        return None
    if qid in known:
        check.error(raw, "id", f"{path}.id", f"question id '{qid}' is used twice; ids must be unique in the questionnaire")
    question = Question(
        id=qid,
        type=kind.name,
        text=check.text(raw, "text", f"{path}.text", languages),
        section=section,
        help=check.text(raw, "help", f"{path}.help", languages, required=False),
        required=check.boolean(raw, "required", f"{path}.required", True),
        context=check.boolean(raw, "context", f"{path}.context", False),
        allow_dont_know=check.boolean(raw, "allow_dont_know", f"{path}.allow_dont_know", False),
        allow_not_applicable=check.boolean(raw, "allow_not_applicable", f"{path}.allow_not_applicable", False),
    )
    kind.read(check, raw, path, languages, question)
    if question.min is not None and question.max is not None and question.min >= question.max:
        check.error(raw, "max", f"{path}.max", f"max {_num(question.max)} must be greater than min {_num(question.min)}")
    if "show_if" in raw:
        question.show_if = _show_if(check, raw, path, qid, known)
    if "default" in raw and raw["default"] is not None and len(check.problems.items) == before:
        try:
            question.default = question.parse(raw["default"])
        except ValueError as exc:
            check.error(raw, "default", f"{path}.default", str(exc))
    return question


def _unknown_type(check: Checker, raw: Any, path: str, known: dict[str, NameInfo]) -> None:
    qtype = raw.get("type")
    check.error(raw, "type", f"{path}.type", f"unknown question type {describe(qtype)}"
                f"{did_you_mean(str(qtype), QUESTION_TYPES)}; expected one of: {one_of(QUESTION_TYPES)}")
    check.keys(raw, path, _COMMON_KEYS + ALL_TYPE_KEYS, ("id", "type", "text"))
    qid = raw.get("id")
    if isinstance(qid, str) and qid not in known:
        # keep the id known so that later conditions naming it are not reported as
        # well: the one problem is the type
        known[qid] = NameInfo("unknown")


def _show_if(check: Checker, raw: Any, path: str, qid: str, known: dict[str, NameInfo]) -> Expression | None:
    """The question's compiled show-if; None with a problem saying why it cannot be."""
    try:
        return compile_expression(raw["show_if"], known)
    except ExpressionError as exc:
        message = str(exc)
        name = message.split("'")[1] if message.startswith("unknown name") else None
        if name and name == qid:
            message = f"show_if of '{qid}' names the question itself: a question cannot depend on its own answer"
        elif name and _declared_later(check.document.data, name):
            message = (
                f"show_if names '{name}', which is asked later; a condition may only read "
                "earlier questions (this also rules out circular show-if)"
            )
        check.error(raw, "show_if", f"{path}.show_if", message)
        return None


def _declared_later(data: Any, name: str) -> bool:
    for section in data.get("sections") or []:
        if isinstance(section, dict):
            for q in section.get("questions") or []:
                if isinstance(q, dict) and q.get("id") == name:
                    return True
    return False


def join_path(*parts: Any) -> str:
    path = ""
    for part in parts:
        path = join(path, part)
    return path
