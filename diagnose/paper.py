"""The questionnaire as readable text, for a phone call or a printed sheet."""

from __future__ import annotations

import textwrap

from diagnose.questionnaire import Question, Questionnaire, format_number
from diagnose.texts import ui


def _wrap(text: str, width: int, **options: str) -> list[str]:
    """Wrap at spaces only: never split "из-за" or a choice id at its hyphen or underscore."""
    return textwrap.wrap(text, width, break_on_hyphens=False, break_long_words=False, **options)


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
    if question.type in ("single", "multi"):
        if question.type == "multi":
            lines.append(f"{indent}({ui('choose_several', lang)})")
        for choice in question.choices:
            lines += _wrap(f"[ ] {choice.text[lang]}", width, initial_indent=indent, subsequent_indent=indent + "    ")
    elif question.type == "yesno":
        lines.append(f"{indent}[ ] {ui('yes', lang)}   [ ] {ui('no', lang)}")
    elif question.type == "scale":
        low, high = int(question.min or 1), int(question.max or 5)
        marks = "  ".join(str(i) for i in range(low, high + 1))
        lines.append(f"{indent}{question.labels['min'][lang]}  {marks}  {question.labels['max'][lang]}")
    elif question.type in ("number", "percent"):
        unit = "%" if question.type == "percent" else question.unit.get(lang, "")
        low, high = question.bounds()
        rng = f"{format_number(low, lang) if low is not None else ''}–{format_number(high, lang) if high is not None else ''}"
        lines.append(f"{indent}______ {unit}   ({ui('range', lang)}: {rng})".rstrip())
    else:
        lines.append(f"{indent}" + "_" * 40)
    special = [ui(s, lang) for s in question.special_answers()]
    if special:
        lines.append(f"{indent}{ui('special_answers', lang)}: " + " / ".join(f"[ ] {s}" for s in special))
    if question.default is not None:
        lines.append(f"{indent}{ui('default', lang)}: {question.display(question.default, lang)}")
    if question.help:
        lines += _wrap(question.help[lang], width, initial_indent=indent + "» ", subsequent_indent=indent + "  ")
    return lines
