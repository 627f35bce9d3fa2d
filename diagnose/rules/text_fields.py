"""Lint of a rulebook text's `{name}` fields, which the report fills with `str.format_map`."""

from __future__ import annotations

import re
import string

from diagnose.errors import unknown
from diagnose.expressions import NameInfo

_PLACEHOLDER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # {name}: the only field a rulebook text may hold


def field_problem(text: str, names: dict[str, NameInfo]) -> str | None:
    """What is wrong with the {fields} of a text that is filled with `str.format_map`, if
    anything. Only `{name}` of a known name is allowed (and `{{`, `}}` for braces):
    `{x.__class__}` or `{x[0]}` would reach into Python objects, `{x:>999999999}` would
    pad to a gigabyte, `{}` and a lone brace fail while a report is made."""
    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(text)
                  if name is not None]
    except ValueError:
        return "a '{' or '}' that is not part of a {name} in text; write '{{' or '}}' for a brace itself"
    for name, spec, conversion in fields:
        written = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
        written = written if len(written) <= 40 else written[:37] + "..."
        if not name:
            return f"'{written}' in text names no value; write {{name}} with the name of an answer, a computed value or a parameter"
        if not _PLACEHOLDER.fullmatch(name) or spec or conversion:
            return f"'{written}' is not allowed in text: a value is written as {{name}} alone, without '.', '[', '!' or ':'"
        if name not in names:
            return unknown("name", name, names, f"'{{{name}}}' in text", listed=False)
    return None
