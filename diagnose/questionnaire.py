"""The questionnaire model: sections, typed questions, computed values.

`load_questionnaire` reads a questionnaire YAML file (docs/formats.md) and checks all
of it in one pass. `Question.parse` is the one place where an answer is checked: the
interview and answer files both call it, so a typed answer and one read from a file get
the same error text.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from diagnose.errors import ProblemList, did_you_mean, one_of
from diagnose.expressions import (
    DONT_KNOW,
    NOT_APPLICABLE,
    Expression,
    ExpressionError,
    Missing,
    NameInfo,
    compile_expression,
)
from diagnose.locale import LANGUAGES, locale
from diagnose.resources import bundled_questionnaires
from diagnose.schema import DOTTED_ID, Checker, describe, join
from diagnose.texts import lookup, ui
from diagnose.yamlio import BAD_CHARACTER, Document, is_number, layout_character

QUESTION_TYPES = ("single", "multi", "scale", "number", "percent", "yesno", "text")
SPECIAL_ANSWERS = {"dont_know": DONT_KNOW, "not_applicable": NOT_APPLICABLE}
_COMMON_KEYS = (
    "id", "type", "text", "help", "required", "default", "show_if",
    "allow_dont_know", "allow_not_applicable", "context",
)
_TYPE_KEYS = {
    "single": ("choices",),
    "multi": ("choices", "min_selected", "max_selected"),
    "scale": ("min", "max", "labels"),
    "number": ("min", "max", "integer", "unit"),
    "percent": (),
    "yesno": (),
    "text": ("max_length",),
}
YES_NO = ("yes", "no")


@dataclass(frozen=True)
class Choice:
    id: str
    text: dict[str, str]


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
    def choice_ids(self) -> tuple[str, ...]:
        if self.type == "yesno":
            return YES_NO
        return tuple(c.id for c in self.choices)

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
            names = special if lang == "en" else [f"«{ui(state, lang)}»" for state in special]
            extra = _say("or_special", lang, specials=" / ".join(names))
        if self.type in ("single", "multi"):
            choices, last = one_of(self.choice_ids), len(self.choice_ids)
            if self.type == "single":
                return _say("expect_one_of", lang, choices=choices, last=last, extra=extra)
            low, high = self.min_selected, self.max_selected
            count = (
                _say("list_count_range", lang, low=low, high=high) if low is not None and high is not None
                else _say("list_count_at_least", lang, low=low) if low is not None
                else _say("list_count_at_most", lang, high=high) if high is not None
                else ""
            )
            return _say("expect_list", lang, count=count, choices=choices, last=last, extra=extra)
        if self.type == "yesno":
            return _say("expect_yes_no", lang, extra=extra)
        if self.type == "text":
            return _say("expect_text", lang, max=self.max_length, extra=extra)
        kind = "expect_whole_number" if self.integer or self.type == "scale" else "expect_number"
        return _say(kind, lang, range=self.range_text(lang), extra=extra)

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
        if self.type == "percent":
            return 0, 100
        return self.min, self.max

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
        parser = getattr(self, f"_parse_{self.type}")
        return parser(raw, lang)

    def _wrong(self, raw: Any, lang: str) -> ValueError:
        got = describe(raw) if lang == "en" or not isinstance(raw, str) else f"«{raw}»"
        return ValueError(_say("expected_got", lang, expected=self.expected(lang), got=got))

    def _not_a_choice(self, item: Any, lang: str, shown: str) -> ValueError:
        hint = ""
        if isinstance(item, str):
            matches = difflib.get_close_matches(item, self.choice_ids, n=1, cutoff=0.6)
            hint = _say("did_you_mean", lang, word=matches[0]) if matches else ""
        if lang != "en" and isinstance(item, str):
            shown = f"«{item}»"
        return ValueError(_say("not_a_choice", lang, shown=shown, hint=hint, expected=self.expected(lang)))

    def _parse_single(self, raw: Any, lang: str = "en") -> str:
        if not isinstance(raw, str) or isinstance(raw, bool):
            raise self._wrong(raw, lang)
        if raw not in self.choice_ids:
            raise self._not_a_choice(raw, lang, f"'{raw}'")
        return str(raw)

    def _parse_multi(self, raw: Any, lang: str = "en") -> list[str]:
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list):
            raise self._wrong(raw, lang)
        values: list[str] = []
        for item in raw:
            if not isinstance(item, str) or item not in self.choice_ids:
                raise self._not_a_choice(item, lang, describe(item))
            if item in values:
                raise ValueError(_say("listed_twice", lang, item=item))
            values.append(str(item))
        too_few = self.min_selected is not None and len(values) < self.min_selected
        too_many = self.max_selected is not None and len(values) > self.max_selected
        if too_few or too_many:
            raise ValueError(_say("count_chosen", lang, count=len(values), expected=self.expected(lang)))
        return values

    def _parse_yesno(self, raw: Any, lang: str = "en") -> str:
        if isinstance(raw, bool):
            return "yes" if raw else "no"
        if isinstance(raw, str) and raw.strip().lower() in YES_NO:
            return raw.strip().lower()
        raise self._wrong(raw, lang)

    def _parse_text(self, raw: Any, lang: str = "en") -> str:
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            raw = str(raw)
        if not isinstance(raw, str):
            raise self._wrong(raw, lang)
        if len(raw) > self.max_length:
            raise ValueError(_say("text_too_long", lang, length=len(raw), max=self.max_length))
        held = layout_character(raw)
        if held:
            raise ValueError(_say("layout_character", lang, character=held))
        return str(raw)

    def _parse_number(self, raw: Any, lang: str = "en") -> float | int:
        value = raw
        if isinstance(raw, str):
            try:
                value = float(raw.strip().replace(",", ".").replace(" ", ""))
            except ValueError:
                raise self._wrong(raw, lang) from None
            if value.is_integer():
                value = int(value)
        if not is_number(value):
            raise self._wrong(raw, lang)
        whole = self.integer or self.type == "scale"
        if whole and not float(value).is_integer():
            raise ValueError(_say("not_whole", lang, value=_num(value, lang), expected=self.expected(lang)))
        low, high = self.bounds()
        scale = ""
        if self.type in ("scale", "percent"):
            scale = _say(f"{self.type}_bounds", lang, low=_num(low, lang), high=_num(high, lang))
        if low is not None and value < low:
            raise ValueError(_say("below_minimum", lang, value=_num(value, lang), low=_num(low, lang), scale=scale))
        if high is not None and value > high:
            raise ValueError(_say("above_maximum", lang, value=_num(value, lang), high=_num(high, lang), scale=scale))
        return int(value) if whole else value

    _parse_scale = _parse_number
    _parse_percent = _parse_number

    def display(self, value: Any, lang: str) -> str:
        """A value as a person reads it (choice texts, units, don't know)."""
        if isinstance(value, Missing):
            return ui(value.state, lang)
        if self.type == "single":
            return self.choice_text(value, lang)
        if self.type == "multi":
            return "; ".join(self.choice_text(v, lang) for v in value) or "—"
        if self.type == "yesno":
            return ui(value, lang)
        if self.type == "percent":
            return f"{_num(value, lang)} %"
        if self.type == "number" and self.unit:
            return locale(lang).with_unit(value, self.unit.get(lang, ""))
        return str(value) if not isinstance(value, float) else _num(value, lang)


@dataclass
class Computed:
    """A value computed from answers by an expression declared in YAML."""

    id: str
    type: str
    text: dict[str, str]
    expr: Expression


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

    @functools.cached_property
    def questions(self) -> dict[str, Question]:
        return {q.id: q for s in self.sections for q in s.questions}

    def iter_questions(self) -> Iterator[Question]:
        for section in self.sections:
            yield from section.questions

    def section_of(self, question: Question) -> Section:
        return next(s for s in self.sections if s.id == question.section)

    def name_infos(self) -> dict[str, NameInfo]:
        infos = {q.id: NameInfo(q.type, q.choice_ids if q.type in ("single", "multi") else ()) for q in self.iter_questions()}
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


def _say(key: str, lang: str, **fields: object) -> str:
    """A message of the answer checker (locale/checks.yaml) in `lang`."""
    return lookup("checks", key, lang, **fields)


def _num(value: Any, lang: str = "en") -> str:
    """A number as a message shows it: `Locale.exact` (no needless '.0'; a decimal comma in Russian)."""
    return locale(lang).exact(value)


format_number = _num


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
        ("kind", "id", "version", "languages", "title", "intro", "sections", "computed"),
        ("kind", "id", "version", "languages", "title", "sections"),
    )
    if data.get("kind") not in (None, "questionnaire"):
        check.error(data, "kind", "kind", f"expected 'questionnaire', got {describe(data.get('kind'))}")
    qid = check.identifier(data, "id", "id", DOTTED_ID) or ""
    version = check.integer(data, "version", "version") or 0
    languages = _languages(check, data)
    title = check.text(data, "title", "title", languages)
    intro = check.text(data, "intro", "intro", languages, required=False)

    known: dict[str, NameInfo] = {}
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
                known[question.id] = NameInfo(question.type, question.choice_ids if question.type in ("single", "multi") else ())
        sections.append(Section(sid, stitle, questions))

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
    if problems:
        return None
    return Questionnaire(qid, version, languages, title, sections, computed, document.path, intro)


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
    qtype = raw.get("type")
    if qtype not in QUESTION_TYPES:
        check.error(raw, "type", f"{path}.type", f"unknown question type {describe(qtype)}{did_you_mean(str(qtype), QUESTION_TYPES)}; expected one of: {one_of(QUESTION_TYPES)}")
        check.keys(raw, path, _COMMON_KEYS + tuple(k for keys in _TYPE_KEYS.values() for k in keys), ("id", "type", "text"))
        qid = raw.get("id")
        if isinstance(qid, str) and qid not in known:
            # keep the id known so that later conditions naming it are not reported as
            # well: the one problem is the type
            known[qid] = NameInfo("unknown")
        return None
    check.keys(raw, path, _COMMON_KEYS + _TYPE_KEYS[qtype], ("id", "type", "text"))
    qid = check.identifier(raw, "id", f"{path}.id")
    if qid is None:
        return None
    if qid in known:
        check.error(raw, "id", f"{path}.id", f"question id '{qid}' is used twice; ids must be unique in the questionnaire")
    question = Question(
        id=qid,
        type=qtype,
        text=check.text(raw, "text", f"{path}.text", languages),
        section=section,
        help=check.text(raw, "help", f"{path}.help", languages, required=False),
        required=check.boolean(raw, "required", f"{path}.required", True),
        context=check.boolean(raw, "context", f"{path}.context", False),
        allow_dont_know=check.boolean(raw, "allow_dont_know", f"{path}.allow_dont_know", False),
        allow_not_applicable=check.boolean(raw, "allow_not_applicable", f"{path}.allow_not_applicable", False),
    )
    if qtype in ("single", "multi"):
        question.choices = _choices(check, raw, path, languages)
        if qtype == "multi":
            question.min_selected = check.integer(raw, "min_selected", f"{path}.min_selected")
            question.max_selected = check.integer(raw, "max_selected", f"{path}.max_selected")
            low, high = question.min_selected, question.max_selected
            if low is not None and not 0 <= low <= len(question.choices):
                check.error(raw, "min_selected", f"{path}.min_selected",
                            f"expected a whole number from 0 to {len(question.choices)} (the number of choices), got {low}")
            elif high is not None and not max(low or 1, 1) <= high <= len(question.choices):
                check.error(raw, "max_selected", f"{path}.max_selected",
                            f"expected a whole number from {max(low or 1, 1)} to {len(question.choices)} "
                            f"(min_selected to the number of choices), got {high}")
    elif qtype == "scale":
        for key in ("min", "max"):
            if key not in raw:
                check.error(raw, "type", path, f"a scale needs '{key}'", value=False)
        question.min = check.integer(raw, "min", f"{path}.min")
        question.max = check.integer(raw, "max", f"{path}.max")
        labels = check.mapping(raw, "labels", f"{path}.labels")
        if labels is None:
            if "labels" not in raw:
                check.error(raw, "type", path, "a scale needs 'labels' with the meaning of its ends (min, max)", value=False)
        else:
            check.keys(labels, f"{path}.labels", ("min", "max"), ("min", "max"))
            question.labels = {end: check.text(labels, end, f"{path}.labels.{end}", languages) for end in ("min", "max") if end in labels}
    elif qtype == "number":
        question.min = check.number(raw, "min", f"{path}.min")
        question.max = check.number(raw, "max", f"{path}.max")
        question.integer = check.boolean(raw, "integer", f"{path}.integer", False)
        question.unit = check.text(raw, "unit", f"{path}.unit", languages, required=False)
    elif qtype == "text":
        question.max_length = check.integer(raw, "max_length", f"{path}.max_length") or 2000
    if question.min is not None and question.max is not None and question.min >= question.max:
        check.error(raw, "max", f"{path}.max", f"max {_num(question.max)} must be greater than min {_num(question.min)}")
    if "show_if" in raw:
        try:
            question.show_if = compile_expression(raw["show_if"], known)
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
    if "default" in raw and raw["default"] is not None and len(check.problems.items) == before:
        try:
            question.default = question.parse(raw["default"])
        except ValueError as exc:
            check.error(raw, "default", f"{path}.default", str(exc))
    return question


def _declared_later(data: Any, name: str) -> bool:
    for section in data.get("sections") or []:
        if isinstance(section, dict):
            for q in section.get("questions") or []:
                if isinstance(q, dict) and q.get("id") == name:
                    return True
    return False


def _choices(check: Checker, raw: Any, path: str, languages: list[str]) -> tuple[Choice, ...]:
    items = check.sequence(raw, "choices", f"{path}.choices")
    if items is None:
        if "choices" not in raw:
            check.error(raw, "type", path, "a choice question needs 'choices'", value=False)
        return ()
    if len(items) < 2:
        check.error(raw, "choices", f"{path}.choices", f"expected at least 2 choices, got {len(items)}")
    choices: list[Choice] = []
    for index, item in enumerate(items):
        cpath = f"{path}.choices[{index}]"
        if not isinstance(item, dict):
            check.error(items, index, cpath, f"expected a mapping with id and text, got {describe(item)}")
            continue
        check.keys(item, cpath, ("id", "text"), ("id", "text"))
        cid = check.identifier(item, "id", f"{cpath}.id")
        if cid in SPECIAL_ANSWERS:
            check.error(item, "id", f"{cpath}.id", f"'{cid}' is reserved; use allow_{cid}: true instead")
            continue
        if cid in [c.id for c in choices]:
            check.error(item, "id", f"{cpath}.id", f"choice id '{cid}' is used twice")
        if cid:
            choices.append(Choice(cid, check.text(item, "text", f"{cpath}.text", languages)))
    return tuple(choices)


def join_path(*parts: Any) -> str:
    path = ""
    for part in parts:
        path = join(path, part)
    return path
