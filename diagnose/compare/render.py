"""A `Comparison` as terminal text, JSON, HTML, PDF or DOCX (bytes; the CLI writes them
through `diagnose.outputs`).

The page is `report_templates/compare.html`, laid out by the report's own stylesheet
(report.css) with `compare.css` after it and the brand's colours, name and logo; the
HTML has stylesheet, fonts and logo inline like the report's, and the PDF goes through
the report's WeasyPrint path (`report.pdf.html_to_pdf`, whose fetcher serves only
template and brand files); the DOCX is that same HTML written as a Word document by the
report's converter (`report.word.html_to_docx`).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from diagnose.compare import FORMATS
from diagnose.compare.model import Comparison
from diagnose.compare.text import comparison_text
from diagnose.compare.view import Section, view
from diagnose.compare.words import word
from diagnose.diagnosis import to_json
from diagnose.method import Method

TEMPLATE = "compare.html"
STYLESHEET = "compare.css"
JSON_KIND = "diagnose-comparison"
JSON_VERSION = "1.0"


@dataclass
class CompareContext:
    """The compare template's variables (rendered strict: a missing one is an error)."""

    lang: str
    title: str
    company: str
    audits: str
    notes: list[str]
    headline: str
    sections: list[Section]
    audience: str
    consultancy: str = ""
    author: str = ""
    logo_url: str | None = None
    inline_css: Any = None


def comparison_json(comparison: Comparison) -> str:
    """The comparison as documented JSON: the dataclasses' fields, and `kind`/`version`."""
    data = {"kind": JSON_KIND, "version": JSON_VERSION, **to_json(comparison)}  # type: ignore[arg-type]
    return json.dumps(data, ensure_ascii=False, indent=2, default=str, allow_nan=False) + "\n"


def _page_css(lang: str) -> str:
    from diagnose.report.html import css_string

    label = f'{css_string(word("page", lang))} " " counter(page) " " {css_string(word("of", lang))} " " counter(pages)'
    return ("@page { @bottom-right { content: " + label + '; font: 8pt "PT Sans"; color: var(--muted); '
            "vertical-align: top; padding-top: 3mm; } }\n")


def render_comparison(comparison: Comparison, fmt: str, lang: str, method: Method) -> bytes:
    """The comparison in `fmt` (FORMATS) and `lang`, in the method's brand and templates."""
    assert fmt in FORMATS, fmt  # the command's choice list is FORMATS
    if fmt == "text":
        return comparison_text(comparison, lang).encode("utf-8")
    if fmt == "json":
        return comparison_json(comparison).encode("utf-8")
    from markupsafe import Markup

    from diagnose.report.html import STYLESHEET as REPORT_STYLESHEET
    from diagnose.report.html import find_file, render_template
    from diagnose.report.inline import data_uri, inline_urls

    folders = method.template_folders
    brand = method.brand
    shown = view(comparison, lang)
    report_css = find_file(folders, REPORT_STYLESHEET)
    extra_css = (brand.css() + _page_css(lang) + find_file(folders, STYLESHEET).read_text(encoding="utf-8"))
    inline = fmt == "html"
    logo_url = (data_uri(brand.logo) if inline else brand.logo.as_uri()) if brand.logo else None
    context = CompareContext(shown.lang, shown.title, shown.company, shown.audits, shown.notes, shown.headline,
                             shown.sections, method.audience or "client", brand.name or "", brand.name or "", logo_url)
    if inline:
        css = report_css.read_text(encoding="utf-8") + "\n" + extra_css
        context.inline_css = Markup(inline_urls(css, folders))
    fields = {f.name: getattr(context, f.name) for f in dataclasses.fields(context)}
    html = render_template(folders, TEMPLATE, fields, "the CompareContext fields in diagnose/compare/render.py")
    if inline:
        return html.encode("utf-8")
    if fmt == "docx":
        from diagnose.report.word import DocumentInfo, html_to_docx

        info = DocumentInfo(shown.lang, shown.title, context.author, shown.title, shown.company, brand.colors)
        return html_to_docx(html, info, folders, report_css, brand.logo)
    from diagnose.report.pdf import ReportFetcher, html_to_pdf

    fetcher = ReportFetcher(folders, [brand.logo] if brand.logo else [])
    return html_to_pdf(html, folders[-1].as_uri() + "/", report_css, extra_css, fetcher, variant=method.pdf_variant)
