"""Does one changed answer reach anything the rulebook decides with, and how?

The what-if search tries hundreds of single-answer changes, and most change nothing a
rule, an indicator test or a today's-structure test sees: a number moved within the
same side of every threshold. `RippleAt.signature(question, value)` follows the change
through the computed values and indicators that read it (in their evaluation order) and
gives what every expression it reaches yields for the decisions (a condition's truth, a
role's presence, any other value exactly), without re-running the rulebook. Two answers
with one signature make the same decisions; `unchanged` is the case "the same as the
current answer". There is no signature ("don't know") where that cannot be shown simply:
a question that a show-if reads (unless the caller found the same questions shown) or a
name used for two things.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from diagnose.expressions import Expression, is_true
from diagnose.questionnaire import Questionnaire
from diagnose.rules.decide import role_present
from diagnose.rules.domain import Domain
from diagnose.rules.memo import MemoExpression, reads
from diagnose.rules.rulebook import Condition, Rulebook


class Ripple:
    """What follows from what, prepared once per rulebook; `at(env)` answers for one company."""

    def __init__(self, rulebook: Rulebook, questionnaire: Questionnaire, params: Iterable[str]):
        params = set(params)
        self.computed = [(c.id, c.expr, frozenset(reads(c.expr))) for c in questionnaire.computed]
        self.indicators = [(i.id, i.expr, frozenset(reads(i.expr))) for i in rulebook.indicators]
        # Each expression with what the decisions take from it: a rule's condition and a
        # task's today's-owner test count only as true/false/undetermined, a role's
        # today's test only as "the company has it"; any other expression in the rulebook
        # counts with its exact value. An indicator's own formula only feeds the
        # expressions that read the indicator, and is followed through them.
        judges: dict[int, tuple[Expression, Callable[[Any], Any]]] = {}

        def judge(expression: Expression, how: Callable[[Any], Any]) -> None:
            known = judges.get(id(expression))
            judges[id(expression)] = (expression, how if known is None or known[1] is how else _exact)

        for rule in rulebook.rules:
            for condition in _conditions(rule.when):
                if condition.kind == "expr" and condition.expr is not None:
                    judge(condition.expr, is_true)
        for role in rulebook.roles.values():
            judge(role.today, role_present)
        for task in rulebook.tasks.values():
            for expression, _ in task.today:
                judge(expression, is_true)
        feeding = {id(i.expr) for i in rulebook.indicators}
        for expression in expressions_in(rulebook, set()):
            if id(expression) not in judges and id(expression) not in feeding:
                judge(expression, _exact)
        self.readers: dict[str, list[tuple[Expression, Callable[[Any], Any]]]] = {}
        for expression, how in judges.values():
            for name in reads(expression):
                self.readers.setdefault(name, []).append((expression, how))
        # what a show-if reads, directly or through computed values: those answers can
        # show or hide other questions, which only the full evaluation follows
        by_id = {cid: names for cid, _, names in self.computed}
        visible_inputs: set[str] = set()
        pending = [name for q in questionnaire.iter_questions() if q.show_if is not None for name in reads(q.show_if)]
        while pending:
            name = pending.pop()
            if name not in visible_inputs:
                visible_inputs.add(name)
                pending.extend(by_id.get(name, ()))
        self.visible_inputs = frozenset(visible_inputs)
        self.params = frozenset(params)
        self.excluded = visible_inputs | params
        questions = [q.id for q in questionnaire.iter_questions()]
        names = questions + list(by_id) + list(params) + [i for i, _, _ in self.indicators]
        # the shortcut evaluates each computed value and indicator where the full run does:
        # it holds only if every one reads names defined before it, and no name is used twice
        self.usable = len(names) == len(set(names)) and _in_order(
            [*self.computed, *self.indicators], set(questions), len(self.computed), set(params))
        self._reached: dict[str, tuple[list[tuple[str, Expression]], list[tuple[Expression, Callable[[Any], Any]]]]] = {}

    def reach(self, question_id: str) -> tuple[list[tuple[str, Expression]], list[tuple[Expression, Callable[[Any], Any]]]]:
        """The computed values and indicators one answer feeds (in evaluation order) and
        every judged expression that reads the answer or any of them; found once."""
        found = self._reached.get(question_id)
        if found is None:
            names = dict.fromkeys([question_id])
            steps = []
            for name, expression, inputs in (*self.computed, *self.indicators):
                if not inputs.isdisjoint(names):
                    steps.append((name, expression))
                    names[name] = None
            judged: dict[int, tuple[Expression, Callable[[Any], Any]]] = {}
            for name in names:
                for expression, how in self.readers.get(name, ()):
                    judged.setdefault(id(expression), (expression, how))
            found = self._reached[question_id] = (steps, list(judged.values()))
        return found

    def at(self, base_env: dict[str, Any]) -> RippleAt:
        """For the company whose evaluated names (answers, computed values, parameters and
        indicators, as the rulebook run left them) are `base_env`."""
        return RippleAt(self, base_env)


class RippleAt:
    def __init__(self, ripple: Ripple, base_env: dict[str, Any]):
        self.ripple = ripple
        self.base_env = base_env
        self.base_signatures: dict[str, tuple[Any, ...] | None] = {}

    def unchanged(self, question_id: str, value: Any) -> bool:
        """True if, with this one answer changed, every expression of the rulebook gives
        what the decisions take from it now (so every decision stays); False if it may not."""
        signature = self.signature(question_id, value)
        return signature is not None and signature == self.base_signature(question_id)

    def base_signature(self, question_id: str) -> tuple[Any, ...] | None:
        """The signature of the current answer (see `signature`), found once."""
        if question_id not in self.base_signatures:
            self.base_signatures[question_id] = self.signature(question_id, self.base_env.get(question_id), True)
        return self.base_signatures[question_id]

    def signature(self, question_id: str, value: Any, visibility_kept: bool = False) -> tuple[Any, ...] | None:
        """What the decisions take from every expression this answer reaches, with the
        answer set to `value`: two answers with one signature make the same decisions.
        `visibility_kept`: the caller found that this answer shows and hides the same
        questions as now, so a question a show-if reads can be followed too. None where
        that cannot be shown simply (as for `unchanged`) or a result cannot be a key."""
        ripple = self.ripple
        if not ripple.usable or question_id in ripple.params or question_id not in self.base_env \
                or (question_id in ripple.visible_inputs and not visibility_kept):
            return None
        steps, judged = ripple.reach(question_id)
        env = dict(self.base_env)
        env[question_id] = value
        for name, expression in steps:
            env[name] = expression.evaluate(env)
        signature = tuple(_typed(how(expression.evaluate(env))) for expression, how in judged)
        try:
            hash(signature)
        except TypeError:
            return None
        return signature


def _in_order(steps: list[tuple[str, Any, frozenset[str]]], questions: set[str], computed: int,
              params: set[str]) -> bool:
    known = set(questions) | {"true", "false", "none"}
    for index, (name, _, inputs) in enumerate(steps):
        if index == computed:
            known |= params  # the rulebook's parameters join the names before its indicators
        if not inputs <= known:
            return False
        known.add(name)
    return True


def _exact(value: Any) -> Any:
    return value


def _conditions(condition: Condition) -> list[Condition]:
    found = [condition]
    for child in condition.children:
        found.extend(_conditions(child))
    return found


def _typed(value: Any) -> Any:
    """A value as a key that keeps its type (1, 1.0 and True are three different results)."""
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_typed(v) for v in value))
    return (type(value).__name__, value)


def expressions_in(item: Any, seen: set[int]) -> list[Expression]:
    """The expressions anywhere inside the rulebook's definitions (not its questionnaire),
    memoised ones included."""
    if isinstance(item, (Expression, MemoExpression)):
        return [item]
    if isinstance(item, Domain):
        return []  # sizing, key decisions and today's placement decide nothing
    if id(item) in seen or isinstance(item, (str, int, float, bool, Questionnaire)) or item is None:
        return []
    seen.add(id(item))
    if isinstance(item, dict):
        children: Any = item.values()
    elif isinstance(item, (list, tuple, set, frozenset)):
        children = item
    elif dataclasses.is_dataclass(item):
        children = [getattr(item, f.name) for f in dataclasses.fields(item)]
    else:
        return []
    found: list[Expression] = []
    for child in children:
        found.extend(expressions_in(child, seen))
    return found
