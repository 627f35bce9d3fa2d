"""A fast first reading of a YAML file with libyaml (ruamel.yaml.clib), for well-formed files.

`yamlio.load_document` reads with ruamel.yaml's pure-Python parser, twice: a safety scan
of the event stream, then a round-trip load that keeps comments and positions. For the
bundled questionnaire and rulebook (over a thousand lines each) that is most of a
report's own time. `fast_document` instead scans the event stream with the C parser and,
when nothing in it is unusual, loads the text with ruamel.yaml's plain safe loader (also
libyaml): plain dicts and lists, no comments, no positions. It returns None — "read it
the careful way" — whenever anything is unusual: a syntax error, an alias or anchor, a
merge key, an explicit tag, deep nesting, a control character, an absurd number, a file
that is not a mapping. Positions are only needed to report a problem, and a file with a
problem is always read again by `load_document`, whose messages and positions are the ones
users see. The one exception is what `yamlio`'s own checks of an event say (a file too
large in any way, a control character, an absurd number): those messages come from the
same functions and the same event positions as in the careful scan, so they are raised
here at C speed. `prescan` is that check alone; the careful loader runs it first, so that
a 5 MB value or 10,000 keys are refused at once rather than after the pure-Python scanner
has crawled through them.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.events import (
    AliasEvent,
    MappingEndEvent,
    NodeEvent,
    ScalarEvent,
    SequenceEndEvent,
    StreamEndEvent,
)

from diagnose import yamlio
from diagnose.errors import UserError

try:  # the C extension; without it every file is read the careful way
    from _ruamel_yaml import CParser
except ImportError:  # pragma: no cover - ruamel.yaml.clib is a dependency
    CParser = None

# YAML 1.2 like the round-trip loader, with libyaml's parser when it is there
_SAFE = YAML(typ="safe")


def available() -> bool:
    return CParser is not None


def fast_document(path: str | Path, display: str | None = None) -> yamlio.Document | None:
    """The file as a Document of plain data (no positions, no comments), or None to fall back."""
    if CParser is None:
        return None
    name = display or str(path)
    try:
        text = yamlio.read_text(path, name)
    except UserError:
        return None
    if not text.strip() or not _safe(text, name):  # a UserError here is the careful loader's message too
        return None
    try:
        data = _SAFE.load(text)
    except Exception:  # noqa: BLE001 - any trouble at all: the careful loader says what it is
        return None
    if not isinstance(data, dict):
        return None
    return yamlio.Document(name, data, text)


class _Scalar:
    """A libyaml scalar event seen the way the pure-Python parser reports it
    (a plain scalar has no style), for yamlio's own scalar check."""

    __slots__ = ("value", "style", "start_mark", "tag")

    def __init__(self, event: Any):
        self.value = event.value
        self.style = event.style or None
        self.start_mark = event.start_mark
        self.tag = None  # a tagged scalar never gets this far


def is_plain_data(text: str, name: str) -> bool:
    """Whether the text holds nothing the careful loader would refuse or look at twice
    (then a plain safe load reads it as the careful one would); raises what the careful
    scan would raise for sizes, control characters and absurd numbers."""
    return CParser is not None and bool(text.strip()) and _safe(text, name)


def prescan(text: str, name: str) -> None:
    """Raise the located UserError `yamlio`'s scan would raise for sizes, control characters
    and absurd numbers, if one comes before anything unusual; otherwise do nothing."""
    if CParser is not None:
        _safe(text, name)


def _safe(text: str, name: str) -> bool:
    """The libyaml event stream holds nothing `yamlio`'s scan could object to.

    Stricter than that scan (no aliases or anchors, no explicit tags at all), so that
    whatever passes here passes there too. What the scan's own checks refuse
    (`yamlio.Budget`, `yamlio.check_scalar`) is raised, as the scan would raise it.
    """
    parser = CParser(io.StringIO(text))
    budget = yamlio.Budget(name)
    yaml_11 = yamlio.declares_yaml_11(text)
    count = 0
    try:
        while True:
            event = parser.get_event()
            if event is None:
                return True
            if isinstance(event, AliasEvent):
                return False
            if isinstance(event, NodeEvent):
                count += 1
                if event.anchor is not None or event.tag is not None:
                    return False
                if isinstance(event, ScalarEvent):
                    scalar = _Scalar(event)
                    budget.node(scalar)
                    yamlio.check_scalar(name, scalar, yaml_11)
                    if event.value == "<<" and not event.style:
                        return False  # a merge key: yamlio decides whether the file may have one
                else:
                    budget.node(event)
                if count > yamlio.MAX_EXPANDED:
                    yamlio.too_many_values(name, event, 0)
            elif isinstance(event, (MappingEndEvent, SequenceEndEvent)):
                budget.end()
            if isinstance(event, StreamEndEvent):
                return True
    except UserError:
        raise
    except Exception:  # noqa: BLE001 - a syntax error, a bad character, an unknown version
        return False
