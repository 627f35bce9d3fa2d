"""Which questions a rulebook reads, and which it never does.

A question is read when a rule's premise, condition or confirmation, an assignment's
choice, a role's or task's "today" test, an indicator or a text placeholder names it,
directly or through the computed values of the questionnaire. `diagnose validate` on a
rulebook warns about the questions nothing reads: either a rule should use the answer
or the question should not be asked. Questions marked `context: true` frame the report
(company stage, industry) and are not expected to be read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from diagnose.expressions import Expression
from diagnose.rules.rulebook import Condition, Rulebook

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def read_names(rulebook: Rulebook) -> set[str]:
    """Every answer, computed value, indicator and parameter name the rulebook reads."""
    names: set[str] = set()
    for expression in _expressions(rulebook):
        names.update(expression.names)
    for rule in rulebook.rules:
        for text in (rule.summary, rule.otherwise, rule.confirmed, rule.not_applicable, rule.undetermined, rule.step, *rule.actions):
            for value in text.values():
                names.update(_PLACEHOLDER.findall(value))
    # follow indicators and computed values to the questions they are made from
    formulas: dict[str, Expression] = {c.id: c.expr for c in rulebook.questionnaire.computed}
    formulas.update({i.id: i.expr for i in rulebook.indicators})
    pending = list(names)
    while pending:
        formula = formulas.get(pending.pop())
        for name in formula.names if formula is not None else ():
            if name not in names:
                names.add(name)
                pending.append(name)
    return names


def unread_questions(rulebook: Rulebook) -> list[str]:
    """Ids of the questions no part of the rulebook reads (context questions left out)."""
    read = read_names(rulebook)
    return [q.id for q in rulebook.questionnaire.iter_questions() if q.id not in read and not q.context]


def _expressions(rulebook: Rulebook) -> Iterator[Expression]:
    for indicator in rulebook.indicators:
        yield indicator.expr
        yield from (expr for _, expr in indicator.levels)
    for role in rulebook.roles.values():
        yield role.today
        yield from (expr for expr, _ in role.reports_to_today)
    for task in rulebook.tasks.values():
        yield from (expr for expr, _ in task.today)
    for rule in rulebook.rules:
        for tree in rule.conditions():
            yield from _condition_expressions(tree)
        for assignment in rule.assign:
            yield from (expr for expr, _ in assignment.choose if expr is not None)
            yield from (expr for expr in (assignment.when,) if expr is not None)
    domain = rulebook.domain
    for line in domain.sizing.lines:
        yield from (expr for expr in (line.value,) if expr is not None)
        yield from (expr for expr, _ in line.notes_when)
        yield from (expr for _, expr in line.inputs)
    yield from (clause.when for clause in domain.placement_today if clause.when is not None)


def _condition_expressions(condition: Condition) -> Iterator[Expression]:
    if condition.expr is not None:
        yield condition.expr
    for child in condition.children:
        yield from _condition_expressions(child)


# What a rulebook without each domain section does without telling anyone: a rulebook
# written before these sections existed still loads, so `diagnose validate` says so.
_WITHOUT_SECTION = {
    "sizing": "no headcount sizing is shown",
    "key_decisions": "no 'what would change it' is searched for",
    "support_placement": "today's support placement is not read from the answers and no support role is required",
}


def missing_sections(rulebook: Rulebook) -> list[str]:
    """One line per domain section the rulebook lacks (docs/rulebook.md), saying what is lost."""
    domain = rulebook.domain
    present = {"sizing": bool(domain.sizing.lines), "key_decisions": bool(domain.decisions),
               "support_placement": bool(domain.needs or domain.placement_today)}
    return [f"no '{name}' section: {effect}" for name, effect in _WITHOUT_SECTION.items() if not present[name]]
