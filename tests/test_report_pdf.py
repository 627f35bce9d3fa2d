"""The PDF a consultant hands over: its text, pages, fonts, metadata and outline, in both languages.

Made by the real pipeline (answer file -> rules -> report) for the bundled demo company.
"""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from report_helpers import no_weasyprint_warnings, page_count, pdf_fonts, pdf_text

from diagnose.report.render import diagnosis_for, report_bytes
from diagnose.resources import examples_dir

SECTIONS = {
    "ru": ["Резюме", "Предлагаемая структура", "Главные рекомендации", "Диагностика по направлениям",
           "Сложность продукта", "Операционная нагрузка", "Скорость поддержки", "Соответствие темперамента роли",
           "Доля в закупках клиентов", "Организационная структура", "Матрица ответственности", "Рекомендации",
           "Что сделать", "Почему", "Ответы компании", "Что изменило бы вывод", "Нагрузка и численность",
           "План внедрения", "Приложение: вопросы и ответы", "Методология и источники",
           "Дополнительные критерии (не из книги)"],
    "en": ["Summary", "The proposed structure at a glance", "Top recommendations", "Diagnosis by dimension",
           "Product complexity", "Operational load", "Support speed", "Temperament fit", "Share of wallet",
           "Organisation chart", "Responsibility matrix", "Recommendations", "What to do", "Why",
           "The company's answers", "What would change it", "Workload and headcount", "Implementation roadmap",
           "Appendix: questions and answers", "Methodology and sources", "Complementary criterion (not from the book)"],
}
BOOK_RULES = [f"R{n}-" for n in range(1, 11)]


@pytest.fixture(scope="module")
def diagnosis():
    return diagnosis_for(examples_dir() / "engineering-equipment.yaml")


@pytest.fixture(scope="module")
def pdfs(diagnosis):
    with no_weasyprint_warnings():
        return {lang: report_bytes(diagnosis, "pdf", lang) for lang in ("ru", "en")}


@pytest.fixture(scope="module")
def consultant_pdfs(diagnosis):
    with no_weasyprint_warnings():
        return {lang: report_bytes(diagnosis, "pdf", lang, audience="consultant") for lang in ("ru", "en")}


BOOK = {"ru": "Ерохин, Климов, «Управление клиентской базой» (Эксмо, 2024)",
        "en": "Erokhin & Klimov, Client Base Management (2024)"}  # the citation in the report's language
CONDITIONS_APPENDIX = {"ru": "Приложение для консультанта: условия правил", "en": "Consultant's appendix: rule conditions"}


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_pdf_holds_every_section_and_the_company_and_no_rule_id(pdfs, lang):
    text = pdf_text(pdfs[lang].data)
    for heading in SECTIONS[lang]:
        assert heading.lower() in text.lower(), heading  # some headings are set in capitals
    assert "ООО «НордТермМаш»" in text
    assert f"{BOOK[lang]}" in text
    # the client's report gives every conclusion in words: no rule id, no conditions appendix
    assert not re.search(r"\b[RC][0-9]+-[a-z]", text), re.search(r".{40}\b[RC][0-9]+-[a-z].{20}", text)
    assert CONDITIONS_APPENDIX[lang] not in text


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_consultants_pdf_adds_rule_ids_and_the_conditions_appendix(consultant_pdfs, lang):
    text = pdf_text(consultant_pdfs[lang].data)
    for rule in BOOK_RULES:
        assert rule in text, rule
    assert "C4-hunter-farmer-split" in text
    assert f"{BOOK[lang]}, R1-assortment-owner" in text
    assert CONDITIONS_APPENDIX[lang] in text


def test_pdf_shows_the_clients_own_answers_and_marks_dont_know(pdfs):
    text = pdf_text(pdfs["ru"].data)
    assert "Постановка заказа в план производства" in text  # an answer of the demo company
    assert "? не знаю" in text  # the appendix marks "don't know"
    text_en = pdf_text(pdfs["en"].data)
    assert "? don't know" in text_en


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_page_count_is_in_range(pdfs, lang):
    assert 12 <= page_count(pdfs[lang].data) <= 24


@pytest.mark.parametrize("lang,label", [("ru", "Стр. 2 из "), ("en", "Page 2 of ")])
def test_footer_says_page_x_of_y(pdfs, lang, label):
    pages = page_count(pdfs[lang].data)
    assert f"{label}{pages}" in pdf_text(pdfs[lang].data)


def test_only_the_bundled_fonts_are_embedded(pdfs):
    fonts = pdf_fonts(pdfs["ru"].data)
    assert "PT-Sans" in fonts and "PT-Sans-Bold" in fonts and "PT-Serif" in fonts
    # bundled only; bold text with a symbol ("13 → 17" on the board page) gets Report
    # Symbols emboldened by WeasyPrint, a face made from the bundled file
    assert all(name.startswith("PT-") or name in ("Report-Symbols", "Report-Symbols-Bold") for name in fonts), fonts
    reader = PdfReader(io.BytesIO(pdfs["ru"].data))
    font = next(iter(reader.pages[2]["/Resources"]["/Font"].values())).get_object()
    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
    assert "/FontFile2" in descriptor  # embedded, not referenced


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_metadata_title_author_language(pdfs, lang):
    reader = PdfReader(io.BytesIO(pdfs[lang].data))
    assert "ООО «НордТермМаш»" in reader.metadata.title
    assert reader.metadata.author == "Анна Смирнова, Partners & Co"
    assert reader.trailer["/Root"]["/Lang"] == lang


def test_outline_lists_the_chapters(pdfs):
    reader = PdfReader(io.BytesIO(pdfs["en"].data))
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles[:4] == ["Summary", "Headcount", "Diagnosis by dimension", "Organisation chart"]  # no cost given
    assert "Appendix: questions and answers" in titles
    nested = [item for item in reader.outline if isinstance(item, list)]
    assert any(child.title == "Split off order operations" for group in nested for child in group)


def test_running_header_repeats_company_and_chapter(pdfs):
    reader = PdfReader(io.BytesIO(pdfs["ru"].data))
    page = reader.pages[6].extract_text()
    assert "ООО «НордТермМаш»" in page


def test_orgchart_page_is_landscape_and_shows_both_structures(pdfs):
    reader = PdfReader(io.BytesIO(pdfs["en"].data))
    for page in reader.pages:
        text = " ".join(page.extract_text().split())
        if "Organisation chart" in text and "TODAY" in text.upper() and "PROPOSED" in text.upper():
            assert page.mediabox.width > page.mediabox.height
            assert "service under SLA" in text
            break
    else:
        pytest.fail("no org chart page with today's and the proposed structure")


@pytest.mark.parametrize(("lang", "summary", "next_chapter"), [("ru", "Резюме", "Численность"),
                                                              ("en", "Summary", "Headcount")])
def test_the_summary_is_one_page(pdfs, lang, summary, next_chapter):
    reader = PdfReader(io.BytesIO(pdfs[lang].data))
    pages = [page.extract_text() for page in reader.pages[:5]]
    summary_pages = [n for n, text in enumerate(pages) if summary in text.splitlines()[:3]]
    assert len(summary_pages) == 1, summary_pages  # its running header is on one page only
    assert next_chapter in pages[summary_pages[0] + 1]
