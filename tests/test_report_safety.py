"""Answer text is text: markup and URLs in answers are shown, never rendered or fetched."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from report_helpers import no_weasyprint_warnings, pdf_text
from report_sample import sample_diagnosis

from diagnose.diagnosis import Evidence
from diagnose.report.charts import ChartRow, dimension_chart
from diagnose.report.html import css_string
from diagnose.report.orgchart import Box, org_chart
from diagnose.report.pdf import ReportFetcher
from diagnose.report.render import diagnosis_for, report_bytes
from diagnose.resources import templates_dir

FIXTURES = Path(__file__).parent / "fixtures" / "report"

EVIL = '<img src="file:///etc/hostname">'
COLORS = {"primary": "#1f3a5f", "accent": "#c8553d", "muted": "#8a94a6"}


@pytest.fixture(scope="module")
def evil_pdf():
    diagnosis = sample_diagnosis(company=f"ООО {EVIL} <b>bold</b>")
    finding = diagnosis.findings[0]
    finding.evidence.append(Evidence("note", {"ru": "Комментарий", "en": "Comment"}, EVIL,
                                      {"ru": EVIL + ' <link rel="attachment" href="file:///etc/passwd">', "en": EVIL}))
    diagnosis.answers[0].display = {"ru": "<style>*{color:red}</style>http://example.com/x.png", "en": EVIL}
    with no_weasyprint_warnings():
        return report_bytes(diagnosis, "pdf", "ru")


def test_markup_in_answers_is_neither_fetched_nor_rendered(evil_pdf):
    bundled = templates_dir().resolve().as_uri()
    assert evil_pdf.fetcher.requests, "the fetcher saw the fonts"
    assert all(url.startswith(bundled) for url in evil_pdf.fetcher.requests), evil_pdf.fetcher.requests
    assert not any("hostname" in url or "passwd" in url or "example.com" in url for url in evil_pdf.fetcher.requests)
    assert evil_pdf.fetcher.refused == []
    text = pdf_text(evil_pdf.data)
    assert EVIL in text  # shown as text, on the cover and in the evidence
    assert "<b>bold</b>" in text
    assert "<style>*{color:red}</style>http://example.com/x.png" in text.replace(" ", "")  # a URL may wrap
    assert "&lt;img" in evil_pdf.html and "<img src=\"file:///etc" not in evil_pdf.html


def test_answer_file_with_markup_renders_text_and_fetches_nothing():
    diagnosis = diagnosis_for(FIXTURES / "markup-answers.yaml")
    with no_weasyprint_warnings():
        rendered = report_bytes(diagnosis, "pdf", "en")
    bundled = templates_dir().resolve().as_uri()
    assert all(url.startswith(bundled) for url in rendered.fetcher.requests), rendered.fetcher.requests
    assert rendered.fetcher.refused == []
    text = pdf_text(rendered.data)
    compact = text.replace(" ", "")
    assert 'ООО <img src="file:///etc/hostname"> «Тест»' in text
    assert '<linkrel="attachment"href="file:///etc/passwd">' in compact
    assert "<style>*{color:red}</style>http://example.com/x.png" in compact
    assert "<script>alert(1)</script>" in compact
    assert "<script>" not in rendered.html and "<link rel" not in rendered.html


def test_fetcher_serves_only_bundled_and_brand_files(tmp_path):
    bundled = templates_dir().resolve()
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG\r\n")
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"x")
    fetcher = ReportFetcher([bundled], [logo])
    assert fetcher.resolve((bundled / "fonts" / "PTSans-Regular.ttf").as_uri()) is not None
    assert fetcher.resolve(logo.as_uri()) == logo.resolve()
    for url in ["file:///etc/hostname", secret.as_uri(), "http://example.com/a.png", "https://example.com/",
                "data:image/png;base64,AAAA", bundled.as_uri() + "/../pyproject.toml",
                "file://otherhost" + str(bundled / "report.css"), "ftp://example.com/x"]:
        assert fetcher.resolve(url) is None, url
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert "file:///etc/hostname" in fetcher.refused


def test_fetcher_looks_in_the_user_folder_first(tmp_path):
    bundled = templates_dir().resolve()
    (tmp_path / "fonts").mkdir()
    mine = tmp_path / "fonts" / "PTSans-Regular.ttf"
    mine.write_bytes(b"not really a font")
    fetcher = ReportFetcher([tmp_path.resolve(), bundled])
    assert fetcher.resolve((bundled / "fonts" / "PTSans-Regular.ttf").as_uri()) == mine.resolve()
    assert fetcher.resolve((bundled / "fonts" / "PTSans-Bold.ttf").as_uri()) == (bundled / "fonts" / "PTSans-Bold.ttf")


def test_chart_and_orgchart_escape_their_text():
    svg = dimension_chart([ChartRow("<b>x</b>", '"><script>', "high", 3, 10, 5)], COLORS,
                          {"threshold": "<t>", "level_low": "l", "level_medium": "m", "level_high": "h"})
    assert "<b>" not in svg and "&lt;b&gt;x&lt;/b&gt;" in svg and "<script>" not in svg and "&lt;t&gt;" in svg
    chart = org_chart([Box("a", "</text><image href='file:///etc/hostname'/>", ["<i>"], None)], 300, COLORS)
    assert "<image" not in chart and "&lt;/text&gt;" in chart and "<i>" not in chart


def test_css_strings_cannot_escape():
    assert css_string('a"b\\c\n</style>') == '"a\\"b\\\\c\\A \\3C /style>"'


def test_help_does_not_import_weasyprint():
    code = ("import sys\nfrom diagnose.cli import cli\n"
            "try:\n    cli(['--help'], prog_name='diagnose')\nexcept SystemExit:\n    pass\n"
            "assert 'weasyprint' not in sys.modules, 'weasyprint imported'\n"
            "for name in ('report', 'demo'):\n"
            "    try:\n        cli([name, '--help'], prog_name='diagnose')\n    except SystemExit:\n        pass\n"
            "assert 'weasyprint' not in sys.modules, 'weasyprint imported by a command help'\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=Path(__file__).parent)
    assert result.returncode == 0, result.stderr
    assert "report" in result.stdout and "demo" in result.stdout
