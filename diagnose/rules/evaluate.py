"""Answers + rulebook + parameter overrides -> a traced `Diagnosis`.

`evaluate` runs the core (rules/decide.py) once with traces, then adds everything a
reader needs: findings with their traces and evidence, today's and the proposed
structure (rules/structure.py), sizing (rules/sizing.py), what would change the key
decisions (rules/whatif.py), parameters and the answers. The modules it assembles from
import the core, never this module, so the imports run one way.
"""

from __future__ import annotations

import re
import string
from typing import Any

from diagnose.answers import AnswerSet
from diagnose.diagnosis import (
    SCHEMA_VERSION,
    AnswerLine,
    ClientDecision,
    CostChange,
    Diagnosis,
    Evidence,
    Finding,
    HeadcountTotal,
    Indicator,
    Parameter,
    RoadmapStep,
    Role,
    SupportPlacement,
    Text,
)
from diagnose.expressions import Missing, Undetermined, is_true
from diagnose.resources import rulebook_path
from diagnose.rules.decide import Outcome, json_value, key_decisions, run
from diagnose.rules.domain import StepPlan
from diagnose.rules.narrative import narrate
from diagnose.rules.rulebook import Rule, Rulebook, load_rulebook
from diagnose.rules.sizing import compute_sizing
from diagnose.rules.structure import build_structure, confirmed_rules
from diagnose.rules.whatif import Search, what_would_change
from diagnose.rules.words import LANGS, both, number, word
from diagnose.texts import catalogue, ui

__all__ = ["Outcome", "evaluate", "json_value", "key_decisions", "run"]


# ---------------------------------------------------------------------------- the full diagnosis


def evaluate(
    answers: AnswerSet, rulebook: Rulebook | None = None, overrides: dict[str, Any] | None = None, whatif: bool = True,
    search: Search | None = None,
) -> Diagnosis:
    """The traced diagnosis for one company (the bundled rulebook of its questionnaire by
    default); `search`: the what-if search prepared for this rulebook (diagnose.method)."""
    if rulebook is None:
        rulebook = load_rulebook(rulebook_path(answers.questionnaire.id), answers.questionnaire)
    overrides = overrides or {}
    params = {pid: overrides.get(pid, p.default) for pid, p in rulebook.parameters.items()}
    outcome = run(rulebook, answers.environment(), params)
    outcome.shown = answers.visibility()
    sizing, sized = compute_sizing(rulebook.domain.sizing, outcome.env)
    structure = build_structure(rulebook, outcome, sized)
    for rule_id in confirmed_rules(rulebook, outcome, structure):
        outcome.status[rule_id] = "confirmed"
    flips = []
    if whatif:
        flips = what_would_change(answers, rulebook, params, outcome, search)
    findings = [_finding(rulebook, rule, outcome) for rule in sorted(rulebook.rules, key=lambda r: r.index)]
    _deltas(structure.current, structure.proposed)
    roadmap = _roadmap(rulebook, outcome, findings, structure.proposed)
    questionnaire = rulebook.questionnaire
    diagnosis = Diagnosis(
        schema_version=SCHEMA_VERSION,
        questionnaire={"id": questionnaire.id, "version": questionnaire.version},
        rulebook={"id": rulebook.id, "version": rulebook.version},
        company=dict(answers.meta),
        parameters=[
            Parameter(pid, params[pid], p.default, _json_text(p.source), p.explanation,
                      pid in overrides and overrides[pid] != p.default, dict(p.source))
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
        roadmap=[step.text for step in roadmap],
        worded_roadmap=[step.worded_text for step in roadmap],
        conflicts=outcome.conflicts,
        worded_changes=structure.reader_changes,
        headcount_total=_headcount_total(structure.current, structure.proposed),
        monthly_cost=_monthly_cost(rulebook, params, structure.proposed),
        roadmap_steps=roadmap,
    )
    _judge(diagnosis, answers)
    diagnosis.narrative = narrate(rulebook.domain.narrative, diagnosis)  # it reads the diagnosis as a whole
    return diagnosis


def _judge(diagnosis: Diagnosis, answers: AnswerSet) -> None:
    """The consultant's notes and the client's decisions put beside what they name; the
    findings themselves stay as the book decided them."""
    judgement = answers.judgement
    if not judgement:
        return
    for finding in diagnosis.findings:
        finding.note = judgement.notes.get(finding.rule_id)
        decision = judgement.decisions.get(finding.rule_id)
        if decision is not None:
            finding.decision = ClientDecision(decision.status, decision.reason)  # type: ignore[arg-type]
    rule_ids = {finding.rule_id for finding in diagnosis.findings}
    diagnosis.section_notes = {key: note for key, note in judgement.notes.items() if key not in rule_ids}


def render(text: dict[str, str], env: dict[str, Any], worded: bool = False) -> dict[str, str]:
    """Fill {name} placeholders with values as a person reads them. An unknown value is
    "?" in the JSON; `worded`: in words instead (locale/rules.yaml `unknown_value`), for
    the report and the terminal, where a "?" would reach the client."""
    return {lang: _fill(template, env, lang, worded) for lang, template in text.items()}


def _fill(template: str, env: dict[str, Any], lang: str, worded: bool) -> str:
    parts: list[str] = []
    swallow_unit = False
    for literal, name, _, _ in string.Formatter().parse(template):
        if swallow_unit:  # "{share}%" with the share unknown: the words replace the "%" too
            literal = _UNIT.sub("", literal, count=1)
        parts.append(literal)
        swallow_unit = False
        if name is None:
            continue
        value = env.get(name)
        if not (isinstance(value, (Missing, Undetermined)) or value is None):
            parts.append(number(value, lang))
        elif worded:
            parts.append(unknown_value(name, lang))
            swallow_unit = True
        else:
            parts.append("?")
    return "".join(parts)


_UNIT = re.compile(r"^ ?%")


def unknown_value(name: str, lang: str) -> str:
    """An unknown value in words: `unknown_value_<name>` of locale/rules.yaml when the
    catalogue says how this value is found out, else `unknown_value`."""
    key = f"unknown_value_{name}"
    return word(key if key in catalogue("rules") else "unknown_value", lang)


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
    elif status == "undetermined" and rule.undetermined:
        summary = rule.undetermined
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
        citation=_json_text(_citation(rulebook, rule)),
        actions=[render(a, env) for a in rule.actions] if status == "fired" else [],
        conditions=outcome.traces[rule.id],
        evidence=_evidence(rulebook, rule, outcome),
        to_find_out=find_out,
        overridden_by=outcome.overridden_by.get(rule.id),
        priority=rule.priority,
        worded_summary=render(summary, env, worded=True),
        worded_actions=[render(a, env, worded=True) for a in rule.actions] if status == "fired" else [],
        worded_citation=_citation(rulebook, rule),
        book_citation=dict(rule.citation) if rule.citation else {
            lang: rulebook.citation.get(lang) or _json_text(rulebook.citation) for lang in LANGS},
    )


_JSON_LANG = "en"  # the JSON's citation and parameter source are single strings, in English


def _json_text(text: dict[str, str]) -> str:
    return text.get(_JSON_LANG) or next(iter(text.values()), "")


def _citation(rulebook: Rulebook, rule: Rule) -> dict[str, str]:
    """The rule's own citation, or the book's followed by the rule id, per language."""
    if rule.citation:
        return dict(rule.citation)
    return {lang: word("citation", lang, citation=rulebook.citation.get(lang) or _json_text(rulebook.citation),
                       rule=rule.id) for lang in LANGS}


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
            kind=indicator.kind,
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
            lines.append(AnswerLine(section.title, question.id, question.text, display, state,  # type: ignore[arg-type]
                                    section.id))
    return lines


def _deltas(current: list[Role], proposed: list[Role]) -> None:
    """Each proposed role's change in headcount: a role new in the proposal had 0 today."""
    today = {r.id: r for r in current}
    for role in proposed:
        before = today.get(role.id)
        old = 0 if before is None else before.headcount
        if role.headcount is not None and old is not None:
            role.delta = round(float(role.headcount) - float(old), 4)
            if role.delta.is_integer():
                role.delta = int(role.delta)


def _headcount_total(current: list[Role], proposed: list[Role]) -> HeadcountTotal:
    """Today's and the proposed headcount, over the roles known on both sides: a role
    whose headcount is not the sales department's to plan (or not known) is left out of
    both sums, so the two compare like with like."""
    today = {r.id: r for r in current}
    after = {r.id: r for r in proposed}
    left_out = [r for r in dict.fromkeys([*after, *today])
                if (r in today and today[r].headcount is None) or (r in after and after[r].headcount is None)]
    def total(roles: dict[str, Role]) -> float:
        value = round(sum(float(r.headcount or 0) for r in roles.values() if r.id not in left_out), 4)
        return int(value) if value.is_integer() else value
    return HeadcountTotal(total(today), total(after), left_out)


def _monthly_cost(rulebook: Rulebook, params: dict[str, Any], proposed: list[Role]) -> CostChange | None:
    """The monthly cost of the change (delta × the role's monthly cost) for the roles that
    change and have a cost given; None when none of them has one."""
    board = rulebook.domain.board
    changing = [r for r in proposed if r.delta]
    roles: dict[str, float] = {}
    without: list[str] = []
    for role in changing:
        cost = params.get(board.monthly_cost.get(role.id, ""))
        if isinstance(cost, (int, float)) and not isinstance(cost, bool):
            roles[role.id] = round(float(role.delta or 0) * float(cost), 2)
        else:
            without.append(role.id)
    if not roles:
        return None
    currency = str(params.get(board.currency or "", "") or "")
    return CostChange(currency, roles, round(sum(roles.values()), 2), without)


def _roadmap(rulebook: Rulebook, outcome: Outcome, findings: list[Finding], proposed: list[Role]) -> list[RoadmapStep]:
    """What to find out first, then the fired rules' recommendations in the declared step
    order, each with its horizon, owner (the first of the rule's owners that is in the
    proposal) and the steps it waits for (from the rulebook's `roadmap` section); the
    steps' worded texts are the findings' worded summaries."""
    plan = rulebook.domain.roadmap
    present = [r.id for r in proposed]
    by_id = {r.id: r for r in rulebook.rules}
    ordered = sorted(findings, key=lambda f: (by_id[f.rule_id].roadmap_step or 99, by_id[f.rule_id].index))
    steps: list[RoadmapStep] = []
    texts: list[Text] = []

    def add(step_plan: StepPlan | None, text: Text, worded: Text, kind: str, rule_id: str) -> None:
        horizon = step_plan.horizon if step_plan else None
        owner = next((r for r in (step_plan.owner if step_plan else []) if r in present), None)
        texts.append(text)
        steps.append(RoadmapStep(text, kind, rule_id, horizon,  # type: ignore[arg-type]
                                 dict(plan.horizons.get(horizon, {})) if horizon else {}, owner, worded_text=worded))

    for finding in ordered:
        if finding.status == "undetermined" and by_id[finding.rule_id].roadmap_step and finding.to_find_out:
            if finding.to_find_out[0] not in texts:
                add(plan.find_out, finding.to_find_out[0], finding.to_find_out[0], "find_out", finding.rule_id)
    losers = {c.loser for c in outcome.conflicts}  # a rule that lost a decision is not a step of its own
    for finding in ordered:
        rule = by_id[finding.rule_id]
        if finding.status != "fired" or not rule.roadmap_step or finding.rule_id in losers:
            continue
        # a rule's `step` words the change as an action; else its summary is the step
        text, worded = ((render(rule.step, outcome.env), render(rule.step, outcome.env, worded=True)) if rule.step
                        else (finding.summary, finding.worded_summary))
        if text not in texts:
            add(plan.steps.get(finding.rule_id), text, worded, "change", finding.rule_id)
    # a step waits for the steps of the rules it names that are on this company's roadmap
    numbers: dict[str, int] = {}
    for index, step in enumerate(steps, 1):
        numbers.setdefault(step.rule_id, index)
    for index, step in enumerate(steps, 1):
        waits = plan.steps[step.rule_id].after if step.kind == "change" and step.rule_id in plan.steps else []
        step.after = sorted({numbers[r] for r in waits if r in numbers and numbers[r] < index})
    return steps
