"""The core of a diagnosis: answers + rulebook + parameters -> the decisions (`Outcome`).

`run` computes the indicators, every rule's condition (three-valued, with traces),
today's structure read from the answers, the role each assignment names, the winner of
each decision by priority, task owners and the support placement. It is what the
what-if search repeats; `key_decisions` is its shortcut that remembers the decisions by
what they are made from. rules/evaluate.py dresses one `Outcome` for reading.

Semantics: a condition that reads a "don't know" (or an unanswered or hidden question)
is undetermined; `all`/`any` follow Kleene's three-valued logic; a rule whose condition
is undetermined decides nothing. Where rules whose conditions held decide one thing
differently, the higher priority wins; a rule whose every decision lost is `overridden`,
and its role changes are dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from diagnose.diagnosis import ConditionTrace, Conflict
from diagnose.expressions import Missing, Undetermined, is_true
from diagnose.rules.domain import KeyDecision
from diagnose.rules.rulebook import Condition, Rulebook, decisions_of

Key = tuple[str, str]


@dataclass
class Claim:
    key: Key
    value: Any
    priority: int
    rule: str
    detail: Any = None  # the Assignment / RoleChange / SupportDecision


@dataclass
class Outcome:
    """Everything decided for one set of answers, before it is dressed for reading."""

    env: dict[str, Any]
    params: dict[str, Any]
    held: dict[str, bool | None] = field(default_factory=dict)  # rule id -> its condition
    traces: dict[str, list[ConditionTrace]] = field(default_factory=dict)
    reasons: dict[str, frozenset[tuple[str, str]]] = field(default_factory=dict)
    status: dict[str, str] = field(default_factory=dict)
    overridden_by: dict[str, str] = field(default_factory=dict)
    winners: dict[Key, Claim] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    today_roles: dict[str, float | None] = field(default_factory=dict)  # present today -> headcount
    today_owner: dict[str, str | None] = field(default_factory=dict)
    today_boss: dict[str, str | None] = field(default_factory=dict)  # role present today -> its manager now
    premise: dict[str, bool | None] = field(default_factory=dict)  # rule id -> its applies_when (rules that have one)
    chosen: dict[tuple[str, str], str | None] = field(default_factory=dict)  # (rule id, task) -> the role its assignment names; None: not made here
    owner: dict[str, str] = field(default_factory=dict)
    owner_rule: dict[str, str | None] = field(default_factory=dict)
    supported_by: dict[str, list[str]] = field(default_factory=dict)
    support_mode: str = "not_needed"
    support_rules: list[str] = field(default_factory=list)
    role_claims: list[Claim] = field(default_factory=list)  # from rules that fired and were not overridden
    shown: dict[str, bool] = field(default_factory=dict)  # question id -> asked (show-if not false)

    watched: list[KeyDecision] = field(default_factory=list)  # the rulebook's key decisions

    def decisions(self) -> dict[str, str]:
        """The key decisions the what-if search watches, by id."""
        return {decision.id: decision.value(self.owner, self.support_mode) for decision in self.watched}

# ---------------------------------------------------------------------------- the core


def run(rulebook: Rulebook, answer_env: dict[str, Any], params: dict[str, Any], trace: bool = True) -> Outcome:
    """Decide for one set of answers; `trace=False` (the what-if search, which reads only
    the decisions) leaves out the condition traces a reader needs."""
    outcome = _conditions(rulebook, answer_env, params, trace)
    _today(rulebook, outcome)
    _choices(rulebook, outcome, trace)
    _resolve(rulebook, outcome)
    _owners(rulebook, outcome)
    return outcome


Basis = tuple[tuple[tuple[str, bool | None], ...], frozenset[str], tuple[tuple[str, str | None], ...],
              tuple[tuple[tuple[str, str], str], ...]]


def key_decisions(rulebook: Rulebook, answer_env: dict[str, Any], params: dict[str, Any],
                  known: dict[Basis, tuple[dict[str, str], frozenset[str]]],
                  conditions: Callable[[dict[str, Any]], Outcome] | None = None) -> tuple[dict[str, str], frozenset[str]]:
    """The key decisions and today's roles for one set of answers, as `run` makes them.

    The decisions are made from each rule's condition (held or not), the roles the
    company has today, today's task owners and the roles the rules' assignments name:
    `known` remembers the decisions by these,
    so that answers that change none of them (the what-if search tries hundreds) are not
    resolved again. `conditions`: what gives the indicators and every rule's condition
    for these answers, as `_conditions` does (rules/rerun.py re-evaluates only some).
    """
    if conditions is None:
        outcome = _conditions(rulebook, answer_env, params, trace=False)
    else:
        outcome = conditions(answer_env)
    _today(rulebook, outcome)  # reads only the answers, not what _resolve decides
    _choices(rulebook, outcome)
    basis = (tuple(outcome.held.items()), frozenset(outcome.today_roles), tuple(outcome.today_owner.items()),
             tuple(outcome.chosen.items()))
    if basis not in known:
        _resolve(rulebook, outcome)
        _owners(rulebook, outcome)
        known[basis] = (outcome.decisions(), frozenset(outcome.today_roles))
    return known[basis]


def _conditions(rulebook: Rulebook, answer_env: dict[str, Any], params: dict[str, Any], trace: bool) -> Outcome:
    """Indicators, then every rule's condition (three-valued, with reasons and traces)."""
    env = dict(answer_env)
    env.update(params)
    for indicator in rulebook.indicators:
        env[indicator.id] = indicator.expr.evaluate(env)
    outcome = Outcome(env, params, watched=rulebook.domain.decisions)
    for rule in rulebook.rules:
        rule_condition(rule, outcome, trace)
    return outcome


def rule_condition(rule: Any, outcome: Outcome, trace: bool = False) -> None:
    """One rule's condition (and premise) for `outcome.env`, recorded on the outcome; the
    rules before it in the rulebook are recorded already (a reference reads them)."""
    env = outcome.env
    value, reasons, traces = _condition(rule.when, env, outcome.held, 0, trace)
    if rule.applies_when is not None:
        # held = premise and condition (Kleene); a false premise makes the rule not applicable
        premise, premise_reasons, premise_traces = _condition(rule.applies_when, env, outcome.held, 0, trace)
        outcome.premise[rule.id] = premise
        if premise is False:
            value, reasons = False, frozenset()
        elif premise is None:
            reasons = premise_reasons | (reasons if value is None else frozenset())
            value = False if value is False else None
        for line in premise_traces:
            line.part = "premise"
        traces = premise_traces + traces
    outcome.held[rule.id] = value
    outcome.reasons[rule.id] = reasons
    outcome.traces[rule.id] = traces


def _condition(
    condition: Condition, env: dict[str, Any], held: dict[str, bool | None], depth: int, trace: bool = True
) -> tuple[bool | None, frozenset[tuple[str, str]], list[ConditionTrace]]:
    """Three-valued value of a condition, the reasons it is undetermined, and its trace."""
    if condition.kind in ("fired", "not_fired"):
        assert condition.rule is not None
        state = held.get(condition.rule)
        value = state if state is None or condition.kind == "fired" else not state
        reasons = frozenset({(condition.rule, "undetermined")}) if value is None else frozenset()
        if not trace:
            return value, reasons, []
        line = ConditionTrace(condition.source, value, [condition.rule], [f"{condition.rule} (undetermined)"] if value is None else [],
                              depth, {condition.rule: _held_word(state)})
        return value, reasons, [line]
    if condition.kind == "expr":
        assert condition.expr is not None
        raw = condition.expr.evaluate(env)
        value = is_true(raw)
        reasons = raw.reasons if isinstance(raw, Undetermined) else frozenset()
        if not trace:
            return value, reasons, []
        line = ConditionTrace(
            condition.source, value, list(condition.expr.names),
            [f"{name} ({state})" for name, state in sorted(reasons)], depth,
            {name: json_value(env.get(name)) for name in condition.expr.names},
        )
        return value, reasons, [line]
    results = [_condition(child, env, held, depth + 1, trace) for child in condition.children]
    values = [r[0] for r in results]
    if condition.kind == "all":
        value = False if False in values else (None if None in values else True)
    else:
        value = True if True in values else (None if None in values else False)
    reasons: frozenset[tuple[str, str]] = frozenset()
    if value is None:
        for child_value, child_reasons, _ in results:
            if child_value is None:
                reasons |= child_reasons
    if not trace:
        return value, reasons, []
    group = ConditionTrace(condition.kind, value, [], [f"{n} ({s})" for n, s in sorted(reasons)], depth)
    traces = [group]
    for _, _, child_traces in results:
        traces.extend(child_traces)
    return value, reasons, traces


def condition_value(condition: Condition, outcome: Outcome) -> bool | None:
    """The three-valued value of one condition tree for an evaluated company."""
    return _condition(condition, outcome.env, outcome.held, 0, trace=False)[0]


def condition_traces(condition: Condition, outcome: Outcome, part: str) -> list[ConditionTrace]:
    """The trace lines of one condition tree, marked as `part` of the rule's trace."""
    lines = _condition(condition, outcome.env, outcome.held, 0, trace=True)[2]
    for line in lines:
        line.part = part
    return lines


def _held_word(state: bool | None) -> str:
    return {True: "fired", False: "not_fired", None: "undetermined"}[state]


def _resolve(rulebook: Rulebook, outcome: Outcome) -> None:
    """Pick the winner of each decision by priority; mark rules whose every decision lost."""
    firing = [r for r in rulebook.rules if outcome.held[r.id] is True]
    main: dict[Key, list[Claim]] = {}
    for rule in firing:
        for key, value, priority, _, _ in _made(rule, outcome):
            if key[0] in ("task", "support"):
                detail = next((a for a in rule.assign if ("task", a.task) == key), rule.support)
                if key[0] == "task":
                    value = outcome.chosen[(rule.id, key[1])]
                main.setdefault(key, []).append(Claim(key, value, priority, rule.id, detail))
    lost: dict[str, list[tuple[Key, str]]] = {}
    for key, claims in main.items():
        winner = _winner(key, claims, outcome)
        for claim in claims:
            if claim.value != winner.value:
                lost.setdefault(claim.rule, []).append((key, winner.rule))
    for rule in firing:
        substantive = [d for d in _made(rule, outcome) if d[0][0] in ("task", "support")]
        lost_here = lost.get(rule.id, [])
        if substantive and len(lost_here) == len(substantive):
            outcome.status[rule.id] = "overridden"
            outcome.overridden_by[rule.id] = lost_here[0][1]
        else:
            outcome.status[rule.id] = "fired"
    for rule in rulebook.rules:
        if rule.id not in outcome.status:
            if outcome.premise.get(rule.id, True) is False:
                outcome.status[rule.id] = "not_applicable"
            else:
                outcome.status[rule.id] = "undetermined" if outcome.held[rule.id] is None else "not_fired"
    # Role changes count only for rules that stand.
    standing = [r for r in firing if outcome.status[r.id] == "fired"]
    role_claims: dict[Key, list[Claim]] = {}
    for rule in standing:
        for change in rule.roles:
            outcome.role_claims.append(Claim(("role", change.role), True, change.priority, rule.id, change))
            if change.reports_to is not None:
                role_claims.setdefault(("reports_to", change.role), []).append(
                    Claim(("reports_to", change.role), tuple(change.reports_to), change.priority, rule.id, change))
            if change.headcount is not None:
                role_claims.setdefault(("headcount", change.role), []).append(
                    Claim(("headcount", change.role), change.headcount, change.priority, rule.id, change))
    for key, claims in role_claims.items():
        _winner(key, claims, outcome)
    if ("support", "") in outcome.winners:
        winner = outcome.winners[("support", "")]
        outcome.support_mode = winner.value
        outcome.support_rules = [c.rule for c in main[("support", "")] if c.value == winner.value]
    elif any(r.support and outcome.held[r.id] is None for r in rulebook.rules):
        outcome.support_mode = "undetermined"
        outcome.support_rules = [r.id for r in rulebook.rules if r.support and outcome.held[r.id] is None]
    else:
        outcome.support_mode = "not_needed"


def _made(rule: Any, outcome: Outcome) -> list:
    """The decisions a firing rule makes for this company: all of them, less the
    assignments whose own `when` does not hold here."""
    return [d for d in decisions_of(rule)
            if d[0][0] != "task" or outcome.chosen.get((rule.id, d[0][1]), True) is not None]


def _winner(key: Key, claims: list[Claim], outcome: Outcome) -> Claim:
    top = max(c.priority for c in claims)
    winner = next(c for c in claims if c.priority == top)  # the linter forbids a tie with another value
    outcome.winners[key] = winner
    for claim in claims:
        if claim.value != winner.value:
            outcome.conflicts.append(Conflict(
                ":".join(k for k in key if k), winner.rule, _shown(winner.value), winner.priority,
                claim.rule, _shown(claim.value), claim.priority,
            ))
    return winner


def _shown(value: Any) -> str:
    return "/".join(value) if isinstance(value, tuple) else str(value)


def role_present(value: Any) -> bool:
    """Whether the value of a role's `today` test says the company has the role now."""
    if isinstance(value, Undetermined) or value is None or value is False:
        return False
    return value is True or (isinstance(value, (int, float)) and value > 0)


def _today(rulebook: Rulebook, outcome: Outcome) -> None:
    """Today's roles, task owners and reporting lines, from the answers alone."""
    for role in rulebook.roles.values():
        value = role.today.evaluate(outcome.env)
        if role_present(value):
            outcome.today_roles[role.id] = None if role.headcount_unknown or value is True else value
    for task in rulebook.tasks.values():
        outcome.today_owner[task.id] = _first_clause(task.today, outcome)
    for role in rulebook.roles.values():
        if role.id in outcome.today_roles:
            outcome.today_boss[role.id] = _first_clause(role.reports_to_today, outcome) or next(
                (r for r in role.reports_to if r in outcome.today_roles), None)


def _first_clause(clauses: list[tuple[Any, str]], outcome: Outcome) -> str | None:
    """The role of the first clause that holds and names a role the company has today."""
    for expr, role in clauses:
        if (expr is None or is_true(expr.evaluate(outcome.env))) and role in outcome.today_roles:
            return role
    return None


def _choices(rulebook: Rulebook, outcome: Outcome, trace: bool = False) -> None:
    """The role each assignment of each rule names for this company (see `Assignment`):
    a compliant arrangement today is kept, otherwise the rule's `choose` clauses decide.
    With `trace`, a rule that holds records why it named that role (part "choice")."""
    for rule in rulebook.rules:
        for assignment in rule.assign:
            if assignment.when is not None:
                applies = is_true(assignment.when.evaluate(outcome.env))
                if trace and outcome.held.get(rule.id) is True:
                    outcome.traces[rule.id].append(ConditionTrace(
                        f"{assignment.task}: {assignment.when.source}", applies, list(assignment.when.names), [], 0,
                        {name: json_value(outcome.env.get(name)) for name in assignment.when.names}, "assignment"))
                if applies is not True:
                    outcome.chosen[(rule.id, assignment.task)] = None  # the task stays as it is
                    continue
            role, why, reads = _chosen_role(assignment, outcome)
            outcome.chosen[(rule.id, assignment.task)] = role
            if trace and why and outcome.held.get(rule.id) is True:
                outcome.traces[rule.id].append(ConditionTrace(
                    f"{assignment.task} → {role}: {why}", True, reads, [], 0,
                    {name: json_value(outcome.env.get(name)) for name in reads}, "choice"))


def _chosen_role(assignment: Any, outcome: Outcome) -> tuple[str, str, list[str]]:
    """The role, why it was chosen (empty for a single-role assignment) and what that read."""
    if len(assignment.allowed) <= 1:
        return assignment.role, "", []
    today = outcome.today_owner.get(assignment.task)
    if today in assignment.allowed:
        return today, f"today's owner, one of {' / '.join(assignment.allowed)}", []
    for expr, role in assignment.choose:
        if expr is None:
            return role, "the rule's fallback", []
        if is_true(expr.evaluate(outcome.env)):
            return role, expr.source, list(expr.names)
    present = next((r for r in assignment.allowed if r in outcome.today_roles), None)
    if present:
        return present, "the first of the accepted roles the company has", []
    return assignment.role, "the first accepted role", []


def _owners(rulebook: Rulebook, outcome: Outcome) -> None:
    for task in rulebook.tasks.values():
        claim = outcome.winners.get(("task", task.id))
        if claim is not None:
            outcome.owner[task.id] = claim.value
            outcome.owner_rule[task.id] = claim.rule
            outcome.supported_by[task.id] = list(claim.detail.supported_by) if claim.detail else []
            continue
        today = outcome.today_owner.get(task.id)
        present = [r for r in task.default_owner if r in outcome.today_roles]
        outcome.owner[task.id] = today or (present[0] if present else task.default_owner[0])
        outcome.owner_rule[task.id] = None
        outcome.supported_by[task.id] = []


def json_value(value: Any) -> Any:
    """A value as JSON-able data: Missing states by name, undetermined as None."""
    if isinstance(value, Missing):
        return value.state
    if isinstance(value, Undetermined):
        return None
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    return value
