"""Opening a brand's logo before anything renders it: a damaged file, a picture of
millions of pixels or an SVG that draws itself a billion times is refused, with its
line in the brand file, instead of being left out of the PDF without a word, taking a
gigabyte to decode or keeping WeasyPrint busy for ever.

PNG and JPEG files are decoded once with Pillow (the library WeasyPrint decodes them
with) after their size is read from the header; SVG files are parsed with the standard
library's expat (no DOCTYPE, so no entities) and the shapes they draw are counted with
every `<use>` and `url(#...)` reference written out.
"""

from __future__ import annotations

import re
import warnings
import xml.etree.ElementTree as ElementTree
from pathlib import Path

MAX_SIDE = 8_000  # pixels on either side of a PNG or JPEG logo
MAX_PIXELS = 16_000_000  # pixels in all (64 MB decoded); a logo on a page needs far fewer
MAX_SHAPES = 10_000  # SVG elements drawn, every reference written out
MAX_SVG_DEPTH = 100  # nesting of SVG elements (and of references)
_REFERENCE = re.compile(r"url\(\s*['\"]?#([^'\")\s]+)")
_HREFS = ("href", "{http://www.w3.org/1999/xlink}href")


def raster_problem(path: Path, kind: str) -> str | None:
    """Why a PNG or JPEG file cannot be a logo (too large, damaged), or None."""
    from PIL import Image

    with warnings.catch_warnings():
        # Pillow warns on stderr about images of over 89 million pixels; measured here instead
        warnings.simplefilter("ignore")
        try:
            with Image.open(path, formats=[kind]) as image:
                width, height = image.size
                if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
                    return (f"is {width} x {height} pixels; expected at most {MAX_SIDE:,} on a side and "
                            f"{MAX_PIXELS:,} in all (scale the logo down)")
                image.load()  # decodes every pixel: a damaged or truncated file fails here
        except Image.DecompressionBombError:
            return f"has more than {Image.MAX_IMAGE_PIXELS * 2:,} pixels; expected at most {MAX_PIXELS:,} (scale the logo down)"
        except (OSError, SyntaxError, ValueError, EOFError):
            return f"is damaged or cut short; expected a {kind} image that opens (re-export the logo)"
    return None


def svg_problem(path: Path) -> str | None:
    """Why an SVG file cannot be a logo (not well-formed, entities, too much drawing), or None."""
    data = path.read_bytes()
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        return "declares a DOCTYPE or entities; expected a plain SVG file (re-export the logo)"
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        return f"is not well-formed SVG ({_reason(exc)}); expected an SVG image that opens (re-export the logo)"
    if root.tag not in ("svg", "{http://www.w3.org/2000/svg}svg"):
        return "does not hold SVG data; expected a real SVG image (re-export the logo)"
    return _Drawing(root).problem()


class _Drawing:
    """Counts the elements an SVG draws, each reference counted as what it draws."""

    def __init__(self, root: ElementTree.Element):
        self.root = root
        self.by_id = {element.get("id"): element for element in root.iter() if element.get("id")}
        self.sizes: dict[int, int] = {}
        self.open: set[int] = set()

    def problem(self) -> str | None:
        try:
            shapes = self.size(self.root, 0)
        except _TooMuch as exc:
            return str(exc)
        if shapes > MAX_SHAPES:
            return _too_many()
        return None

    def size(self, element: ElementTree.Element, depth: int) -> int:
        key = id(element)
        if key in self.sizes:
            return self.sizes[key]
        if key in self.open:
            raise _TooMuch(f"refers to itself (element '{element.get('id')}'); expected a logo that draws once")
        if depth > MAX_SVG_DEPTH:
            raise _TooMuch(f"nests more than {MAX_SVG_DEPTH} levels deep; expected a simple logo (re-export it)")
        self.open.add(key)
        total = 1
        for target in self.references(element):
            total += self.size(target, depth + 1)
        for child in element:
            total += self.size(child, depth + 1)
            if total > MAX_SHAPES:
                raise _TooMuch(_too_many())
        self.open.discard(key)
        self.sizes[key] = total
        if total > MAX_SHAPES:
            raise _TooMuch(_too_many())
        return total

    def references(self, element: ElementTree.Element) -> list[ElementTree.Element]:
        names = [value[1:] for name in _HREFS if (value := element.get(name) or "").startswith("#")]
        for value in element.attrib.values():
            names += _REFERENCE.findall(value)
        return [self.by_id[name] for name in names if name in self.by_id]


class _TooMuch(Exception):
    pass


def _too_many() -> str:
    return (f"draws more than {MAX_SHAPES:,} shapes once its <use> and url(#...) references are written out; "
            "expected a simple logo (re-export it)")


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 60 else text[:57] + "..."
