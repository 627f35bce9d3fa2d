"""Answer files: load, check against a questionnaire, evaluate show-if, save.

An answer file (docs/formats.md) names the questionnaire and version it answers, holds
metadata about the company and the answers keyed by question id. Loading keeps the
round-trip document so that `save_answers` writes the person's comments back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import SingleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from diagnose.errors import Location, Problem, ProblemList, UserError, did_you_mean, one_of
from diagnose.expressions import NOT_APPLICABLE, UNANSWERED, Missing, Undetermined, is_true
from diagnose.judgement import TOP_KEYS as JUDGEMENT_KEYS
from diagnose.judgement import Judgement, read_judgement
from diagnose.questionnaire import (
    Computed,
    Question,
    Questionnaire,
    find_questionnaire,
    unknown_questionnaire,
)
from diagnose.schema import MAX_LISTED, Checker, describe
from diagnose.yamlio import (
    MAX_SHORT_TEXT,
    Document,
    dump_document,
    is_number,
    layout_problem,
    load_document,
    position,
    value_position,
)

META_KEYS = ("company", "industry", "respondent", "consultant", "consultancy", "date", "language")
TOP_KEYS = ("questionnaire", "version", "meta", "answers", *JUDGEMENT_KEYS)


@dataclass
class AnswerSet:
    """A company's answers to one questionnaire, checked; Missing states are explicit."""

    questionnaire: Questionnaire
    meta: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)
    path: str = ""
    document: Document | None = None
    # broken warning checks (diagnose.checks), located at the later answer they involve
    warnings: list[Problem] = field(default_factory=list)
    judgement: Judgement = field(default_factory=Judgement)  # the consultant's notes and the client's decisions

    @property
    def company(self) -> str:
        return str(self.meta.get("company") or "")

    @property
    def language(self) -> str:
        lang = self.meta.get("language")
        return lang if lang in self.questionnaire.languages else self.questionnaire.languages[0]

    def visibility(self) -> dict[str, bool]:
        """Which questions are asked, evaluating show-if in questionnaire order.

        An undetermined show-if (it reads a "don't know") counts as shown: better ask
        once too often than lose an answer.
        """
        return walk_visibility(self.questionnaire, self.values)[0]

    def environment(self) -> dict[str, Any]:
        """Name -> value for conditions: visible answers, hidden ones as not_applicable,
        and every computed value."""
        shown = self.visibility()
        env: dict[str, Any] = {}
        for question in self.questionnaire.iter_questions():
            env[question.id] = self.values.get(question.id, UNANSWERED) if shown[question.id] else NOT_APPLICABLE
        for computed in self.questionnaire.computed:
            env[computed.id] = computed.expr.evaluate(env)
        return env

    def missing_required(self) -> list[Question]:
        shown = self.visibility()
        return [
            q
            for q in self.questionnaire.iter_questions()
            if q.required and shown[q.id] and q.id not in self.values
        ]


def walk_visibility(questionnaire: Questionnaire, values: dict[str, Any]) -> tuple[dict[str, bool], dict[str, Any]]:
    """`AnswerSet.visibility`'s walk: which questions are asked, and the names it met on
    the way (answers as asked, computed values), which rules/reshow.py starts again from."""
    shown: dict[str, bool] = {}
    env: dict[str, Any] = {}
    for question, ready in computed_schedule(questionnaire):
        for computed in ready:
            env[computed.id] = computed.expr.evaluate(env)
        visible = True
        if question.show_if is not None:
            visible = is_true(question.show_if.evaluate(env)) is not False
        shown[question.id] = visible
        env[question.id] = values.get(question.id, UNANSWERED) if visible else NOT_APPLICABLE
    return shown, env


def computed_schedule(questionnaire: Questionnaire) -> list[tuple[Question, list[Computed]]]:
    """Each question in order, with the computed values that become known just before it.

    A computed value is added, in declared order, once every name it reads is known; when
    that happens depends only on names, never on values, so the schedule is worked out
    once per questionnaire (the what-if search asks for visibility thousands of times)."""
    found = _SCHEDULES.get(id(questionnaire))
    if found is not None and found[0] is questionnaire:
        return found[1]
    known: set[str] = set()
    pending = list(questionnaire.computed)
    schedule = []
    for question in questionnaire.iter_questions():
        ready = []
        while pending and all(name in known for name in pending[0].expr.names):
            ready.append(pending.pop(0))
            known.add(ready[-1].id)
        schedule.append((question, ready))
        known.add(question.id)
    if len(_SCHEDULES) >= 16:  # a few questionnaires per process; never let it grow
        _SCHEDULES.clear()
    _SCHEDULES[id(questionnaire)] = (questionnaire, schedule)
    return schedule


_SCHEDULES: dict[int, tuple[Questionnaire, list]] = {}  # id -> (questionnaire, its schedule)


def load_answers(
    path: str | Path,
    questionnaire: Questionnaire | None = None,
    display: str | None = None,
    require_complete: bool = True,
    keep_comments: bool = True,
) -> AnswerSet:
    """Load and check an answer file; raise UserError listing every problem.

    With `keep_comments=False` (answers only read, never saved back) the file is read
    with libyaml first and only a file with a problem is read again with the careful
    loader, whose messages are reported (diagnose/loadcache.py)."""
    if not keep_comments:
        from diagnose.loadcache import read_checked

        return read_checked(path, display, lambda document, problems: answers_from_document(
            document, problems, questionnaire, require_complete))
    document = load_document(path, display)
    problems = ProblemList()
    answers = answers_from_document(document, problems, questionnaire, require_complete)
    problems.raise_if_any()
    assert answers is not None
    return answers


def questionnaire_for(document: Document, problems: ProblemList,
                      offered: Sequence[Questionnaire] = ()) -> Questionnaire | None:
    """The questionnaire an answer file names by id (and version, where it records one),
    among `offered` and the bundled ones; None with a located problem. The id is only
    ever matched, never made into a path, and a miss says nothing about any file."""
    check = Checker(document, problems)
    name = document.data.get("questionnaire")
    if not isinstance(name, str):
        check.error(document.data, "questionnaire", "questionnaire", f"expected the questionnaire id as text, got {describe(name)}")
        return None
    questionnaire = find_questionnaire(name, document.data.get("version"), offered)
    if questionnaire is None:
        check.error(document.data, "questionnaire", "questionnaire", unknown_questionnaire(name, offered))
    return questionnaire


def answers_from_document(
    document: Document,
    problems: ProblemList,
    questionnaire: Questionnaire | None = None,
    require_complete: bool = True,
    offered: Sequence[Questionnaire] = (),
) -> AnswerSet | None:
    """Check an answer document against `questionnaire` (the file must name its id), or
    else against the one it names among `offered` and the bundled questionnaires."""
    check = Checker(document, problems)
    data = document.data
    check.keys(data, "", TOP_KEYS, ("questionnaire", "version", "meta", "answers"))
    if questionnaire is None:
        questionnaire = questionnaire_for(document, problems, offered)
        if questionnaire is None:
            return None
    if not _answers_this(check, data, questionnaire):
        return None
    meta = _meta(check, data, questionnaire)
    raw_answers = data.get("answers")
    if raw_answers is None and "answers" in data:
        raw_answers = CommentedMap()
    if "answers" in data and not isinstance(raw_answers, dict):
        check.error(data, "answers", "answers", f"expected a mapping of question id to answer, got {describe(raw_answers)}")
        require_complete = False  # every answer would be "missing": one message is enough
    raw_answers = raw_answers if isinstance(raw_answers, dict) else CommentedMap()
    # Questions whose answer is already reported as wrong (or misspelled): they are not
    # reported again as missing, nor are questions whose show-if reads them.
    unsettled: set[str] = set()
    if not _unknown_ids(check, raw_answers, questionnaire, unsettled):
        require_complete = False
    values = _values(check, raw_answers, questionnaire, unsettled)
    answer_set = AnswerSet(questionnaire, meta, values, document.path, document)
    answer_set.judgement = read_judgement(check, data)
    if require_complete:
        _report_missing(check, answer_set, raw_answers, unsettled)
    _report_checks(check, answer_set, raw_answers, unsettled)
    return answer_set


def _report_checks(check: Checker, answer_set: AnswerSet, raw_answers: Any, unsettled: set[str]) -> None:
    """Broken consistency checks: an error is a problem, a warning kept on the set; each
    located at the involved answer written last in the file."""
    from diagnose.checks import broken_checks

    questionnaire = answer_set.questionnaire
    if not questionnaire.checks:
        return
    env = answer_set.environment()
    for name in unsettled:
        env.pop(name, None)  # a wrong answer is reported once, as itself
    for broken in broken_checks(questionnaire, env):
        involved = [q for q in broken.check.involves if q in raw_answers]
        last = max(involved, key=lambda q: position(raw_answers, q)) if involved else None
        where = position(raw_answers, last) if last else (1, 1)
        location = Location(check.document.path, *where, f"answers.{last}" if last else "answers")
        text = f"{broken.message(questionnaire, env, 'en')} (check '{broken.check.id}')"
        if broken.is_error:
            check.problems.add(location, text)
        else:
            answer_set.warnings.append(Problem(location, text))


def _answers_this(check: Checker, data: Any, questionnaire: Questionnaire) -> bool:
    """Whether the file answers this questionnaire and version (else a problem says so)."""
    if data.get("questionnaire") not in (None, questionnaire.id):
        check.error(data, "questionnaire", "questionnaire", f"this file answers '{data.get('questionnaire')}', but the questionnaire is '{questionnaire.id}'")
        return False
    version = data.get("version")
    if "version" in data and (isinstance(version, bool) or version != questionnaire.version):
        check.error(
            data, "version", "version",
            f"this file answers version {version if type(version) is int else describe(version)} "
            f"of '{questionnaire.id}', but the questionnaire is version {questionnaire.version}; "
            "check the answers against the current questions and update 'version'",
        )
        return False
    return True


def _unknown_ids(check: Checker, raw_answers: Any, questionnaire: Questionnaire, unsettled: set[str]) -> bool:
    """Report answers to questions the questionnaire does not have; False when there are
    too many to list (then missing answers are not reported either)."""
    unknown = [qid for qid in raw_answers if qid not in questionnaire.questions]
    for qid in unknown[:MAX_LISTED]:
        import difflib  # only when suggesting a name: not at start-up

        meant = difflib.get_close_matches(str(qid), list(questionnaire.questions), n=1, cutoff=0.6)
        unsettled.update(m for m in meant if m not in raw_answers)
        check.error(
            raw_answers, qid, f"answers.{qid}",
            f"unknown question id '{qid}'{did_you_mean(str(qid), questionnaire.questions)}", value=False,
        )
    if len(unknown) > MAX_LISTED:
        # said once: ten thousand lines would bury the first ones and take seconds to find
        check.error(raw_answers, unknown[MAX_LISTED], "answers",
                    f"{len(unknown) - MAX_LISTED} more unknown question ids ({len(unknown)} in all); expected the "
                    f"question ids of '{questionnaire.id}' (diagnose template writes them all)", value=False)
        return False
    return True


def _values(check: Checker, raw_answers: Any, questionnaire: Questionnaire, unsettled: set[str]) -> dict[str, Any]:
    """Each known, non-blank answer checked by its question; a wrong one is reported."""
    values: dict[str, Any] = {}
    for qid, raw in raw_answers.items():
        question = questionnaire.questions.get(qid)
        if question is None or raw is None:
            continue  # unknown (reported), or left blank: unanswered
        try:
            values[qid] = question.parse(raw)
        except ValueError as exc:
            unsettled.add(str(qid))
            check.error(raw_answers, qid, f"answers.{qid}", str(exc))
    return values


def _report_missing(check: Checker, answer_set: AnswerSet, raw_answers: Any, unsettled: set[str]) -> None:
    data, questionnaire = check.document.data, answer_set.questionnaire
    line, column = value_position(data, "answers") if "answers" in data else (1, 1)
    for question in answer_set.missing_required():
        if question.id in unsettled or _reads_any(question, questionnaire, unsettled):
            continue
        where = position(raw_answers, question.id) if question.id in raw_answers else (line, column)
        check.problems.add(
            Location(check.document.path, *where, f"answers.{question.id}"),
            f"missing required answer to '{question.text.get('en') or question.id}'; "
            f"expected {question.expected()}",
        )


def _reads_any(question: Question, questionnaire: Questionnaire, names: set[str]) -> bool:
    """Whether the question's show-if reads (directly or through computed values) any of names."""
    if question.show_if is None or not names:
        return False
    computed = {c.id: c for c in questionnaire.computed}
    pending, seen = list(question.show_if.names), set()
    while pending:
        name = pending.pop()
        if name in names:
            return True
        if name in computed and name not in seen:
            seen.add(name)
            pending.extend(computed[name].expr.names)
    return False


def _meta(check: Checker, data: Any, questionnaire: Questionnaire) -> dict[str, Any]:
    raw = data.get("meta")
    if raw is None and "meta" not in data:
        # a missing 'meta' is reported by the top-level key check
        return {}
    if not isinstance(raw, dict):
        check.error(data, "meta", "meta", f"expected a mapping (company, industry, ...), got {describe(raw)}")
        return {}
    check.keys(raw, "meta", META_KEYS, ("company",))
    meta: dict[str, Any] = {}
    for key in META_KEYS:
        if key not in raw or raw[key] is None:
            continue
        value = raw[key]
        if key == "date":
            if isinstance(value, (dt.date, dt.datetime)):
                meta[key] = value.isoformat()[:10]
                continue
            try:
                meta[key] = dt.date.fromisoformat(str(value)).isoformat()
            except ValueError:
                check.error(raw, key, f"meta.{key}", f"expected a date as YYYY-MM-DD, got {describe(value)}")
            continue
        if key == "language":
            if value not in questionnaire.languages:
                check.error(raw, key, f"meta.{key}", f"expected one of: {one_of(questionnaire.languages)}, got {describe(value)}")
                continue
        if not isinstance(value, str):
            if is_number(value):
                value = str(value)
            else:
                check.error(raw, key, f"meta.{key}", f"expected text, got {describe(value)}")
                continue
        if len(value) > MAX_SHORT_TEXT:
            check.error(raw, key, f"meta.{key}", f"text has {len(value)} characters, more than the {MAX_SHORT_TEXT} allowed")
            continue
        layout = layout_problem(value)
        if layout:
            check.error(raw, key, f"meta.{key}", layout)
            continue
        meta[key] = str(value).strip()
    if "company" in raw and not meta.get("company"):
        if not any(p.location.path == "meta.company" for p in check.problems.items):
            check.error(raw, "company", "meta.company", "expected the company's name, got nothing")
    return meta


# Texts that a YAML 1.1 reader (PyYAML, many editors) would take for true/false.
_YAML11_BOOLS = {"yes", "no", "y", "n", "on", "off", "true", "false"}


def to_yaml_value(value: Any) -> Any:
    """A checked value as it is written to an answer file."""
    if isinstance(value, Missing):
        return value.state if value is not UNANSWERED else None
    if isinstance(value, str) and value.lower() in _YAML11_BOOLS:
        return SingleQuotedScalarString(value)
    if isinstance(value, list):
        seq = CommentedSeq(value)
        seq.fa.set_flow_style()
        return seq
    return value


def set_answer(answer_set: AnswerSet, question_id: str, value: Any) -> None:
    """Record an answer in the model and in the round-trip document (comments kept).

    A new key goes in questionnaire order, after the answer to the nearest earlier
    question; comment lines that followed that answer (a section heading, the file's
    closing comment) stay after the new key, so they keep introducing what they did.
    """
    if value is UNANSWERED:
        answer_set.values.pop(question_id, None)
    else:
        answer_set.values[question_id] = value
    if answer_set.document is None:
        return
    data = answer_set.document.data
    if not isinstance(data.get("answers"), dict):
        data["answers"] = CommentedMap()
    answers = data["answers"]
    new_value = to_yaml_value(value)
    if question_id in answers:
        old = answers[question_id]
        if _is_block(old) and not _is_block(new_value):
            # the comment lines after a block list hang on its last item: keep them
            rest = _split_trailing(answers, question_id)
            answers[question_id] = new_value
            _set_trailing(answers, question_id, rest)
        else:
            answers[question_id] = new_value
        return
    order = list(answer_set.questionnaire.questions)
    earlier = order[: order.index(question_id)] if question_id in order else order
    present = [k for k in answers if k in earlier]
    after = max(present, key=earlier.index) if present else None
    if after is None:
        answers.insert(0, question_id, new_value)
        return
    rest = _split_trailing(answers, after)
    answers.insert(list(answers).index(after) + 1, question_id, new_value)
    _set_trailing(answers, question_id, rest)


def _is_block(value: Any) -> bool:
    return isinstance(value, (CommentedMap, CommentedSeq)) and len(value) > 0 and not value.fa.flow_style()


def _trailing_slot(container: Any, key: Any) -> tuple[list, int]:
    """The ruamel comment slot that holds the comment after `key`'s value."""
    value = container[key]
    if _is_block(value):
        return _trailing_slot(value, len(value) - 1 if isinstance(value, CommentedSeq) else list(value)[-1])
    index = 0 if isinstance(container, CommentedSeq) else 2
    slots = container.ca.items.setdefault(key, [None, None, None, None])
    return slots, index


def _split_trailing(container: Any, key: Any) -> str:
    """Cut the comment lines after `key`'s own end-of-line comment and return them."""
    slots, index = _trailing_slot(container, key)
    token = slots[index]
    if token is None or "\n" not in token.value:
        return ""
    head, rest = token.value.split("\n", 1)
    token.value = head + "\n"
    return rest


def _set_trailing(container: Any, key: Any, rest: str) -> None:
    if not rest:
        return
    slots, index = _trailing_slot(container, key)
    if slots[index] is None:
        slots[index] = CommentToken("\n" + rest, CommentMark(0))
    else:
        slots[index].value = slots[index].value.rstrip("\n") + "\n" + rest


def save_answers(answer_set: AnswerSet, path: str | Path) -> None:
    """Write the answer file atomically, keeping the comments it was loaded with."""
    if answer_set.document is None:
        raise UserError("answers have no document to save")
    dump_document(path, answer_set.document.data)


__all__ = [
    "AnswerSet",
    "load_answers",
    "answers_from_document",
    "save_answers",
    "set_answer",
    "Undetermined",
]
