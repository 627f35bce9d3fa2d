"""`diagnose template`: a blank answer file to fill in a text editor.

Every question becomes a key under `answers:`, with its text, help, allowed values and
unit as comments in the chosen language; section titles head each group.
"""

from __future__ import annotations

import datetime as dt

from ruamel.yaml.comments import CommentedMap

from diagnose.question_types import wrap as _wrap
from diagnose.questionnaire import Question, Questionnaire
from diagnose.texts import ui
from diagnose.yamlio import dump_to_string

_WIDTH = 88


def blank_answers(questionnaire: Questionnaire, lang: str) -> CommentedMap:
    """A round-trip mapping ready to dump: meta to fill in, every answer null."""
    data = CommentedMap()
    data["questionnaire"] = questionnaire.id
    data["version"] = questionnaire.version
    meta = CommentedMap()
    for key in ("company", "industry", "respondent", "consultant", "consultancy"):
        meta[key] = ""
    meta["date"] = dt.date.today().isoformat()
    meta["language"] = lang
    data["meta"] = meta
    answers = CommentedMap()
    for section in questionnaire.sections:
        first = True
        for question in section.questions:
            answers[question.id] = None
            comment = _comment(question, lang)
            if first:
                bar = "─" * 8
                comment = f"\n{bar} {section.title[lang]} {bar}\n\n" + comment
                first = False
            else:
                comment = "\n" + comment
            answers.yaml_set_comment_before_after_key(question.id, before=comment, indent=2)
    data["answers"] = answers
    header = ui("template_header", lang, title=questionnaire.title[lang], version=questionnaire.version)
    data.yaml_set_start_comment(header)
    return data


def _comment(question: Question, lang: str) -> str:
    lines = _wrap(question.text[lang], _WIDTH)
    if question.help:
        lines += _wrap(question.help[lang], _WIDTH, initial_indent="  ", subsequent_indent="  ")
    lines += question.kind.template_lines(question, lang)
    special = question.special_answers()
    if special:
        lines.append(f"{ui('special_answers', lang)}: {' / '.join(special)}")
    if not question.required:
        lines.append(f"({ui('optional', lang)})")
    if question.show_if is not None:
        lines.append(f"{ui('shown_if', lang)}: {question.show_if}")
    return "\n".join(lines)


def template_text(questionnaire: Questionnaire, lang: str) -> str:
    return dump_to_string(blank_answers(questionnaire, lang))
