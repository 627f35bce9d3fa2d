"""What a loaded rulebook is: plain dataclasses, built by `rulebook.load_rulebook`.

The format they are read from is docs/rulebook.md; `format.py` declares its keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from diagnose.errors import Location
from diagnose.expressions import Expression
from diagnose.questionnaire import Questionnaire
from diagnose.rules.domain import Domain

Text = dict[str, str]  # one string per language


@dataclass
class Parameter:
    id: str
    default: float | int | str | None  # None: no default (given with --set or --params)
    unit: str
    source: Text  # where the figure comes from, per language
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
    # Where the rule makes this assignment at all (None: wherever the rule fires). Where it
    # does not hold, or cannot be told, the rule leaves the task as it is.
    when: Expression | None = None

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
    citation: Text | None = None  # per language; defaults to the rulebook's citation
    index: int = 0  # position in the file, for reports (rules are evaluated in dependency order)
    # `undetermined`: said instead of the summary when a missing answer decides the rule,
    # for a summary that states a finding ("order work takes more than 20%") rather than
    # an action; a rule without it shows its summary with what to find out.
    undetermined: Text = field(default_factory=dict)
    # `step`: the roadmap's wording of the change, for a summary that opens with the
    # finding ("revenue does not outpace ... — check the load"); else the summary.
    step: Text = field(default_factory=dict)

    def conditions(self) -> list[Condition]:
        """The rule's condition trees: premise, condition, confirmation (those it has)."""
        return [c for c in (self.applies_when, self.when, self.confirmed_when, self.in_place_when) if c is not None]

    def references(self) -> list[str]:
        return [c.rule for tree in self.conditions() for c in walk(tree) if c.rule]


@dataclass
class Rulebook:
    id: str
    version: int
    questionnaire: Questionnaire
    citation: Text  # the book, per language
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


def walk(condition: Condition) -> list[Condition]:
    items = [condition]
    for child in condition.children:
        items.extend(walk(child))
    return items


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
