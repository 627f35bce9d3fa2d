"""The questionnaire as readable text, for a phone call or a printed sheet."""

from __future__ import annotations

from diagnose.question_types import wrap as _wrap
from diagnose.questionnaire import Question, Questionnaire
from diagnose.texts import ui


def questionnaire_as_text(questionnaire: Questionnaire, lang: str, width: int = 88) -> str:
    lines: list[str] = [questionnaire.title[lang], "=" * len(questionnaire.title[lang]), ""]
    if questionnaire.intro:
        lines += _wrap(questionnaire.intro[lang], width) + [""]
    number = 0
    for s_index, section in enumerate(questionnaire.sections, 1):
        heading = f"{s_index}. {section.title[lang]}"
        lines += [heading, "-" * len(heading), ""]
        for question in section.questions:
            number += 1
            lines += _question_lines(question, number, lang, width) + [""]
    return "\n".join(lines).rstrip() + "\n"


def _question_lines(question: Question, number: int, lang: str, width: int) -> list[str]:
    indent = " " * 4
    lines = _wrap(
        f"{number}. {question.text[lang]}" + ("" if question.required else f" ({ui('optional', lang)})"),
        width,
        subsequent_indent=indent,
    )
    lines += [indent + "[" + question.id + "]"]
    if question.show_if is not None:
        lines.append(f"{indent}{ui('shown_if', lang)}: {question.show_if}")
    lines += question.kind.paper_lines(question, lang, indent, width)
    special = [ui(s, lang) for s in question.special_answers()]
    if special:
        lines.append(f"{indent}{ui('special_answers', lang)}: " + " / ".join(f"[ ] {s}" for s in special))
    if question.default is not None:
        lines.append(f"{indent}{ui('default', lang)}: {question.display(question.default, lang)}")
    if question.help:
        lines += _wrap(question.help[lang], width, initial_indent=indent + "» ", subsequent_indent=indent + "  ")
    return lines
