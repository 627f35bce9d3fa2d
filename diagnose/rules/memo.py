"""Memoised stand-ins for a rulebook's expressions, for searches that re-run it many times.

The what-if search evaluates the rulebook hundreds of times, each time with one answer
changed; most conditions do not read that answer and would compute what they computed
before. `memoised` returns copies of the rulebook and its questionnaire in which every
expression remembers its result by the values (and their types) of the names it reads,
so only the conditions that read the changed answer are evaluated again; a small one
(`evaluated_as_fast`) is evaluated again each time, which costs no more than looking it up. An expression
is a pure function of those values, so the results are the ones a fresh evaluation gives.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from typing import Any

from jinja2 import nodes

from diagnose.expressions import Expression
from diagnose.questionnaire import Questionnaire
from diagnose.rules.rulebook import Rulebook


def reads(expression: Expression) -> tuple[str, ...]:
    """Every name the expression's tree reads (taken from the tree itself, so that a name
    the compiler did not list can never be left out of a memo key)."""
    found = dict.fromkeys(expression.names)
    found.update(dict.fromkeys(node.name for node in expression.tree.find_all(nodes.Name)))
    return tuple(found)


class MemoExpression:
    """An Expression whose `evaluate` answers from memory for values it has seen."""

    __slots__ = ("expression", "source", "tree", "names", "_reads", "_absent", "_results")

    def __init__(self, expression: Expression):
        self.expression = expression
        self.source = expression.source
        self.tree = expression.tree
        self.names = expression.names
        self._reads = reads(expression)
        self._absent = (_ABSENT,) * len(self._reads)  # the default of each name's look-up
        self._results: dict[Any, Any] = {}

    def evaluate(self, values: Mapping[str, Any]) -> Any:
        # (map over two sequences: the key is built without a Python-level loop, since
        # the what-if search looks up hundreds of thousands of them)
        got = tuple(map(values.get, self._reads, self._absent))
        # the types are part of the key: 1, 1.0 and True are equal but not the same answer
        key = (got, tuple(map(type, got)))
        try:
            return self._results[key]
        except KeyError:
            pass
        except TypeError:  # a list (a multiple-choice answer) cannot be a key as it is
            key = (tuple(map(_frozen, got)), key[1])
            if key in self._results:
                return self._results[key]
        result = self.expression.evaluate(values)
        self._results[key] = result
        return result

    def __str__(self) -> str:
        return self.source


# A memo look-up costs about what evaluating a tree of this many nodes does (building the
# key from the names read and their types, then hashing it), and only about half of the
# search's look-ups find a result: smaller trees are evaluated each time.
MEMO_FROM_NODES = 16


def evaluated_as_fast(expression: Expression) -> bool:
    """An expression that evaluates about as fast as its memo key is built (a name, a
    comparison, `a > 0 and b == 'yes'`...): kept as it is, not memoised."""
    return sum(1 for _ in expression.tree.find_all(nodes.Node)) + 1 < MEMO_FROM_NODES


_ABSENT = object()  # a name not in the values at all (the evaluator reads it as unanswered)


def _frozen(value: Any) -> Any:
    if isinstance(value, list):
        return ("list", tuple(_frozen(v) for v in value), tuple(type(v) for v in value))
    return value


class Memoised:
    """A copy of the rulebook (its questionnaire included) with memoised expressions.

    Only objects that hold an expression are copied; everything else is shared. `forget`
    empties the memories (they hold one company's values; a batch must not pile them up).
    """

    def __init__(self, rulebook: Rulebook):
        done: dict[int, Any] = {}
        self.rulebook: Rulebook = _copy(rulebook, done)
        self.expressions = [v for v in done.values() if isinstance(v, MemoExpression)]

    def forget(self) -> None:
        for expression in self.expressions:
            expression._results.clear()


def memoised(rulebook: Rulebook) -> Rulebook:
    """A copy of the rulebook with memoised expressions (see `Memoised`)."""
    return Memoised(rulebook).rulebook


def _copy(item: Any, done: dict[int, Any]) -> Any:
    if isinstance(item, Expression):
        if id(item) not in done:
            done[id(item)] = item if evaluated_as_fast(item) else MemoExpression(item)
        return done[id(item)]
    if item is None or isinstance(item, (str, int, float, bool)):
        return item
    if id(item) in done:
        return done[id(item)]
    done[id(item)] = item  # while copying, a cycle back here keeps the original
    result = item
    if isinstance(item, list):
        items = [_copy(v, done) for v in item]
        if any(a is not b for a, b in zip(items, item, strict=True)):
            result = items
    elif isinstance(item, tuple) and not hasattr(item, "_fields"):
        items = [_copy(v, done) for v in item]
        if any(a is not b for a, b in zip(items, item, strict=True)):
            result = tuple(items)
    elif isinstance(item, dict):
        values = {k: _copy(v, done) for k, v in item.items()}
        if any(values[k] is not v for k, v in item.items()):
            result = type(item)(values) if type(item) is dict else {**values}
    elif dataclasses.is_dataclass(item) and not isinstance(item, type):
        changed = {}
        for f in dataclasses.fields(item):
            value = getattr(item, f.name)
            new = _copy(value, done)
            if new is not value:
                changed[f.name] = new
        if changed:
            result = copy.copy(item)
            for name, value in changed.items():
                object.__setattr__(result, name, value)
            if isinstance(result, Questionnaire):
                # the question index is derived from the sections: rebuild it from the copies
                result.__dict__.pop("questions", None)
    done[id(item)] = result
    return result
