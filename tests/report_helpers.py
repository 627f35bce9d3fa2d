"""Shared helpers for the report tests: PDF text, fonts, WeasyPrint warnings, rendering."""

from __future__ import annotations

import contextlib
import io
import logging
import re
from collections.abc import Iterator

from pypdf import PdfReader

# Hyphenation breaks words with U+2010 / soft hyphen / "-" + newline; undo it before asserting.
_HYPHEN_BREAK = re.compile(r"[\u2010\u00ad-]\s*\n\s*")


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    text = _HYPHEN_BREAK.sub("", text).replace("\u00ad", "").replace("\u2010", "-")
    return re.sub(r"\s+", " ", text)


def pdf_fonts(data: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(data))
    names = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            names.add(str(font.get("/BaseFont")).split("+")[-1])
    return names


def page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextlib.contextmanager
def no_weasyprint_warnings() -> Iterator[list[logging.LogRecord]]:
    """Route the `weasyprint` logger into the test; fail if it warned (dropped CSS, fonts...)."""
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)
    messages = [record.getMessage() for record in handler.records]
    assert not messages, f"WeasyPrint warned: {messages}"
