"""Rule conditions for a trial answer, re-evaluating only the rules a changed value reaches.

A trial run of the what-if search (`decide.key_decisions`) needs every rule's condition,
yet a trial changes one answer and, through it, a few computed values, indicators and
shown questions: the other rules would give what they gave for the company as it is.
`Rerun` notes once per rulebook which names each rule's condition and premise read and
which rules they refer to; `RerunAt.conditions` compares the trial's names with the
company's own (value and type) and evaluates a rule again only if it reads a changed
name or refers to an earlier rule whose result changed; every other rule keeps its
result. An expression is a pure function of the names it reads, and the rules are still
recorded in their order (a reference to a later rule reads nothing, as in a full run),
so the results are a full run's.
"""

from __future__ import annotations

from typing import Any

from diagnose.rules.decide import Outcome, rule_condition
from diagnose.rules.memo import reads
from diagnose.rules.rulebook import Condition, Rulebook


class Rerun:
    """What each rule's condition reads, found once per rulebook."""

    def __init__(self, rulebook: Rulebook):
        self.rulebook = rulebook
        self.reads: list[tuple[Any, frozenset[str], frozenset[str]]] = []  # rule, names, rules referred to
        for rule in rulebook.rules:
            names: set[str] = set()
            refers: set[str] = set()
            for tree in (rule.when, rule.applies_when):
                if tree is not None:
                    _collect(tree, names, refers)
            self.reads.append((rule, frozenset(names), frozenset(refers)))

    def at(self, base: Outcome) -> RerunAt:
        """For the company whose untraced-or-traced run is `base` (its env and results)."""
        return RerunAt(self, base)


class RerunAt:
    def __init__(self, rerun: Rerun, base: Outcome):
        self.rerun = rerun
        self.base = base

    def conditions(self, answer_env: dict[str, Any]) -> Outcome:
        """The indicators and every rule's condition for these answers, as
        `decide._conditions(trace=False)` gives them."""
        rulebook, base = self.rerun.rulebook, self.base
        params = base.params
        env = dict(answer_env)
        env.update(params)
        for indicator in rulebook.indicators:
            env[indicator.id] = indicator.expr.evaluate(env)
        before = base.env
        changed = {name for name, value in env.items() if not _same(value, before.get(name, _ABSENT))}
        changed.update(name for name in before if name not in env)
        outcome = Outcome(env, params, watched=rulebook.domain.decisions)
        moved: set[str] = set()  # rules whose result is not the company's own
        for rule, names, refers in self.rerun.reads:
            if names.isdisjoint(changed) and refers.isdisjoint(moved):
                outcome.held[rule.id] = base.held[rule.id]
                outcome.reasons[rule.id] = base.reasons[rule.id]
                outcome.traces[rule.id] = []
                if rule.id in base.premise:
                    outcome.premise[rule.id] = base.premise[rule.id]
                continue
            rule_condition(rule, outcome)
            if outcome.held[rule.id] != base.held[rule.id] or outcome.premise.get(rule.id) != base.premise.get(rule.id):
                moved.add(rule.id)
        return outcome


_ABSENT = object()


def _collect(condition: Condition, names: set[str], refers: set[str]) -> None:
    if condition.expr is not None:
        names.update(reads(condition.expr))
    if condition.rule is not None:
        refers.add(condition.rule)
    for child in condition.children:
        _collect(child, names, refers)


def _same(a: Any, b: Any) -> bool:
    """The same value of the same type (1, 1.0 and True differ; lists item by item)."""
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)
