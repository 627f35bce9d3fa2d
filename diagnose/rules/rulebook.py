"""Rulebook model, loading and lint (format: docs/rulebook.md).

A rulebook names the questionnaire it reads, declares parameters (every threshold),
roles and tasks (BRIEF glossary ids), derived indicators and rules. Loading checks all
of it in one pass and records located problems: syntax and unknown names (with
did-you-mean), unknown role and task ids, `fired:` references to unknown rules or in a
cycle, rules that can never fire (a condition that is false whatever the answers, or two
that contradict each other) and two rules that decide one thing differently with the
same priority. Conditions are compiled once here; `evaluate` only runs them.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import nodes

from diagnose.diagnosis import ROLE_IDS, TASK_IDS
from diagnose.errors import Location, ProblemList, did_you_mean, one_of
from diagnose.expressions import Expression, ExpressionError, NameInfo, compile_expression, is_true
from diagnose.questionnaire import Questionnaire, find_questionnaire, unknown_questionnaire
from diagnose.rules.domain import DOMAIN_KEYS, Domain, load_domain
from diagnose.schema import DOTTED_ID, RULE_ID, Checker, describe, join
from diagnose.yamlio import Document, is_number, position

Text = dict[str, str]
SEVERITIES = ("info", "advice", "important", "critical")
SOURCES = ("book", "complementary")
DIMENSIONS = ("complexity", "operational_load", "support_speed", "temperament", "share_of_wallet", "scale")
INDICATOR_KINDS = ("percent", "number", "flag", "level")
SUPPORT_MODES = ("inside_sales", "separate_with_controls", "hybrid", "not_needed", "undetermined")
CLAIMABLE_MODES = ("inside_sales", "separate_with_controls", "hybrid")
_PLACEHOLDER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # {name}: the only field a rulebook text may hold
_TOP_KEYS = (
    "kind", "id", "version", "questionnaire", "questionnaire_version", "citation", "parameters",
    "roles", "tasks", "support_modes", "indicators", "rules", *DOMAIN_KEYS,
)


@dataclass
class Parameter:
    id: str
    default: float | int | str
    unit: str
    source: str
    explanation: Text


@dataclass
class RoleDef:
    id: str
    title: Text
    today: Expression
    reports_to: list[str]
    headcount_unknown: bool = False
    # Whom the role reports to now, from the answers: first true clause whose manager
    # exists today; without one, the first of `reports_to` that exists today.
    reports_to_today: list[tuple[Expression, str]] = field(default_factory=list)


@dataclass
class TaskDef:
    id: str
    title: Text
    default_owner: list[str]
    today: list[tuple[Expression, str]]


@dataclass
class IndicatorDef:
    id: str
    dimension: str
    kind: str
    title: Text
    expr: Expression
    explanation: Text = field(default_factory=dict)
    scale_max: float | None = None
    threshold: str | None = None  # a parameter or indicator id
    labels: dict[str, Text] = field(default_factory=dict)
    levels: list[tuple[str, Expression]] = field(default_factory=list)


@dataclass
class Condition:
    """One node of a rule's condition: a group (all/any), an expression or a rule reference."""

    kind: str  # all | any | expr | fired | not_fired
    source: str
    location: Location
    expr: Expression | None = None
    rule: str | None = None
    children: list[Condition] = field(default_factory=list)


@dataclass
class Assignment:
    """A task a rule gives to a role. With several `allowed` roles, any of them satisfies
    the rule: today's owner keeps the task when it is one of them; otherwise the first
    `choose` clause that holds (a clause without a test always holds) names the role,
    and without one the first allowed role the company has today, else the first."""

    task: str
    role: str  # the first allowed role
    priority: int
    supported_by: list[str]
    location: Location
    allowed: list[str] = field(default_factory=list)
    choose: list[tuple[Expression | None, str]] = field(default_factory=list)

    @property
    def value(self) -> str | tuple[str, ...]:
        """What the rule decides, as the conflict linter compares it."""
        return self.role if len(self.allowed) <= 1 else tuple(self.allowed)


@dataclass
class RoleChange:
    role: str
    reports_to: list[str] | None
    headcount: float | str | None  # a number, "sizing", or None (leave as it is)
    priority: int
    location: Location


@dataclass
class SupportDecision:
    mode: str
    priority: int
    service_levels: list[Text]
    location: Location


@dataclass
class Rule:
    id: str
    source: str
    severity: str
    priority: int
    when: Condition
    title: Text
    summary: Text
    rationale: Text
    location: Location
    otherwise: Text = field(default_factory=dict)
    # `applies_when`: the rule's premise; when it is false the rule is not applicable
    # (its `otherwise` would speak of something the company does not have).
    applies_when: Condition | None = None
    not_applicable: Text = field(default_factory=dict)
    # `confirmed`: said instead of the summary when the rule holds and the company
    # already does what it asks (every decision it won is today's state, and
    # `confirmed_when`, if given, holds). A rule without this text is never confirmed.
    confirmed: Text = field(default_factory=dict)
    confirmed_when: Condition | None = None
    # `in_place_when`: the condition does not hold because what the rule recommends is
    # already done (operations already take the orders): confirmed rather than not fired.
    in_place_when: Condition | None = None
    actions: list[Text] = field(default_factory=list)
    to_find_out: list[Text] = field(default_factory=list)
    assign: list[Assignment] = field(default_factory=list)
    roles: list[RoleChange] = field(default_factory=list)
    support: SupportDecision | None = None
    roadmap_step: int | None = None
    citation: str | None = None  # defaults to the rulebook's citation
    index: int = 0  # position in the file, for reports (rules are evaluated in dependency order)

    def conditions(self) -> list[Condition]:
        """The rule's condition trees: premise, condition, confirmation (those it has)."""
        return [c for c in (self.applies_when, self.when, self.confirmed_when, self.in_place_when) if c is not None]

    def references(self) -> list[str]:
        return [c.rule for tree in self.conditions() for c in _walk(tree) if c.rule]


@dataclass
class Rulebook:
    id: str
    version: int
    questionnaire: Questionnaire
    citation: str
    parameters: dict[str, Parameter]
    roles: dict[str, RoleDef]
    tasks: dict[str, TaskDef]
    support_modes: dict[str, dict[str, Text]]
    indicators: list[IndicatorDef]  # in dependency order
    rules: list[Rule]  # in dependency order (a rule after the rules it references)
    path: str
    domain: Domain = field(default_factory=Domain)  # sizing, key decisions, support placement (rules/domain.py)

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


def _walk(condition: Condition) -> list[Condition]:
    items = [condition]
    for child in condition.children:
        items.extend(_walk(child))
    return items


# ---------------------------------------------------------------------------- loading


def load_rulebook(path: str | Path, questionnaire: Questionnaire | None = None, display: str | None = None) -> Rulebook:
    """Load and lint a rulebook; raise UserError listing every problem.

    Reuses what was built from the same text for the same questionnaire before
    (diagnose/loadcache.py); problems are always found by `rulebook_from_document`."""
    from diagnose.loadcache import load_checked, with_questionnaire

    return load_checked(
        path, display, "rulebook",
        lambda document, problems: rulebook_from_document(document, problems, questionnaire),
        depends_on=questionnaire, rebind=lambda rulebook: with_questionnaire(rulebook, questionnaire),
    )


def rulebook_from_document(
    document: Document, problems: ProblemList, questionnaire: Questionnaire | None = None
) -> Rulebook | None:
    """Build a Rulebook, recording every problem; None when it cannot be built."""
    return _Loader(document, problems).load(questionnaire)


class _Loader:
    def __init__(self, document: Document, problems: ProblemList):
        self.document = document
        self.problems = problems
        self.check = Checker(document, problems)
        self.languages: list[str] = ["ru", "en"]
        self.names: dict[str, NameInfo] = {}
        self.questions: dict[str, Any] = {}

    # -- helpers
    def error(self, container: Any, key: Any, path: str, message: str, value: bool = True) -> None:
        self.check.error(container, key, path, message, value)

    def text(self, container: Any, key: str, path: str, required: bool = True) -> Text:
        return self.check.text(container, key, path, self.languages, required)

    def texts(self, container: Any, key: str, path: str) -> list[Text]:
        items = self.check.sequence(container, key, path) or []
        result = []
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                self.error(items, index, f"{path}[{index}]", f"expected a text in each language (ru: ..., en: ...), got {describe(item)}")
                continue
            holder = {"t": item}
            text = self.check.text(holder, "t", f"{path}[{index}]", self.languages)
            if text:
                result.append(text)
        return result

    def compile(self, container: Any, key: Any, path: str, names: dict[str, NameInfo] | None = None) -> Expression | None:
        raw = container[key]
        if is_number(raw):
            raw = str(raw)
        try:
            return compile_expression(raw, names if names is not None else self.names)
        except ExpressionError as exc:
            self.error(container, key, path, str(exc))
            return None

    def role_id(self, container: Any, key: Any, path: str, declared: bool = True) -> str | None:
        value = container[key]
        if not isinstance(value, str) or value not in ROLE_IDS:
            self.error(
                container, key, path,
                f"unknown role id {describe(value)}{did_you_mean(str(value), ROLE_IDS)}; expected one of: {one_of(ROLE_IDS)}",
            )
            return None
        return value

    def role_list(self, container: Any, key: str, path: str) -> list[str]:
        raw = container.get(key)
        if raw is None:
            return []
        if isinstance(raw, str):
            raw_list = [raw]
            ok = self.role_id(container, key, path)
            return [ok] if ok else []
        if not isinstance(raw, list):
            self.error(container, key, path, f"expected a list of role ids, got {describe(raw)}")
            return []
        raw_list = raw
        return [r for i, r in enumerate(raw_list) if self.role_id(raw_list, i, f"{path}[{i}]")]

    def loc(self, container: Any, key: Any = None, path: str = "") -> Location:
        return Location(self.document.path, *position(container, key), path)

    # -- top level
    def load(self, questionnaire: Questionnaire | None) -> Rulebook | None:
        data = self.document.data
        if not isinstance(data, dict):
            self.problems.add(Location(self.document.path, 1, 1), f"expected a mapping at the top, got {describe(data)}")
            return None
        self.check.keys(data, "", _TOP_KEYS, ("kind", "id", "version", "questionnaire", "parameters", "roles", "tasks", "rules"))
        if data.get("kind") != "rulebook":
            self.error(data, "kind", "kind", f"expected 'rulebook', got {describe(data.get('kind'))}")
        rid = self.check.identifier(data, "id", "id", DOTTED_ID) or ""
        version = self.check.integer(data, "version", "version") or 0
        citation = self.check.string(data, "citation", "citation") or "Erokhin & Klimov, Client Base Management (2024)"
        questionnaire = self.questionnaire(data, questionnaire)
        if questionnaire is None:
            return None
        self.languages = list(questionnaire.languages)
        self.names = dict(questionnaire.name_infos())
        self.questions = dict(questionnaire.questions)

        parameters = self.parameters(data)
        for pid in parameters:
            if pid in self.names:
                self.error(data["parameters"], pid, f"parameters.{pid}", f"'{pid}' is already a question or computed value", value=False)
            else:
                self.names[pid] = NameInfo("parameter")
        roles = self.roles(data)
        tasks = self.tasks(data, roles)
        modes = self.support_modes(data)
        indicators = self.indicators(data, parameters)
        rules = self.rules(data, roles, tasks)
        domain = load_domain(self, data, parameters, modes)
        if self.problems:
            return None
        return Rulebook(rid, version, questionnaire, citation, parameters, roles, tasks, modes, indicators, rules,
                        self.document.path, domain)

    def questionnaire(self, data: Any, given: Questionnaire | None) -> Questionnaire | None:
        name = data.get("questionnaire")
        if not isinstance(name, str):
            if "questionnaire" in data:
                self.error(data, "questionnaire", "questionnaire", f"expected the questionnaire id as text, got {describe(name)}")
            return None
        if given is not None:
            questionnaire = given
            if questionnaire.id != name:
                self.error(data, "questionnaire", "questionnaire", f"this rulebook reads '{name}', but the questionnaire is '{questionnaire.id}'")
                return None
        else:
            found = find_questionnaire(name, data.get("questionnaire_version"))  # by id, never as a path
            if found is None:
                self.error(data, "questionnaire", "questionnaire", unknown_questionnaire(name))
                return None
            questionnaire = found
        wanted = data.get("questionnaire_version")
        if wanted is not None and wanted != questionnaire.version:
            self.error(
                data, "questionnaire_version", "questionnaire_version",
                f"this rulebook was written for version {describe(wanted)} of '{name}', but the questionnaire is version {questionnaire.version}",
            )
            return None
        return questionnaire

    def parameters(self, data: Any) -> dict[str, Parameter]:
        raw = self.check.mapping(data, "parameters", "parameters") or {}
        result: dict[str, Parameter] = {}
        for pid, item in raw.items():
            path = f"parameters.{pid}"
            if not isinstance(pid, str) or not re.match(r"^[a-z][a-z0-9_]*$", pid):
                self.error(raw, pid, path, f"{describe(pid)} is not a valid parameter name; expected lower-case letters, digits and '_'", value=False)
                continue
            if not isinstance(item, dict):
                self.error(raw, pid, path, f"expected a mapping with default, unit, source and explanation, got {describe(item)}")
                continue
            self.check.keys(item, path, ("default", "unit", "source", "explanation"), ("default", "unit", "source", "explanation"))
            default = item.get("default")
            if not (is_number(default) or isinstance(default, str)):
                self.error(item, "default", f"{path}.default", f"expected a number or text, got {describe(default)}")
                default = 0  # keep the name known: conditions naming it are not wrong too
            unit = self.check.string(item, "unit", f"{path}.unit") or ""
            source = self.check.string(item, "source", f"{path}.source") or ""
            explanation = self.text(item, "explanation", f"{path}.explanation")
            result[pid] = Parameter(pid, default, unit, source, explanation)
        return result

    def roles(self, data: Any) -> dict[str, RoleDef]:
        raw = self.check.mapping(data, "roles", "roles") or {}
        result: dict[str, RoleDef] = {}
        for rid, item in raw.items():
            path = f"roles.{rid}"
            if rid not in ROLE_IDS:
                self.error(raw, rid, path, f"unknown role id '{rid}'{did_you_mean(str(rid), ROLE_IDS)}; expected one of: {one_of(ROLE_IDS)}", value=False)
                continue
            if not isinstance(item, dict):
                self.error(raw, rid, path, f"expected a mapping with title, today and reports_to, got {describe(item)}")
                continue
            self.check.keys(item, path, ("title", "today", "reports_to", "reports_to_today", "headcount_unknown"), ("title", "today"))
            title = self.text(item, "title", f"{path}.title")
            today = self.compile(item, "today", f"{path}.today") if "today" in item else None
            reports_to = self.role_list(item, "reports_to", f"{path}.reports_to")
            unknown = self.check.boolean(item, "headcount_unknown", f"{path}.headcount_unknown", False)
            line_today = self.clauses(item, "reports_to_today", f"{path}.reports_to_today")
            if today is not None:
                result[rid] = RoleDef(rid, title, today, reports_to, unknown, line_today)
        for rid in ROLE_IDS:
            if rid not in raw and isinstance(data.get("roles"), dict):
                self.error(data, "roles", "roles", f"missing role '{rid}': every role of the glossary needs a title and a headcount today", value=False)
        return result

    def tasks(self, data: Any, roles: dict[str, RoleDef]) -> dict[str, TaskDef]:
        raw = self.check.mapping(data, "tasks", "tasks") or {}
        result: dict[str, TaskDef] = {}
        for tid, item in raw.items():
            path = f"tasks.{tid}"
            if tid not in TASK_IDS:
                self.error(raw, tid, path, f"unknown task id '{tid}'{did_you_mean(str(tid), TASK_IDS)}; expected one of: {one_of(TASK_IDS)}", value=False)
                continue
            if not isinstance(item, dict):
                self.error(raw, tid, path, f"expected a mapping with title, default_owner and today, got {describe(item)}")
                continue
            self.check.keys(item, path, ("title", "default_owner", "today"), ("title", "default_owner"))
            title = self.text(item, "title", f"{path}.title")
            owners = self.role_list(item, "default_owner", f"{path}.default_owner")
            if "default_owner" in item and not owners:
                self.error(item, "default_owner", f"{path}.default_owner", "expected at least one role id")
            clauses = [(expr, role) for expr, role in self.clauses(item, "today", f"{path}.today") if expr is not None]
            result[tid] = TaskDef(tid, title, owners, clauses)
        for tid in TASK_IDS:
            if tid not in raw and isinstance(data.get("tasks"), dict):
                self.error(data, "tasks", "tasks", f"missing task '{tid}': every task needs a title and a default owner", value=False)
        return result

    def clauses(self, item: Any, key: str, path: str, when_required: bool = True) -> list[tuple[Expression | None, str]]:
        """A list of `{when: CONDITION, role: ROLE}` clauses (first true one wins)."""
        result: list[tuple[Expression | None, str]] = []
        for index, clause in enumerate(self.check.sequence(item, key, path) or []):
            cpath = f"{path}[{index}]"
            if not isinstance(clause, dict):
                self.error(item[key], index, cpath, f"expected a mapping with when and role, got {describe(clause)}")
                continue
            self.check.keys(clause, cpath, ("when", "role"), ("when", "role") if when_required else ("role",))
            expr = self.compile(clause, "when", f"{cpath}.when") if "when" in clause else None
            role = self.role_id(clause, "role", f"{cpath}.role") if "role" in clause else None
            if role and (expr is not None or ("when" not in clause and not when_required)):
                result.append((expr, role))
        return result

    def support_modes(self, data: Any) -> dict[str, dict[str, Text]]:
        raw = self.check.mapping(data, "support_modes", "support_modes") or {}
        result: dict[str, dict[str, Text]] = {}
        for mode, item in raw.items():
            path = f"support_modes.{mode}"
            if mode not in SUPPORT_MODES:
                self.error(raw, mode, path, f"unknown support mode '{mode}'{did_you_mean(str(mode), SUPPORT_MODES)}; expected one of: {one_of(SUPPORT_MODES)}", value=False)
                continue
            if not isinstance(item, dict):
                self.error(raw, mode, path, f"expected a mapping with title and explanation, got {describe(item)}")
                continue
            self.check.keys(item, path, ("title", "explanation"), ("title", "explanation"))
            result[mode] = {"title": self.text(item, "title", f"{path}.title"), "explanation": self.text(item, "explanation", f"{path}.explanation")}
        if isinstance(data.get("support_modes"), dict):
            for mode in SUPPORT_MODES:
                if mode not in raw:
                    self.error(data, "support_modes", "support_modes", f"missing support mode '{mode}'", value=False)
        return result

    # -- indicators
    def indicators(self, data: Any, parameters: dict[str, Parameter]) -> list[IndicatorDef]:
        items = self.check.sequence(data, "indicators", "indicators") or []
        declared: dict[str, tuple[Any, int]] = {}
        for index, item in enumerate(items):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                if item["id"] in declared:
                    self.error(item, "id", f"indicators[{index}].id", f"indicator id '{item['id']}' is used twice")
                elif item["id"] in self.names:
                    self.error(item, "id", f"indicators[{index}].id", f"'{item['id']}' is already a question, computed value or parameter")
                else:
                    declared[item["id"]] = (item, index)
        # Every indicator may read any other; the order is found below, cycles refused.
        for iid in declared:
            self.names[iid] = NameInfo("computed")
        built: dict[str, IndicatorDef] = {}
        for iid, (item, index) in declared.items():
            path = f"indicators[{index}]"
            self.check.keys(
                item, path,
                ("id", "dimension", "kind", "title", "expr", "explanation", "scale_max", "threshold", "labels", "level"),
                ("id", "dimension", "kind", "title", "expr"),
            )
            dimension = item.get("dimension")
            if dimension not in DIMENSIONS:
                self.error(item, "dimension", f"{path}.dimension", f"unknown dimension {describe(dimension)}{did_you_mean(str(dimension), DIMENSIONS)}; expected one of: {one_of(DIMENSIONS)}")
            kind = item.get("kind")
            if kind not in INDICATOR_KINDS:
                self.error(item, "kind", f"{path}.kind", f"unknown kind {describe(kind)}{did_you_mean(str(kind), INDICATOR_KINDS)}; expected one of: {one_of(INDICATOR_KINDS)}")
            title = self.text(item, "title", f"{path}.title")
            explanation = self.text(item, "explanation", f"{path}.explanation", required=False)
            expr = self.compile(item, "expr", f"{path}.expr") if "expr" in item else None
            scale_max = self.check.number(item, "scale_max", f"{path}.scale_max")
            threshold = item.get("threshold")
            if threshold is not None and threshold not in parameters and threshold not in declared:
                self.error(item, "threshold", f"{path}.threshold", f"unknown parameter or indicator {describe(threshold)}{did_you_mean(str(threshold), list(parameters) + list(declared))}")
                threshold = None
            labels: dict[str, Text] = {}
            raw_labels = self.check.mapping(item, "labels", f"{path}.labels") or {}
            for key in raw_labels:
                labels[str(key)] = self.text(raw_labels, key, f"{path}.labels.{key}")
            levels: list[tuple[str, Expression]] = []
            raw_levels = self.check.mapping(item, "level", f"{path}.level") or {}
            for level in raw_levels:
                if level not in ("high", "medium"):
                    self.error(raw_levels, level, f"{path}.level.{level}", f"unknown level '{level}'; expected high or medium (low is what is left)", value=False)
                    continue
                compiled = self.compile(raw_levels, level, f"{path}.level.{level}")
                if compiled is not None:
                    levels.append((str(level), compiled))
            if expr is not None and dimension in DIMENSIONS and kind in INDICATOR_KINDS:
                built[iid] = IndicatorDef(iid, str(dimension), str(kind), title, expr, explanation, scale_max, threshold, labels, levels)
        return self.order_indicators(built, declared)

    def order_indicators(self, built: dict[str, IndicatorDef], declared: dict[str, tuple[Any, int]]) -> list[IndicatorDef]:
        ordered: list[IndicatorDef] = []
        state: dict[str, str] = {}

        def visit(iid: str, chain: list[str]) -> None:
            if state.get(iid) == "done" or iid not in built:
                return
            if state.get(iid) == "open":
                cycle = chain[chain.index(iid):] + [iid]
                item, index = declared[iid]
                self.error(item, "expr", f"indicators[{index}].expr", f"indicators depend on each other in a cycle: {' -> '.join(cycle)}")
                return
            state[iid] = "open"
            for name in built[iid].expr.names:
                visit(name, chain + [iid])
            state[iid] = "done"
            ordered.append(built[iid])

        for iid in built:
            visit(iid, [])
        return ordered

    # -- rules
    def rules(self, data: Any, roles: dict[str, RoleDef], tasks: dict[str, TaskDef]) -> list[Rule]:
        items = self.check.sequence(data, "rules", "rules") or []
        ids = [item.get("id") for item in items if isinstance(item, dict)]
        rules: list[Rule] = []
        seen: set[str] = set()
        for index, item in enumerate(items):
            path = f"rules[{index}]"
            if not isinstance(item, dict):
                self.error(items, index, path, f"expected a rule mapping, got {describe(item)}")
                continue
            rule = self.rule(item, path, [i for i in ids if isinstance(i, str)])
            if rule is None:
                continue
            rule.index = index
            if rule.id in seen:
                self.error(item, "id", f"{path}.id", f"rule id '{rule.id}' is used twice")
                continue
            seen.add(rule.id)
            rules.append(rule)
        if self.problems:
            return rules
        ordered = self.order_rules(rules)
        for rule in ordered:
            self.lint_never_fires(rule)
        self.lint_conflicts(ordered)
        return ordered

    def rule(self, item: Any, path: str, ids: list[str]) -> Rule | None:
        self.check.keys(
            item, path,
            ("id", "source", "severity", "priority", "roadmap_step", "applies_when", "when", "confirmed_when",
             "in_place_when", "then",
             "title", "summary", "otherwise", "not_applicable", "confirmed", "rationale", "actions", "to_find_out",
             "citation"),
            ("id", "source", "severity", "when", "title", "summary", "rationale"),
        )
        before = len(self.problems.items)
        rid = self.check.identifier(item, "id", f"{path}.id", RULE_ID)
        source = item.get("source")
        if "source" in item and source not in SOURCES:
            self.error(item, "source", f"{path}.source", f"expected one of: {one_of(SOURCES)}, got {describe(source)}")
        severity = item.get("severity")
        if "severity" in item and severity not in SEVERITIES:
            self.error(item, "severity", f"{path}.severity", f"unknown severity {describe(severity)}{did_you_mean(str(severity), SEVERITIES)}; expected one of: {one_of(SEVERITIES)}")
        priority = self.check.integer(item, "priority", f"{path}.priority")
        roadmap_step = self.check.integer(item, "roadmap_step", f"{path}.roadmap_step")
        citation = self.check.string(item, "citation", f"{path}.citation")
        when = self.condition(item, "when", f"{path}.when", ids, rid, top=True) if "when" in item else None
        premise = self.condition(item, "applies_when", f"{path}.applies_when", ids, rid, top=True) if "applies_when" in item else None
        confirm = self.condition(item, "confirmed_when", f"{path}.confirmed_when", ids, rid, top=True) if "confirmed_when" in item else None
        in_place = self.condition(item, "in_place_when", f"{path}.in_place_when", ids, rid, top=True) if "in_place_when" in item else None
        text_keys = ("title", "summary", "rationale", "otherwise", "not_applicable", "confirmed")
        texts = {key: self.text(item, key, f"{path}.{key}", required=key in ("title", "summary", "rationale")) for key in text_keys}
        for key in ("confirmed_when", "in_place_when"):
            if key in item and not texts["confirmed"]:
                self.error(item, key, f"{path}.{key}", f"a rule with '{key}' needs a 'confirmed' text (what the report says when it holds)", value=False)
        if "not_applicable" in item and "applies_when" not in item:
            self.error(item, "not_applicable", f"{path}.not_applicable", "a 'not_applicable' text needs an 'applies_when' premise", value=False)
        actions = self.texts(item, "actions", f"{path}.actions")
        find_out = self.texts(item, "to_find_out", f"{path}.to_find_out")
        for key in text_keys:
            self.placeholders(item, key, f"{path}.{key}")
        for index, _ in enumerate(item.get("actions") or []):
            self.placeholders(item["actions"], index, f"{path}.actions[{index}]")
        assign: list[Assignment] = []
        roles: list[RoleChange] = []
        support: SupportDecision | None = None
        then = self.check.mapping(item, "then", f"{path}.then")
        if then is not None:
            self.check.keys(then, f"{path}.then", ("assign", "roles", "support"))
            decided = bool(then.get("assign") or then.get("support"))
            if decided and priority is None:
                self.problems.add(self.loc(item, None, path), "a rule that assigns tasks or places support needs a 'priority' (a whole number; higher wins a conflict)")
            assign = self.assignments(then, f"{path}.then", priority or 0)
            roles = self.role_changes(then, f"{path}.then", priority or 0)
            support = self.support(then, f"{path}.then", priority or 0)
        if len(self.problems.items) > before or not rid or when is None:
            return None
        return Rule(
            rid, str(source), str(severity), priority or 0, when, texts["title"], texts["summary"], texts["rationale"],
            self.loc(item, None, path), texts["otherwise"], premise, texts["not_applicable"], texts["confirmed"], confirm,
            in_place, actions, find_out, assign, roles, support, roadmap_step, citation,
        )

    def placeholders(self, container: Any, key: Any, path: str) -> None:
        value = container.get(key) if isinstance(container, dict) else container[key]
        if not isinstance(value, dict):
            return
        for lang, text in value.items():
            problem = _field_problem(str(text), self.names)
            if problem:
                self.error(value, lang, join(path, lang), problem)

    def condition(self, container: Any, key: Any, path: str, ids: list[str], own: str | None, top: bool = False) -> Condition | None:
        raw = container[key]
        loc = Location(self.document.path, *position(container, key), path)
        if isinstance(raw, dict):
            keys = list(raw.keys())
            if len(keys) != 1 or keys[0] not in ("all", "any", "fired", "not_fired"):
                self.error(container, key, path, "expected one of 'all: [...]', 'any: [...]', 'fired: RULE' or 'not_fired: RULE'"
                           + (f", got keys {', '.join(map(str, keys))}" if keys else ""))
                return None
            kind = keys[0]
            if kind in ("fired", "not_fired"):
                target = raw[kind]
                if not isinstance(target, str) or target not in ids:
                    self.error(raw, kind, f"{path}.{kind}", f"unknown rule {describe(target)}{did_you_mean(str(target), ids)}")
                    return None
                if target == own:
                    self.error(raw, kind, f"{path}.{kind}", f"rule '{own}' cannot depend on its own outcome")
                    return None
                return Condition(kind, f"{kind}({target})", loc, rule=target)
            items = raw[kind]
            if not isinstance(items, list) or not items:
                self.error(raw, kind, f"{path}.{kind}", f"expected a non-empty list of conditions, got {describe(items)}")
                return None
            children = [self.condition(items, i, f"{path}.{kind}[{i}]", ids, own) for i in range(len(items))]
            if any(c is None for c in children):
                return None
            return Condition(kind, kind, loc, children=[c for c in children if c is not None])
        if top:
            self.error(container, key, path, "expected 'all: [...]' or 'any: [...]' (a list of small conditions, so that each one is traced)")
            return None
        expr = self.compile(container, key, path)
        if expr is None:
            return None
        return Condition("expr", expr.source, loc, expr=expr)

    def assignments(self, then: Any, path: str, priority: int) -> list[Assignment]:
        result = []
        for index, item in enumerate(self.check.sequence(then, "assign", f"{path}.assign") or []):
            ipath = f"{path}.assign[{index}]"
            if not isinstance(item, dict):
                self.error(then["assign"], index, ipath, f"expected a mapping with task and role, got {describe(item)}")
                continue
            self.check.keys(item, ipath, ("task", "role", "choose", "priority", "supported_by"), ("task", "role"))
            task = item.get("task")
            if "task" in item and task not in TASK_IDS:
                self.error(item, "task", f"{ipath}.task", f"unknown task id {describe(task)}{did_you_mean(str(task), TASK_IDS)}; expected one of: {one_of(TASK_IDS)}")
                continue
            allowed = self.role_list(item, "role", f"{ipath}.role") if "role" in item else []
            if isinstance(item.get("role"), list) and not item["role"]:
                self.error(item, "role", f"{ipath}.role", "expected a role id or a non-empty list of role ids")
            choose = self.clauses(item, "choose", f"{ipath}.choose", when_required=False)
            if choose and len(allowed) < 2:
                self.error(item, "choose", f"{ipath}.choose", "'choose' picks among several allowed roles: give 'role' as a list", value=False)
            for cindex, (_, chosen) in enumerate(choose):
                if allowed and chosen not in allowed:
                    self.error(item["choose"][cindex], "role", f"{ipath}.choose[{cindex}].role",
                               f"role '{chosen}' is not one of this assignment's roles ({', '.join(allowed)})")
            own = self.check.integer(item, "priority", f"{ipath}.priority")
            supported = self.role_list(item, "supported_by", f"{ipath}.supported_by")
            if task and allowed:
                result.append(Assignment(str(task), allowed[0], own if own is not None else priority, supported,
                                         self.loc(then["assign"], index, ipath), allowed, choose))
        return result

    def role_changes(self, then: Any, path: str, priority: int) -> list[RoleChange]:
        result = []
        for index, item in enumerate(self.check.sequence(then, "roles", f"{path}.roles") or []):
            ipath = f"{path}.roles[{index}]"
            if not isinstance(item, dict):
                self.error(then["roles"], index, ipath, f"expected a mapping with role, reports_to and headcount, got {describe(item)}")
                continue
            self.check.keys(item, ipath, ("role", "reports_to", "headcount", "priority"), ("role",))
            role = self.role_id(item, "role", f"{ipath}.role") if "role" in item else None
            reports_to = self.role_list(item, "reports_to", f"{ipath}.reports_to") if "reports_to" in item else None
            headcount = item.get("headcount")
            if headcount is not None and not (is_number(headcount) and headcount > 0) and headcount != "sizing":
                self.error(item, "headcount", f"{ipath}.headcount", f"expected a positive number or 'sizing', got {describe(headcount)}")
                headcount = None
            own = self.check.integer(item, "priority", f"{ipath}.priority")
            if role:
                if role in (reports_to or []):
                    self.error(item, "reports_to", f"{ipath}.reports_to", f"role '{role}' cannot report to itself")
                    continue
                result.append(RoleChange(role, reports_to, headcount, own if own is not None else priority, self.loc(then["roles"], index, ipath)))
        return result

    def support(self, then: Any, path: str, priority: int) -> SupportDecision | None:
        item = self.check.mapping(then, "support", f"{path}.support")
        if item is None:
            return None
        self.check.keys(item, f"{path}.support", ("mode", "priority", "service_levels"), ("mode",))
        mode = item.get("mode")
        if "mode" in item and mode not in CLAIMABLE_MODES:
            self.error(item, "mode", f"{path}.support.mode", f"unknown support mode {describe(mode)}{did_you_mean(str(mode), CLAIMABLE_MODES)}; expected one of: {one_of(CLAIMABLE_MODES)}")
            return None
        own = self.check.integer(item, "priority", f"{path}.support.priority")
        levels = self.texts(item, "service_levels", f"{path}.support.service_levels")
        if mode is None:
            return None
        return SupportDecision(str(mode), own if own is not None else priority, levels, self.loc(then, "support", f"{path}.support"))

    def order_rules(self, rules: list[Rule]) -> list[Rule]:
        by_id = {r.id: r for r in rules}
        ordered: list[Rule] = []
        state: dict[str, str] = {}

        def visit(rule: Rule, chain: list[str]) -> None:
            if state.get(rule.id) == "done":
                return
            if state.get(rule.id) == "open":
                cycle = chain[chain.index(rule.id):] + [rule.id]
                self.problems.add(rule.location, f"rules depend on each other's outcome in a cycle: {' -> '.join(cycle)}")
                return
            state[rule.id] = "open"
            for ref in rule.references():
                if ref in by_id:
                    visit(by_id[ref], chain + [rule.id])
            state[rule.id] = "done"
            ordered.append(rule)

        for rule in rules:
            visit(rule, [])
        return ordered

    # -- lint: rules that can never fire
    def lint_never_fires(self, rule: Rule) -> None:
        reason = self.never_true(rule.when)
        if reason:
            self.problems.add(reason[1], f"rule '{rule.id}' can never fire: {reason[0]}")

    def never_true(self, condition: Condition) -> tuple[str, Location] | None:
        if condition.kind == "expr":
            assert condition.expr is not None
            reason = self.expr_never_true(condition.expr)
            return (reason, condition.location) if reason else None
        if condition.kind == "any":
            reasons = [self.never_true(c) for c in condition.children]
            if all(reasons):
                first = reasons[0]
                assert first is not None
                if len(reasons) == 1:
                    return first
                return ("none of its 'any' conditions can be true (" + "; ".join(r[0] for r in reasons if r) + ")", condition.location)
            return None
        if condition.kind == "all":
            for child in condition.children:
                reason = self.never_true(child)
                if reason:
                    return reason
            return self.contradiction(condition)
        return None

    def parameter_env(self) -> dict[str, Any]:
        return {name: p.default for name, p in self.current_parameters().items()}

    def current_parameters(self) -> dict[str, Parameter]:
        raw = self.document.data.get("parameters") or {}
        return {
            k: Parameter(k, v["default"], "", "", {})
            for k, v in raw.items()
            if isinstance(v, dict) and (is_number(v.get("default")) or isinstance(v.get("default"), str))
        }

    def expr_never_true(self, expr: Expression) -> str | None:
        params = self.parameter_env()
        # A condition over constants and parameters alone has one value for every company.
        if all(name in params for name in expr.names):
            try:
                value = expr.evaluate(params)
            except ExpressionError:
                return None
            if is_true(value) is False:
                return f'"{expr.source}" is false whatever the answers (with the parameters\' default values)'
            return None
        constraint = self.constraint(expr.tree, params)
        if constraint is None:
            return None
        name, low, high, allowed = constraint
        bounds = self.bounds(name)
        if allowed is not None:
            return None if allowed else f'"{expr.source}" can never be true'
        if bounds is None:
            return None
        qlow, qhigh, what = bounds
        if _empty(_meet((low, high), (qlow, qhigh))):
            return f'"{expr.source}" can never be true: \'{name}\' is {what}'
        return None

    def bounds(self, name: str) -> tuple[tuple[float, bool] | None, tuple[float, bool] | None, str] | None:
        question = self.questions.get(name)
        if not question or question.type not in ("number", "percent", "scale"):
            return None
        low, high = question.bounds()
        kind = {"percent": "a percent", "scale": "a scale value", "number": "a number"}[question.type]
        text = f"{kind}{question.range_text()}"
        return ((low, True) if low is not None else None, (high, True) if high is not None else None, text)

    def constraint(self, tree: nodes.Node, params: dict[str, Any]) -> tuple[str, Any, Any, set[str] | None] | None:
        """`name OP constant` -> (name, low, high, None); `name == 'x'` / `name in [...]` -> (name, None, None, {ids})."""
        if not isinstance(tree, nodes.Compare) or len(tree.ops) != 1:
            return None
        left, op, right = tree.expr, tree.ops[0].op, tree.ops[0].expr
        flipped = {"gt": "lt", "gteq": "lteq", "lt": "gt", "lteq": "gteq", "eq": "eq", "ne": "ne"}
        if not self.is_answer_name(left) and self.is_answer_name(right) and op in flipped:
            left, right, op = right, left, flipped[op]
        if not self.is_answer_name(left):
            return None
        name = left.name
        value = _constant(right, params)
        if value is None:
            return None
        if isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            values = {value} if isinstance(value, str) else set(value)
            if op in ("eq", "in"):
                return (name, None, None, values)
            return None
        if not is_number(value):
            return None
        number = float(value)
        if op == "gt":
            return (name, (number, False), None, None)
        if op == "gteq":
            return (name, (number, True), None, None)
        if op == "lt":
            return (name, None, (number, False), None)
        if op == "lteq":
            return (name, None, (number, True), None)
        if op == "eq":
            return (name, (number, True), (number, True), None)
        return None

    def is_answer_name(self, node: nodes.Node) -> bool:
        return isinstance(node, nodes.Name) and node.name in self.names and self.names[node.name].kind != "parameter"

    def contradiction(self, condition: Condition) -> tuple[str, Location] | None:
        params = self.parameter_env()
        intervals: dict[str, tuple[Any, Any, str]] = {}
        choices: dict[str, tuple[set[str], str]] = {}
        for child in condition.children:
            if child.kind != "expr" or child.expr is None:
                continue
            constraint = self.constraint(child.expr.tree, params)
            if constraint is None:
                continue
            name, low, high, allowed = constraint
            if allowed is not None:
                if name in choices:
                    previous, source = choices[name]
                    if not previous & allowed:
                        return (f'"{source}" and "{child.source}" cannot both be true', child.location)
                    choices[name] = (previous & allowed, source)
                else:
                    choices[name] = (allowed, child.source)
                continue
            if name in intervals:
                plow, phigh, source = intervals[name]
                met = _meet((plow, phigh), (low, high))
                if _empty(met):
                    return (f'"{source}" and "{child.source}" cannot both be true', child.location)
                intervals[name] = (met[0], met[1], source)
            else:
                intervals[name] = (low, high, child.source)
        return None

    # -- lint: two rules deciding one thing differently with the same priority
    def lint_conflicts(self, rules: list[Rule]) -> None:
        claims: dict[tuple[str, str], list[tuple[Rule, Any, int, Location, str]]] = {}
        for rule in rules:
            for key, value, priority, location, what in decisions_of(rule):
                claims.setdefault(key, []).append((rule, value, priority, location, what))
        for items in claims.values():
            for index, (rule, value, priority, location, what) in enumerate(items):
                for other, other_value, other_priority, _, _ in items[:index]:
                    if other.id == rule.id or other_value == value or other_priority != priority:
                        continue
                    self.problems.add(
                        location,
                        f"rule '{rule.id}' decides {what} ({_shown(value)}) and rule '{other.id}' decides it "
                        f"differently ({_shown(other_value)}) with the same priority {priority}; "
                        "give one of them a higher priority",
                    )


def _field_problem(text: str, names: dict[str, NameInfo]) -> str | None:
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
            return f"unknown name '{{{name}}}' in text{did_you_mean(name, names)}"
    return None


def decisions_of(rule: Rule) -> list[tuple[tuple[str, str], Any, int, Location, str]]:
    """Everything a rule decides, as (key, value, priority, location, description)."""
    decisions: list[tuple[tuple[str, str], Any, int, Location, str]] = []
    for a in rule.assign:
        decisions.append((("task", a.task), a.value, a.priority, a.location, f"task '{a.task}'"))
    if rule.support:
        decisions.append((("support", ""), rule.support.mode, rule.support.priority, rule.support.location, "support placement"))
    for change in rule.roles:
        if change.reports_to is not None:
            decisions.append((("reports_to", change.role), tuple(change.reports_to), change.priority, change.location,
                              f"the reporting line of '{change.role}'"))
        if change.headcount is not None:
            decisions.append((("headcount", change.role), change.headcount, change.priority, change.location,
                              f"the headcount of '{change.role}'"))
    return decisions


def _shown(value: Any) -> str:
    return "/".join(value) if isinstance(value, tuple) else str(value)


def _constant(node: nodes.Node, params: dict[str, Any]) -> Any:
    if isinstance(node, nodes.Const):
        return node.value
    if isinstance(node, nodes.Name) and node.name in params:
        return params[node.name]
    if isinstance(node, (nodes.List, nodes.Tuple)):
        values = [_constant(i, params) for i in node.items]
        return None if any(v is None for v in values) else values
    if isinstance(node, nodes.Neg):
        inner = _constant(node.node, params)
        return -inner if is_number(inner) else None
    return None


Bound = tuple[float, bool] | None  # (value, inclusive)


def _meet(a: tuple[Bound, Bound], b: tuple[Bound, Bound]) -> tuple[Bound, Bound]:
    low = _max_low(a[0], b[0])
    high = _min_high(a[1], b[1])
    return low, high


def _max_low(x: Bound, y: Bound) -> Bound:
    if x is None:
        return y
    if y is None:
        return x
    if x[0] != y[0]:
        return x if x[0] > y[0] else y
    return (x[0], x[1] and y[1])


def _min_high(x: Bound, y: Bound) -> Bound:
    if x is None:
        return y
    if y is None:
        return x
    if x[0] != y[0]:
        return x if x[0] < y[0] else y
    return (x[0], x[1] and y[1])


def _empty(interval: tuple[Bound, Bound]) -> bool:
    low, high = interval
    if low is None or high is None:
        return False
    if low[0] > high[0]:
        return True
    if low[0] == high[0]:
        return not (low[1] and high[1])
    return False
