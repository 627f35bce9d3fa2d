"""The rulebook format declared as data (docs/rulebook.md): its vocabularies and, for each
mapping, its keys and how each value is read.

The generic options (texts, numbers, ids, vocabularies) are in `diagnose/schema.py`; the
ones here read what only a rulebook has (conditions, role ids, `{when, role}` clauses)
through the `LoadContext` of `load_context.py`. Keys marked `ReadBy` are read by the
section's loader, because their check needs more than the value (other rules' ids, the
declared parameters). The order of the fields is the order problems are reported in.
"""

from __future__ import annotations

from typing import Any

from diagnose.schema import (
    DOTTED_ID,
    RULE_ID,
    Boolean,
    Field,
    Identifier,
    Integer,
    Literal,
    Number,
    OneOf,
    Option,
    ReadBy,
    Section,
    String,
    StringOrText,
    Text,
    Texts,
    describe,
)
from diagnose.yamlio import is_number

SEVERITIES = ("info", "advice", "important", "critical")
SOURCES = ("book", "complementary")
DIMENSIONS = ("complexity", "operational_load", "support_speed", "temperament", "share_of_wallet", "scale")
INDICATOR_KINDS = ("percent", "number", "flag", "level")
SUPPORT_MODES = ("inside_sales", "separate_with_controls", "hybrid", "not_needed", "undetermined")
CLAIMABLE_MODES = ("inside_sales", "separate_with_controls", "hybrid")
LEVELS = ("high", "medium")  # an indicator's levels; low is what is left
# the book, as a rulebook without `citation` cites it
DEFAULT_CITATION = {"ru": "Ерохин, Климов, «Управление клиентской базой» (Эксмо, 2024)",
                    "en": "Erokhin & Klimov, Client Base Management (2024)"}


# ---------------------------------------------------------------------------- options


class Condition(Option):
    """An expression over answers, computed values and parameters, compiled (None if absent)."""

    def read(self, reader: Any, container: Any, key: str, path: str, required: bool) -> Any:
        return reader.compile(container, key, path) if key in container else None


class RoleId(Option):
    """One role id of the glossary (None if absent or unknown)."""

    def read(self, reader: Any, container: Any, key: str, path: str, required: bool) -> str | None:
        return reader.role_id(container, key, path) if key in container else None


class RoleList(Option):
    """A role id or a list of them; `absent` is what a missing key gives."""

    def __init__(self, absent: list[str] | None):
        self.absent = absent

    def read(self, reader: Any, container: Any, key: str, path: str, required: bool) -> list[str] | None:
        return reader.role_list(container, key, path) if key in container else self.absent


class Clauses(Option):
    """A list of `{when: CONDITION, role: ROLE}` clauses; the first that holds wins."""

    def __init__(self, when_required: bool = True):
        self.when_required = when_required

    def read(self, reader: Any, container: Any, key: str, path: str, required: bool) -> list:
        return reader.clauses(container, key, path, self.when_required)


class NumberOrText(Option):
    """A parameter's default: a number, text, or null (no default: a number the consultant
    gives with --set or --params, such as a monthly cost). A wrong one reads as 0, so that
    the name stays known and conditions naming it are not reported too."""

    def read(self, reader: Any, container: Any, key: str, path: str, required: bool) -> Any:
        value = container.get(key)
        if value is None:
            return None
        if not (is_number(value) or isinstance(value, str)):
            reader.check.error(container, key, path, f"expected a number, text or null, got {describe(value)}")
            return 0
        return value


class Headcount(Option):
    """A positive number or 'sizing' (worked out from the answers); None if absent or wrong."""

    def read(self, reader: Any, container: Any, key: str, path: str, required: bool) -> Any:
        value = container.get(key)
        if value is not None and not (is_number(value) and value > 0) and value != "sizing":
            reader.check.error(container, key, path, f"expected a positive number or 'sizing', got {describe(value)}")
            return None
        return value


# ---------------------------------------------------------------------------- sections

TOP = Section(
    (
        Field("kind", Literal("rulebook"), required=True),
        Field("id", Identifier(DOTTED_ID), required=True),
        Field("version", Integer(), required=True),
        Field("citation", StringOrText()),
        Field("questionnaire", ReadBy("the questionnaire it reads, by id"), required=True),
        Field("questionnaire_version", ReadBy("checked with the questionnaire")),
        Field("parameters", ReadBy("load_sections.parameters"), required=True),
        Field("roles", ReadBy("load_sections.roles"), required=True),
        Field("tasks", ReadBy("load_sections.tasks"), required=True),
        Field("support_modes", ReadBy("load_sections.support_modes")),
        Field("indicators", ReadBy("load_indicators.indicators")),
        Field("rules", ReadBy("load_rules.rules"), required=True),
        Field("sizing", ReadBy("domain.load_domain")),
        Field("key_decisions", ReadBy("domain.load_domain")),
        Field("support_placement", ReadBy("domain.load_domain")),
        Field("narrative", ReadBy("narrative.load_narrative")),
        Field("board", ReadBy("domain.load_domain")),
        Field("roadmap", ReadBy("domain.load_domain")),
    ),
    listed=("kind", "id", "version", "questionnaire", "questionnaire_version", "citation", "parameters",
            "roles", "tasks", "support_modes", "indicators", "rules", "sizing", "key_decisions", "support_placement",
            "board", "roadmap", "narrative"),
)

PARAMETER = Section((
    Field("default", NumberOrText(), required=True),
    Field("unit", String(), required=True),
    Field("source", StringOrText(), required=True),
    Field("explanation", Text(), required=True),
))

ROLE = Section(
    (
        Field("title", Text(), required=True),
        Field("today", Condition(), required=True),
        Field("reports_to", RoleList(absent=[])),
        Field("headcount_unknown", Boolean(False)),
        Field("reports_to_today", Clauses()),
    ),
    listed=("title", "today", "reports_to", "reports_to_today", "headcount_unknown"),
)

TASK = Section((
    Field("title", Text(), required=True),
    Field("default_owner", RoleList(absent=[]), required=True),
    Field("today", Clauses()),
))

SUPPORT_MODE = Section((
    Field("title", Text(), required=True),
    Field("explanation", Text(), required=True),
))

CLAUSE = Section((Field("when", Condition(), required=True), Field("role", RoleId(), required=True)))
CLAUSE_WHEN_OPTIONAL = Section((Field("when", Condition()), Field("role", RoleId(), required=True)))

INDICATOR = Section(
    (
        Field("id", ReadBy("load_indicators.declared_ids"), required=True),
        Field("dimension", OneOf(DIMENSIONS, "dimension", when_absent=True), required=True),
        Field("kind", OneOf(INDICATOR_KINDS, "kind", when_absent=True), required=True),
        Field("title", Text(), required=True),
        Field("explanation", Text()),
        Field("expr", Condition(), required=True),
        Field("scale_max", Number()),
        Field("threshold", ReadBy("a parameter or another indicator")),
        Field("labels", ReadBy("load_indicators.labels")),
        Field("level", ReadBy("load_indicators.levels")),
    ),
    listed=("id", "dimension", "kind", "title", "expr", "explanation", "scale_max", "threshold", "labels", "level"),
)

RULE_TEXTS = ("title", "summary", "rationale", "otherwise", "not_applicable", "confirmed", "undetermined", "step")
RULE_CONDITIONS = ("when", "applies_when", "confirmed_when", "in_place_when")
RULE = Section(
    (
        Field("id", Identifier(RULE_ID), required=True),
        Field("source", OneOf(SOURCES, None), required=True),
        Field("severity", OneOf(SEVERITIES, "severity"), required=True),
        Field("priority", Integer()),
        Field("roadmap_step", Integer()),
        Field("horizon", ReadBy("domain.load_domain")),
        Field("owner", ReadBy("domain.load_domain")),
        Field("after", ReadBy("domain.load_domain")),
        Field("citation", StringOrText()),
        Field("when", ReadBy("load_rules.condition"), required=True),
        Field("applies_when", ReadBy("load_rules.condition")),
        Field("confirmed_when", ReadBy("load_rules.condition")),
        Field("in_place_when", ReadBy("load_rules.condition")),
        Field("title", Text(), required=True),
        Field("summary", Text(), required=True),
        Field("rationale", Text(), required=True),
        Field("otherwise", Text()),
        Field("not_applicable", Text()),
        Field("confirmed", Text()),
        Field("undetermined", Text()),
        Field("step", Text()),
        Field("actions", Texts()),
        Field("to_find_out", Texts()),
        Field("then", ReadBy("load_decisions.decisions")),
    ),
    listed=("id", "source", "severity", "priority", "roadmap_step", "horizon", "owner", "after", "applies_when", "when", "confirmed_when",
            "in_place_when", "then", "title", "summary", "otherwise", "not_applicable", "confirmed", "undetermined", "step", "rationale",
            "actions", "to_find_out", "citation"),
)

THEN = Section((
    Field("assign", ReadBy("load_decisions.assignments")),
    Field("roles", ReadBy("load_decisions.role_changes")),
    Field("support", ReadBy("load_decisions.support")),
))

ASSIGNMENT = Section((
    Field("task", ReadBy("a task id; a wrong one drops the assignment"), required=True),
    Field("role", RoleList(absent=[]), required=True),
    Field("when", Condition()),  # the rule makes this assignment only where it holds
    Field("choose", Clauses(when_required=False)),
    Field("priority", Integer()),
    Field("supported_by", RoleList(absent=[])),
))

ROLE_CHANGE = Section((
    Field("role", RoleId(), required=True),
    Field("reports_to", RoleList(absent=None)),
    Field("headcount", Headcount()),
    Field("priority", Integer()),
))

SUPPORT = Section((
    Field("mode", OneOf(CLAIMABLE_MODES, "support mode"), required=True),
    Field("priority", Integer()),
    Field("service_levels", Texts()),
))
