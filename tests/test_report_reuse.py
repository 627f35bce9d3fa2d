"""A long-lived process (a batch worker) keeps parsed stylesheets and fonts between
reports in a `KeptStylesheets` it owns: the reports must come out exactly as when nothing
is kept, and an edited stylesheet must be read again."""

from __future__ import annotations

import os
import shutil

import pytest
from report_helpers import pdf_text

from diagnose.report import pdf
from diagnose.report.render import diagnosis_for, report_bytes
from diagnose.resources import examples_dir, templates_dir


@pytest.fixture()
def kept():
    return pdf.KeptStylesheets()


@pytest.fixture(scope="module")
def diagnosis():
    return diagnosis_for(examples_dir() / "small-distributor.yaml")


def font_requests(rendered) -> list[str]:
    return [url for url in rendered.fetcher.requests if url.endswith(".ttf")]


def test_kept_stylesheets_make_the_same_report_and_load_the_fonts_once(diagnosis, kept):
    alone = report_bytes(diagnosis, "pdf", "en")
    first = report_bytes(diagnosis, "pdf", "en", kept=kept)
    second = report_bytes(diagnosis, "pdf", "en", kept=kept)
    assert pdf_text(first.data) == pdf_text(second.data) == pdf_text(alone.data)
    assert font_requests(alone) and font_requests(first)
    assert font_requests(second) == []  # the second report reused the fonts


def test_each_language_gets_its_own_stylesheets(diagnosis, kept):
    english = report_bytes(diagnosis, "pdf", "en", kept=kept)
    russian = report_bytes(diagnosis, "pdf", "ru", kept=kept)
    assert "Page 2 of" in pdf_text(english.data)  # the footer, set by the generated CSS
    assert "Стр. 2 из" in pdf_text(russian.data)


def test_an_edited_stylesheet_is_read_again(diagnosis, kept, tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    css = folder / "report.css"
    bundled = (templates_dir() / "report.css").read_text(encoding="utf-8")
    css.write_text(bundled + '\n.lead::after { content: " MARKER-ONE"; }\n', encoding="utf-8")
    assert "MARKER-ONE" in pdf_text(report_bytes(diagnosis, "pdf", "en", templates=folder, kept=kept).data)
    css.write_text(bundled + '\n.lead::after { content: " MARKER-SECOND"; }\n', encoding="utf-8")
    os.utime(css, ns=(css.stat().st_atime_ns, css.stat().st_mtime_ns + 10**9))
    text = pdf_text(report_bytes(diagnosis, "pdf", "en", templates=folder, kept=kept).data)
    assert "MARKER-SECOND" in text and "MARKER-ONE" not in text
    shutil.rmtree(folder)
