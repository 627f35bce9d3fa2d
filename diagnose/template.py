"""`diagnose template`: a blank answer file to fill in a text editor.

Every question becomes a key under `answers:`, with its text, help, allowed values and
unit as comments in the chosen language; section titles head each group.
"""

from __future__ import annotations

import datetime as dt
import textwrap

from ruamel.yaml.comments import CommentedMap

from diagnose.questionnaire import Question, Questionnaire
from diagnose.texts import ui
from diagnose.yamlio import dump_to_string

_WIDTH = 88


def _wrap(text: str, width: int, **options: str) -> list[str]:
    """Wrap at spaces only: never split "из-за" or a choice id at its hyphen or underscore."""
    return textwrap.wrap(text, width, break_on_hyphens=False, break_long_words=False, **options)


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
    if question.type in ("single", "multi"):
        lines.append(ui("choices", lang) + (f" ({ui('choose_several', lang)}, [a, b])" if question.type == "multi" else "") + ":")
        lines += [f"  {c.id}: {c.text[lang]}" for c in question.choices]
    elif question.type == "yesno":
        lines.append(f"{ui('choices', lang)}: yes / no")
    elif question.type == "scale":
        lines.append(
            f"{ui('scale', lang)} {int(question.min)}–{int(question.max)}: "
            f"{int(question.min)} = {question.labels['min'][lang]}, {int(question.max)} = {question.labels['max'][lang]}"
        )
    elif question.type == "percent":
        lines.append(f"{ui('range', lang)}: 0–100 %")
    elif question.type == "number":
        low, high = question.bounds()
        unit = f", {ui('unit', lang)}: {question.unit[lang]}" if question.unit else ""
        rng = f"{'' if low is None else _n(low)}–{'' if high is None else _n(high)}"
        lines.append(f"{ui('range', lang)}: {rng}{unit}")
    special = question.special_answers()
    if special:
        lines.append(f"{ui('special_answers', lang)}: {' / '.join(special)}")
    if not question.required:
        lines.append(f"({ui('optional', lang)})")
    if question.show_if is not None:
        lines.append(f"{ui('shown_if', lang)}: {question.show_if}")
    return "\n".join(lines)


def _n(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def template_text(questionnaire: Questionnaire, lang: str) -> str:
    return dump_to_string(blank_answers(questionnaire, lang))
