"""What makes an HTML report one file you can send: its images and fonts as data: URIs.

A PDF reads the logo and the fonts through `pdf.ReportFetcher` while it renders; an HTML
file is opened later, somewhere else, where neither the installed package nor the brand's
folder exists. So the HTML report carries them inline: the logo as a data: URI, and every
relative `url(...)` of the stylesheet (the @font-face fonts) replaced by its file's bytes.

The files read are the ones the fetcher would serve, found the same way: a stylesheet's
relative URL in the template folders (user folder first, bundled last, never through a
symbolic link out of a folder: `html.folder_file`), the logo from the checked brand. A URL
that names anything else (an absolute path, `..`, `file:`, `http:`) is not read: it becomes
`none`, which drops the rule as the fetcher's refusal drops it from a PDF.
"""

from __future__ import annotations

import base64
import functools
import mimetypes
import re
from pathlib import Path, PurePosixPath

from diagnose.report.html import folder_file

# url(fonts/a.ttf), url("fonts/a.ttf"), url('fonts/a.ttf')
_CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')\s]+)\1\s*\)""")
_MIME = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2", ".svg": "image/svg+xml"}


def data_uri(path: Path) -> str:
    """The file as a base64 data: URI (kept per file version: a batch inlines the same
    fonts into every HTML report)."""
    stat = path.stat()
    return _encoded(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=32)
def _encoded(path: str, _mtime: int, _size: int) -> str:
    suffix = Path(path).suffix.lower()
    mime = _MIME.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(Path(path).read_bytes()).decode('ascii')}"


def inline_urls(css: str, folders: list[Path]) -> str:
    """`css` with every `url(...)` that is not already data: made a data: URI of the
    template file it names, or `none` when it names no template file."""

    def replace(match: re.Match[str]) -> str:
        url = match.group(2)
        if url.startswith("data:"):
            return match.group(0)
        path = _template_file(url, folders)
        return f'url("{data_uri(path)}")' if path is not None else "none"

    return _CSS_URL.sub(replace, css)


def _template_file(url: str, folders: list[Path]) -> Path | None:
    """The template file a relative URL names, user folder first; None for anything else."""
    relative = PurePosixPath(url)
    if ":" in url or relative.is_absolute() or ".." in relative.parts or url.startswith(("//", "\\")):
        return None
    for folder in folders:
        path = folder_file(folder, str(relative))
        if path is not None:
            return path
    return None
