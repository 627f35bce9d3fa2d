"""Injection: markup, CSS and URLs in every free-text field are text, and nothing is fetched.

Every meta field of an answer file (company, industry, respondent, consultant,
consultancy), every free-text answer and the brand file's name carry a different payload:
HTML elements that would load a file or a URL (<img>, <link>, <object>, <iframe>, SVG
<image>), a <style> with @import and url(...), bare `url(file://...)`, `http://` URLs, and
an attribute break-out. The report must show each payload as the very text typed (in
the HTML escaped, in the PDF's extracted text and metadata verbatim) and WeasyPrint's
fetcher must be asked only for bundled files and the brand's own logo.

The bundled questionnaire has no free-text question, so the test adds two to a copy of
it (the rulebook reads the same names and does not mind).
"""

from __future__ import annotations

import contextlib
import io
import re
import socket
from pathlib import Path

import pytest
from markupsafe import escape
from pypdf import PdfReader
from report_helpers import no_weasyprint_warnings, pdf_text
from ruamel.yaml import YAML

from diagnose.answers import load_answers
from diagnose.questionnaire import load_questionnaire
from diagnose.report.brand import load_brand
from diagnose.report.render import diagnosis_for, report_bytes
from diagnose.resources import examples_dir, questionnaire_path, templates_dir

PAYLOADS = {
    "company": 'Acme <img src="file:///etc/hostname"> Ltd',
    "industry": '<link rel="stylesheet" href="http://127.0.0.1:9/evil.css">Wholesale',
    "respondent": "<style>@import url(http://127.0.0.1:9/a.css); body { background: url(file:///etc/passwd) }</style>Ann",
    "consultant": 'Bob" onload="alert(1)" data-x="',
    "consultancy": "url(file:///etc/passwd) & <object data=\"file:///etc/passwd\"></object>",
    "notes": '<iframe src="file:///etc/shadow"></iframe> see http://127.0.0.1:9/notes',
    "client_quote": "<svg><image href=\"http://127.0.0.1:9/i.png\"/></svg> 'quoted' <b>bold</b>",
    "brand": '<img src="http://127.0.0.1:9/logo.png"> Partners',
}
META = ("company", "industry", "respondent", "consultant", "consultancy")
TEXT_QUESTIONS = ("notes", "client_quote")
# the payloads' own markup, which must never appear unescaped (the template has its own <img> for the logo)
RAW_MARKUP = ('<img src="file:///etc/hostname"', '<img src="http://127.0.0.1', '<link rel="stylesheet" href="http',
              "<style>@import", "<object", "<iframe", "<svg><image", '" onload=', "<b>bold")


def _with_text_questions(folder: Path) -> Path:
    """A copy of the bundled questionnaire with a section of two free-text questions."""
    yaml = YAML(typ="rt")
    data = yaml.load(questionnaire_path().read_text(encoding="utf-8"))
    questions = [
        {"id": qid, "type": "text", "required": False,
         "text": {"ru": f"Комментарий ({qid})", "en": f"Comment ({qid})"}}
        for qid in TEXT_QUESTIONS
    ]
    data["sections"].append({"id": "free_text", "title": {"ru": "Комментарии", "en": "Comments"},
                             "questions": questions})
    path = folder / "sales-structure.yaml"
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(data, handle)
    return path


def _answers(folder: Path, lang: str) -> Path:
    yaml = YAML(typ="rt")
    data = yaml.load((examples_dir() / "engineering-equipment.yaml").read_text(encoding="utf-8"))
    for key in META:
        data["meta"][key] = PAYLOADS[key]
    data["meta"]["language"] = lang
    for key in TEXT_QUESTIONS:
        data["answers"][key] = PAYLOADS[key]
    path = folder / f"answers-{lang}.yaml"
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(data, handle)
    return path


def _brand(folder: Path) -> Path:
    """A client-supplied brand: a payload as its name, an SVG logo that points elsewhere."""
    (folder / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="10">'
        '<image href="file:///etc/passwd" width="5" height="5"/>'
        '<image xlink:href="http://127.0.0.1:9/x.png" width="5" height="5"/></svg>\n', encoding="utf-8")
    path = folder / "brand.yaml"
    path.write_text("kind: brand\nname: '" + PAYLOADS["brand"].replace("'", "''") + "'\nlogo: logo.svg\n",
                    encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory):
    """The report in English (bundled brand) and in Russian (the client's brand file), as
    PDF and HTML, with every socket connection attempt recorded."""
    folder = tmp_path_factory.mktemp("injection")
    questionnaire = load_questionnaire(_with_text_questions(folder))
    brand = load_brand(_brand(folder))
    connections: list[object] = []
    real_connect = socket.socket.connect

    def record(self: socket.socket, address: object) -> None:
        connections.append(address)
        raise OSError("no network in the injection test")

    socket.socket.connect = record  # type: ignore[method-assign]
    try:
        out = {}
        for lang, brand_used in (("en", None), ("ru", brand)):
            diagnosis = diagnosis_for(load_answers(_answers(folder, lang), questionnaire))
            # the client's logo asks for two refused URLs: WeasyPrint warns about those
            with contextlib.nullcontext() if brand_used else no_weasyprint_warnings():
                pdf = report_bytes(diagnosis, "pdf", lang, brand_used)
            html = report_bytes(diagnosis, "html", lang, brand_used)
            out[lang] = (pdf, html)
    finally:
        socket.socket.connect = real_connect  # type: ignore[method-assign]
    return out, connections, brand


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_payload_is_escaped_text_in_the_html(rendered, lang: str) -> None:
    pdf, html = rendered[0][lang]
    for source in (pdf.html, html.html):
        for key in (*META, *TEXT_QUESTIONS):
            if key == "consultancy" and lang == "ru":
                continue  # the brand's name stands in for the consultancy on the cover
            assert str(escape(PAYLOADS[key])) in source, key
        for markup in RAW_MARKUP:
            assert markup not in source, markup
    if lang == "ru":
        assert str(escape(PAYLOADS["brand"])) in html.html


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_payload_is_the_very_text_in_the_pdf(rendered, lang: str) -> None:
    pdf, _ = rendered[0][lang]
    text = _squeeze(pdf_text(pdf.data))
    keys = [*META, *TEXT_QUESTIONS] if lang == "en" else ["company", "industry", "respondent", "consultant",
                                                         *TEXT_QUESTIONS, "brand"]
    for key in keys:
        assert _squeeze(PAYLOADS[key]) in text, key
    metadata = PdfReader(io.BytesIO(pdf.data)).metadata
    assert metadata is not None
    assert PAYLOADS["company"] in str(metadata.title)
    assert PAYLOADS["consultant"] in str(metadata.author)


def test_nothing_but_bundled_files_and_the_brand_logo_is_fetched(rendered) -> None:
    outputs, connections, brand = rendered
    bundled = templates_dir().resolve().as_uri() + "/"
    for lang, (pdf, _) in outputs.items():
        fetcher = pdf.fetcher
        assert fetcher.requests, "the fetcher saw the fonts"
        served = [url for url in fetcher.requests if url not in fetcher.refused]
        logo = brand.logo.as_uri() if lang == "ru" and brand.logo else None
        assert all(url.startswith(bundled) or url == logo for url in served), served
        # the client's SVG logo asks for file:///etc/passwd and an http URL: refused, not read
        assert all(url in ("file:///etc/passwd", "http://127.0.0.1:9/x.png") for url in fetcher.refused), (
            lang, fetcher.refused)
        if logo:
            assert logo in served
            assert "file:///etc/passwd" in fetcher.refused
        assert not any("hostname" in url or "shadow" in url or "evil.css" in url for url in fetcher.requests)
    assert connections == []
