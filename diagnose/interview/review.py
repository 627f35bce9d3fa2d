"""The end-of-interview review, one screen at a time, with item numbers that never shift.

A question's review number is its section's number and its place in that section of the
questionnaire (`3.2`), counted over every question, asked or not: an edit that shows or
hides questions changes no other item's number. The interview details keep their
letters (`a` … `e`). The review shows one page at a time: the details, then each section;
a section longer than the screen is split over several pages. `>` and `<` turn the
pages, a section's number (`3`) opens its first page.

What a person types is read leniently where the screen cannot tell characters apart: a
Cyrillic а, с, е for the Latin detail letters a, c, e, and `3,2` for `3.2`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass

from diagnose.interview.session import ReviewItem, ReviewSection
from diagnose.texts import ui

NEXT = (">", "+")
PREVIOUS = ("<", "-")
# Cyrillic letters drawn like Latin ones, for the detail letters a … e
LOOKALIKES = str.maketrans({"а": "a", "с": "c", "е": "e", "в": "b", "д": "d"})
# lines a page keeps for a blank, its title, two lines of keys, two of the prompt's hint,
# an error and the prompt
CHROME_LINES = 8


@dataclass(frozen=True)
class Page:
    """Part of one section of the review: `items[start:end]`."""

    section: int  # index into the review's sections (0 = the interview details)
    start: int
    end: int


@dataclass(frozen=True)
class GoTo:
    """A review reply that turns to another page."""

    page: int


def paginate(sections: list[ReviewSection], rows: int,
             height: Callable[[ReviewItem], int] = lambda item: 1) -> list[Page]:
    """The pages of the review for a screen of `rows` lines, an item taking `height` lines."""
    room = max(3, rows - CHROME_LINES)
    pages = []
    for index, section in enumerate(sections):
        start, used = 0, 0
        for place, item in enumerate(section.items):
            lines = height(item)
            if used and used + lines > room:
                pages.append(Page(index, start, place))
                start, used = place, 0
            used += lines
        pages.append(Page(index, start, len(section.items)))
    return pages


def wrapped(item: ReviewItem, lang: str, width: int) -> list[str]:
    """An item's whole line wrapped at word boundaries (the plain front end's)."""
    return textwrap.wrap(item_line(item, lang, None), width, subsequent_indent=" " * 8,
                         break_on_hyphens=False, break_long_words=False)


def normalise(text: str) -> str:
    """A review reply as labels are written: lower case, Latin letters, `3.2`."""
    return text.strip().lower().translate(LOOKALIKES).replace(",", ".")


def navigate(text: str, pages: list[Page], sections: list[ReviewSection], page: int) -> GoTo | None:
    """The page a navigation reply names, or None when it is not one; `<` on the
    first page is not navigation (it goes back to the last question)."""
    reply = normalise(text)
    if reply in NEXT:
        return GoTo(min(page + 1, len(pages) - 1))
    if reply in PREVIOUS and page > 0:
        return GoTo(page - 1)
    if reply.isdigit():
        wanted = int(reply)
        for number, candidate in enumerate(pages):
            if sections[candidate.section].number == wanted:
                return GoTo(number)
    return None


def page_of(pages: list[Page], sections: list[ReviewSection], label: str) -> int:
    """The page that shows the item labelled `label` (0 if none does)."""
    for number, page in enumerate(pages):
        if any(item.label == label for item in sections[page.section].items[page.start:page.end]):
            return number
    return 0


def item_line(item: ReviewItem, lang: str, width: int | None) -> str:
    """An item's line: `  3.2  Question text — answer`. With a width the question's text
    is shortened to keep the line on one screen line; without one it is kept whole."""
    mark = "*" if item.missing else " "
    label = f"{mark}{item.label:>5}  "
    answer = item.answer
    if item.hidden:
        answer = f"{answer} ({ui('iv_review_hidden', lang)})"
    if width is None:
        return f"{label}{item.text} — {answer}"
    if len(answer) > width // 2:
        answer = answer[: width // 2 - 1].rstrip() + "…"
    room = width - len(label) - len(" — ") - len(answer)
    text = item.text if len(item.text) <= room else item.text[: max(room - 1, 1)].rstrip() + "…"
    return f"{label}{text} — {answer}"


def page_title(sections: list[ReviewSection], pages: list[Page], page: int, lang: str) -> str:
    section = sections[pages[page].section]
    return ui("iv_review_page", lang, title=section.title, page=page + 1, pages=len(pages))


def page_lines(sections: list[ReviewSection], pages: list[Page], page: int, lang: str,
               width: int, wrap_at: int | None = None) -> list[tuple[str, str]]:
    """(style, line) of one page: title, items, the keys; style is "title", "item",
    "hidden", "missing" or "hint". Items are cut to `width`, or with `wrap_at` kept
    whole and wrapped at that width."""
    current = pages[page]
    section = sections[current.section]
    lines = [("title", page_title(sections, pages, page, lang))]
    for item in section.items[current.start:current.end]:
        style = "hidden" if item.hidden else "missing" if item.missing else "item"
        if wrap_at is None:
            lines.append((style, item_line(item, lang, width)))
        else:  # plain text: whole texts, wrapped at word boundaries for a screen reader
            lines += [(style, part) for part in wrapped(item, lang, wrap_at)]
    numbered = [s.number for s in sections if s.number]
    numbers = f"{numbered[0]}–{numbered[-1]}" if len(numbered) > 1 else ", ".join(map(str, numbered))
    lines.append(("hint", ui("iv_review_keys", lang, numbers=numbers)))
    return lines
