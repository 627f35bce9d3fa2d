"""The laid-out pages of a report, as a reader sees them: how full each page is, whether a
chapter starts on it, and what its last line belongs to (a heading left at a page's foot).

Uses WeasyPrint's layout (`HTML.render`) on the very HTML and stylesheets the PDF is made
from, so the figures are the PDF's own, without rasterising pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from diagnose.diagnosis import Diagnosis
from diagnose.report.html import stylesheets
from diagnose.report.pdf import ReportFetcher, _parse
from diagnose.report.render import build_html

HEADINGS = {"h1", "h2", "h3"}


@dataclass
class Page:
    number: int
    fill: float  # share of the content height used, from its top to the lowest content
    starts_chapter: bool  # a chapter (class "chapter", not "follows") begins on this page
    last_tag: str  # the element tag of the page's lowest text
    last_text: str


def _content(box: boxes.Box, out: list[tuple[float, str, str]], tag: str = "") -> None:
    """What is drawn on the page (text, images, tinted boxes), not its margins: each item's
    bottom, the tag of the block it sits in (a heading's tag inside a heading) and its text."""
    if isinstance(box, boxes.MarginBox):
        return
    element = getattr(box, "element", None)
    element_tag = getattr(element, "tag", "") or ""
    if element_tag == "p" and "lead" in (element.get("class") or "").split():
        element_tag = "p.lead"  # a chapter's opening paragraph: it introduces what follows
    if tag not in HEADINGS and isinstance(box, boxes.BlockBox):
        tag = element_tag
    tinted = isinstance(box, boxes.BlockBox) and box.style["background_color"][3] > 0 and box.height
    if isinstance(box, (boxes.TextBox, boxes.ReplacedBox)) or tinted:
        out.append((box.position_y + box.margin_height(), tag, getattr(box, "text", "") or ""))
    for child in getattr(box, "children", None) or []:
        _content(child, out, tag)


def _chapters(box: boxes.Box, out: set[int]) -> None:
    element = getattr(box, "element", None)
    classes = (element.get("class") or "").split() if element is not None else []
    if "chapter" in classes and "follows" not in classes:
        out.add(id(element))
    for child in getattr(box, "children", None) or []:
        _chapters(child, out)


def laid_out_pages(diagnosis: Diagnosis, lang: str, audience: str | None = None) -> list[Page]:
    html, context, folders, brand = build_html(diagnosis, lang, inline_css=False, audience=audience)
    css_file, extra_css = stylesheets(context, folders, brand.css())
    base_url = folders[-1].as_uri() + "/"
    fetcher = ReportFetcher(folders, [brand.logo] if brand.logo else [])
    fonts, sheets = _parse(css_file, extra_css, base_url, fetcher)
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(stylesheets=sheets, font_config=fonts)
    pages: list[Page] = []
    seen: set[int] = set()
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box
        top, height = page_box.content_box_y(), page_box.height
        drawn: list[tuple[float, str, str]] = []
        _content(page_box, drawn)
        chapters: set[int] = set()
        _chapters(page_box, chapters)
        bottom, tag, text = max(drawn, key=lambda item: item[0]) if drawn else (top, "", "")
        pages.append(Page(number, (bottom - top) / height, bool(chapters - seen), tag, text))
        seen |= chapters
    return pages
