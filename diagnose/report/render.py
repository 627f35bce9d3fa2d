"""Diagnosis -> PDF, HTML, JSON or DOCX (`report_bytes`), written atomically (`write_output`).

`diagnose.method.render` calls `report_bytes` with the method's brand and templates.
`diagnosis_for` and `write_report` run the whole pipeline with a method of the bundled
files (tests, the benchmark and `diagnose demo`); WeasyPrint is imported only when a PDF
is made.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from diagnose.answers import AnswerSet
from diagnose.diagnosis import Diagnosis, to_json
from diagnose.errors import Location, Problem, UserError
from diagnose.jsontext import dumps_indented
from diagnose.locale import DEFAULT_LANGUAGE
from diagnose.method import Method, diagnose, load_method, read_answers, write
from diagnose.outputs import atomic_write_bytes
from diagnose.report import AUDIENCES, DEFAULT_AUDIENCE, FORMATS
from diagnose.report.brand import Brand, load_brand
from diagnose.report.context import ReportContext, build_context
from diagnose.report.html import render_html, stylesheets, template_folders
from diagnose.report.inline import data_uri, inline_urls
from diagnose.report.texts import LANGUAGES, load_texts

if TYPE_CHECKING:
    from diagnose.report.pdf import KeptStylesheets, ReportFetcher



@dataclass
class Rendered:
    """A finished report and what was needed to make it (tests inspect `fetcher`)."""

    data: bytes
    fmt: str
    context: ReportContext | None = None
    html: str = ""
    fetcher: ReportFetcher | None = None
    timings: dict[str, float] = field(default_factory=dict)


def diagnosis_for(answers: str | Path | AnswerSet, method: Method | None = None) -> Diagnosis:
    """Load an answer file (unless given loaded) and diagnose it with `method` (default:
    the bundled questionnaire and rulebook)."""
    method = method or load_method()
    answer_set = answers if isinstance(answers, AnswerSet) else read_answers(method, answers)
    return diagnose(method, answer_set)


def _lang(diagnosis: Diagnosis, lang: str | None) -> str:
    chosen = lang or str(diagnosis.company.get("language") or DEFAULT_LANGUAGE)
    if chosen not in LANGUAGES:
        raise UserError(Problem(Location("--lang"), f"'{chosen}' is not a report language; expected one of: {', '.join(LANGUAGES)}"))
    return chosen


def build_html(diagnosis: Diagnosis, lang: str | None = None, brand: Brand | None = None,
               templates: str | Path | None = None, inline_css: bool = True,
               audience: str | None = None) -> tuple[str, ReportContext, list[Path], Brand]:
    """The report's HTML and the context it came from, for `audience` (report.AUDIENCES;
    None: the client). With `inline_css` it is the self-contained HTML report:
    stylesheet, fonts and logo inline (`report.inline`); without, the HTML a PDF is made
    from, which names the files the fetcher serves."""
    folders = template_folders(templates)
    brand = brand or load_brand(None)
    texts = load_texts(folders)
    lang = _lang(diagnosis, lang)
    audience = audience or DEFAULT_AUDIENCE
    if audience not in AUDIENCES:
        raise UserError(Problem(Location("--audience"), f"'{audience}' is not a report audience; expected one of: {', '.join(AUDIENCES)}"))
    logo_url = None
    if brand.logo:
        logo_url = data_uri(brand.logo) if inline_css else brand.logo.as_uri()
    context = build_context(diagnosis, brand, lang, texts, logo_url, audience)
    css_file, extra_css = stylesheets(context, folders, brand.css())
    css = inline_urls(css_file.read_text(encoding="utf-8") + "\n" + extra_css, folders) if inline_css else None
    return render_html(context, folders, css), context, folders, brand


def report_bytes(diagnosis: Diagnosis, fmt: str = "pdf", lang: str | None = None, brand: Brand | None = None,
                 templates: str | Path | None = None, kept: KeptStylesheets | None = None,
                 pdf_variant: str | None = None, audience: str | None = None) -> Rendered:
    """Render one diagnosis in one format (a PDF with the stylesheets parsed in `kept`,
    plain or of a `PDF_VARIANTS` variant) for `audience` (JSON is the same for both)."""
    if fmt not in FORMATS:
        raise UserError(Problem(Location("--format"), f"'{fmt}' is not a report format; expected one of: {', '.join(FORMATS)}"))
    if fmt == "json":
        # json.dumps(..., ensure_ascii=False, indent=2, default=str, allow_nan=False), faster
        text = dumps_indented(to_json(diagnosis)) + "\n"
        return Rendered(text.encode("utf-8"), fmt)
    html, context, folders, brand = build_html(diagnosis, lang, brand, templates, inline_css=fmt == "html",
                                               audience=audience)
    if fmt == "html":
        return Rendered(html.encode("utf-8"), fmt, context, html)
    if fmt == "docx":  # the same HTML as the PDF's, written as Word paragraphs, tables and pictures
        from diagnose.report.word import html_to_docx

        css_file, _ = stylesheets(context, folders, brand.css())
        return Rendered(html_to_docx(html, context, folders, css_file, brand.logo), fmt, context, html)
    from diagnose.report.pdf import ReportFetcher, html_to_pdf

    css_file, extra_css = stylesheets(context, folders, brand.css())
    fetcher = ReportFetcher(folders, [brand.logo] if brand.logo else [])
    data = html_to_pdf(html, folders[-1].as_uri() + "/", css_file, extra_css, fetcher, kept, pdf_variant)
    return Rendered(data, fmt, context, html, fetcher)


def write_output(data: bytes, output: str | Path) -> None:
    """Write to a file atomically, or to stdout for '-'."""
    if str(output) == "-":
        try:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:  # e.g. stdout redirected to a full disk
            raise UserError(Problem(Location("standard output"), f"cannot write: {exc.strerror or exc}")) from None
        return
    atomic_write_bytes(output, data)


def write_report(
    answers: str | Path | AnswerSet | Diagnosis,
    output: str | Path,
    fmt: str = "pdf",
    lang: str | None = None,
    method: Method | None = None,
) -> Rendered:
    """Answers (file, AnswerSet or ready Diagnosis) -> `output`, made with `method`
    (default: the bundled files)."""
    method = method or load_method()
    diagnosis = answers if isinstance(answers, Diagnosis) else diagnosis_for(answers, method)
    return write(method, diagnosis, output, fmt, lang)


def default_output(answers: str | Path, fmt: str) -> Path:
    """answers.yaml -> answers.pdf beside it (used when -o is not given)."""
    return Path(answers).with_suffix("." + fmt)


def describe(rendered: Rendered) -> dict[str, Any]:
    return {"format": rendered.fmt, "bytes": len(rendered.data)}


DEMO_ANSWERS = "engineering-equipment.yaml"


def write_demo(output_dir: str | Path, lang: str | None = None) -> Path:
    """The bundled demo company's PDF report in `output_dir` (created if missing)."""
    from diagnose.resources import examples_dir

    folder = Path(output_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(Problem(Location(str(folder)), f"cannot create the folder: {exc.strerror}")) from None
    answers = examples_dir() / DEMO_ANSWERS
    suffix = f"-{lang}" if lang else ""
    target = folder / f"{Path(DEMO_ANSWERS).stem}-report{suffix}.pdf"
    write_report(answers, target, "pdf", lang)
    return target.resolve()
