"""Brand files: the consultancy's name, logo and colours for the report.

A brand file is YAML with `kind: brand` (report_templates/brand.yaml is the bundled
one). It is checked like every other input: every problem located, all reported in one
pass. Colours must be hex codes because they are written into CSS and SVG; the logo must
be a PNG, JPEG or SVG file next to (or below) the brand file and is the only file outside
the template folders that the PDF renderer may read; it is opened here first
(`report/logo.py`), so a damaged or oversized image is refused before anything renders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from diagnose.errors import ProblemList
from diagnose.report.logo import raster_problem, svg_problem
from diagnose.schema import Checker, describe
from diagnose.yamlio import MAX_SHORT_TEXT, Document, layout_problem, load_document

BRAND_KEYS = ("kind", "name", "logo", "colors")
COLOR_KEYS = ("primary", "accent", "muted")
LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}
MAX_LOGO_BYTES = 2 * 1024 * 1024
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
DEFAULT_COLORS = {"primary": "#1f3a5f", "accent": "#c8553d", "muted": "#8a94a6"}


@dataclass
class Brand:
    """What the report takes from a brand file; `logo` is an absolute path or None."""

    name: str | None = None
    logo: Path | None = None
    colors: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_COLORS))
    path: str = ""

    def css(self) -> str:
        """CSS custom properties for the stylesheet (values are validated hex codes)."""
        lines = [f"  --{key}: {value};" for key, value in self.colors.items()]
        return ":root {\n" + "\n".join(lines) + "\n}\n"


def brand_from_document(document: Document, problems: ProblemList) -> Brand | None:
    """Check a brand document, adding located problems; return the Brand when usable."""
    check = Checker(document, problems)
    data = document.data
    before = len(problems.items)
    check.keys(data, "", BRAND_KEYS, ("kind",))
    if data.get("kind") not in (None, "brand"):
        check.error(data, "kind", "kind", f"expected 'brand', got {describe(data.get('kind'))}")
    name = check.string(data, "name", "name")
    if name is not None and len(name) > MAX_SHORT_TEXT:
        check.error(data, "name", "name", f"text has {len(name)} characters, more than the {MAX_SHORT_TEXT} allowed")
    elif name is not None and layout_problem(name):
        check.error(data, "name", "name", str(layout_problem(name)))
    logo = _logo(check, data, Path(document.path).resolve().parent)
    colors = dict(DEFAULT_COLORS)
    raw_colors = check.mapping(data, "colors", "colors", required=False)
    if raw_colors is not None:
        check.keys(raw_colors, "colors", COLOR_KEYS)
        for key in COLOR_KEYS:
            if key not in raw_colors:
                continue
            value = raw_colors[key]
            if not isinstance(value, str) or not _HEX.match(value):
                check.error(raw_colors, key, f"colors.{key}",
                            f"{describe(value)} is not a colour; expected a hex code such as '#1f3a5f'")
            else:
                colors[key] = value.lower()
    if len(problems.items) > before:
        return None
    return Brand(name.strip() if name and name.strip() else None, logo, colors, document.path)


def _logo(check: Checker, data: Any, folder: Path) -> Path | None:
    raw = check.string(data, "logo", "logo")
    if raw is None:
        return None
    if "://" in raw or raw.startswith("data:"):
        check.error(data, "logo", "logo", f"{describe(raw)} is a URL; expected a file path relative to the brand file")
        return None
    path = (folder / raw).resolve()
    if not path.is_relative_to(folder):
        # the logo is the one file outside the templates the renderer may read: keep it
        # beside the brand file, so a brand file cannot pull in /etc/... or ../../secret.png
        check.error(data, "logo", "logo", f"{describe(raw)} is outside the brand file's folder ({folder}); "
                    "expected a file next to the brand file or below it")
        return None
    if path.suffix.lower() not in LOGO_TYPES:
        check.error(data, "logo", "logo",
                    f"{describe(raw)} is not a PNG, JPEG or SVG file; expected one of: {', '.join(LOGO_TYPES)}")
        return None
    if not path.is_file():
        check.error(data, "logo", "logo", f"file {describe(raw)} not found (looked in {folder})")
        return None
    if path.stat().st_size > MAX_LOGO_BYTES:
        check.error(data, "logo", "logo", f"{describe(raw)} is larger than 2 MB; expected a small logo file")
        return None
    kind = LOGO_TYPES[path.suffix.lower()].split("/")[1].split("+")[0].upper()
    if not _looks_like(path):
        check.error(data, "logo", "logo", f"{describe(raw)} does not hold {kind} data; expected a real "
                    f"{kind} image (re-export the logo)")
        return None
    problem = svg_problem(path) if kind == "SVG" else raster_problem(path, kind)
    if problem:
        check.error(data, "logo", "logo", f"{describe(raw)} {problem}")
        return None
    return path


def _looks_like(path: Path) -> bool:
    """The file starts the way its suffix promises (a renamed or damaged file would be
    left out of the PDF without a word)."""
    head = path.read_bytes()[:512]
    suffix = path.suffix.lower()
    if suffix == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if suffix in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    text = head.lstrip(b"\xef\xbb\xbf").lstrip().lower()
    return text.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg"))


def load_brand(path: str | Path | None) -> Brand:
    """The brand from a file, or the bundled default; raises UserError on problems."""
    if path is None:
        from diagnose.resources import templates_dir

        path = templates_dir() / "brand.yaml"
    document = load_document(path)
    problems = ProblemList()
    brand = brand_from_document(document, problems)
    problems.raise_if_any()
    assert brand is not None
    return brand
