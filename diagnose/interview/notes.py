"""The consultant's notes typed at the interview prompt: `!` and the text.

A note belongs to the section of the question it was typed at (the details asked before
the questions belong to the first section) and is kept in the answer file's `notes:`,
where the report shows it beside that section's answers (diagnose/judgement.py). A
second note on one section is added to the first as a new paragraph. The text is checked
as a note in a file is (control and layout characters, length), so a saved file is
always one its own `--resume` and `diagnose report` accept.
"""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import LiteralScalarString

from diagnose.answers import AnswerSet
from diagnose.judgement import MAX_NOTE
from diagnose.question_types import say
from diagnose.questionnaire import check_characters
from diagnose.texts import ui
from diagnose.yamlio import layout_character

NOTE = "!"


def is_note(text: str) -> bool:
    return text.lstrip().startswith(NOTE)


def note_text(text: str) -> str:
    """What follows the `!`."""
    return text.lstrip()[len(NOTE):].strip()


def add_note(answers: AnswerSet, section_id: str, text: str, lang: str) -> None:
    """Add `text` to the notes on `section_id`, in the model and in the round-trip document;
    a ValueError in `lang` says what is wrong with it."""
    text = text.strip()
    if not text:
        raise ValueError(ui("iv_note_empty", lang))
    check_characters(text, lang)
    held = layout_character(text)
    if held:
        raise ValueError(say("layout_character", lang, character=held))
    before = answers.judgement.notes.get(section_id)
    joined = f"{before}\n\n{text}" if before else text
    if len(joined) > MAX_NOTE:
        raise ValueError(ui("iv_note_too_long", lang, length=len(joined), max=MAX_NOTE))
    answers.judgement.notes[section_id] = joined
    if answers.document is None:
        return
    data = answers.document.data
    if not isinstance(data.get("notes"), dict):
        data["notes"] = CommentedMap()
    # a block scalar when it has paragraphs: the file stays readable and edits by hand stay easy
    data["notes"][section_id] = LiteralScalarString(joined) if "\n" in joined else joined
