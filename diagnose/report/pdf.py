"""HTML -> PDF with WeasyPrint: the only module of the package that imports it.

WeasyPrint's default fetcher reads any URL it is shown, `file://` included, so a crafted
answer could pull a local file into the PDF. `ReportFetcher` serves only files inside the
template folders (user folder first, bundled last) and the brand's logo, and refuses
everything else: other paths, http(s), data: URLs. One FontConfiguration is shared by the
stylesheets and `write_pdf`, which WeasyPrint needs for @font-face fonts to be embedded.
Title, author and language metadata come from the HTML (<title>, <meta name=author>,
<html lang>); the PDF outline comes from the headings' `bookmark-level`. A PDF/UA-1 or
PDF/A-3b variant (`--pdf-variant`) is the same rendering, tagged, with that metadata in
its XMP packet.

A long-lived process (a batch worker) hands `html_to_pdf` a `KeptStylesheets` it owns:
parsed stylesheets and their FontConfiguration are then kept between reports, so
selectors are compiled and the @font-face fonts loaded once per process instead of once
per report. A one-shot command makes one report and keeps nothing.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse


class ReportFetcher(URLFetcher):
    """Serves bundled/brand files only; every URL asked for is recorded in `requests`."""

    def __init__(self, folders: list[Path], files: list[Path] = ()) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.folders = [f.resolve() for f in folders]
        self.files = {f.resolve() for f in files}
        self.requests: list[str] = []
        self.refused: list[str] = []

    def resolve(self, url: str) -> Path | None:
        """The file a URL may be served from, or None when it is not ours to serve."""
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return None
        path = Path(unquote(parts.path)).resolve()
        if path in self.files and path.is_file():
            return path
        for folder in self.folders:
            if path.is_relative_to(folder):
                relative = path.relative_to(folder)
                # a relative URL in a stylesheet is looked up user folder first, bundled last
                for root in self.folders:
                    candidate = (root / relative).resolve()
                    if candidate.is_relative_to(root) and candidate.is_file():
                        return candidate
        return None

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        self.requests.append(url)
        path = self.resolve(url)
        if path is None:
            self.refused.append(url)
            raise ValueError(f"the report may not load {url!r}: only its own template and brand files")
        mime, _ = mimetypes.guess_type(path.name)
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime or "application/octet-stream"})


@dataclass(frozen=True)
class _StyleKey:
    """What parsed stylesheets depend on: the file (and its version), the generated CSS,
    and what the fetcher that loaded their fonts was allowed to serve."""

    stylesheet: str
    version: tuple[int, int]
    extra_css: str
    base_url: str
    folders: tuple[Path, ...]
    files: frozenset[Path]


KEPT_AT_MOST = 8  # languages x brands x template folders met by one process


class KeptStylesheets:
    """Parsed stylesheets and their fonts, kept between the reports of one long-lived
    process by the object that owns this (a batch worker); the oldest go first."""

    def __init__(self) -> None:
        self.parsed: dict[_StyleKey, tuple[FontConfiguration, list[CSS]]] = {}

    def get(self, stylesheet: Path, extra_css: str, base_url: str,
            fetcher: ReportFetcher) -> tuple[FontConfiguration, list[CSS]]:
        stat = stylesheet.stat()
        key = _StyleKey(str(stylesheet.resolve()), (stat.st_mtime_ns, stat.st_size), extra_css, base_url,
                        tuple(fetcher.folders), frozenset(fetcher.files))
        if key not in self.parsed:
            if len(self.parsed) >= KEPT_AT_MOST:
                del self.parsed[next(iter(self.parsed))]  # the oldest
            # fonts were fetched through `fetcher`; a later report's fetcher serves the same
            # folders and files (they are in the key), so nothing it could not load is reused
            self.parsed[key] = _parse(stylesheet, extra_css, base_url, fetcher)
        return self.parsed[key]


def _parse(stylesheet: Path, extra_css: str, base_url: str, fetcher: ReportFetcher) -> tuple[FontConfiguration, list[CSS]]:
    fonts = FontConfiguration()
    sheets = [
        CSS(filename=str(stylesheet), url_fetcher=fetcher, font_config=fonts),
        CSS(string=extra_css, base_url=base_url, url_fetcher=fetcher, font_config=fonts),
    ]
    return fonts, sheets


def html_to_pdf(html: str, base_url: str, stylesheet: Path, extra_css: str, fetcher: ReportFetcher,
                kept: KeptStylesheets | None = None, variant: str | None = None) -> bytes:
    """Render the report's HTML with its stylesheet (a file, never autoescaped) and the
    generated brand/page CSS; parsed ones from `kept` when given. `variant` (one of
    `report.PDF_VARIANTS`) makes a tagged PDF/UA or PDF/A file; None a plain PDF."""
    if kept is None:
        fonts, sheets = _parse(stylesheet, extra_css, base_url, fetcher)
    else:
        fonts, sheets = kept.get(stylesheet, extra_css, base_url, fetcher)
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=sheets, font_config=fonts, **variant_options(variant))


def variant_options(variant: str | None) -> dict[str, object]:
    """WeasyPrint's options for a PDF variant. Both are tagged (PDF/UA needs it; a tagged
    PDF/A-3b reads aloud as well); the language and title come from the HTML. The file
    identifier of PDF/A is WeasyPrint's own (`pdf_identifier` is set by the variant)."""
    if variant is None:
        return {}
    return {"pdf_variant": variant, "pdf_tags": True}
