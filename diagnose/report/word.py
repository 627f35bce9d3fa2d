"""The report as an editable Word document (`--format docx`), made from the report's HTML.

The DOCX is not a second report: it is the HTML the PDF is made from (the same templates,
the same `ReportContext`, a `--templates` folder included), read element by element and
written with python-docx in Word's own terms, so every section, sentence and figure is
the PDF's and in its order:

- `h1`/`h2`/`h3` become the styles Heading 1/2/3 (Word's navigation pane and table of
  contents read them); the contents list becomes a Word TOC field, filled in with the
  chapter titles so it reads before Word updates it with page numbers;
- every `<table>` a Word table, its `<thead>` a repeated header row shaded in the brand's
  primary colour, its `<tfoot>` bold;
- lists the List Bullet / List Number styles; the cover the Title and Subtitle styles;
- the SVG charts and org charts pictures (`raster.py`), the landscape org-chart chapter a
  landscape section, a chapter that starts a page in the PDF a page break here.

The document's language, title, author (the PDF's: consultant and consultancy), subject
and dates are set, headings in the brand's colour. Nothing here computes a figure or
words a sentence: all text is the template's.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from diagnose.report.context import ReportContext
from diagnose.report.raster import Picture, rasterise

_SVG = re.compile(r"<svg\b.*?</svg>", re.S | re.I)
_SPACE = re.compile(r"[ \t\n\r\f]+")
# characters XML 1.0 cannot hold (a Word file is XML): dropped, never an exception
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_VOID = {"br", "img", "meta", "link", "hr", "input", "col", "source", "wbr"}
BODY_FONT, HEADING_FONT, CODE_FONT = "PT Sans", "PT Serif", "Courier New"  # report.css's families
A4 = (Mm(210), Mm(297))
MARGINS = {"portrait": (Mm(20), Mm(18)), "landscape": (Mm(16), Mm(15))}  # report.css @page: top/bottom, sides
# classes whose text the PDF sets on a line of its own, small and muted, inside a cell
_OWN_LINE = {"today", "now", "qid"}
_SMALL = {"note", "citation"}  # small and muted where they stand (after a <br> in a cell)
_MATRIX_OWN_LINE = {"rule-ref"}
_PARAGRAPH_STYLES = {  # a <p>'s class -> the paragraph style made for it in `_styles`
    "headline": "Headline", "board-headline": "Headline", "lead": "Lead", "board-lead": "Lead",
    "note": "Note", "citation": "Note", "hidden-count": "Note", "legend": "Note", "board-sizing": "Note",
    "conditions": "Note", "cover-confidential": "Note",
    "cover-kind": "Subtitle", "cover-title": "Title", "cover-company": "Subtitle", "contents-title": "Heading Plain",
}


_AFTER_UPDATE_FIELDS = (
    "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr",
    "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions", "w:readModeInkLockDown", "w:smartTagType",
    "sl:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator",
)


@dataclass
class Node:
    """An element of the report's HTML (or a text run: `tag` "" and `text`)."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)
    text: str = ""

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class _Tree(HTMLParser):
    """The report's HTML (ours, autoescaped) as a `Node` tree."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(Node("", text=data))


def parse(html: str) -> tuple[Node, list[str]]:
    """The HTML as a tree, each SVG drawing taken out (its markup kept, by number) and
    replaced by an `<x-svg n=…>` element, because HTMLParser lower-cases SVG attributes."""
    svgs: list[str] = []

    def take(match: re.Match[str]) -> str:
        svgs.append(match[0])
        return f'<x-svg n="{len(svgs) - 1}"></x-svg>'

    tree = _Tree()
    tree.feed(_SVG.sub(take, html))
    tree.close()
    return tree.root, svgs


def _find(node: Node, tag: str) -> Node | None:
    if node.tag == tag:
        return node
    for child in node.children:
        if (found := _find(child, tag)) is not None:
            return found
    return None


def _text(node: Node) -> str:
    return node.text if not node.tag else "".join(_text(c) for c in node.children)


def _hex(color: str) -> str:
    return color.lstrip("#").upper()


def _language_tag(lang: str) -> str:
    """'ru' -> 'ru-RU', 'en' -> 'en-US': the language with its likely territory (CLDR)."""
    from babel.core import get_global

    likely = get_global("likely_subtags").get(lang, lang)
    parts = likely.split("_")
    territory = next((p for p in parts[1:] if len(p) == 2 and p.isupper()), "")
    return f"{lang}-{territory}" if territory else lang


@dataclass(frozen=True)
class DocumentInfo:
    """What the document's frame shows besides the HTML: language, core properties, the
    running header and the brand's colours (a report and a comparison both give these)."""

    lang: str
    title: str
    author: str
    subject: str
    company: str
    colors: dict[str, str]

    @classmethod
    def of_report(cls, context: ReportContext) -> DocumentInfo:
        return cls(context.lang, context.title, context.author, context.t["report_title"], context.company.name,
                   context.brand.colors)


class _Writer:
    """Writes one document's tree into a python-docx Document."""

    def __init__(self, info: DocumentInfo, pictures: list[Picture], logo: Picture | None):
        self.info = info
        self.pictures = pictures
        self.logo = logo
        self.colors = info.colors
        self.doc: DocumentObject = Document()
        self.break_before = False  # the next paragraph starts a page (a chapter)
        self.fresh_page = False  # a section break has just started a page: no page break needed
        self.in_matrix = False
        self.styles: dict[str, object] = {}
        self._setup()

    # --- the document's frame -----------------------------------------------------------
    def _setup(self) -> None:
        section = self.doc.sections[0]
        self._orient(section, "portrait")
        self._styles()
        self._properties()
        self._page_frame(section)
        settings = self.doc.settings.element
        update = OxmlElement("w:updateFields")  # Word fills the contents' page numbers on opening
        update.set(qn("w:val"), "true")
        # WordprocessingML's settings are a sequence: updateFields comes before these
        settings.insert_element_before(update, *_AFTER_UPDATE_FIELDS)

    def _orient(self, section: object, orientation: str) -> None:
        width, height = A4
        vertical, side = MARGINS[orientation]
        section.orientation = WD_ORIENT.LANDSCAPE if orientation == "landscape" else WD_ORIENT.PORTRAIT  # type: ignore[attr-defined]
        section.page_width, section.page_height = (height, width) if orientation == "landscape" else (width, height)  # type: ignore[attr-defined]
        section.top_margin = section.bottom_margin = vertical  # type: ignore[attr-defined]
        section.left_margin = section.right_margin = side  # type: ignore[attr-defined]

    def _font(self, style: object, name: str, size: float | None = None, color: str | None = None,
              bold: bool | None = None, italic: bool | None = None) -> None:
        font = style.font  # type: ignore[attr-defined]
        font.name = name
        fonts = style.element.rPr.rFonts  # type: ignore[attr-defined]
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
            fonts.attrib.pop(qn(theme), None)  # a theme font would win over the name
        fonts.set(qn("w:cs"), name)
        if size is not None:
            font.size = Pt(size)
        if color is not None:
            font.color.rgb = RGBColor.from_string(_hex(color))
        if bold is not None:
            font.bold = bold
        if italic is not None:
            font.italic = italic

    def _styles(self) -> None:
        styles = self.doc.styles
        primary, muted = self.colors["primary"], self.colors["muted"]
        self._font(styles["Normal"], BODY_FONT, 10)
        styles["Normal"].paragraph_format.space_after = Pt(4)
        for level, size in ((1, 20), (2, 14), (3, 11.5)):
            self._font(styles[f"Heading {level}"], HEADING_FONT, size, primary, bold=True, italic=False)
        self._font(styles["Title"], HEADING_FONT, 28, primary, bold=True)
        self._font(styles["Subtitle"], BODY_FONT, 16, muted, italic=False)
        self._font(styles["Caption"], BODY_FONT, 9, muted, bold=True, italic=False)
        for name, size, color, bold in (("Headline", 13, primary, True), ("Lead", 10.5, None, None),
                                        ("Note", 8.5, "#5b6475", None), ("Heading Plain", 14, primary, True)):
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = styles["Normal"]
            self._font(style, HEADING_FONT if name == "Heading Plain" else BODY_FONT, size, color, bold=bold)
        defaults = styles.element.find(qn("w:docDefaults"))
        run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        language = run_defaults.find(qn("w:lang"))
        if language is None:
            language = OxmlElement("w:lang")
            run_defaults.append(language)
        tag = _language_tag(self.info.lang)
        for key in ("w:val", "w:eastAsia", "w:bidi"):
            language.set(qn(key), tag)

    def _properties(self) -> None:
        props = self.doc.core_properties
        now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
        props.title = _NOT_XML.sub("", self.info.title)
        props.author = props.last_modified_by = _NOT_XML.sub("", self.info.author)
        props.subject = _NOT_XML.sub("", self.info.subject)
        props.language = _language_tag(self.info.lang)
        props.keywords = props.comments = props.category = ""
        props.created = props.modified = now
        props.revision = 1

    def _page_frame(self, section: object) -> None:
        """The company's name at the top of each page, the page number at the foot (the PDF's)."""
        header = section.header.paragraphs[0]  # type: ignore[attr-defined]
        header.text = _NOT_XML.sub("", self.info.company)
        header.style = self.doc.styles["Note"]
        footer = section.footer.paragraphs[0]  # type: ignore[attr-defined]
        footer.style = self.doc.styles["Note"]
        footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        self._field(footer, "PAGE", "1")

    @staticmethod
    def _field(paragraph: Paragraph, instruction: str, shown: str) -> None:
        """A Word field (PAGE, TOC) with the text it shows until Word updates it."""
        def char(kind: str) -> None:
            run = paragraph.add_run()
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
            run._r.append(element)

        char("begin")
        code = OxmlElement("w:instrText")
        code.set(qn("xml:space"), "preserve")
        code.text = f" {instruction} "
        paragraph.add_run()._r.append(code)
        char("separate")
        paragraph.add_run(shown)
        char("end")

    # --- blocks --------------------------------------------------------------------------
    def style(self, name: str) -> object:
        """A style object by name, looked up once (python-docx searches all styles per name)."""
        if name not in self.styles:
            self.styles[name] = self.doc.styles[name]
        return self.styles[name]

    def paragraph(self, style: str | None = None, container: object = None) -> Paragraph:
        target = container or self.doc
        paragraph = target.add_paragraph(style=self.style(style) if style else None)  # type: ignore[attr-defined]
        if self.break_before and container is None:
            paragraph.paragraph_format.page_break_before = not self.fresh_page
            self.break_before = False
        if container is None:
            self.fresh_page = False
        return paragraph

    def block(self, node: Node, container: object = None) -> None:
        tag, classes = node.tag, node.classes
        if not tag:
            text = _SPACE.sub(" ", node.text).strip()
            if text:
                self.inline(node, self.paragraph(container=container))
            return
        if tag in ("style", "script", "head", "title", "meta"):
            return
        if tag == "section" and "cover" in classes:
            return self.cover(node)
        if tag == "nav" and "contents" in classes:
            return self.contents(node)
        if tag == "section" and "landscape" in classes:
            return self.landscape(node)
        if tag in ("section", "nav") and "chapter" in classes and "follows" not in classes:
            self.break_before = True
        if tag in ("h1", "h2", "h3", "h4"):
            level = min(int(tag[1]), 3)
            return self.inline(node, self.paragraph(f"Heading {level}", container))
        if tag == "p":
            # the most specific class is written last ("lead board-headline")
            names = reversed(node.attrs.get("class", "").split())
            style = next((_PARAGRAPH_STYLES[c] for c in names if c in _PARAGRAPH_STYLES), None)
            return self.inline(node, self.paragraph(style, container))
        if tag in ("ul", "ol"):
            style = "List Number" if tag == "ol" else "List Bullet"
            for item in node.children:
                if item.tag == "li":
                    self.inline(item, self.paragraph(style, container))
            return
        if tag == "table":
            return self.table(node, container)
        if tag == "x-svg":
            if (picture := self.drawing(node)) is not None:
                self.picture(picture, container)
            return
        if tag == "figure":
            caption = next((c for c in node.children if c.tag == "figcaption"), None)
            if caption is not None:
                self.inline(caption, self.paragraph("Caption", container))
            for child in node.children:
                if child is not caption:
                    self.block(child, container)
            return
        if tag == "div" and "charts-side" in classes:
            return self.side_by_side(node)
        for child in node.children:  # section, article, div, body and the like: their content
            self.block(child, container)

    def drawing(self, node: Node) -> Picture | None:
        """The picture an `<x-svg>` stands for (None for one a template wrote itself)."""
        number = node.attrs.get("n", "")
        return self.pictures[int(number)] if number.isascii() and number.isdigit() and int(number) < len(self.pictures) else None

    def cover(self, node: Node) -> None:
        if self.logo is not None:
            self.picture(self.logo, None, height=Mm(12), align=WD_ALIGN_PARAGRAPH.LEFT)
        for child in node.children:
            if child.tag == "div" and "cover-brand" in child.classes:
                for part in child.children:
                    if part.tag == "span":
                        self.inline(part, self.paragraph("Subtitle"))
                continue
            self.block(child)
        self.break_before = True

    def contents(self, node: Node) -> None:
        """The contents list as a Word TOC field showing the chapter titles until updated."""
        self.break_before = True
        for child in node.children:
            if child.tag == "p":
                self.block(child)
        entries = [_SPACE.sub(" ", _text(li)).strip() for li in _iter(node, "li")]
        paragraph = self.paragraph()
        self._field(paragraph, 'TOC \\o "1-2" \\h \\z \\u', "")
        # the field's shown text: one line per chapter, replaced by Word's own when updated
        shown = paragraph.runs[-2]
        shown.text = ""
        for index, entry in enumerate(entries):
            if index:
                shown.add_break()
            shown.add_text(entry)

    def landscape(self, node: Node) -> None:
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        self._orient(section, "landscape")
        self.break_before = False  # the section starts its page
        self.fresh_page = True
        for child in node.children:
            self.block(child)
        portrait = self.doc.add_section(WD_SECTION.NEW_PAGE)
        self._orient(portrait, "portrait")
        self.fresh_page = True

    def side_by_side(self, node: Node) -> None:
        """Today's and the proposed org chart beside each other, as the PDF prints them."""
        figures = [c for c in node.children if c.tag == "figure"]
        table = self.doc.add_table(rows=1, cols=len(figures))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, figure in zip(table.rows[0].cells, figures, strict=True):
            cell.paragraphs[0].style = self.style("Caption")
            caption = next((c for c in figure.children if c.tag == "figcaption"), None)
            if caption is not None:
                self.inline(caption, cell.paragraphs[0])
            for child in figure.children:
                if child is not caption:
                    self.block(child, cell)

    def text_width(self, container: object) -> int:
        section = self.doc.sections[-1]
        width = section.page_width - section.left_margin - section.right_margin
        if isinstance(container, _Cell):
            columns = len(container._parent.columns) if hasattr(container._parent, "columns") else 1
            width = width // max(columns, 1) - Mm(4)
        return int(width)

    def picture(self, picture: Picture, container: object, height: int | None = None,
                align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER) -> None:
        paragraph = self.paragraph(container=container)
        paragraph.alignment = align
        if height is not None:
            paragraph.add_run().add_picture(io.BytesIO(picture.png), height=height)
            return
        # a drawing wider than the text fits the text's width, as in the PDF
        width = min(Pt(picture.width_pt), self.text_width(container))
        paragraph.add_run().add_picture(io.BytesIO(picture.png), width=width)

    def table(self, node: Node, container: object) -> None:
        rows: list[tuple[str, Node]] = []
        for child in node.children:
            if child.tag in ("thead", "tbody", "tfoot"):
                rows += [(child.tag, tr) for tr in child.children if tr.tag == "tr"]
            elif child.tag == "tr":
                rows.append(("tbody", child))
        if not rows:
            return
        cells_of = [[c for c in tr.children if c.tag in ("td", "th")] for _, tr in rows]
        columns = max(sum(_span(c) for c in cells) for cells in cells_of)
        if not columns:
            return
        target = container or self.doc
        if self.break_before and container is None:
            self.paragraph()  # a chapter never opens with a table; keep the page break on a paragraph
        table = target.add_table(rows=len(rows), cols=columns)  # type: ignore[attr-defined]
        table.style = self.style("Table Grid")
        self.in_matrix = "matrix" in node.classes
        for (group, _), cells, row in zip(rows, cells_of, table.rows, strict=True):
            if group == "thead":
                header = OxmlElement("w:tblHeader")  # repeated on every page the table spans
                header.set(qn("w:val"), "true")
                row._tr.get_or_add_trPr().append(header)
            column = 0
            for source in cells:
                span = min(_span(source), columns - column)
                cell = row.cells[column]
                if span > 1:  # a header across columns
                    cell = cell.merge(row.cells[column + span - 1])
                column += span
                paragraph = cell.paragraphs[0]
                if "num" in source.classes:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                bold = group in ("thead", "tfoot") or source.tag == "th"
                color = None
                if group == "thead":
                    _shade(cell, self.colors["primary"])
                    color = "#ffffff"
                self.cell(source, cell, bold, color)
        self.in_matrix = False
        self._size_columns(table, cells_of, [group for group, _ in rows], columns, self.text_width(container))

    def _size_columns(self, table: object, cells_of: list[list[Node]], groups: list[str], columns: int,
                      total: int) -> None:
        """Columns as wide as their text asks, as a browser's automatic table layout does:
        a column of numbers stays narrow, a column of sentences takes the room (Word and
        LibreOffice would otherwise give every column the same width)."""
        weights = _column_weights(cells_of, groups, columns)
        table.autofit = False  # type: ignore[attr-defined]
        widths = [int(total * weight / sum(weights)) for weight in weights]
        for index, column in enumerate(table.columns):  # type: ignore[attr-defined]
            column.width = widths[index]  # the grid (LibreOffice reads it)
        for row in table.rows:  # type: ignore[attr-defined]
            for index, cell in enumerate(row.cells):
                cell.width = widths[index]  # each cell (Word reads it)

    def cell(self, source: Node, cell: _Cell, bold: bool, color: str | None) -> None:
        blocks = [c for c in source.children if c.tag in ("p", "ul", "ol", "table")]
        if not blocks:
            self.inline(source, cell.paragraphs[0], bold=bold, color=color)
            return
        first = True
        for child in source.children:
            if child.tag in ("p", "ul", "ol", "table"):
                self.block(child, cell)
            elif _SPACE.sub("", _text(child)):
                self.inline(child, cell.paragraphs[0] if first else cell.add_paragraph(), bold=bold, color=color)
            first = False

    # --- inline text -----------------------------------------------------------------------
    def inline(self, node: Node, paragraph: Paragraph, bold: bool = False, italic: bool = False,
               code: bool = False, small: bool = False, color: str | None = None) -> None:
        """The text of `node` appended to `paragraph` as runs; whitespace collapsed as HTML does."""
        self._runs(node, paragraph, bold, italic, code, small, color)
        _trim(paragraph)

    def _runs(self, node: Node, paragraph: Paragraph, bold: bool, italic: bool, code: bool, small: bool,
              color: str | None) -> None:
        if not node.tag:
            text = _SPACE.sub(" ", _NOT_XML.sub("", node.text))
            if not text:
                return
            previous = paragraph.runs[-1].text if paragraph.runs else ""
            if text.startswith(" ") and (not previous or previous.endswith((" ", "\n"))):
                text = text[1:]
            if not text:
                return
            run = paragraph.add_run(text)
            run.bold = bold or None
            run.italic = italic or None
            if code:
                run.font.name = CODE_FONT
            if small:
                run.font.size = Pt(8)
            if color:
                run.font.color.rgb = RGBColor.from_string(_hex(color))
            return
        tag, classes = node.tag, node.classes
        if tag == "br":
            (paragraph.runs[-1] if paragraph.runs else paragraph.add_run()).add_break(WD_BREAK.LINE)
            return
        if tag == "x-svg":
            if (picture := self.drawing(node)) is not None:
                paragraph.add_run().add_picture(io.BytesIO(picture.png), width=Pt(picture.width_pt))
            return
        own_line = bool(classes & _OWN_LINE) and paragraph.runs and tag == "span"
        own_line = own_line or (self.in_matrix and bool(classes & _MATRIX_OWN_LINE) and bool(paragraph.runs))
        if own_line:
            paragraph.runs[-1].add_break(WD_BREAK.LINE)
            small, bold, color = True, False, color or self.colors["muted"]
        elif tag == "span" and classes & _SMALL:
            small, color = True, color or self.colors["muted"]
        elif "rule-ref" in classes or "rule-id" in classes:
            small, color = True, color or self.colors["muted"]
            if paragraph.runs and not paragraph.runs[-1].text.endswith(" "):
                paragraph.add_run(" ")
        if "badge" in classes and "".join(r.text for r in paragraph.runs).strip():
            # the PDF draws each badge in a frame; in running text they are set apart by a dot
            paragraph.runs[-1].text = paragraph.runs[-1].text.rstrip(" ")
            paragraph.add_run(" · ")
        bold = bold or tag in ("strong", "b") or "badge" in classes
        italic = italic or tag in ("em", "i")
        code = code or tag == "code"
        for child in node.children:
            self._runs(child, paragraph, bold, italic, code, small, color)


def _iter(node: Node, tag: str):  # type: ignore[no-untyped-def]
    for child in node.children:
        if child.tag == tag:
            yield child
        yield from _iter(child, tag)


def _column_weights(cells_of: list[list[Node]], groups: list[str], columns: int) -> list[float]:
    """Each column's share of the width: its longest unbreakable word, and its longest text
    up to a sentence's length, so that long texts share the room but no word is split."""
    longest_word = [3.0] * columns
    longest_text = [3.0] * columns
    for cells, group in zip(cells_of, groups, strict=True):
        letter = 1.8 if group == "thead" else 1.25  # a bold header letter is wider
        if sum(_span(c) for c in cells) != columns or any(_span(c) > 1 for c in cells):
            continue  # a row with merged cells says nothing about one column
        for index, cell in enumerate(cells):
            text = _SPACE.sub(" ", _text(cell)).strip()
            longest_text[index] = max(longest_text[index], min(len(text), 40))
            longest_word[index] = max([longest_word[index], *(min(len(w), 20) * letter for w in text.split())])
    # about 4 characters are the cell's padding on both sides
    return [max(word, text) + 4 for word, text in zip(longest_word, longest_text, strict=True)]


def _span(cell: Node) -> int:
    """A cell's colspan (1 unless it says a small number)."""
    value = cell.attrs.get("colspan", "")
    return min(int(value), 50) if value.isascii() and value.isdigit() and int(value) > 0 else 1


def _trim(paragraph: Paragraph) -> None:
    """No space left at a paragraph's end (HTML drops it; Word would keep it)."""
    for run in reversed(paragraph.runs):
        if run.text.strip() or not run.text:
            if run.text != run.text.rstrip(" "):
                run.text = run.text.rstrip(" ")
            return
        run.text = ""


def _shade(cell: _Cell, color: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), _hex(color))
    cell._tc.get_or_add_tcPr().append(shading)


def html_to_docx(html: str, context: ReportContext | DocumentInfo, folders: list[Path], stylesheet: Path,
                 logo: Path | None) -> bytes:
    """The report's (or a comparison's) HTML, made without inline CSS as for the PDF, as
    DOCX bytes."""
    info = context if isinstance(context, DocumentInfo) else DocumentInfo.of_report(context)
    root, svgs = parse(html)
    svg_logo = logo if logo is not None and logo.suffix.lower() == ".svg" else None
    pictures, logo_picture = rasterise(svgs, svg_logo, folders, stylesheet)
    if logo is not None and svg_logo is None:  # PNG / JPEG: Word shows them as they are
        logo_picture = Picture(logo.read_bytes(), 0, 0)
    writer = _Writer(info, pictures, logo_picture)
    body = _find(root, "body") or root
    for child in body.children:
        writer.block(child)
    out = io.BytesIO()
    writer.doc.save(out)
    return out.getvalue()
