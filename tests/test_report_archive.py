"""Reports a consultant can archive and send: tagged PDF/UA-1 and PDF/A-3b files
(`--pdf-variant`), and an HTML report that is one self-contained file.

The PDFs are read back with pypdf and checked for what the variant promises (structure
tree, marked content, language, title, the XMP identification), not for their bytes.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from report_helpers import no_weasyprint_warnings, pdf_fonts

from diagnose.cli import cli
from diagnose.errors import UserError
from diagnose.report.inline import inline_urls
from diagnose.resources import examples_dir, templates_dir

EXAMPLE = examples_dir() / "small-distributor.yaml"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
PDFUA_ID = "{http://www.aiim.org/pdfua/ns/id/}"
PDFA_ID = "{http://www.aiim.org/pdfa/ns/id/}"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def xmp_identification(reader: PdfReader) -> dict[str, str]:
    """The attributes of the XMP packet's rdf:Description elements, namespaced."""
    packet = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    found: dict[str, str] = {}
    for description in ElementTree.fromstring(packet).iter(f"{RDF}Description"):
        found.update(description.attrib)
    return found


@pytest.fixture(scope="module")
def variant_pdfs(tmp_path_factory) -> dict[str, PdfReader]:
    folder = tmp_path_factory.mktemp("variants")
    readers = {}
    for variant in ("plain", "pdf/ua-1", "pdf/a-3b"):
        target = folder / (variant.replace("/", "_") + ".pdf")
        extra = [] if variant == "plain" else ["--pdf-variant", variant]
        code, output = run("report", str(EXAMPLE), "-o", str(target), *extra)
        assert code == 0, output
        readers[variant] = PdfReader(io.BytesIO(target.read_bytes()))
    return readers


@pytest.mark.parametrize("variant", ["pdf/ua-1", "pdf/a-3b"])
def test_a_variant_is_tagged_with_the_reports_language_and_title(variant_pdfs, variant):
    reader = variant_pdfs[variant]
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en"  # the answer file's language
    assert reader.metadata.title == "Brightline Supplies Ltd: Sales department structure: diagnosis and recommendations"


def test_pdf_ua_names_its_part_in_the_xmp_metadata(variant_pdfs):
    assert xmp_identification(variant_pdfs["pdf/ua-1"])[f"{PDFUA_ID}part"] == "1"


def test_pdf_a_3b_names_its_part_and_conformance_in_the_xmp_metadata(variant_pdfs):
    found = xmp_identification(variant_pdfs["pdf/a-3b"])
    assert (found[f"{PDFA_ID}part"], found[f"{PDFA_ID}conformance"]) == ("3", "B")


def test_the_default_pdf_stays_plain(variant_pdfs):
    root = variant_pdfs["plain"].trailer["/Root"]
    assert "/StructTreeRoot" not in root and "/Metadata" not in root


@pytest.mark.parametrize("command", ["report", "batch"])
def test_an_unknown_variant_is_a_usage_error(tmp_path, command):
    args = [str(EXAMPLE), "--out-dir", str(tmp_path)] if command == "batch" else [str(EXAMPLE)]
    code, output = run(command, *args, "--pdf-variant", "pdf/x-4")
    assert code == 2
    assert "Error: Invalid value for '--pdf-variant': 'pdf/x-4' is not one of 'pdf/ua-1', 'pdf/a-3b'." in output
    assert list(tmp_path.iterdir()) == []


def test_batch_writes_tagged_reports_and_portfolio(tmp_path):
    code, output = run("batch", str(EXAMPLE), "--out-dir", str(tmp_path), "-j", "1", "--pdf-variant", "pdf/ua-1")
    assert code == 0, output
    pdfs = sorted(tmp_path.glob("*.pdf"))
    assert len(pdfs) == 2  # the report and the portfolio
    for pdf in pdfs:
        root = PdfReader(pdf).trailer["/Root"]
        assert "/StructTreeRoot" in root and bool(root["/MarkInfo"]["/Marked"]), pdf.name


# ------------------------------------------------------------------ self-contained HTML

LOCAL_REFERENCE = re.compile(r"""url\(\s*(?!["']?data:)|(?:src|href)\s*=\s*["'](?!data:|#)""")


@pytest.fixture(scope="module")
def html_report(tmp_path_factory) -> str:
    target = tmp_path_factory.mktemp("html") / "report.html"
    code, output = run("report", str(EXAMPLE), "-o", str(target), "--format", "html")
    assert code == 0, output
    return target.read_text(encoding="utf-8")


def test_html_report_names_no_local_file(html_report):
    assert "file:" not in html_report
    assert str(templates_dir().resolve()) not in html_report
    assert str(Path.cwd()) not in html_report
    assert LOCAL_REFERENCE.findall(html_report) == []


def test_html_report_carries_its_fonts_and_logo(html_report):
    sources = re.findall(r"@font-face \{[^}]*src: url\(\"(data:[a-z/]+);base64,", html_report)
    assert sources == ["data:font/ttf"] * 7
    assert re.search(r'<img class="logo" src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"', html_report)


def test_html_report_renders_alike_from_another_folder_with_nothing_to_fetch(html_report, tmp_path, monkeypatch):
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    class OnlyDataURLs(URLFetcher):
        """Reads what the file carries (data: URLs), refuses anything beside or outside it."""

        refused: list[str] = []

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            self.refused.append(url)
            raise ValueError(f"refused {url}")

    monkeypatch.chdir(tmp_path)
    copy = tmp_path / "sent.html"
    copy.write_text(html_report, encoding="utf-8")
    fetcher = OnlyDataURLs()
    with no_weasyprint_warnings():
        data = HTML(filename=str(copy), url_fetcher=fetcher).write_pdf()
    assert fetcher.refused == []
    fonts = pdf_fonts(data)
    assert {"PT-Sans", "PT-Sans-Bold", "Report-Symbols"} <= fonts, fonts
    # no system font (Report-Symbols-Bold: the bundled face emboldened for bold symbols)
    assert all(name.startswith("PT-") or name in ("Report-Symbols", "Report-Symbols-Bold") for name in fonts), fonts


def test_only_template_files_are_inlined(tmp_path):
    templates = tmp_path / "templates"
    (templates / "fonts").mkdir(parents=True)
    (templates / "fonts" / "a.ttf").write_bytes(b"font")
    (tmp_path / "outside.ttf").write_bytes(b"secret")
    css = ("a { src: url(fonts/a.ttf); } b { src: url('fonts/a.ttf'); } c { src: url(data:,x); } "
           f"d {{ src: url(file://{tmp_path}/outside.ttf); }} e {{ src: url({tmp_path}/outside.ttf); }} "
           "f { src: url(../outside.ttf); } g { src: url(http://127.0.0.1:9/x.ttf); } h { src: url(fonts/none.ttf); }")
    assert inline_urls(css, [templates]) == (
        'a { src: url("data:font/ttf;base64,Zm9udA=="); } b { src: url("data:font/ttf;base64,Zm9udA=="); } '
        "c { src: url(data:,x); } d { src: none; } e { src: none; } f { src: none; } g { src: none; } "
        "h { src: none; }")


def test_a_font_linked_out_of_the_template_folder_is_never_read(tmp_path):
    templates = tmp_path / "templates"
    (templates / "fonts").mkdir(parents=True)
    (tmp_path / "outside.ttf").write_bytes(b"secret")
    (templates / "fonts" / "link.ttf").symlink_to(tmp_path / "outside.ttf")
    with pytest.raises(UserError) as caught:
        inline_urls("a { src: url(fonts/link.ttf); }", [templates])
    assert str(caught.value.problems[0]) == (
        f"{templates}/fonts/link.ttf: leads out of the template folder {templates} (a symbolic link); "
        "expected a file inside the folder")
