"""End-of-line comments that mark an answer whose question a show-if now hides.

Going back and changing an answer can hide a question answered earlier. Its answer stays
in the file (changing the answer back brings it back) but is marked, e.g.
`am_hours_orders: 12 # not asked given current answers`; the rules already read hidden
questions as not applicable, so the mark is for the person reading the file.

ruamel.yaml keeps a key's end-of-line comment in one token together with every comment
line that follows it up to the next key (after a reload, that is the next question's
explanation). So a mark is added to or removed from the token's first line only, and
the rest of the token is left as it was.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.tokens import CommentToken

from diagnose.locale import LANGUAGES as LANGS
from diagnose.texts import ui


def _markers() -> list[str]:
    return [ui("iv_hidden_mark", lang) for lang in LANGS]


def _strip_marker(line: str) -> str:
    """The first comment line without our marker (in any language)."""
    for marker in _markers():
        for form in (f" # {marker}", f"# {marker}"):
            if form in line:
                line = line.replace(form, "")
    return line.rstrip()


def is_marked(answers: CommentedMap, key: Any) -> bool:
    token = _eol_token(answers, key)
    if token is None:
        return False
    first = token.value.split("\n", 1)[0]
    return any(f"# {marker}" in first for marker in _markers())


def _eol_token(answers: CommentedMap, key: Any) -> CommentToken | None:
    entry = answers.ca.items.get(key)
    if not entry or len(entry) < 3:
        return None
    return entry[2]


def set_mark(answers: CommentedMap, key: Any, hidden: bool, lang: str) -> None:
    """Add (hidden=True) or remove the marker on `key`'s line, keeping other comments."""
    token = _eol_token(answers, key)
    marker = f"# {ui('iv_hidden_mark', lang)}"
    if token is None:
        if hidden:
            answers.yaml_add_eol_comment(marker, key)
        return
    first, newline, rest = token.value.partition("\n")
    cleaned = _strip_marker(first)
    if hidden:
        cleaned = f"{cleaned} {marker}" if cleaned.strip() else marker
    if cleaned == first:
        return
    if not cleaned.strip() and not rest:
        answers.ca.items[key][2] = None
        return
    token.value = cleaned + newline + rest
