"""The HTML the PDF is made from: snapshot, languages, brand, user templates, org chart, CLI."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from report_sample import sample_diagnosis

from diagnose.cli import cli
from diagnose.errors import UserError
from diagnose.report.brand import load_brand
from diagnose.report.measure import text_width
from diagnose.report.orgchart import DETAIL_SIZE, PAD, TITLE_SIZE, Box, _all, _tree, org_chart
from diagnose.report.render import build_html
from diagnose.resources import examples_dir, templates_dir

FIXTURES = Path(__file__).parent / "fixtures" / "report"
DEMO = examples_dir() / "engineering-equipment.yaml"
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def normalised(html: str) -> str:
    """Drop what changes between machines and days: absolute paths and today's date."""
    html = html.replace(templates_dir().resolve().as_uri(), "BUNDLED")
    return re.sub(r"\d{4}-\d{2}-\d{2}|\d{2}\.\d{2}\.\d{4}", "DATE", html)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_html_snapshot(lang):
    html, *_ = build_html(sample_diagnosis(), lang, inline_css=False)
    snapshot = FIXTURES / f"sample-{lang}.html"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        snapshot.write_text(normalised(html), encoding="utf-8")
    assert normalised(html) == snapshot.read_text(encoding="utf-8"), (
        f"the report HTML changed; if intended, rerun with UPDATE_SNAPSHOTS=1 and review {snapshot.name}")


def test_english_report_has_no_russian_words_of_its_own():
    diagnosis = sample_diagnosis()
    html, *_ = build_html(diagnosis, "en", inline_css=False)
    # the client's own data stays as given: company, industry, respondent, consultant
    for value in diagnosis.company.values():
        html = html.replace(str(value), "")
    for role in diagnosis.proposed_structure + diagnosis.current_structure:
        assert not CYRILLIC.search(role.title["en"])
    leftovers = sorted(set(CYRILLIC.findall(html)))
    assert not leftovers, re.findall(r"[^<>]{0,30}[А-Яа-яЁё][^<>]{0,30}", html)[:5]


def test_stylesheet_is_inlined_untouched_in_html_output():
    # untouched but for its fonts, which the HTML report carries inline (test_report_archive.py)
    html, *_ = build_html(sample_diagnosis(), "ru", inline_css=True)
    assert '@font-face { font-family: "PT Sans"; src: url("data:font/ttf;base64,' in html
    assert "&#34;" not in html.split("</style>")[0] and "&quot;" not in html.split("</style>")[0]
    assert 'content: "Стр." " " counter(page) " " "из" " " counter(pages)' in html


def test_brand_file_sets_name_logo_and_colours(tmp_path):
    (tmp_path / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    brand_file = tmp_path / "brand.yaml"
    brand_file.write_text("kind: brand\nname: Acme Advisory\nlogo: logo.svg\ncolors:\n  primary: '#112233'\n")
    brand = load_brand(brand_file)
    html, context, *_ = build_html(sample_diagnosis(), "en", brand=brand, inline_css=True)
    assert context.brand.name == "Acme Advisory"
    assert "--primary: #112233;" in html
    # the HTML report carries the logo inline: it is opened where the brand's folder is not
    assert str(tmp_path) not in html
    assert '<img class="logo" src="data:image/svg+xml;base64,' in html
    assert context.author == "Анна Смирнова, Acme Advisory"


def test_brand_problems_are_located_and_all_reported(tmp_path):
    brand_file = tmp_path / "brand.yaml"
    brand_file.write_text("kind: brand\nlogo: missing.png\ncolors:\n  primary: red\n  acent: '#fff'\n")
    with pytest.raises(UserError) as caught:
        load_brand(brand_file)
    messages = [str(p) for p in caught.value.problems]
    assert messages == [
        f"{brand_file}:2:7: logo: file 'missing.png' not found (looked in {tmp_path.resolve()})",
        f"{brand_file}:5:3: colors.acent: unknown key 'acent' (did you mean 'accent'?); expected one of: primary, accent, muted",
        f"{brand_file}:4:12: colors.primary: 'red' is not a colour; expected a hex code such as '#1f3a5f'",
    ]


def test_user_templates_are_searched_first(tmp_path):
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "roadmap.html").write_text(
        '<section class="chapter" id="roadmap"><h1>{{ t.roadmap }}</h1><p>Our own roadmap for {{ company.name }}</p></section>')
    (tmp_path / "texts.yaml").write_text("kind: report-texts\ntexts:\n  roadmap: {ru: Дорожная карта, en: Our roadmap}\n")
    html, *_ = build_html(sample_diagnosis(), "en", templates=tmp_path, inline_css=False)
    assert "<h1>Our roadmap</h1><p>Our own roadmap for ООО «НордТермМаш»</p>" in html
    assert "Responsibility matrix" in html  # the rest still comes from the bundled templates


def test_unknown_template_field_is_a_located_error(tmp_path):
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "roadmap.html").write_text("<p>\n{{ company.revenue }}</p>")
    with pytest.raises(UserError) as caught:
        build_html(sample_diagnosis(), "en", templates=tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{(tmp_path / 'parts' / 'roadmap.html').resolve()}:2: ")
    assert "has no attribute 'revenue'" in message


def test_texts_without_a_language_are_refused(tmp_path):
    (tmp_path / "texts.yaml").write_text("kind: report-texts\ntexts:\n  roadmap: {en: Our roadmap}\n")
    with pytest.raises(UserError) as caught:
        build_html(sample_diagnosis(), "en", templates=tmp_path)
    assert str(caught.value) == f"{tmp_path / 'texts.yaml'}:3:12: texts.roadmap: missing the 'ru' text"


def _boxes(count: int) -> list[Box]:
    boxes = [Box("head", "Руководитель коммерческого блока", ["1 чел."], None, "head")]
    for team in range(3):
        boxes.append(Box(f"lead{team}", f"Руководитель группы по работе с ключевыми клиентами {team}", ["1 чел."], "head"))
    for n in range(count - 4):
        boxes.append(Box(f"r{n}", "Старший клиентский менеджер по сопровождению проектов", ["3 чел.", "больше людей (1 → 2)"],
                         f"lead{n % 3}"))
    boxes.append(Box("specialist_department", "Проектно-конструкторский отдел", ["численность не указана"], None))
    return boxes


@pytest.mark.parametrize("width", [362.0, 760.0])
def test_orgchart_with_many_boxes_keeps_text_inside_and_boxes_apart(width):
    boxes = _boxes(14)
    svg = org_chart(boxes, width, {"primary": "#000000", "accent": "#ff0000", "muted": "#888888"},
                    "specialist_department", "lead2", "сервис по SLA")
    placed = _all(_tree(_boxes(14), None, None))
    assert len(boxes) >= 15 and svg.count("<rect") == len(boxes)
    # every text line fits its box: re-read the drawn lines and measure them
    for x, size, bold, line in re.findall(r'<text x="([\d.]+)" y="[\d.]+" font-size="([\d.]+)" fill="[^"]+"( font-weight="bold")?>([^<]*)</text>', svg):
        box = next((b for b in boxes if b.x + PAD - 0.05 <= float(x) <= b.x + PAD + 0.05), None)
        if box is not None:
            assert text_width(line, float(size), bool(bold)) <= box.w - 2 * PAD + 0.5, line
            assert float(size) >= 6
    # no two boxes overlap
    drawn = boxes
    for i, a in enumerate(drawn):
        for b in drawn[i + 1:]:
            apart = a.x + a.w <= b.x or b.x + b.w <= a.x or a.y + a.h <= b.y or b.y + b.h <= a.y
            assert apart, (a.id, b.id)
    assert placed and TITLE_SIZE > DETAIL_SIZE


def test_report_command_writes_pdf_html_json(tmp_path):
    runner = CliRunner()
    out = tmp_path / "r.html"
    result = runner.invoke(cli, ["report", str(DEMO), "--format", "html", "--lang", "en", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "<html lang=\"en\">" in out.read_text(encoding="utf-8")
    result = runner.invoke(cli, ["report", str(DEMO), "--format", "json"])
    assert result.exit_code == 0 and '"schema_version"' in result.stdout
    result = runner.invoke(cli, ["report", str(DEMO), "-o", "-"])
    assert result.exit_code == 0 and result.stdout_bytes.startswith(b"%PDF-")


def test_report_command_errors_are_located(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["report", str(DEMO), "-o", str(tmp_path / "missing" / "r.pdf")])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{tmp_path / 'missing' / 'r.pdf'}: cannot write: the folder does not exist"
    bad = tmp_path / "brand.yaml"
    bad.write_text("kind: brand\ncolors: {primary: blue}\n")
    result = runner.invoke(cli, ["report", str(DEMO), "--brand", str(bad), "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 2
    assert "colors.primary: 'blue' is not a colour" in result.stderr
    assert not (tmp_path / "r.pdf").exists()


def test_demo_writes_the_pdf_and_says_where(tmp_path):
    result = CliRunner().invoke(cli, ["demo", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    target = tmp_path / "out" / "engineering-equipment-report.pdf"
    assert target.read_bytes().startswith(b"%PDF-")
    assert f"Wrote the demo report to {target.resolve()}" in result.output
    assert [p.name for p in (tmp_path / "out").iterdir()] == [target.name]  # no temporary file left


def test_an_aligned_company_is_told_what_is_already_right(tmp_path) -> None:
    from click.testing import CliRunner

    from diagnose.cli import cli

    answers = Path(__file__).parent / "fixtures" / "cases" / "01-aligned-equipment-distributor.yaml"
    out = tmp_path / "r.html"
    result = CliRunner().invoke(cli, ["report", str(answers), "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert "Sales are already organised the way the book advises — the structure needs no change." in html
    assert "What is already right" in html and "Top recommendations" not in html
    assert "What changes" not in html
    assert "Operations staff already process regular orders" in html
