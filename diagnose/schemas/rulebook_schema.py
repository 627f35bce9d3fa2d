"""The JSON Schema of a rulebook (docs/rulebook.md), made from its declared format.

Each `Section` of `diagnose/rules/format.py` becomes an object with its keys and
required keys, each `Option` the JSON type it reads. Keys a section's loader reads itself
(`ReadBy`) are the nested sections; `NESTED` says which section each one holds and how
(a mapping by id or a list), the rest (sizing, narrative, ...) stay open objects that
`diagnose validate` checks. A schema catches misspelled keys and wrong kinds of value as
one types; what needs the whole file (names a condition reads, ids of other rules) is
for `diagnose validate`.
"""

from __future__ import annotations

from typing import Any

from diagnose import schema as generic
from diagnose.diagnosis import ROLE_IDS
from diagnose.rules import format as rulebook
from diagnose.schemas.diagnosis_schema import DRAFT, text_schema

# ReadBy keys holding a declared section: (section, key) -> (how it is held, the section's name)
NESTED: dict[tuple[str, str], tuple[str, str]] = {
    ("TOP", "parameters"): ("by_id", "PARAMETER"),
    ("TOP", "roles"): ("by_role", "ROLE"),
    ("TOP", "tasks"): ("by_id", "TASK"),
    ("TOP", "support_modes"): ("by_id", "SUPPORT_MODE"),
    ("TOP", "indicators"): ("list", "INDICATOR"),
    ("TOP", "rules"): ("list", "RULE"),
    ("RULE", "then"): ("one", "THEN"),
    ("THEN", "assign"): ("list", "ASSIGNMENT"),
    ("THEN", "roles"): ("list", "ROLE_CHANGE"),
    ("THEN", "support"): ("one", "SUPPORT"),
}
RULE_TREES = rulebook.RULE_CONDITIONS  # a rule's conditions: all/any groups, traced part by part
_SECTIONS = ("TOP", "PARAMETER", "ROLE", "TASK", "SUPPORT_MODE", "CLAUSE", "CLAUSE_WHEN_OPTIONAL", "INDICATOR",
             "RULE", "THEN", "ASSIGNMENT", "ROLE_CHANGE", "SUPPORT")


def rulebook_schema() -> dict[str, Any]:
    defs: dict[str, Any] = {
        "Text": text_schema(),
        "Expression": {"type": ["string", "number"], "description": "a condition over answers, computed values, "
                       "indicators and parameters (docs/formats.md, Conditions)"},
        "ConditionTree": {
            "anyOf": [
                {"$ref": "#/$defs/Expression"},
                {"type": "object", "minProperties": 1, "maxProperties": 1, "additionalProperties": False,
                 "properties": {
                     "all": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/ConditionTree"}},
                     "any": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/ConditionTree"}},
                     "fired": {"type": "string", "description": "a rule id"},
                     "not_fired": {"type": "string", "description": "a rule id"},
                 }},
            ],
        },
        "RoleId": {"enum": list(ROLE_IDS)},
        "RoleList": {"anyOf": [{"$ref": "#/$defs/RoleId"}, {"type": "array", "items": {"$ref": "#/$defs/RoleId"}}]},
    }
    for name in _SECTIONS:
        defs[_def_name(name)] = _section(name, getattr(rulebook, name))
    top = defs.pop(_def_name("TOP"))
    return {
        "$schema": DRAFT,
        "title": "diagnose: rulebook (kind: rulebook)",
        "description": "A rulebook of the diagnosis (docs/rulebook.md); `diagnose validate FILE` checks the rest.",
        **top,
        "$defs": dict(sorted(defs.items())),
    }


def _def_name(section: str) -> str:
    return "Rulebook" if section == "TOP" else "".join(part.capitalize() for part in section.split("_"))


def _section(name: str, section: generic.Section) -> dict[str, Any]:
    options = {f.key: f.option for f in section.fields}
    properties = {key: _value(name, key, options[key]) for key in section.allowed}
    return {"type": "object", "required": list(section.required), "additionalProperties": False,
            "properties": properties}


def _value(section: str, key: str, option: generic.Option) -> dict[str, Any]:
    if section == "RULE" and key in RULE_TREES:
        return {"$ref": "#/$defs/ConditionTree"}
    if isinstance(option, generic.ReadBy):
        held, inner = NESTED.get((section, key), ("open", ""))
        ref = {"$ref": f"#/$defs/{_def_name(inner)}"}
        if held == "by_id":
            return {"type": "object", "propertyNames": {"pattern": generic.IDENTIFIER.pattern},
                    "additionalProperties": ref}
        if held == "by_role":
            return {"type": "object", "propertyNames": {"$ref": "#/$defs/RoleId"}, "additionalProperties": ref}
        if held == "list":
            return {"type": "array", "items": ref}
        if held == "one":
            return ref
        return {"description": f"checked by diagnose validate ({option.what})"}
    return _option(option)


def _option(option: generic.Option) -> dict[str, Any]:
    text = {"$ref": "#/$defs/Text"}
    if isinstance(option, generic.Literal):
        return {"const": option.value}
    if isinstance(option, generic.Identifier):
        return {"type": "string", "pattern": option.pattern.pattern}
    if isinstance(option, generic.OneOf):
        return {"enum": list(option.values)}
    if isinstance(option, generic.Boolean):
        return {"type": "boolean", "default": option.default}
    if isinstance(option, generic.Text):
        return text
    if isinstance(option, generic.Texts):
        return {"type": "array", "items": text}
    if isinstance(option, generic.StringOrText):
        return {"anyOf": [{"type": "string"}, text]}
    if isinstance(option, rulebook.Condition):
        return {"$ref": "#/$defs/Expression"}
    if isinstance(option, rulebook.RoleId):
        return {"$ref": "#/$defs/RoleId"}
    if isinstance(option, rulebook.RoleList):
        return {"$ref": "#/$defs/RoleList"}
    if isinstance(option, rulebook.Clauses):
        clause = "CLAUSE" if option.when_required else "CLAUSE_WHEN_OPTIONAL"
        return {"type": "array", "items": {"$ref": f"#/$defs/{_def_name(clause)}"}}
    if isinstance(option, rulebook.NumberOrText):
        return {"type": ["number", "string", "null"]}
    if isinstance(option, rulebook.Headcount):
        return {"anyOf": [{"type": "number", "exclusiveMinimum": 0}, {"const": "sizing"}]}
    simple = {generic.String: "string", generic.Integer: "integer", generic.Number: "number"}
    if type(option) in simple:
        return {"type": simple[type(option)]}
    raise TypeError(f"no JSON Schema for the rulebook option {type(option).__name__}: "
                    "extend diagnose/schemas/rulebook_schema.py")
