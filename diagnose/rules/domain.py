"""The rulebook's domain sections: headcount sizing, key decisions, support placement.

These say, as data, what used to be written in Python with the bundled questionnaire's
ids (format: docs/rulebook.md):

- `sizing`: the headcount arithmetic, one line at a time. A line names its role, a label
  (a text id of locale/rules.yaml), an expression over answers, computed values,
  parameters, indicators and earlier lines, the formula shown with the numbers filled
  in, and its inputs; a line can round an earlier one up to the planning step (`step`,
  a parameter) and `proposes` the role's headcount.
- `key_decisions`: what the what-if search explores: the owner of a task, or the
  support placement.
- `support_placement`: the role each placement needs, and how today's placement is read
  from the answers (first clause that holds; the last one, without `when`, says what to
  write when none does).
- `board`: the parameters that give each role's monthly cost and the currency they are
  in, for the cost of the headcount change on the report's board page.
- `roadmap`: the horizons a roadmap step can have (earliest first) and who owns and when
  the "find out" steps are; each rule with a `roadmap_step` names its own `horizon`,
  `owner` (roles, the first in the proposal wins) and the rules whose steps it waits
  for (`after`), checked here: known horizons, rules and roles, no step waiting for a
  later horizon, no cycle.

Every name is checked when the rulebook loads, with the rulebook's own located
"unknown …; did you mean …" messages. The rulebook loader calls `load_domain` once.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from diagnose.diagnosis import ROLE_IDS, TASK_IDS
from diagnose.errors import did_you_mean, one_of, unknown
from diagnose.expressions import Expression, NameInfo, is_true
from diagnose.rules.narrative import NarrativeSpec
from diagnose.schema import describe
from diagnose.texts import catalogue

if TYPE_CHECKING:  # the loader imports this module
    from diagnose.rules.load_context import LoadContext as _Loader

DOMAIN_KEYS = ("sizing", "key_decisions", "support_placement", "board", "roadmap")
STEP_KEYS = ("horizon", "owner", "after")  # a rule's roadmap keys, read here


@dataclass
class SizingStep:
    """One line of the headcount arithmetic (see docs/rulebook.md, `sizing`)."""

    id: str
    role: str
    title: str  # a text id of locale/rules.yaml; it may hold {step}
    formula: str  # {name} is filled with the number; " = result" is added
    value: Expression | None = None  # None for a `round_up` line
    round_up: str | None = None  # an earlier line, rounded up to the step
    note: str | None = None
    notes_when: list[tuple[Expression, str]] = field(default_factory=list)
    requires: list[str] = field(default_factory=list)  # known numbers other than zero
    inputs: list[tuple[str, Expression]] = field(default_factory=list)
    proposes: bool = False


@dataclass
class Sizing:
    step: str | None = None  # the parameter proposals are rounded up to
    lines: list[SizingStep] = field(default_factory=list)


@dataclass
class KeyDecision:
    """A decision the what-if search explores: a task's owner, or (task None) the support placement."""

    id: str
    title: str  # a text id of locale/rules.yaml
    task: str | None = None

    def value(self, owner: dict[str, str], support_mode: str) -> str:
        return support_mode if self.task is None else owner.get(self.task, "")


@dataclass
class PlacementClause:
    """`when` holds (or is absent): today's placement is `mode` (None: none of the modes)."""

    when: Expression | None
    mode: str | None
    text: str  # a text id of locale/rules.yaml


@dataclass
class Board:
    """Where the board page's costs come from: parameter ids (None: no costs)."""

    currency: str | None = None  # a text parameter holding an ISO 4217 code
    monthly_cost: dict[str, str] = field(default_factory=dict)  # role id -> parameter id


@dataclass
class StepPlan:
    """When a rule's roadmap step happens, who owns it and which rules' steps come first."""

    horizon: str | None = None
    owner: list[str] = field(default_factory=list)  # role ids, the first in the proposal owns it
    after: list[str] = field(default_factory=list)  # rule ids


@dataclass
class Roadmap:
    horizons: dict[str, dict[str, str]] = field(default_factory=dict)  # id -> title, earliest first
    find_out: StepPlan = field(default_factory=StepPlan)  # the steps saying what to find out
    steps: dict[str, StepPlan] = field(default_factory=dict)  # rule id -> its step's plan


@dataclass
class Domain:
    sizing: Sizing = field(default_factory=Sizing)
    decisions: list[KeyDecision] = field(default_factory=list)
    needs: dict[str, str] = field(default_factory=dict)  # support mode -> the role it needs
    placement_today: list[PlacementClause] = field(default_factory=list)
    board: Board = field(default_factory=Board)
    roadmap: Roadmap = field(default_factory=Roadmap)
    narrative: NarrativeSpec = field(default_factory=NarrativeSpec)  # the summary's words (rules/narrative.py)


def load_domain(loader: _Loader, data: dict, parameters: dict[str, Any], modes: dict[str, Any]) -> Domain:
    """Read and check the domain sections of a rulebook (each optional)."""
    reader = _Reader(loader)
    sizing = reader.sizing(data, parameters)
    decisions = reader.decisions(data)
    needs, today = reader.placement(data, modes)
    return Domain(sizing, decisions, needs, today, reader.board(data, parameters), reader.roadmap(data))


class _Reader:
    def __init__(self, loader: _Loader):
        self.loader = loader
        self.check = loader.check
        self.words = catalogue("rules")

    def error(self, container: Any, key: Any, path: str, message: str, value: bool = True) -> None:
        self.loader.error(container, key, path, message, value)

    def text_id(self, container: Any, key: str, path: str) -> str | None:
        value = container.get(key)
        if not isinstance(value, str) or value not in self.words:
            self.error(container, key, path, f"unknown text id {describe(value)}{did_you_mean(str(value), self.words)}"
                       "; expected a key of diagnose/locale/rules.yaml")
            return None
        return value

    def choice(self, container: Any, key: Any, path: str, allowed: list[str], what: str) -> str | None:
        value = container[key] if isinstance(container, list) else container.get(key)
        if not isinstance(value, str) or value not in allowed:
            self.error(container, key, path,
                       f"unknown {what} {describe(value)}{did_you_mean(str(value), allowed)}; expected one of: {one_of(allowed)}")
            return None
        return value

    def items(self, container: Any, key: str, path: str) -> list[tuple[str, dict]]:
        """The mappings of a list, with their paths (a non-mapping item is reported)."""
        result = []
        for index, item in enumerate(self.check.sequence(container, key, path) or []):
            if isinstance(item, dict):
                result.append((f"{path}[{index}]", item))
            else:
                self.error(container[key], index, f"{path}[{index}]", f"expected a mapping, got {describe(item)}")
        return result

    # -- sizing
    def sizing(self, data: dict, parameters: dict[str, Any]) -> Sizing:
        raw = self.check.mapping(data, "sizing", "sizing")
        if raw is None:
            return Sizing()
        self.check.keys(raw, "sizing", ("step", "lines"), ("step", "lines"))
        step = self.choice(raw, "step", "sizing.step", list(parameters), "parameter") if "step" in raw else None
        names = dict(self.loader.names)
        lines: list[SizingStep] = []
        earlier: list[str] = []
        for path, item in self.items(raw, "lines", "sizing.lines"):
            line = self.sizing_line(item, path, names, earlier)
            line_id = item.get("id")
            if isinstance(line_id, str) and line_id not in names:
                # known to the lines after it even if it has a mistake: one problem, one message
                names[line_id] = NameInfo("computed")
                earlier.append(line_id)
            if line is not None:
                lines.append(line)
        return Sizing(step, lines)

    def sizing_line(self, item: dict, path: str, names: dict[str, NameInfo], earlier: list[str]) -> SizingStep | None:
        self.check.keys(item, path, ("id", "role", "title", "note", "notes_when", "requires", "value", "round_up",
                                     "formula", "inputs", "proposes"), ("id", "role", "title", "formula"))
        line_id = self.check.identifier(item, "id", f"{path}.id")
        if line_id is not None and line_id in names:
            self.error(item, "id", f"{path}.id", f"'{line_id}' is already a question, computed value, parameter, indicator or line")
            line_id = None
        role = self.loader.role_id(item, "role", f"{path}.role") if "role" in item else None
        title = self.text_id(item, "title", f"{path}.title") if "title" in item else None
        note = self.text_id(item, "note", f"{path}.note") if "note" in item else None
        if ("value" in item) == ("round_up" in item):
            self.error(item, "value" if "value" in item else "id", path, "a sizing line needs either 'value' (an expression) or 'round_up' (an earlier line)", value=False)
        value = self.loader.compile(item, "value", f"{path}.value", names) if "value" in item else None
        round_up = self.choice(item, "round_up", f"{path}.round_up", earlier, "sizing line") if "round_up" in item else None
        formula = self.formula(item, path, names)
        return SizingStep(
            line_id or "", role or "", title or "", formula or "", value, round_up, note,
            self.notes_when(item, path, names), self.requires(item, path, names), self.inputs(item, path, names),
            self.check.boolean(item, "proposes", f"{path}.proposes", False),
        ) if line_id and role and title and formula is not None and (value or round_up) else None

    def formula(self, item: dict, path: str, names: dict[str, NameInfo]) -> str | None:
        text = item.get("formula")
        if not isinstance(text, str):
            self.error(item, "formula", f"{path}.formula", f"expected the formula as text, got {describe(text)}")
            return None
        try:
            fields = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
        except ValueError:
            fields = [""]
        for name in fields:
            if name not in names:
                self.error(item, "formula", f"{path}.formula",
                           f"unknown name '{{{name}}}' in formula{did_you_mean(name, names)}; write {{name}} of an answer, "
                           "a computed value, a parameter, an indicator or an earlier line")
                return None
        return text

    def notes_when(self, item: dict, path: str, names: dict[str, NameInfo]) -> list[tuple[Expression, str]]:
        result = []
        for cpath, clause in self.items(item, "notes_when", f"{path}.notes_when"):
            self.check.keys(clause, cpath, ("when", "note"), ("when", "note"))
            when = self.loader.compile(clause, "when", f"{cpath}.when", names) if "when" in clause else None
            note = self.text_id(clause, "note", f"{cpath}.note") if "note" in clause else None
            if when is not None and note:
                result.append((when, note))
        return result

    def requires(self, item: dict, path: str, names: dict[str, NameInfo]) -> list[str]:
        raw = self.check.sequence(item, "requires", f"{path}.requires") or []
        return [name for index, name in enumerate(raw)
                if self.choice(raw, index, f"{path}.requires[{index}]", list(names), "name")]

    def inputs(self, item: dict, path: str, names: dict[str, NameInfo]) -> list[tuple[str, Expression]]:
        raw = self.check.mapping(item, "inputs", f"{path}.inputs") or {}
        result = []
        for key in raw:
            expression = self.loader.compile(raw, key, f"{path}.inputs.{key}", names)
            if expression is not None:
                result.append((str(key), expression))
        return result

    # -- key decisions
    def decisions(self, data: dict) -> list[KeyDecision]:
        result: list[KeyDecision] = []
        for path, item in self.items(data, "key_decisions", "key_decisions"):
            self.check.keys(item, path, ("id", "title", "task", "support"), ("id", "title"))
            decision_id = self.check.identifier(item, "id", f"{path}.id")
            if decision_id in [d.id for d in result]:
                self.error(item, "id", f"{path}.id", f"key decision '{decision_id}' is declared twice")
                continue
            title = self.text_id(item, "title", f"{path}.title") if "title" in item else None
            if ("task" in item) == ("support" in item):
                self.error(item, "id", path, "a key decision needs either 'task' (whose owner it is) or 'support: true'", value=False)
                continue
            task = self.choice(item, "task", f"{path}.task", list(TASK_IDS), "task id") if "task" in item else None
            if "support" in item and item["support"] is not True:
                self.error(item, "support", f"{path}.support", f"expected true, got {describe(item['support'])}")
                continue
            if decision_id and title and (task or "support" in item):
                result.append(KeyDecision(decision_id, title, task))
        return result

    # -- support placement
    def placement(self, data: dict, modes: dict[str, Any]) -> tuple[dict[str, str], list[PlacementClause]]:
        raw = self.check.mapping(data, "support_placement", "support_placement")
        if raw is None:
            return {}, []
        self.check.keys(raw, "support_placement", ("needs", "today"), ("needs", "today"))
        needs: dict[str, str] = {}
        for mode, _ in (self.check.mapping(raw, "needs", "support_placement.needs") or {}).items():
            path = f"support_placement.needs.{mode}"
            if mode not in modes:
                self.error(raw["needs"], mode, path, f"unknown support mode '{mode}'{did_you_mean(str(mode), modes)}; "
                           f"expected one of: {one_of(modes)}", value=False)
                continue
            role = self.loader.role_id(raw["needs"], mode, path)
            if role:
                needs[str(mode)] = role
        return needs, self.placement_today(raw, modes)

    def placement_today(self, raw: dict, modes: dict[str, Any]) -> list[PlacementClause]:
        items = self.items(raw, "today", "support_placement.today")
        result = []
        for index, (path, clause) in enumerate(items):
            self.check.keys(clause, path, ("when", "mode", "text"), ("text",) if index == len(items) - 1 else ("when", "text"))
            if index == len(items) - 1 and "when" in clause:
                self.error(clause, "when", f"{path}.when", "the last clause has no 'when': it says what to write when none holds", value=False)
            when = self.loader.compile(clause, "when", f"{path}.when") if "when" in clause else None
            mode = self.choice(clause, "mode", f"{path}.mode", list(modes), "support mode") if "mode" in clause else None
            text = self.text_id(clause, "text", f"{path}.text") if "text" in clause else None
            if text:
                result.append(PlacementClause(when, mode, text))
        return result


    # -- board
    def board(self, data: dict, parameters: dict[str, Any]) -> Board:
        raw = self.check.mapping(data, "board", "board")
        if raw is None:
            return Board()
        self.check.keys(raw, "board", ("currency", "monthly_cost"), ("currency", "monthly_cost"))
        currency = self.choice(raw, "currency", "board.currency", list(parameters), "parameter") if "currency" in raw else None
        if currency is not None:
            default = parameters[currency].default
            if not is_currency(default):
                self.error(raw, "currency", "board.currency",
                           f"parameter '{currency}' must default to a currency code such as RUB, EUR or USD, got {describe(default)}")
                currency = None
        costs: dict[str, str] = {}
        mapping = self.check.mapping(raw, "monthly_cost", "board.monthly_cost") or {}
        for role in mapping:
            path = f"board.monthly_cost.{role}"
            if role not in ROLE_IDS:
                self.error(mapping, role, path, unknown("role id", role, ROLE_IDS), value=False)
                continue
            name = self.choice(mapping, role, path, list(parameters), "parameter")
            if name is None:
                continue
            default = parameters[name].default
            if default is not None and not (isinstance(default, (int, float)) and not isinstance(default, bool)):
                self.error(mapping, role, path, f"parameter '{name}' must be a number or have no default (null), got {describe(default)}")
                continue
            costs[str(role)] = name
        return Board(currency, costs)

    # -- roadmap
    def roadmap(self, data: dict) -> Roadmap:
        raw = self.check.mapping(data, "roadmap", "roadmap")
        rules = [(f"rules[{i}]", item) for i, item in enumerate(data.get("rules") or []) if isinstance(item, dict)]
        if raw is None:
            for path, item in rules:
                for key in STEP_KEYS:
                    if key in item:
                        self.error(item, key, f"{path}.{key}", f"'{key}' needs the rulebook's 'roadmap' section (its horizons)", value=False)
            return Roadmap()
        self.check.keys(raw, "roadmap", ("horizons", "find_out"), ("horizons", "find_out"))
        horizons: dict[str, dict[str, str]] = {}
        for key in self.check.mapping(raw, "horizons", "roadmap.horizons") or {}:
            title = self.loader.text(raw["horizons"], key, f"roadmap.horizons.{key}")
            if title:
                horizons[str(key)] = title
        find_out = self.step_plan(raw, "find_out", "roadmap.find_out", horizons, {}) if "find_out" in raw else StepPlan()
        steps: dict[str, StepPlan] = {}
        ids = {item.get("id"): (path, item) for path, item in rules if isinstance(item.get("id"), str)}
        for rule_id, (path, item) in ids.items():
            if "roadmap_step" not in item:
                for key in STEP_KEYS:
                    if key in item:
                        self.error(item, key, f"{path}.{key}", f"'{key}' needs a 'roadmap_step': only a step of the roadmap has one", value=False)
                continue
            steps[rule_id] = self.step_plan({"step": item}, "step", path, horizons, ids)
        self.check_order(steps, ids, list(horizons))
        return Roadmap(horizons, find_out, steps)

    def step_plan(self, container: dict, key: str, path: str, horizons: dict[str, Any], rules: dict[str, Any]) -> StepPlan:
        """`horizon`, `owner` and (for a rule) `after` of one mapping; the first two required."""
        item = container[key]
        if not isinstance(item, dict):
            self.error(container, key, path, f"expected a mapping with horizon and owner, got {describe(item)}")
            return StepPlan()
        if not rules:
            self.check.keys(item, path, ("horizon", "owner"), ("horizon", "owner"))
        else:
            for name in ("horizon", "owner"):
                if name not in item:
                    self.error(item, "id", path, f"a roadmap step needs '{name}' (the rulebook has a 'roadmap' section)", value=False)
        horizon = self.choice(item, "horizon", f"{path}.horizon", list(horizons), "horizon") if "horizon" in item else None
        owner = self.loader.role_list(item, "owner", f"{path}.owner") if "owner" in item else []
        after: list[str] = []
        for index, name in enumerate(self.check.sequence(item, "after", f"{path}.after") or []):
            where = f"{path}.after[{index}]"
            if name == item.get("id"):
                self.error(item["after"], index, where, "a step cannot wait for itself")
            elif self.choice(item["after"], index, where, list(rules), "rule id") is None:
                continue
            elif "roadmap_step" not in rules[name][1]:
                self.error(item["after"], index, where, f"rule '{name}' has no 'roadmap_step', so no step to wait for")
            else:
                after.append(name)
        return StepPlan(horizon, owner, after)

    def check_order(self, steps: dict[str, StepPlan], rules: dict[str, Any], horizons: list[str]) -> None:
        """No step waits for one of a later horizon, and waiting has no cycle."""
        for rule_id, plan in steps.items():
            path, item = rules[rule_id]
            for index, name in enumerate(plan.after):
                before = steps[name].horizon
                if plan.horizon and before and horizons.index(before) > horizons.index(plan.horizon):
                    self.error(item["after"], item["after"].index(name), f"{path}.after[{index}]",
                               f"the step of '{rule_id}' ({plan.horizon}) cannot wait for '{name}', which is later ({before})")
        seen: dict[str, int] = {}  # 1: being visited, 2: done

        def visit(rule_id: str, trail: list[str]) -> None:
            if seen.get(rule_id) == 2:
                return
            if seen.get(rule_id) == 1:
                cycle = trail[trail.index(rule_id):] + [rule_id]
                path, item = rules[cycle[0]]
                self.error(item, "after", f"{path}.after", f"roadmap steps wait for each other in a cycle: {' -> '.join(cycle)}")
                return
            seen[rule_id] = 1
            for name in steps[rule_id].after:
                visit(name, [*trail, rule_id])
            seen[rule_id] = 2

        for rule_id in steps:
            visit(rule_id, [])


def is_currency(code: Any) -> bool:
    """A currency code CLDR knows (RUB, EUR, USD, …)."""
    if not isinstance(code, str) or not code.isalpha() or len(code) != 3:
        return False
    from babel.numbers import list_currencies  # Babel's data: loaded only where a rulebook has a board

    return code in list_currencies()


def placement_today(domain: Domain, env: dict[str, Any]) -> PlacementClause | None:
    """The first clause of `support_placement.today` that holds for these answers."""
    return next((c for c in domain.placement_today if c.when is None or is_true(c.when.evaluate(env))), None)
