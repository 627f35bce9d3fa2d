"""The report's drawings as PNG pictures, for a document format that cannot hold SVG (DOCX).

The charts and the org chart are SVG whose boxes are sized from PT Sans metrics
(`measure.py`), so they must be drawn with the report's own fonts. WeasyPrint already
draws them for the PDF: here it draws all of one report's drawings into one small PDF,
one page each (the same fonts, the same closed fetcher), and pypdfium2 rasterises the
pages. One WeasyPrint run per report, however many drawings; no second SVG renderer whose
text would differ from the PDF's.

A page is sized to its drawing; the picture is then cropped to what was drawn, so a
logo of unknown width (an `<img>` at the cover's height) comes out tight too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

DPI = 200  # print quality for A4 at the drawings' sizes; a chart's PNG stays under ~150 kB
_SIZE = re.compile(r'<svg\b[^>]*?\bwidth="([\d.]+)"[^>]*?\bheight="([\d.]+)"', re.S)
_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}", re.S)
LOGO_HEIGHT_MM = 12.0  # the cover's logo height (report.css `.cover-brand .logo`)
_FALLBACK_SIZE = (760.0, 400.0)  # points, for an SVG without width and height attributes


@dataclass(frozen=True)
class Picture:
    """A drawing as PNG, with its size in points: one unit of our SVGs prints as one point
    (`charts.WIDTH`, `context.CHART_WIDTH`)."""

    png: bytes
    width_pt: float
    height_pt: float


def svg_size(svg: str) -> tuple[float, float]:
    """The width and height (points) an SVG of ours declares on its root element."""
    found = _SIZE.search(svg)
    return (float(found[1]), float(found[2])) if found else _FALLBACK_SIZE


def font_faces(stylesheet: Path) -> str:
    """The @font-face rules of the report's stylesheet: the drawings use its fonts."""
    return "\n".join(_FONT_FACE.findall(stylesheet.read_text(encoding="utf-8")))


def rasterise(svgs: list[str], logo: Path | None, folders: list[Path], stylesheet: Path) -> tuple[list[Picture], Picture | None]:
    """Each SVG (markup made by `charts`/`orgchart`) and the brand's SVG logo as PNG."""
    if not svgs and logo is None:
        return [], None
    import pypdfium2
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from diagnose.report.pdf import ReportFetcher

    pages, css = [], [font_faces(stylesheet), "body { margin: 0; } svg { display: block; }"]
    sizes = [svg_size(svg) for svg in svgs]
    for index, (svg, (width, height)) in enumerate(zip(svgs, sizes, strict=True)):
        css.append(f"@page p{index} {{ size: {width:.2f}pt {height:.2f}pt; margin: 0; }}"
                   f" .p{index} {{ page: p{index}; break-before: page; }}"
                   f" .p{index} svg {{ width: {width:.2f}pt; height: {height:.2f}pt; }}")
        pages.append(f'<div class="p{index}">{svg}</div>')
    if logo is not None:
        # wide enough for any sensible logo at the cover's height; cropped below
        css.append(f"@page logo {{ size: 200mm {LOGO_HEIGHT_MM}mm; margin: 0; }} .logo {{ page: logo; break-before: page; }}"
                   f" .logo img {{ height: {LOGO_HEIGHT_MM}mm; width: auto; display: block; }}")
        pages.append(f'<div class="logo"><img src="{logo.resolve().as_uri()}" alt=""></div>')
    fetcher = ReportFetcher(folders, [logo] if logo else [])
    fonts = FontConfiguration()
    base_url = folders[-1].as_uri() + "/"
    sheet = CSS(string="\n".join(css), base_url=base_url, url_fetcher=fetcher, font_config=fonts)
    html = '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>' + "".join(pages) + "</body></html>"
    data = HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(stylesheets=[sheet], font_config=fonts)
    document = pypdfium2.PdfDocument(data)
    try:
        images = [_png(document[index]) for index in range(len(document))]
    finally:
        document.close()
    pictures = [Picture(png, width, height) for png, (width, height) in zip(images, sizes, strict=False)]
    logo_picture = None
    if logo is not None and len(images) > len(svgs):
        png, px_width, px_height = _cropped(images[len(svgs)])
        scale = 72 / DPI  # rendered pixels -> points
        logo_picture = Picture(png, px_width * scale, px_height * scale)
    return pictures, logo_picture


def _png(page: object) -> bytes:
    """One page rendered at `DPI` on white, as PNG bytes (drawings are cropped later only for logos)."""
    import io

    bitmap = page.render(scale=DPI / 72)  # type: ignore[attr-defined]
    image = bitmap.to_pil()
    out = io.BytesIO()
    image.save(out, format="PNG")  # optimize=True would halve the time's worth for ~10% smaller files
    return out.getvalue()


def _cropped(png: bytes) -> tuple[bytes, int, int]:
    """A picture cut to what was drawn on its white page (a logo's own width)."""
    import io

    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(png)) as image:
        rgb = image.convert("RGB")
        box = ImageOps.invert(rgb.convert("L")).getbbox() or (0, 0, *rgb.size)
        cut = rgb.crop(box)
        out = io.BytesIO()
        cut.save(out, format="PNG", optimize=True)
        return out.getvalue(), cut.width, cut.height
