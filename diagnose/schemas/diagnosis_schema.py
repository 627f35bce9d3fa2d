"""The JSON Schema of the diagnosis JSON (`diagnose report --format json`), made from the code.

`to_json` writes every JSON field of the `Diagnosis` dataclasses (diagnose/diagnosis.py),
so the schema is read off them: each field's type hint gives its JSON type, `Literal`s
its allowed values, `X | None` a null; fields marked not-in-JSON are left out. What a
field means comes from the tables of docs/diagnosis-schema.md, so the editor's hover and
the documentation say the same; a field the documentation does not describe stops the
generation, so neither can drift from the code.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from pathlib import Path
from typing import Any

from diagnose import diagnosis
from diagnose.answers import META_KEYS
from diagnose.locale import LANGUAGES

DRAFT = "https://json-schema.org/draft/2020-12/schema"
# what a plain `dict[str, Any]` hint cannot say: the shape of these top-level objects
_TOP_OBJECTS: dict[str, dict[str, Any]] = {
    "questionnaire": {"type": "object", "required": ["id", "version"],
                      "properties": {"id": {"type": "string"}, "version": {"type": "integer"}}},
    "rulebook": {"type": "object", "required": ["id", "version"],
                 "properties": {"id": {"type": "string"}, "version": {"type": "integer"}}},
    "company": {"type": "object", "additionalProperties": False,
                "properties": {key: {"type": "string"} for key in META_KEYS}},
}
_HEADING_CLASS = {"Top level": "Diagnosis"}  # the documentation's heading for a class, when not its name


def text_schema() -> dict[str, Any]:
    """A text a person reads: one string per language."""
    return {"type": "object", "propertyNames": {"enum": list(LANGUAGES)}, "additionalProperties": {"type": "string"}}


def diagnosis_schema(doc_path: Path) -> dict[str, Any]:
    """The schema for `to_json(diagnosis)`, with the meanings documented in `doc_path`."""
    meanings = documented_fields(doc_path.read_text(encoding="utf-8"))
    defs: dict[str, Any] = {"Text": text_schema()}
    top = _object_schema(diagnosis.Diagnosis, defs, meanings)
    top["properties"]["schema_version"] = {**top["properties"]["schema_version"], "const": diagnosis.SCHEMA_VERSION}
    for name, shape in _TOP_OBJECTS.items():
        top["properties"][name] = {**shape, **_described(meanings, "Diagnosis", name)}
    return {
        "$schema": DRAFT,
        "title": f"diagnose: diagnosis JSON, schema version {diagnosis.SCHEMA_VERSION}",
        "description": "What `diagnose report ANSWERS --format json` writes (docs/diagnosis-schema.md).",
        **top,
        "$defs": dict(sorted(defs.items())),
    }


def documented_fields(markdown: str) -> dict[str, dict[str, str]]:
    """Class name -> field -> meaning, from the documentation's `| field | type | meaning |`
    tables under a heading naming the class ("Top level" is the Diagnosis itself)."""
    found: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in markdown.splitlines():
        heading = re.match(r"^#{2,3} (.+)$", line)
        if heading:
            name = heading.group(1).strip()
            current = found.setdefault(_HEADING_CLASS.get(name, name), {})
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")] if line.startswith("|") else []
        if current is None or len(cells) < 3 or not cells[0].startswith("`"):
            continue
        for name in re.findall(r"`([a-z_]+)`", cells[0]):
            current[name] = cells[2]
    return found


def _described(meanings: dict[str, dict[str, str]], owner: str, name: str) -> dict[str, str]:
    if name not in meanings.get(owner, {}):
        raise ValueError(f"docs/diagnosis-schema.md does not describe {owner}.{name}: add it to the {owner} table")
    meaning = meanings[owner][name]
    return {"description": meaning} if meaning else {}


def _object_schema(cls: type, defs: dict[str, Any], meanings: dict[str, dict[str, str]]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls, vars(diagnosis))
    fields = [f for f in dataclasses.fields(cls) if f.metadata.get("json", True)]
    properties = {f.name: {**_type_schema(hints[f.name], defs, meanings), **_described(meanings, cls.__name__, f.name)}
                  for f in fields}
    # to_json writes every field, each time
    return {"type": "object", "required": [f.name for f in fields], "additionalProperties": False,
            "properties": properties}


def _type_schema(hint: Any, defs: dict[str, Any], meanings: dict[str, dict[str, str]]) -> dict[str, Any]:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint == dict[str, str]:
        return {"$ref": "#/$defs/Text"}
    if hint is Any:
        return {}
    simple = {str: "string", bool: "boolean", int: "integer", float: "number", type(None): "null"}
    if hint in simple:
        return {"type": simple[hint]}
    if origin is typing.Literal:
        return {"enum": list(args)}
    if origin in (types.UnionType, typing.Union):
        if all(arg in simple for arg in args):
            return {"type": [simple[arg] for arg in args]}
        return {"anyOf": [_type_schema(arg, defs, meanings) for arg in args]}
    if origin is list:
        return {"type": "array", "items": _type_schema(args[0], defs, meanings)}
    if origin is dict:
        return {"type": "object", "additionalProperties": _type_schema(args[1], defs, meanings)}
    if dataclasses.is_dataclass(hint):
        name = hint.__name__
        if name not in defs:
            defs[name] = {}  # reserved first: a class met again while its schema is made
            defs[name] = _object_schema(hint, defs, meanings)
        return {"$ref": f"#/$defs/{name}"}
    raise TypeError(f"no JSON Schema for the type hint {hint!r}: extend diagnose/schemas/diagnosis_schema.py")
