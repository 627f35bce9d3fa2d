"""Loading a rulebook (format: docs/rulebook.md): the entry points, and the order its
sections are loaded in.

A rulebook names the questionnaire it reads, declares parameters (every threshold),
roles and tasks (BRIEF glossary ids), derived indicators and rules. Loading checks all
of it in one pass and records located problems: syntax and unknown names (with
did-you-mean), unknown role and task ids, `fired:` references to unknown rules or in a
cycle, rules that can never fire (a condition that is false whatever the answers, or two
that contradict each other) and two rules that decide one thing differently with the
same priority. Conditions are compiled once here; `evaluate` only runs them.

The work is spread over small modules: `model` (the dataclasses), `format` (the keys of
each section, declared), `load_context` (what the loaders share), `load_sections`,
`load_indicators`, `load_rules`, `load_decisions` (one section each), and the lint in
`never_fires` and `conflicts`. What callers import from here is re-exported below.
"""

from __future__ import annotations

from pathlib import Path

from diagnose.errors import Location, ProblemList
from diagnose.questionnaire import Questionnaire
from diagnose.rules import load_indicators, load_rules, load_sections
from diagnose.rules.domain import load_domain
from diagnose.rules.format import (
    CLAIMABLE_MODES,
    DEFAULT_CITATION,
    DIMENSIONS,
    INDICATOR_KINDS,
    SEVERITIES,
    SOURCES,
    SUPPORT_MODES,
    TOP,
)
from diagnose.rules.load_context import LoadContext
from diagnose.rules.model import (
    Assignment,
    Condition,
    IndicatorDef,
    Parameter,
    RoleChange,
    RoleDef,
    Rule,
    Rulebook,
    SupportDecision,
    TaskDef,
    Text,
    decisions_of,
    walk,
)
from diagnose.rules.narrative import load_narrative
from diagnose.schema import describe
from diagnose.yamlio import Document

__all__ = [
    "CLAIMABLE_MODES", "DIMENSIONS", "INDICATOR_KINDS", "SEVERITIES", "SOURCES", "SUPPORT_MODES",
    "Assignment", "Condition", "IndicatorDef", "Parameter", "RoleChange", "RoleDef", "Rule", "Rulebook",
    "SupportDecision", "TaskDef", "Text", "decisions_of", "load_rulebook", "rulebook_from_document", "walk",
]


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
    """Build a Rulebook, recording every problem; None when it cannot be built.

    The sections load in this order because each may name what the ones before it
    declared (a condition names questions, parameters and indicators)."""
    ctx = LoadContext(document, problems)
    data = document.data
    if not isinstance(data, dict):
        problems.add(Location(document.path, 1, 1), f"expected a mapping at the top, got {describe(data)}")
        return None
    TOP.check_keys(ctx, data, "")
    top = ctx.read(TOP, data, "")
    questionnaire = load_sections.questionnaire(ctx, data, questionnaire)
    if questionnaire is None:
        return None
    ctx.languages = list(questionnaire.languages)
    ctx.names = dict(questionnaire.name_infos())
    ctx.questions = dict(questionnaire.questions)
    parameters = load_sections.parameters(ctx, data)
    roles = load_sections.roles(ctx, data)
    tasks = load_sections.tasks(ctx, data)
    modes = load_sections.support_modes(ctx, data)
    indicators = load_indicators.indicators(ctx, data, parameters)
    rules = load_rules.rules(ctx, data)
    domain = load_domain(ctx, data, parameters, modes)
    # every rule written, even one with a mistake of its own: that is one problem, not two
    written = [str(r["id"]) for r in data.get("rules") or [] if isinstance(r, dict) and isinstance(r.get("id"), str)]
    domain.narrative = load_narrative(ctx, data, written, modes)
    if problems:
        return None
    return Rulebook(top["id"] or "", top["version"] or 0, questionnaire, top["citation"] or DEFAULT_CITATION,
                    parameters, roles, tasks, modes, indicators, rules, document.path, domain)
