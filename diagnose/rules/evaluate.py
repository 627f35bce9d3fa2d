"""Answers + rulebook + parameter overrides -> a traced `Diagnosis`.

`run` is the light core (indicators, rule conditions, conflict resolution, task owners,
support placement); the what-if search calls it many times. `evaluate` adds everything
a reader needs: findings with their traces and evidence, today's and the proposed
structure, sizing, what would change the decisions, parameters and the answers.

Semantics: a condition that reads a "don't know" (or an unanswered or hidden question)
is undetermined; `all`/`any` follow Kleene's three-valued logic; a rule whose condition
is undetermined is reported as undetermined with what to find out, and decides nothing.
Where rules whose conditions held decide one thing differently, the higher priority
wins; a rule whose every decision lost is `overridden`, and its role changes are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from diagnose.answers import AnswerSet
from diagnose.diagnosis import (
    SCHEMA_VERSION,
    AnswerLine,
    ConditionTrace,
    Conflict,
    Diagnosis,
    Evidence,
    Finding,
    Indicator,
    Parameter,
    SupportPlacement,
)
from diagnose.expressions import Missing, Undetermined, is_true
from diagnose.resources import rulebook_path
from diagnose.rules.rulebook import Condition, Rule, Rulebook, decisions_of, load_rulebook
from diagnose.rules.words import LANGS, both, number, word
from diagnose.texts import ui

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
    chosen: dict[tuple[str, str], str] = field(default_factory=dict)  # (rule id, task) -> the role its assignment names
    owner: dict[str, str] = field(default_factory=dict)
    owner_rule: dict[str, str | None] = field(default_factory=dict)
    supported_by: dict[str, list[str]] = field(default_factory=dict)
    support_mode: str = "not_needed"
    support_rules: list[str] = field(default_factory=list)
    role_claims: list[Claim] = field(default_factory=list)  # from rules that fired and were not overridden
    shown: dict[str, bool] = field(default_factory=dict)  # question id -> asked (show-if not false)

    def decisions(self) -> dict[str, str]:
        """The key decisions the what-if search watches."""
        return {
            "assortment_expansion": self.owner.get("assortment_expansion", ""),
            "operations_split": self.owner.get("order_processing", ""),
            "support_placement": self.support_mode,
        }


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
                  known: dict[Basis, tuple[dict[str, str], frozenset[str]]]) -> tuple[dict[str, str], frozenset[str]]:
    """The key decisions and today's roles for one set of answers, as `run` makes them.

    The decisions are made from each rule's condition (held or not), the roles the
    company has today, today's task owners and the roles the rules' assignments name:
    `known` remembers the decisions by these,
    so that answers that change none of them (the what-if search tries hundreds) are not
    resolved again.
    """
    outcome = _conditions(rulebook, answer_env, params, trace=False)
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
    outcome = Outcome(env, params)
    for rule in rulebook.rules:
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
    return outcome


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
        for key, value, priority, _, _ in decisions_of(rule):
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
        substantive = [d for d in decisions_of(rule) if d[0][0] in ("task", "support")]
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


# ---------------------------------------------------------------------------- the full diagnosis


def evaluate(
    answers: AnswerSet, rulebook: Rulebook | None = None, overrides: dict[str, Any] | None = None, whatif: bool = True,
    search: Any = None,
) -> Diagnosis:
    """The traced diagnosis for one company (the bundled rulebook of its questionnaire by
    default); `search`: the what-if search prepared for this rulebook (diagnose.method)."""
    from diagnose.rules.sizing import compute_sizing
    from diagnose.rules.structure import build_structure, confirmed_rules

    if rulebook is None:
        rulebook = load_rulebook(rulebook_path(answers.questionnaire.id), answers.questionnaire)
    overrides = overrides or {}
    params = {pid: overrides.get(pid, p.default) for pid, p in rulebook.parameters.items()}
    outcome = run(rulebook, answers.environment(), params)
    outcome.shown = answers.visibility()
    sizing, sized = compute_sizing(outcome.env)
    structure = build_structure(rulebook, outcome, sized)
    for rule_id in confirmed_rules(rulebook, outcome, structure):
        outcome.status[rule_id] = "confirmed"
    flips = []
    if whatif:
        from diagnose.rules.whatif import what_would_change

        flips = what_would_change(answers, rulebook, params, outcome, search)
    findings = [_finding(rulebook, rule, outcome) for rule in sorted(rulebook.rules, key=lambda r: r.index)]
    questionnaire = rulebook.questionnaire
    return Diagnosis(
        schema_version=SCHEMA_VERSION,
        questionnaire={"id": questionnaire.id, "version": questionnaire.version},
        rulebook={"id": rulebook.id, "version": rulebook.version},
        company=dict(answers.meta),
        parameters=[
            Parameter(pid, params[pid], p.default, p.source, p.explanation, pid in overrides and overrides[pid] != p.default)
            for pid, p in rulebook.parameters.items()
        ],
        indicators=_indicators(rulebook, outcome),
        current_structure=structure.current,
        proposed_structure=structure.proposed,
        tasks=structure.tasks,
        support=_support(rulebook, outcome),
        findings=findings,
        sizing=sizing,
        what_would_change=flips,
        changes=structure.changes,
        answers=_answer_lines(answers),
        roadmap=_roadmap(rulebook, outcome, findings),
        conflicts=outcome.conflicts,
    )


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


def render(text: dict[str, str], env: dict[str, Any]) -> dict[str, str]:
    """Fill {name} placeholders with values as a person reads them."""
    result = {}
    for lang, template in text.items():
        values = _Values(env, lang)
        result[lang] = template.format_map(values)
    return result


class _Values(dict):
    def __init__(self, env: dict[str, Any], lang: str):
        super().__init__()
        self.env = env
        self.lang = lang

    def __missing__(self, key: str) -> str:
        value = self.env.get(key)
        if isinstance(value, (Missing, Undetermined)) or value is None:
            return "?"
        return number(value, self.lang)


def _finding(rulebook: Rulebook, rule: Rule, outcome: Outcome) -> Finding:
    status = outcome.status[rule.id]
    env = outcome.env
    summary = rule.summary
    if status == "not_fired" and rule.otherwise:
        summary = rule.otherwise
    elif status == "not_applicable":
        summary = rule.not_applicable or both("finding_not_applicable")
    elif status == "confirmed":
        summary = rule.confirmed
    find_out: list[dict[str, str]] = []
    if status == "undetermined":
        find_out = list(rule.to_find_out)
        for name, state in sorted(outcome.reasons[rule.id]):
            question = rulebook.questionnaire.questions.get(name)
            if question is not None and state in ("dont_know", "unanswered"):
                find_out.append(both(f"find_out_{state}", text=question.text))
    return Finding(
        rule_id=rule.id,
        source=rule.source,  # type: ignore[arg-type]
        status=status,  # type: ignore[arg-type]
        severity=rule.severity,  # type: ignore[arg-type]
        title=rule.title,
        summary=render(summary, env),
        rationale=rule.rationale,
        citation=f"{rule.citation or rulebook.citation}, {rule.id}" if not rule.citation else rule.citation,
        actions=[render(a, env) for a in rule.actions] if status == "fired" else [],
        conditions=outcome.traces[rule.id],
        evidence=_evidence(rulebook, rule, outcome),
        to_find_out=find_out,
        overridden_by=outcome.overridden_by.get(rule.id),
        priority=rule.priority,
    )


def _evidence(rulebook: Rulebook, rule: Rule, outcome: Outcome) -> list[Evidence]:
    """Every question, computed value and indicator the rule read, directly or through others."""
    questionnaire = rulebook.questionnaire
    computed = {c.id: c for c in questionnaire.computed}
    indicators = {i.id: i for i in rulebook.indicators}
    order: list[str] = []

    def visit(name: str) -> None:
        if name in order or name in rulebook.parameters:
            return
        order.append(name)
        if name in indicators:
            for inner in indicators[name].expr.names:
                visit(inner)
        elif name in computed:
            for inner in computed[name].expr.names:
                visit(inner)

    for trace in outcome.traces[rule.id]:
        for name in trace.reads:
            if name not in outcome.held:
                visit(name)
    result = []
    shown = outcome.shown
    for name in order:
        value = outcome.env.get(name)
        if name in questionnaire.questions and not shown.get(name, True):
            continue  # a hidden question: its show-if says it does not apply to this company
        if name in questionnaire.questions:
            question = questionnaire.questions[name]
            display = {lang: question.display(value, lang) if not isinstance(value, Undetermined) else word("undetermined_value", lang) for lang in LANGS}
            result.append(Evidence(name, question.text, json_value(value), display))
        elif name in computed:
            unit = " %" if computed[name].type == "percent" else ""
            result.append(Evidence(name, computed[name].text, json_value(value),
                                   {lang: _plain(value, lang) + (unit if _plain(value, lang)[:1].isdigit() else "") for lang in LANGS}))
        elif name in indicators:
            result.append(Evidence(name, indicators[name].title, json_value(value), {lang: _indicator_display(indicators[name], value, lang) for lang in LANGS}))
    return result


def _plain(value: Any, lang: str) -> str:
    if isinstance(value, (Missing, Undetermined)) or value is None:
        return word("undetermined_value", lang)
    if isinstance(value, bool):
        return ui("yes" if value else "no", lang)
    return number(value, lang)


def _indicator_display(indicator: Any, value: Any, lang: str) -> str:
    if isinstance(value, (Missing, Undetermined)) or value is None:
        return word("undetermined_value", lang)
    if indicator.kind == "flag":
        return ui("yes" if value else "no", lang)
    if indicator.kind == "level":
        key = str(int(value)) if isinstance(value, (int, float)) and float(value).is_integer() else str(value)
        return indicator.labels.get(key, {}).get(lang, number(value, lang))
    if indicator.kind == "percent":
        return f"{number(value, lang)} %"
    return number(value, lang)


def _indicators(rulebook: Rulebook, outcome: Outcome) -> list[Indicator]:
    result = []
    for indicator in rulebook.indicators:
        raw = outcome.env.get(indicator.id)
        known = not isinstance(raw, (Missing, Undetermined)) and raw is not None
        if not known:
            value: Any = None
        elif indicator.kind == "flag":
            value = "yes" if raw else "no"
        else:
            value = round(float(raw), 4) if isinstance(raw, float) else raw
        level = "unknown"
        if known:
            level = "low"
            for name, expr in indicator.levels:
                state = is_true(expr.evaluate(outcome.env))
                if state is None:
                    level = "unknown"
                    break
                if state:
                    level = name
                    break
            if not indicator.levels:
                # no levels declared: a flag reads as high/low, anything else has no level
                level = ("high" if raw else "low") if indicator.kind == "flag" else "unknown"
        threshold = outcome.env.get(indicator.threshold) if indicator.threshold else None
        result.append(Indicator(
            id=indicator.id,
            title=indicator.title,
            dimension=indicator.dimension,  # type: ignore[arg-type]
            value=value,
            display={lang: _indicator_display(indicator, raw, lang) for lang in LANGS},
            level=level,  # type: ignore[arg-type]
            scale_max=indicator.scale_max,
            threshold=json_value(threshold) if isinstance(threshold, (int, float)) and not isinstance(threshold, bool) else None,
            explanation=indicator.explanation,
        ))
    return result


def _support(rulebook: Rulebook, outcome: Outcome) -> SupportPlacement:
    mode = outcome.support_mode
    texts = rulebook.support_modes.get(mode, {})
    levels: list[dict[str, str]] = []
    for rule_id in outcome.support_rules if mode != "undetermined" else []:
        rule = rulebook.rule(rule_id)
        if rule and rule.support:
            levels.extend(level for level in rule.support.service_levels if level not in levels)
    return SupportPlacement(mode, texts.get("title", {}), texts.get("explanation", {}), list(outcome.support_rules), levels)  # type: ignore[arg-type]


def _answer_lines(answers: AnswerSet) -> list[AnswerLine]:
    shown = answers.visibility()
    lines = []
    questionnaire = answers.questionnaire
    for section in questionnaire.sections:
        for question in section.questions:
            value = answers.values.get(question.id)
            if not shown[question.id]:
                state = "hidden"
                display = {lang: ui("hidden", lang) for lang in questionnaire.languages}
            elif value is None:
                state = "unanswered"
                display = {lang: ui("unanswered", lang) for lang in questionnaire.languages}
            else:
                state = value.state if isinstance(value, Missing) else "answered"
                display = {lang: question.display(value, lang) for lang in questionnaire.languages}
            lines.append(AnswerLine(section.title, question.id, question.text, display, state))  # type: ignore[arg-type]
    return lines


def _roadmap(rulebook: Rulebook, outcome: Outcome, findings: list[Finding]) -> list[dict[str, str]]:
    """What to find out first, then the fired rules' recommendations in the declared step order."""
    steps: list[dict[str, str]] = []
    by_id = {r.id: r for r in rulebook.rules}
    ordered = sorted(findings, key=lambda f: (by_id[f.rule_id].roadmap_step or 99, by_id[f.rule_id].index))
    for finding in ordered:
        if finding.status == "undetermined" and by_id[finding.rule_id].roadmap_step and finding.to_find_out:
            if finding.to_find_out[0] not in steps:
                steps.append(finding.to_find_out[0])
    losers = {c.loser for c in outcome.conflicts}  # a rule that lost a decision is not a step of its own
    for finding in ordered:
        if (finding.status == "fired" and by_id[finding.rule_id].roadmap_step and finding.rule_id not in losers
                and finding.summary not in steps):
            steps.append(finding.summary)
    return steps
