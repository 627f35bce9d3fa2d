"""`--format docx`: the report as an editable Word document, read back with python-docx.

The DOCX is made from the PDF's HTML, so its headings (Word's Heading 1/2 styles) must be
the PDF's bookmarks in the same order, its tables the report's tables with their headers
and totals, its drawings pictures; a Russian document has no English prose, no document
has a placeholder, and the client's names no rule.
"""

from __future__ import annotations

import functools
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader
from test_report_words import ENGLISH_RUN, NOT_PROSE, PLACEHOLDER, RAW_CONDITION, RULE_ID

from diagnose.cli import cli
from diagnose.report.render import Rendered, diagnosis_for, report_bytes
from diagnose.resources import examples_dir

DEMO = examples_dir() / "engineering-equipment.yaml"
BATCH = Path(__file__).parent / "fixtures" / "batch"


@functools.cache
def rendered(fmt: str, lang: str, audience: str = "client", answers: Path = DEMO) -> Rendered:
    return report_bytes(diagnosis_for(answers), fmt, lang, audience=audience)


def document(lang: str, audience: str = "client", answers: Path = DEMO):  # -> docx Document
    return Document(io.BytesIO(rendered("docx", lang, audience, answers).data))


def headings(doc) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    """(level, text) of every paragraph in a Heading 1/2/3 style, in order."""
    out = []
    for paragraph in doc.paragraphs:
        if found := re.fullmatch(r"Heading (\d)", paragraph.style.name):
            out.append((int(found[1]), paragraph.text))
    return out


def pdf_outline(data: bytes) -> list[tuple[int, str]]:
    """(level, title) of the PDF's bookmarks, depth first."""
    out: list[tuple[int, str]] = []

    def walk(items: list, level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                out.append((level, item.title))

    walk(PdfReader(io.BytesIO(data)).outline, 1)
    return out


def text_of(doc) -> str:  # type: ignore[no-untyped-def]
    """Every paragraph's text, tables and the page header included, spaces joined."""
    parts = []
    for part in [doc.element.body, *(s.header._element for s in doc.sections)]:
        for paragraph in part.iter(qn("w:p")):
            parts.append("".join(node.text or " " for node in paragraph.iter(qn("w:t"), qn("w:br"))))
    return re.sub(r"\s+", " ", " ".join(parts))


def header_row(table) -> list[str]:  # type: ignore[no-untyped-def]
    return [cell.text for cell in table.rows[0].cells]


def find_table(doc, first_header: str):  # type: ignore[no-untyped-def]
    tables = [t for t in doc.tables if t.rows and t.rows[0].cells[0].text == first_header]
    assert tables, f"no table headed {first_header!r}"
    return tables


def hits(pattern: re.Pattern[str], text: str) -> list[str]:
    return [text[max(0, m.start() - 50):m.end() + 30] for m in pattern.finditer(text)]


@pytest.mark.parametrize(("lang", "audience"), [("ru", "client"), ("en", "consultant")])
def test_the_headings_are_word_headings_in_the_pdfs_order(lang: str, audience: str) -> None:
    docx_headings = [h for h in headings(document(lang, audience)) if h[0] <= 2]
    assert docx_headings == pdf_outline(rendered("pdf", lang, audience).data)
    context = rendered("docx", lang, audience).context
    chapters = [text for level, text in docx_headings if level == 1]
    assert chapters[0] == context.t["summary"] and chapters[-1] == (
        context.t["conditions_appendix"] if audience == "consultant" else context.t["methodology"])


def test_every_recommendation_has_its_heading_3_parts() -> None:
    doc = document("en")
    context = rendered("docx", "en").context
    level3 = [text for level, text in headings(doc) if level == 3]
    assert level3.count(context.t["why"]) == len(context.recommendations)


def test_the_contents_is_a_word_toc_field_showing_the_chapters() -> None:
    doc = document("ru")
    codes = [node.text for node in doc.element.body.iter(qn("w:instrText"))]
    assert any(code.strip().startswith("TOC ") for code in codes)
    chapters = [text for level, text in headings(doc) if level == 1]
    toc = next(p for p in doc.paragraphs if any("TOC" in (n.text or "") for n in p._p.iter(qn("w:instrText"))))
    assert toc.text.split("\n") == chapters


def test_the_board_table_has_its_header_and_totals() -> None:
    doc = document("ru")
    context = rendered("docx", "ru").context
    board = context.board
    t = context.t
    (table,) = find_table(doc, t["role"])[:1]
    assert header_row(table) == [t["role"], f"{t['today']}, {t['board_unit']}", f"{t['proposed']}, {t['board_unit']}",
                                 t["board_delta"]]
    assert [cell.text for cell in table.rows[-1].cells] == [t["board_total"], board.total_today, board.total_proposed,
                                                           board.total_delta]
    assert len(table.rows) == len(board.lines) + 2
    # the header row repeats on every page, shaded in the brand's primary colour, its text white
    first = table.rows[0]
    assert first._tr.trPr.find(qn("w:tblHeader")) is not None
    fill = first.cells[0]._tc.tcPr.find(qn("w:shd")).get(qn("w:fill"))
    assert fill == context.brand.colors["primary"].lstrip("#").upper()
    assert all(run.bold for run in table.rows[-1].cells[0].paragraphs[0].runs)


def test_columns_are_as_wide_as_their_text_asks() -> None:
    # Word and LibreOffice give every column the same width unless told: the board's role
    # names need the room, its one-figure columns do not, and no header word is split
    doc = document("ru")
    t = rendered("docx", "ru").context.t
    (table,) = find_table(doc, t["role"])[:1]
    widths = [column.width for column in table.columns]
    section = doc.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    assert abs(sum(widths) - text_width) < len(widths)  # the text's full width, to rounding
    assert widths[0] > 1.5 * widths[3]  # role names against the change in headcount
    assert all(cell.width == widths[i] for row in table.rows for i, cell in enumerate(row.cells))  # Word reads cells
    assert table.autofit is False


def test_the_matrix_and_the_headcount_are_word_tables() -> None:
    doc = document("en")
    context = rendered("docx", "en").context
    (matrix,) = find_table(doc, context.t["task"])
    assert header_row(matrix) == [context.t["task"], *context.matrix.roles]
    assert len(matrix.rows) == len(context.matrix.rows) + 1
    marks = {cell.text for row in matrix.rows[1:] for cell in row.cells[1:]}
    assert marks == {context.t["owner_mark"], context.t["support_mark"], ""}
    headcount = [t for t in find_table(doc, context.t["role"]) if len(t.columns) == 4 and header_row(t)[3] == ""]
    assert [row.cells[0].text for row in headcount[0].rows[1:]] == [line.title for line in context.headcount]


def test_the_drawings_are_pictures() -> None:
    data = rendered("docx", "ru")
    doc = Document(io.BytesIO(data.data))
    svgs = data.html.count("<svg")
    pictures = [shape for shape in doc.inline_shapes]
    assert len(pictures) == svgs + 1  # every chart and org chart, and the logo
    images = [part for part in doc.part.package.parts if part.partname.endswith(".png")]
    assert images and all(part.blob.startswith(b"\x89PNG") for part in images)
    # the summary's org chart is as wide as the text of a portrait page, as in the PDF
    text_width = doc.sections[0].page_width - 2 * doc.sections[0].left_margin
    assert max(shape.width for shape in pictures) >= 0.95 * text_width


def test_the_org_chart_has_a_landscape_section() -> None:
    doc = document("ru")
    orientations = [section.page_width > section.page_height for section in doc.sections]
    assert orientations == [False, True, False]


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_document_knows_its_language_title_and_author(lang: str) -> None:
    doc = document(lang)
    context = rendered("docx", lang).context
    props = doc.core_properties
    tag = {"ru": "ru-RU", "en": "en-US"}[lang]
    assert (props.title, props.author, props.language) == (context.title, context.author, tag)
    assert props.author == "Анна Смирнова, Partners & Co"
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(f".//{qn('w:lang')}").get(qn("w:val")) == tag


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_no_placeholder_reaches_the_document(lang: str) -> None:
    assert not hits(PLACEHOLDER, text_of(document(lang)))


def test_the_russian_document_has_no_english_prose() -> None:
    text = NOT_PROSE.sub(" ", text_of(document("ru")))
    for value in diagnosis_for(DEMO).company.values():
        if len(str(value)) > 3:
            text = text.replace(str(value), " ")
    assert not hits(ENGLISH_RUN, text)


def test_the_clients_document_names_no_rule_and_the_consultants_does() -> None:
    client = text_of(document("en"))
    assert not hits(RULE_ID, client) and not hits(RAW_CONDITION, client)
    assert "R1-assortment-owner" in text_of(document("en", "consultant"))


def test_report_writes_a_docx_beside_the_answers(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_bytes(DEMO.read_bytes())
    result = CliRunner().invoke(cli, ["report", str(answers), "--format", "docx", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Wrote {tmp_path / 'answers.docx'}\n"
    doc = Document(str(tmp_path / "answers.docx"))
    assert headings(doc)[0] == (1, "Summary")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.docx", "answers.yaml"]  # no temporary left


def test_batch_writes_docx_in_the_brand_and_templates_of_the_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "diagnose", "batch", str(BATCH / "folder" / "alder.yaml"), "--out-dir", str(out),
         "--format", "json,docx", "--jobs", "1", "--lang", "en", "--brand", str(BATCH / "settings" / "brand.yaml"),
         "--templates", str(BATCH / "settings" / "templates")],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert {p.name for p in out.iterdir()} >= {"alder-sons-trading--alder.docx", "alder-sons-trading--alder.json"}
    doc = Document(str(out / "alder-sons-trading--alder.docx"))
    assert (1, "The short version") in headings(doc)  # the folder's texts.yaml before the bundled one
    assert str(doc.styles["Heading 1"].font.color.rgb) == "0B5D4B"  # the brand's primary colour
    assert "Northern Lights Consulting" in doc.core_properties.author


def test_markup_in_the_answers_is_text_in_the_document() -> None:
    answers = Path(__file__).parent / "fixtures" / "report" / "markup-answers.yaml"
    data = rendered("docx", "ru", answers=answers)
    doc = Document(io.BytesIO(data.data))
    text = text_of(doc)
    assert 'ООО <img src="file:///etc/hostname"> «Тест»' in text
    assert "<script>alert(1)</script>" in doc.core_properties.author
    # only the drawings and the bundled logo are pictures; nothing the answers named was fetched
    assert len(doc.inline_shapes) == data.html.count("<svg") + 1
    assert not [r for r in doc.part.rels.values() if r.is_external]


def test_a_control_character_never_breaks_the_word_file() -> None:
    from diagnose.report.word import _NOT_XML

    assert _NOT_XML.sub("", "a\x01b\x0bc\ufffe") == "abc" and _NOT_XML.sub("", "a\tb\nc") == "a\tb\nc"


def test_a_templates_folder_of_ones_own_shapes_the_document(tmp_path: Path) -> None:
    # a consultancy's part with markup the bundled templates never use: still a document
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "methodology.html").write_text(
        '<section class="chapter" id="methodology"><h1>How we work</h1>'
        '<p class="lead">Our <em>own</em> words.</p><table></table><table><tr></tr></table>'
        '<x-svg n="99"></x-svg><x-svg n="²"></x-svg><img src="nowhere.png">'
        '<table><thead><tr><th colspan="2">Wide</th></tr></thead>'
        '<tbody><tr><td><p>One</p><ul><li>two</li></ul></td><td>three<br>four</td></tr></tbody></table>'
        "<h4>A fourth level</h4></section>", encoding="utf-8")
    data = report_bytes(diagnosis_for(DEMO), "docx", "en", templates=tmp_path).data
    doc = Document(io.BytesIO(data))
    assert headings(doc)[-2:] == [(1, "How we work"), (3, "A fourth level")]
    lead = next(p for p in doc.paragraphs if p.text == "Our own words.")
    assert lead.style.name == "Lead" and [r.italic for r in lead.runs] == [None, True, None]
    table = doc.tables[-1]
    assert header_row(table) == ["Wide", "Wide"] and table.rows[1].cells[1].text == "three\nfour"
    assert [p.text for p in table.rows[1].cells[0].paragraphs] == ["", "One", "two"]


def test_the_word_settings_keep_their_schema_order() -> None:
    # Word refuses a settings part whose elements are out of WordprocessingML's order
    settings = document("ru").settings.element
    names = [child.tag.split("}")[1] for child in settings]
    assert "updateFields" in names and names.index("updateFields") < names.index("compat")
