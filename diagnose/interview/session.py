"""The interview's state, independent of how questions are displayed.

A session walks an ordered list of steps: the interview details (company, respondent,
consultant, date, report language), then every question whose show-if holds given the
answers so far (`AnswerSet.visibility`, re-evaluated after every answer). It knows the
position ("7/31" counts only questions that will be asked), goes back, takes defaults,
checks every answer with `Question.parse` and saves the answer file after each one.

Walking forward after an answer goes to the next step that is unanswered or that the
person has already seen in this run; so after `<` the walk passes again through what
was seen, a resumed file skips to what is missing, and a question made relevant by a
changed answer is always asked. Editing from the review asks the chosen question, then
any question the change made relevant, then returns to the review.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap

from diagnose.answers import AnswerSet, save_answers, set_answer
from diagnose.expressions import UNANSWERED
from diagnose.interview.marks import set_mark
from diagnose.interview.typed import typed_to_raw
from diagnose.question_types import say, voice
from diagnose.questionnaire import Choice, Question, Questionnaire, Section, check_characters
from diagnose.schema import describe
from diagnose.template import blank_answers
from diagnose.texts import ui
from diagnose.yamlio import Document

META_FIELDS = ("company", "respondent", "consultant", "date", "language")
META_PREFIX = "meta."
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Step:
    """One thing asked: an interview detail (`meta.company`) or a question."""

    key: str
    question: Question

    @property
    def is_meta(self) -> bool:
        return self.key.startswith(META_PREFIX)

    @property
    def meta_key(self) -> str:
        return self.key.removeprefix(META_PREFIX)


@dataclass
class View:
    """What a front end shows for the current step."""

    step: Step
    section: str
    number: int
    total: int
    current: Any
    default: Any
    lang: str
    note_section: str = ""  # the title of the section a note typed here is kept under

    @property
    def question(self) -> Question:
        return self.step.question

    def shown(self, value: Any) -> str:
        """A value as the person reads it."""
        return display_value(self.step, value, self.lang)


@dataclass
class ReviewItem:
    label: str  # "3.2" for a question (section 3, its 2nd question), "a" for an interview detail
    step: Step
    text: str
    answer: str
    hidden: bool = False
    missing: bool = False


@dataclass
class ReviewSection:
    title: str
    items: list[ReviewItem]
    number: int = 0  # the section's number in item labels (0: the interview details)


def display_value(step: Step, value: Any, lang: str) -> str:
    if value is None or value is UNANSWERED:
        return ui("unanswered", lang)
    if step.is_meta:
        if step.meta_key == "language":
            return step.question.choice_text(str(value), lang)
        return str(value) if str(value) else "—"
    return step.question.display(value, lang)


def meta_steps(questionnaire: Questionnaire, lang: str, today: str) -> list[Step]:
    """The interview details as questions, so that every front end asks them alike."""
    langs = questionnaire.languages

    def words(key: str) -> dict[str, str]:
        return {code: ui(key, code) for code in langs}

    steps = []
    for key in META_FIELDS:
        question = Question(id=key, type="text", text=words(f"iv_meta_{key}"), section="meta", max_length=300)
        if key != "company":
            question.required = False
        if key == "date":
            question.default = today
        if key == "language":
            question.type = "single"
            question.choices = tuple(Choice(code, {c: _language_name(code, c) for c in langs}) for code in langs)
            question.default = lang if lang in langs else langs[0]
        steps.append(Step(META_PREFIX + key, question))
    return steps


def _language_name(code: str, lang: str) -> str:
    try:
        return ui(f"iv_language_{code}", lang)
    except KeyError:
        return code


def new_answer_set(questionnaire: Questionnaire, path: Path, lang: str) -> AnswerSet:
    """An empty answer set whose document is the commented blank file in `lang`."""
    data = blank_answers(questionnaire, lang)
    meta = data["meta"]
    for key in list(meta):
        meta[key] = None  # null: not asked yet
    return AnswerSet(questionnaire, {}, {}, str(path), Document(str(path), data, ""))


class Session:
    """The question loop's state; front ends read `view()` and call submit/back/edit."""

    def __init__(self, answers: AnswerSet, path: Path, lang: str, today: str | None = None):
        self.answers = answers
        self.questionnaire = answers.questionnaire
        self.path = Path(path)
        self.lang = lang
        self.meta = meta_steps(self.questionnaire, lang, today or dt.date.today().isoformat())
        self.steps = {s.key: s for s in self.meta}
        self.steps.update({q.id: Step(q.id, q) for q in self.questionnaire.iter_questions()})
        self.visited: set[str] = set()
        self.skipped: set[str] = set()
        self.revived: set[str] = set()  # answered, hidden, and shown again by a changed answer
        self.current: Step | None = None
        self.editing = False
        self.edit_target: str | None = None
        self.saves = 0
        self.notices: list[str] = []  # warnings of the last answer's checks, for the front end
        # run.py sets this to hold signals back while the file is being written
        self.critical: Callable[[], AbstractContextManager[Any]] = contextlib.nullcontext
        # raises a stop signal that arrived but was not raised yet (run.SignalGuard)
        self.checkpoint: Callable[[], None] = lambda: None

    # ── order and state ──────────────────────────────────────────────────────────────
    def shown_questions(self) -> list[Step]:
        shown = self.answers.visibility()
        return [self.steps[q.id] for q in self.questionnaire.iter_questions() if shown[q.id]]

    def order(self) -> list[Step]:
        return self.meta + self.shown_questions()

    def value(self, step: Step) -> Any:
        """The present answer, or None when there is none."""
        if step.is_meta:
            data = self.answers.document.data if self.answers.document is not None else {}
            meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
            value = meta.get(step.meta_key)
            return None if value is None else str(value) if not isinstance(value, dt.date) else value.isoformat()
        return self.answers.values.get(step.key)

    def pending(self, step: Step) -> bool:
        """Not answered yet (or shown again by a changed answer), and not skipped."""
        return (self.value(step) is None or step.key in self.revived) and step.key not in self.skipped

    def first_pending(self, questions_only: bool = False) -> Step | None:
        order = self.shown_questions() if questions_only else self.order()
        return next((s for s in order if self.pending(s)), None)

    def start(self) -> Step | None:
        """Begin at the first unanswered step; None means everything is answered."""
        self.current = self.first_pending()
        return self.current

    def has_answers(self) -> bool:
        return self.saves > 0 or self.path.exists()

    # ── the current step ─────────────────────────────────────────────────────────────
    def view(self) -> View:
        step = self.current
        assert step is not None
        self.visited.add(step.key)
        if step.is_meta:
            section, number, total = ui("iv_details", self.lang), self.meta.index(step) + 1, len(self.meta)
        else:
            shown = self.shown_questions()
            section = self.questionnaire.section_of(step.question).title.get(self.lang, step.question.section)
            number, total = shown.index(step) + 1, len(shown)
        current = self.value(step)
        default = step.question.default if current is None else None
        noted = self._note_section(step)
        return View(step, section, number, total, current, default, self.lang, noted.title.get(self.lang, noted.id))

    def _note_section(self, step: Step) -> Section:
        # the details asked before the questions (company, date...) belong to the first section
        return self.questionnaire.sections[0] if step.is_meta else self.questionnaire.section_of(step.question)

    def submit(self, reply: Any, typed: bool = True) -> str | None:
        """Check and record an answer to the current step; return an error message or None.

        `typed` replies are what a person typed; others are raw values (a choice id, a
        list of ids) from a front end that offers choices itself.
        """
        step = self.current
        assert step is not None
        value, error = self.resolve(reply, typed)
        if error is not None:
            return error
        if value is UNANSWERED or (step.is_meta and value == ""):
            self.skipped.add(step.key)
        # warnings are shown and the interview goes on (errors were refused by resolve)
        self.notices = [text for is_error, text in self.consistency(step, value) if not is_error]
        before = self.answers.visibility()
        self.revived.discard(step.key)
        self._record(step, value)
        # a question this answer shows again still holds its old answer: ask it, with that
        # answer offered (Enter keeps it), rather than reuse it unseen
        after = self.answers.visibility()
        self.revived |= {key for key, shown in after.items()
                         if shown and not before.get(key, True) and self.answers.values.get(key) is not None}
        self._advance(step)
        return None

    def note(self, text: str) -> str:
        """Add the consultant's note to the current question's section and save; the
        confirmation to show, or a ValueError saying what is wrong with the note."""
        from diagnose.interview.notes import add_note

        step = self.current
        assert step is not None
        section = self._note_section(step)
        add_note(self.answers, section.id, text, self.lang)
        if self.answers.meta.get("company"):
            self.save()
        # else the file would be one without a company, which --resume refuses: the note is
        # written with the first answer (the company's name), as nothing is saved before it
        return ui("iv_note_saved", self.lang, section=section.title.get(self.lang, section.id))

    def preview(self, reply: Any, typed: bool = True) -> str | None:
        """The message `submit` would give for this reply, without recording it."""
        return self.resolve(reply, typed)[1]

    def resolve(self, reply: Any, typed: bool = True) -> tuple[Any, str | None]:
        """(value, None) for an acceptable reply to the current step, else (None, message),
        the message naming what to type (`typed`) or to tick in a list."""
        with voice("typed" if typed else "picked"):
            return self._resolve(reply, typed)

    def _resolve(self, reply: Any, typed: bool) -> tuple[Any, str | None]:
        step = self.current
        assert step is not None
        question = step.question
        if reply is None or (isinstance(reply, str) and not reply.strip()) or reply == []:
            current = self.value(step)
            if current is not None:
                return current, None
            if question.default is not None:
                return question.default, None
            if not question.required:
                return ("" if step.is_meta else UNANSWERED), None
            if step.key == META_PREFIX + "company":
                return None, ui("iv_company_needed", self.lang)
            return None, ui("iv_answer_needed", self.lang, expected=question.expected(self.lang))
        raw = typed_to_raw(question, reply) if typed and isinstance(reply, str) else reply
        try:
            value = self._check(step, raw)
        except ValueError as exc:
            return None, str(exc)
        errors = [text for is_error, text in self.consistency(step, value) if is_error]
        return (None, "\n".join(errors)) if errors else (value, None)

    def consistency(self, step: Step, value: Any) -> list[tuple[bool, str]]:
        """(is an error, message) of each check this answer would break, the message
        naming the other answers the check involves (questionnaire `checks:`)."""
        from diagnose.checks import broken_checks

        if step.is_meta or not self.questionnaire.checks:
            return []
        values = {**self.answers.values, step.key: value}
        values = {k: v for k, v in values.items() if v is not UNANSWERED}
        env = AnswerSet(self.questionnaire, self.answers.meta, values).environment()
        found = []
        for broken in broken_checks(self.questionnaire, env, only=[step.key]):
            # the other answers given so far, as the person gave them
            others = [
                ui("iv_check_answer", self.lang, question=say("quoted", self.lang, text=question.text.get(self.lang, name)),
                   answer=question.display(values[name], self.lang))
                for name in broken.check.involves if name != step.key and name in values
                for question in [self.questionnaire.questions[name]]
            ]
            text = broken.message(self.questionnaire, env, self.lang)
            if others:
                text += "\n" + ui("iv_check_with", self.lang, answers="; ".join(others))
            found.append((broken.is_error, text))
        return found

    def _check(self, step: Step, raw: Any) -> Any:
        if step.meta_key == "date":
            check_characters(raw, self.lang)  # as Question.parse checks any text
            text = str(raw).strip()
            try:
                return dt.date.fromisoformat(text).isoformat()
            except ValueError:
                raise ValueError(ui("iv_date_expected", self.lang, got=describe(text))) from None
        value = step.question.parse(raw, self.lang)
        return value.strip() if step.is_meta and isinstance(value, str) else value

    def _record(self, step: Step, value: Any) -> None:
        if step.is_meta:
            document = self.answers.document
            assert document is not None
            if not isinstance(document.data.get("meta"), dict):
                document.data["meta"] = CommentedMap()
            document.data["meta"][step.meta_key] = value
            if value == "":
                self.answers.meta.pop(step.meta_key, None)
            else:
                self.answers.meta[step.meta_key] = value
        else:
            set_answer(self.answers, step.key, value)
            if value is not UNANSWERED:
                self.skipped.discard(step.key)
        self.save()

    def save(self) -> None:
        """Mark answers hidden by a show-if, then write the file atomically."""
        document = self.answers.document
        assert document is not None
        answers = document.data.get("answers")
        if isinstance(answers, CommentedMap):
            shown = self.answers.visibility()
            for key in answers:
                hidden = key in shown and not shown[key] and key in self.answers.values
                set_mark(answers, key, hidden, self.lang)
        with self.critical():
            save_answers(self.answers, self.path)
        self.saves += 1

    def _advance(self, step: Step) -> None:
        if self.editing:
            self.current = self.first_pending(questions_only=True)
            if self.current is None:
                self.editing = False
            return
        order = self.order()
        index = order.index(step) if step in order else -1
        nxt = next((s for s in order[index + 1:] if self.pending(s) or s.key in self.visited), None)
        self.current = nxt or self.first_pending()

    def back(self) -> bool:
        """Go to the step before the current one; False at the very first step."""
        order = self.order()
        if self.current is None:
            self.current = order[-1]
            return True
        index = order.index(self.current)
        if index == 0:
            return False
        self.current = order[index - 1]
        self.editing = False
        return True

    # ── review ───────────────────────────────────────────────────────────────────────
    def review(self) -> list[ReviewSection]:
        """Every answer by section: details lettered, questions numbered by section and
        place in it (`3.2`), counted over all questions so that no number ever shifts."""
        lang = self.lang
        sections = [
            ReviewSection(
                ui("iv_details", lang),
                [
                    ReviewItem(_LETTERS[i], s, s.question.text.get(lang, s.meta_key), display_value(s, self.value(s), lang),
                               missing=s.question.required and not self.value(s))
                    for i, s in enumerate(self.meta)
                    # an optional detail left empty is not listed ("Consultant — —"); its letter still edits it
                    if s.question.required or self.value(s)
                ],
            )
        ]
        shown = self.answers.visibility()
        for number, section in enumerate(self.questionnaire.sections, 1):
            items = []
            for place, question in enumerate(section.questions, 1):
                step = self.steps[question.id]
                value = self.value(step)
                label = f"{number}.{place}"
                text, answer = question.text.get(lang, question.id), display_value(step, value, lang)
                if shown[question.id]:
                    missing = question.required and value is None
                    items.append(ReviewItem(label, step, text, answer, missing=missing))
                elif value is not None:
                    items.append(ReviewItem(label, step, text, answer, hidden=True))
            if items:
                sections.append(ReviewSection(section.title.get(lang, section.id), items, number))
        return sections

    def missing(self) -> list[ReviewItem]:
        return [item for section in self.review() for item in section.items if item.missing]

    def choose(self, text: str) -> Step | str | None:
        """The step a review choice names, None for "finish", or an error message."""
        from diagnose.interview.review import normalise

        choice = normalise(text)
        if not choice:
            return None
        try:
            check_characters(choice, self.lang)  # never echoed back below
        except ValueError as exc:
            return str(exc)
        items = {item.label: item for section in self.review() for item in section.items}
        items.update({_LETTERS[i]: ReviewItem(_LETTERS[i], s, "", "") for i, s in enumerate(self.meta)
                      if _LETTERS[i] not in items})
        item = items.get(choice)
        if (item is not None and item.hidden) or (item is None and choice in self._hidden_labels()):
            return ui("iv_review_hidden_item", self.lang, choice=choice)
        if item is not None:
            return item.step
        numbers = [label for label in items if "." in label]
        return ui(
            "iv_review_bad", self.lang, choice=text.strip(), first=numbers[0] if numbers else "1.1",
            last_letter=_LETTERS[len(self.meta) - 1],
        )

    def _hidden_labels(self) -> set[str]:
        """The numbers of questions the present answers hide (listed or not: a number
        never shifts, so one that is not on the review is still a question's)."""
        shown = self.answers.visibility()
        return {f"{number}.{place}" for number, section in enumerate(self.questionnaire.sections, 1)
                for place, question in enumerate(section.questions, 1) if not shown[question.id]}

    def edit(self, step: Step) -> None:
        self.current = step
        self.editing = True
        self.edit_target = step.key
        self.visited.add(step.key)
