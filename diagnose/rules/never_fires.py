"""Lint: rules that can never fire.

A condition over parameters and constants alone has one value for every company (its
value with the parameters' defaults); a comparison of an answer with a constant outside
the answer's range (a percent above 100) is never true; and two conditions of one `all`
that cannot both hold (`x > 10` and `x < 5`, two different choices) contradict each
other. Each such rule is reported where its condition is written.
"""

from __future__ import annotations

from typing import Any

from jinja2 import nodes

from diagnose.errors import Location
from diagnose.expressions import Expression, ExpressionError, is_true
from diagnose.rules.load_context import LoadContext
from diagnose.rules.model import Condition, Rule
from diagnose.yamlio import is_number

Bound = tuple[float, bool] | None  # (value, inclusive)
Interval = tuple[Bound, Bound]
Constraint = tuple[str, Bound, Bound, set[str] | None]  # (name, low, high, allowed choice ids)
Reason = tuple[str, Location]
_FLIPPED = {"gt": "lt", "gteq": "lteq", "lt": "gt", "lteq": "gteq", "eq": "eq", "ne": "ne"}
_RANGE_KINDS = {"percent": "a percent", "scale": "a scale value", "number": "a number"}


def lint_never_fires(ctx: LoadContext, rule: Rule) -> None:
    reason = _never_true(ctx, rule.when, _parameter_env(ctx))
    if reason:
        ctx.problems.add(reason[1], f"rule '{rule.id}' can never fire: {reason[0]}")


def _parameter_env(ctx: LoadContext) -> dict[str, Any]:
    """Parameter name -> default, as written (those with a usable default)."""
    raw = ctx.document.data.get("parameters") or {}
    return {
        name: item["default"]
        for name, item in raw.items()
        if isinstance(item, dict) and (is_number(item.get("default")) or isinstance(item.get("default"), str))
    }


def _never_true(ctx: LoadContext, condition: Condition, params: dict[str, Any]) -> Reason | None:
    if condition.kind == "expr":
        assert condition.expr is not None
        reason = _expr_never_true(ctx, condition.expr, params)
        return (reason, condition.location) if reason else None
    if condition.kind == "any":
        reasons = [_never_true(ctx, c, params) for c in condition.children]
        if all(reasons):
            first = reasons[0]
            assert first is not None
            if len(reasons) == 1:
                return first
            return ("none of its 'any' conditions can be true (" + "; ".join(r[0] for r in reasons if r) + ")", condition.location)
        return None
    if condition.kind == "all":
        for child in condition.children:
            reason = _never_true(ctx, child, params)
            if reason:
                return reason
        return _contradiction(ctx, condition, params)
    return None


def _expr_never_true(ctx: LoadContext, expr: Expression, params: dict[str, Any]) -> str | None:
    # A condition over constants and parameters alone has one value for every company.
    if all(name in params for name in expr.names):
        try:
            value = expr.evaluate(params)
        except ExpressionError:
            return None
        if is_true(value) is False:
            return f'"{expr.source}" is false whatever the answers (with the parameters\' default values)'
        return None
    constraint = _constraint(ctx, expr.tree, params)
    if constraint is None:
        return None
    name, low, high, allowed = constraint
    if allowed is not None:
        return None if allowed else f'"{expr.source}" can never be true'
    bounds = _bounds(ctx, name)
    if bounds is None:
        return None
    qlow, qhigh, what = bounds
    if _empty(_meet((low, high), (qlow, qhigh))):
        return f'"{expr.source}" can never be true: \'{name}\' is {what}'
    return None


def _bounds(ctx: LoadContext, name: str) -> tuple[Bound, Bound, str] | None:
    """The range a numeric question's answer lies in, and how to say it."""
    question = ctx.questions.get(name)
    if not question or question.type not in _RANGE_KINDS:
        return None
    low, high = question.bounds()
    text = f"{_RANGE_KINDS[question.type]}{question.range_text()}"
    return ((low, True) if low is not None else None, (high, True) if high is not None else None, text)


def _constraint(ctx: LoadContext, tree: nodes.Node, params: dict[str, Any]) -> Constraint | None:
    """`name OP constant` -> (name, low, high, None); `name == 'x'` / `name in [...]` -> (name, None, None, {ids})."""
    if not isinstance(tree, nodes.Compare) or len(tree.ops) != 1:
        return None
    left, op, right = tree.expr, tree.ops[0].op, tree.ops[0].expr
    if not _is_answer_name(ctx, left) and _is_answer_name(ctx, right) and op in _FLIPPED:
        left, right, op = right, left, _FLIPPED[op]
    if not _is_answer_name(ctx, left):
        return None
    name = left.name
    value = _constant(right, params)
    if value is None:
        return None
    if isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        if op in ("eq", "in"):
            return (name, None, None, {value} if isinstance(value, str) else set(value))
        return None
    if not is_number(value):
        return None
    number = float(value)
    bounds: dict[str, tuple[Bound, Bound]] = {
        "gt": ((number, False), None), "gteq": ((number, True), None),
        "lt": (None, (number, False)), "lteq": (None, (number, True)),
        "eq": ((number, True), (number, True)),
    }
    if op not in bounds:
        return None
    return (name, *bounds[op], None)


def _is_answer_name(ctx: LoadContext, node: nodes.Node) -> bool:
    return isinstance(node, nodes.Name) and node.name in ctx.names and ctx.names[node.name].kind != "parameter"


def _contradiction(ctx: LoadContext, condition: Condition, params: dict[str, Any]) -> Reason | None:
    """Two conditions of one `all` that cannot both hold, if there are."""
    intervals: dict[str, tuple[Bound, Bound, str]] = {}
    choices: dict[str, tuple[set[str], str]] = {}
    for child in condition.children:
        if child.kind != "expr" or child.expr is None:
            continue
        constraint = _constraint(ctx, child.expr.tree, params)
        if constraint is None:
            continue
        name, low, high, allowed = constraint
        if allowed is not None:
            if name in choices:
                previous, source = choices[name]
                if not previous & allowed:
                    return (f'"{source}" and "{child.source}" cannot both be true', child.location)
                choices[name] = (previous & allowed, source)
            else:
                choices[name] = (allowed, child.source)
            continue
        if name in intervals:
            plow, phigh, source = intervals[name]
            met = _meet((plow, phigh), (low, high))
            if _empty(met):
                return (f'"{source}" and "{child.source}" cannot both be true', child.location)
            intervals[name] = (met[0], met[1], source)
        else:
            intervals[name] = (low, high, child.source)
    return None


def _constant(node: nodes.Node, params: dict[str, Any]) -> Any:
    if isinstance(node, nodes.Const):
        return node.value
    if isinstance(node, nodes.Name) and node.name in params:
        return params[node.name]
    if isinstance(node, (nodes.List, nodes.Tuple)):
        values = [_constant(i, params) for i in node.items]
        return None if any(v is None for v in values) else values
    if isinstance(node, nodes.Neg):
        inner = _constant(node.node, params)
        return -inner if is_number(inner) else None
    return None


def _meet(a: tuple[Bound, Bound], b: tuple[Bound, Bound]) -> tuple[Bound, Bound]:
    low = _max_low(a[0], b[0])
    high = _min_high(a[1], b[1])
    return low, high


def _max_low(x: Bound, y: Bound) -> Bound:
    if x is None:
        return y
    if y is None:
        return x
    if x[0] != y[0]:
        return x if x[0] > y[0] else y
    return (x[0], x[1] and y[1])


def _min_high(x: Bound, y: Bound) -> Bound:
    if x is None:
        return y
    if y is None:
        return x
    if x[0] != y[0]:
        return x if x[0] < y[0] else y
    return (x[0], x[1] and y[1])


def _empty(interval: tuple[Bound, Bound]) -> bool:
    low, high = interval
    if low is None or high is None:
        return False
    if low[0] > high[0]:
        return True
    if low[0] == high[0]:
        return not (low[1] and high[1])
    return False
