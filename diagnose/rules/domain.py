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

Every name is checked when the rulebook loads, with the rulebook's own located
"unknown …; did you mean …" messages. The rulebook loader calls `load_domain` once.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from diagnose.diagnosis import TASK_IDS
from diagnose.errors import did_you_mean, one_of
from diagnose.expressions import Expression, NameInfo, is_true
from diagnose.rules.narrative import NarrativeSpec
from diagnose.schema import describe
from diagnose.texts import catalogue

if TYPE_CHECKING:  # the loader imports this module
    from diagnose.rules.load_context import LoadContext as _Loader

DOMAIN_KEYS = ("sizing", "key_decisions", "support_placement")


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
class Domain:
    sizing: Sizing = field(default_factory=Sizing)
    decisions: list[KeyDecision] = field(default_factory=list)
    needs: dict[str, str] = field(default_factory=dict)  # support mode -> the role it needs
    placement_today: list[PlacementClause] = field(default_factory=list)
    narrative: NarrativeSpec = field(default_factory=NarrativeSpec)  # the summary's words (rules/narrative.py)


def load_domain(loader: _Loader, data: dict, parameters: dict[str, Any], modes: dict[str, Any]) -> Domain:
    """Read and check the domain sections of a rulebook (each optional)."""
    reader = _Reader(loader)
    return Domain(
        reader.sizing(data, parameters),
        reader.decisions(data),
        *reader.placement(data, modes),
    )


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


def placement_today(domain: Domain, env: dict[str, Any]) -> PlacementClause | None:
    """The first clause of `support_placement.today` that holds for these answers."""
    return next((c for c in domain.placement_today if c.when is None or is_true(c.when.evaluate(env))), None)
