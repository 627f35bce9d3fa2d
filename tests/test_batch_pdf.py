"""`diagnose batch --format pdf`: the reports and the one-page portfolio overview as PDF."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from report_helpers import no_weasyprint_warnings, page_count, pdf_text

from diagnose.cli import cli

FIXTURES = Path(__file__).parent / "fixtures" / "batch"


def test_pdf_reports_and_portfolio(tmp_path: Path) -> None:
    with no_weasyprint_warnings():
        result = CliRunner().invoke(cli, ["batch", str(FIXTURES / "responses-ru.csv"), "--out-dir", str(tmp_path),
                                          "--format", "pdf", "--jobs", "1",
                                          "--brand", str(FIXTURES / "settings" / "brand.yaml")])
    assert result.exit_code == 0, result.stderr
    report = (tmp_path / "ооо-теплосеть-маш--responses-ru-row-1.pdf").read_bytes()
    assert report.startswith(b"%PDF-")
    assert "ООО «Теплосеть-Маш»" in pdf_text(report)
    assert "Northern Lights Consulting" in pdf_text(report)
    assert (tmp_path / "ао-реактив-плюс--responses-ru-row-2.pdf").read_bytes().startswith(b"%PDF-")

    portfolio = (tmp_path / "portfolio.pdf").read_bytes()
    assert page_count(portfolio) == 1
    text = pdf_text(portfolio)
    assert "Обзор портфеля компаний" in text
    assert "NORTHERN LIGHTS CONSULTING" in text  # set in capitals above the title
    assert "Обработано компаний: 2" in text
    assert "R4-time-study" in text and "ООО «Теплосеть-Маш»" in text
    assert (tmp_path / "portfolio.html").is_file()


def test_an_in_process_batch_leaves_nothing_kept(tmp_path: Path) -> None:
    from diagnose.report.render import diagnosis_for, report_bytes

    result = CliRunner().invoke(cli, ["batch", str(FIXTURES / "folder" / "alder.yaml"), "--out-dir", str(tmp_path),
                                      "--format", "pdf", "--jobs", "1"])
    assert result.exit_code == 0, result.stderr
    # the stylesheets were kept by the batch's worker, gone with it: a later report in this
    # process parses its own and loads the fonts again
    rendered = report_bytes(diagnosis_for(FIXTURES / "folder" / "alder.yaml"), "pdf")
    assert [url for url in rendered.fetcher.requests if url.endswith(".ttf")]
