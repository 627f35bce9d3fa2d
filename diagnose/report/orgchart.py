"""The organisation chart as an inline SVG drawn from roles and reporting lines.

Layout, chosen so that a chart of 12 or more boxes stays legible in half a landscape page:

- a role whose subordinates are all leaves stacks them vertically below itself, hanging
  off a spine (a sales team of five roles takes one column, not five);
- otherwise subordinates sit side by side under a bus line;
- roles without a manager in the chart are roots, side by side; the branch holding the
  service-link target comes last among its siblings so the dashed service link from the
  specialist department (drawn at the far right) crosses no box.

Box widths follow from the columns available; text is wrapped with the real PT Sans
metrics (`measure`), and a word that is still too long shrinks the font, so Russian role
names never overflow. Every text is escaped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape

from diagnose.report.measure import fit

TITLE_SIZE = 8.5
DETAIL_SIZE = 7.5
PAD = 5.0
GAP_X = 14.0
GAP_Y = 16.0
STACK_GAP = 7.0
INDENT = 12.0
MIN_BOX = 60.0


@dataclass
class Box:
    """One role as the chart shows it (texts already in the report's language)."""

    id: str
    title: str
    details: list[str]  # headcount, change, note: smaller lines under the title
    reports_to: str | None
    emphasis: str = "normal"  # normal / new / removed / head
    children: list[Box] = field(default_factory=list)
    # filled by the layout
    x: float = 0.0
    y: float = 0.0
    w: float = 0.0
    h: float = 0.0
    stacked: bool = False


def _columns(box: Box) -> int:
    if not box.children:
        return 1
    if all(not c.children for c in box.children):
        box.stacked = True
        return 1
    return sum(_columns(c) for c in box.children)


def _contains(box: Box, target: str | None) -> bool:
    return box.id == target or any(_contains(c, target) for c in box.children)


def _tree(boxes: list[Box], link_from: str | None, link_to: str | None) -> list[Box]:
    by_id = {b.id: b for b in boxes}
    roots = []
    for box in boxes:
        parent = by_id.get(box.reports_to or "")
        if parent is None or parent is box:
            roots.append(box)
        else:
            parent.children.append(box)

    def order(items: list[Box]) -> None:
        # the branch with the service-link target goes last (next to the specialists)
        items.sort(key=lambda b: _contains(b, link_to))
        for item in items:
            order(item.children)

    order(roots)
    roots.sort(key=lambda b: (b.id == link_from, not _contains(b, link_to)))
    if link_from in by_id:
        # the specialist department stands at the far right of the roots
        roots.sort(key=lambda b: b.id == link_from)
    return roots


def _measure(box: Box, width: float) -> list[tuple[str, float, bool]]:
    """Lines (text, size, bold) of a box of `width`, wrapped to fit."""
    inner = width - 2 * PAD
    size, lines = fit(box.title, inner, TITLE_SIZE, bold=True)
    out = [(line, size, True) for line in lines]
    for detail in box.details:
        dsize, dlines = fit(detail, inner, DETAIL_SIZE)
        out.extend((line, dsize, False) for line in dlines)
    return out


def _height(lines: list[tuple[str, float, bool]]) -> float:
    return 2 * PAD + sum(size * 1.25 for _, size, _ in lines)


def _place(box: Box, x: float, y: float, col_w: float) -> float:
    """Position a subtree with its left edge at x; return the subtree's bottom."""
    span = _columns(box) * col_w + (_columns(box) - 1) * GAP_X
    box.w = col_w
    box.h = _height(_measure(box, col_w))
    if not box.children:
        box.x, box.y = x, y
        return y + box.h
    if box.stacked:
        box.x, box.y = x, y
        bottom = y + box.h
        for child in box.children:
            child.w = col_w - INDENT
            child.h = _height(_measure(child, child.w))
            child.x, child.y = x + INDENT, bottom + STACK_GAP
            bottom = child.y + child.h
        return bottom
    # side by side: siblings on one row share the tallest box height
    child_y = y + box.h + GAP_Y
    cx = x
    bottoms = []
    for child in box.children:
        bottoms.append(_place(child, cx, child_y, col_w))
        cx += _columns(child) * col_w + _columns(child) * GAP_X
    box.x, box.y = x + (span - col_w) / 2, y
    return max(bottoms)


def _all(boxes: list[Box]) -> list[Box]:
    out = []
    for box in boxes:
        out.append(box)
        out.extend(_all(box.children))
    return out


def _box_svg(box: Box, colors: Mapping[str, str]) -> str:
    head = box.emphasis == "head"
    fill = colors["primary"] if head else "#ffffff"
    stroke = colors["accent"] if box.emphasis == "new" else colors["primary"]
    dash = ' stroke-dasharray="4 3"' if box.emphasis == "removed" else ""
    width = 2.0 if box.emphasis == "new" else 1.0
    parts = [f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.w:.1f}" height="{box.h:.1f}" rx="3" '
             f'fill="{fill}" stroke="{stroke}" stroke-width="{width}"{dash}/>']
    y = box.y + PAD
    for text, size, bold in _measure(box, box.w):
        y += size
        colour = "#ffffff" if head else ("#1b1b1b" if bold else "#4a5263")
        weight = ' font-weight="bold"' if bold else ""
        parts.append(f'<text x="{box.x + PAD:.1f}" y="{y:.1f}" font-size="{size:g}" fill="{colour}"{weight}>'
                     f"{escape(text)}</text>")
        y += size * 0.25
    return "".join(parts)


def _connectors(box: Box, colors: Mapping[str, str]) -> list[str]:
    stroke = f'stroke="{colors["muted"]}" stroke-width="1" fill="none"'
    parts = []
    if box.children and box.stacked:
        spine_x = box.x + INDENT / 2
        last = box.children[-1]
        parts.append(f'<path d="M{spine_x:.1f},{box.y + box.h:.1f} V{last.y + min(last.h / 2, 12):.1f}" {stroke}/>')
        for child in box.children:
            cy = child.y + min(child.h / 2, 12)
            parts.append(f'<path d="M{spine_x:.1f},{cy:.1f} H{child.x:.1f}" {stroke}/>')
    elif box.children:
        bus_y = box.y + box.h + GAP_Y / 2
        px = box.x + box.w / 2
        xs = [c.x + c.w / 2 for c in box.children]
        parts.append(f'<path d="M{px:.1f},{box.y + box.h:.1f} V{bus_y:.1f}" {stroke}/>')
        parts.append(f'<path d="M{min(xs + [px]):.1f},{bus_y:.1f} H{max(xs + [px]):.1f}" {stroke}/>')
        for child, cx in zip(box.children, xs, strict=True):
            parts.append(f'<path d="M{cx:.1f},{bus_y:.1f} V{child.y:.1f}" {stroke}/>')
    for child in box.children:
        parts.extend(_connectors(child, colors))
    return parts


def org_chart(
    boxes: list[Box],
    width: float,
    colors: Mapping[str, str],
    link_from: str | None = None,
    link_to: str | None = None,
    link_label: str = "",
) -> str:
    """An SVG org chart `width` units wide (1 unit = 1 pt); height follows the content."""
    roots = _tree(boxes, link_from, link_to)
    columns = sum(_columns(r) for r in roots) or 1
    col_w = max(MIN_BOX, (width - (columns - 1) * GAP_X) / columns)
    x = 0.0
    bottom = 0.0
    for root in roots:
        bottom = max(bottom, _place(root, x, 0.0, col_w))
        x += _columns(root) * (col_w + GAP_X)
    every = _all(roots)
    parts: list[str] = []
    for root in roots:
        parts.extend(_connectors(root, colors))
    source = next((b for b in every if b.id == link_from), None)
    target = next((b for b in every if b.id == link_to), None)
    if source is not None and target is not None:
        sx = source.x + source.w / 2
        ty = target.y + target.h / 2
        dash = f'stroke="{colors["accent"]}" stroke-width="1.3" stroke-dasharray="5 3" fill="none"'
        if ty > source.y + source.h:
            parts.append(f'<path d="M{sx:.1f},{source.y + source.h:.1f} V{ty:.1f} H{target.x + target.w:.1f}" {dash}/>')
            label_y = source.y + source.h + 11
            label_x, label_w = sx + 4, source.w / 2 - 4
        else:
            # the department's box reaches below the target's middle: a straight link,
            # labelled under the department's box
            parts.append(f'<path d="M{source.x:.1f},{ty:.1f} H{target.x + target.w:.1f}" {dash}/>')
            label_y = source.y + source.h + 11
            label_x, label_w = source.x, source.w
        size, lines = fit(link_label, label_w, DETAIL_SIZE)
        for index, line in enumerate(lines):
            parts.append(f'<text x="{label_x:.1f}" y="{label_y + index * size * 1.2:.1f}" font-size="{size:g}" '
                         f'fill="{colors["accent"]}">{escape(line)}</text>')
        bottom = max(bottom, label_y + len(lines) * size * 1.2)
    parts.extend(_box_svg(b, colors) for b in every)
    used = max([b.x + b.w for b in every] + [width])
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="orgchart" viewBox="-1 -1 {used + 2:.0f} {bottom + 2:.0f}" '
            f'width="{used + 2:.0f}" height="{bottom + 2:.0f}" font-family="PT Sans, Report Symbols, sans-serif">'
            + "".join(parts) + "</svg>")
