"""The JSON Schema of an answer file for one questionnaire (docs/formats.md, Answer file).

Made from the questionnaire itself: its id and version, the `meta` keys, and for every
question its id, its text and help (shown when the editor hovers), and what its type
accepts (`QuestionType.json_schema`: choice ids, number ranges, text length), plus the
special answers it allows and a blank (unanswered). A required question without a
show-if is required here; one with a show-if cannot be, because whether it is asked
depends on other answers, which `diagnose validate` works out and a schema cannot.
"""

from __future__ import annotations

from typing import Any

from diagnose.answers import META_KEYS, TOP_KEYS
from diagnose.judgement import MAX_NOTE, REPORT_SECTIONS, STATUSES
from diagnose.judgement import TOP_KEYS as JUDGEMENT_KEYS
from diagnose.questionnaire import SPECIAL_ANSWERS, Question, Questionnaire
from diagnose.schemas.diagnosis_schema import DRAFT
from diagnose.yamlio import MAX_SHORT_TEXT


def answers_schema(questionnaire: Questionnaire) -> dict[str, Any]:
    """The schema an answer file to `questionnaire` (this id and version) must satisfy."""
    questions = list(questionnaire.iter_questions())
    title = questionnaire.title.get("en") or next(iter(questionnaire.title.values()), questionnaire.id)
    meta = {key: {"type": ["string", "number"], "maxLength": MAX_SHORT_TEXT} for key in META_KEYS}
    meta["date"] = {"type": "string", "format": "date", "description": "YYYY-MM-DD"}
    meta["language"] = {"enum": list(questionnaire.languages)}
    return {
        "$schema": DRAFT,
        "title": f"diagnose: answers to '{questionnaire.id}' version {questionnaire.version} ({title})",
        "type": "object",
        "required": [key for key in TOP_KEYS if key not in JUDGEMENT_KEYS],  # notes and decisions are optional
        "additionalProperties": False,
        "properties": {
            "questionnaire": {"const": questionnaire.id},
            "version": {"const": questionnaire.version},
            "meta": {"type": "object", "required": ["company"], "additionalProperties": False, "properties": meta},
            "answers": {
                "type": ["object", "null"],
                "required": [q.id for q in questions if q.required and q.show_if is None],
                "additionalProperties": False,
                "properties": {q.id: _answer(q, questionnaire.languages) for q in questions},
            },
            **_judgement(questionnaire),
        },
    }


def _judgement(questionnaire: Questionnaire) -> dict[str, Any]:
    """`notes:` and `decisions:`. Which rule ids exist depends on the rulebook, which
    `diagnose validate` checks; the schema gives the shapes and names the section ids."""
    text = {"type": "string", "minLength": 1, "maxLength": MAX_NOTE}
    sections = list(REPORT_SECTIONS) + [section.id for section in questionnaire.sections]
    return {
        "notes": {
            "type": "object",
            "description": "The consultant's notes: a rule id or a section id (" + ", ".join(sections) + ") → text",
            "additionalProperties": text,
        },
        "decisions": {
            "type": "object",
            "description": "The client's decisions: a rule id → its status and the reason",
            "additionalProperties": {
                "type": "object",
                "required": ["status", "reason"],
                "additionalProperties": False,
                "properties": {"status": {"enum": list(STATUSES)}, "reason": text},
            },
        },
    }


def _answer(question: Question, languages: list[str]) -> dict[str, Any]:
    alternatives = [question.kind.json_schema(question)]
    if question.special_answers():
        alternatives.append({"enum": question.special_answers()})
    alternatives.append({"type": "null"})  # left blank: unanswered
    schema: dict[str, Any] = {"anyOf": alternatives}
    refused = [state for state in SPECIAL_ANSWERS if state not in question.special_answers()]
    if refused:  # a special answer the question does not allow is never read as text or a choice
        schema["not"] = {"enum": refused}
    described = [question.text.get(lang, "") for lang in languages]
    described += [question.help.get(lang, "") for lang in languages]
    if question.show_if is not None:
        described.append(f"asked when: {question.show_if.source}")
    # the editor's hover shows the title as its heading, then the description
    return {"title": f"{question.id} ({question.type})", "description": "\n".join(line for line in described if line),
            **schema}
