"""A checked condition's tree turned into Python closures, built once and called often.

`closure_for(tree)` gives a function of the values (name -> value, `Missing` or
`Undetermined`) that computes what the condition means, by the rules of
`diagnose.expressions`: three-valued `and`/`or`/`not`, the `is ...` tests, `Undetermined`
with its reason for what only the values decide (a division by zero, `min` of an empty
list, a result too large, a parameter holding text compared with a number). Each node of
the tree becomes one closure that calls its children's closures, so an evaluation is a
chain of plain calls: nothing is looked up by node class, and whatever depends only on the
tree (the function a call names, the operator, the `Undetermined` a failure gives, whose
reason quotes the expression) is worked out when the closures are built.

The what-if search evaluates thousands of conditions per company, so this is where its
time goes. Only trees that `compile_expression` has checked are built; a node the
language does not have becomes a closure that refuses to evaluate, as it always did.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from typing import Any

from jinja2 import nodes

from diagnose.expressions import (
    _ARITHMETIC,
    FUNCTIONS,
    MISSING_STATES,
    UNANSWERED,
    ExpressionError,
    Missing,
    Undetermined,
    _finite,
    _is_number,
    _merge,
    _not_computable,
    _source_of,
)

Run = Callable[[Mapping[str, Any]], Any]

# the comparisons of `expressions._COMPARE` as the operator module's functions (no
# Python-level call of their own)
_COMPARE_FAST: dict[str, Callable[[Any, Any], Any]] = {
    "eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "lteq": operator.le,
    "gt": operator.gt, "gteq": operator.ge,
    "in": lambda a, b: a in b, "notin": lambda a, b: a not in b,
}


def closure_for(node: nodes.Node) -> Run:
    """The function of the values that `node` computes."""
    build = _BUILDERS.get(type(node))
    if build is None and type(node).__name__ in _ARITHMETIC:
        build = _arithmetic
    if build is None:
        return _refused(type(node).__name__)
    return build(node)


def _refused(kind: str) -> Run:
    def run(values: Mapping[str, Any]) -> Any:
        raise ExpressionError(f"cannot evaluate '{kind}'")
    return run


def _name(node: nodes.Name) -> Run:
    name = node.name
    if name in ("true", "false", "none"):
        constant = None if name == "none" else name == "true"
        return lambda values: constant
    return _name_reader(name)


def _missing_reads(name: str) -> dict[str, Undetermined]:
    """What an answer without a value reads as, by its state (immutable, so shared)."""
    return {state: Undetermined(frozenset({(name, state)})) for state in MISSING_STATES}


def _name_reader(name: str) -> Run:
    undetermined = _missing_reads(name)

    def run(values: Mapping[str, Any]) -> Any:
        value = values.get(name, UNANSWERED)
        if isinstance(value, Missing):
            return undetermined.get(value.state) or Undetermined(frozenset({(name, value.state)}))
        return value
    return run


def _const(node: nodes.Const) -> Run:
    value = node.value
    return lambda values: value


def _list(node: nodes.List | nodes.Tuple) -> Run:
    items = [closure_for(item) for item in node.items]

    def run(values: Mapping[str, Any]) -> Any:
        got = [item(values) for item in items]  # a new list each time: lists are mutable
        undetermined = [i for i in got if isinstance(i, Undetermined)]
        return _merge(undetermined) if undetermined else got
    return run


def _not(node: nodes.Not) -> Run:
    inner = closure_for(node.node)

    def run(values: Mapping[str, Any]) -> Any:
        value = inner(values)
        return value if isinstance(value, Undetermined) else not value
    return run


def _neg(node: nodes.Neg) -> Run:
    inner = closure_for(node.node)
    not_a_number = _not_computable(node, "not_a_number")

    def run(values: Mapping[str, Any]) -> Any:
        value = inner(values)
        if isinstance(value, Undetermined):
            return value
        if not _is_number(value):  # a name whose kind the checker could not know (a parameter)
            return not_a_number
        return -value
    return run


def _pos(node: nodes.Pos) -> Run:
    inner = closure_for(node.node)
    not_a_number = _not_computable(node, "not_a_number")

    def run(values: Mapping[str, Any]) -> Any:
        value = inner(values)
        if not isinstance(value, Undetermined) and not _is_number(value):
            return not_a_number
        return value
    return run


def _and(node: nodes.And) -> Run:
    first, second = closure_for(node.left), closure_for(node.right)

    def run(values: Mapping[str, Any]) -> Any:
        left = first(values)
        left_unknown = isinstance(left, Undetermined)
        if not left_unknown and not left:
            return False
        right = second(values)
        if isinstance(right, Undetermined):
            return left | right if left_unknown else right
        if not right:
            return False  # false whatever the left side: Kleene's `and`
        return left if left_unknown else True
    return run


def _or(node: nodes.Or) -> Run:
    first, second = closure_for(node.left), closure_for(node.right)

    def run(values: Mapping[str, Any]) -> Any:
        left = first(values)
        left_unknown = isinstance(left, Undetermined)
        if not left_unknown and left:
            return True
        right = second(values)
        if isinstance(right, Undetermined):
            return left | right if left_unknown else right
        if right:
            return True  # true whatever the left side: Kleene's `or`
        return left if left_unknown else False
    return run


def _condexpr(node: nodes.CondExpr) -> Run:
    test, first = closure_for(node.test), closure_for(node.expr1)
    second = closure_for(node.expr2)

    def run(values: Mapping[str, Any]) -> Any:
        chosen = test(values)
        if isinstance(chosen, Undetermined):
            return chosen
        return first(values) if chosen else second(values)
    return run


def _compare(node: nodes.Compare) -> Run:
    first = closure_for(node.expr)
    steps = [(_COMPARE_FAST[operand.op], closure_for(operand.expr)) for operand in node.ops]
    # `p > 3` with a parameter holding text: the values do not compare
    not_comparable = _not_computable(node, "not_comparable")
    if len(steps) == 1:
        return _compare_one(node.expr, node.ops[0].expr, steps[0][0], not_comparable) \
            or _compare_any(first, steps[0][1], steps[0][0], not_comparable)

    def run(values: Mapping[str, Any]) -> Any:
        left = first(values)
        result: Any = True
        for compare, operand in steps:
            right = operand(values)
            if isinstance(left, Undetermined) or isinstance(right, Undetermined):
                step: Any = _merge([v for v in (left, right) if isinstance(v, Undetermined)])
            else:
                try:
                    step = compare(left, right)
                except TypeError:
                    step = not_comparable
            if step is False:
                return False
            if isinstance(step, Undetermined):
                result = step if result is True else _merge([result, step])
            left = right
        return result
    return run


def _compare_any(first: Run, second: Run, compare: Callable[[Any, Any], Any], not_comparable: Undetermined) -> Run:
    def run(values: Mapping[str, Any]) -> Any:
        left = first(values)
        right = second(values)
        if isinstance(left, Undetermined):
            return left | right if isinstance(right, Undetermined) else left
        if isinstance(right, Undetermined):
            return right
        try:
            return compare(left, right) is not False
        except TypeError:
            return not_comparable
    return run


def _compare_one(left_node: nodes.Node, right_node: nodes.Node, compare: Callable[[Any, Any], Any],
                 not_comparable: Undetermined) -> Run | None:
    """One comparison of an answer with a constant or another answer, the commonest
    conditions, with the answers read in place (the same steps as `_name`'s closure);
    None for any other."""
    left_name, right_name = _answer_name(left_node), _answer_name(right_node)
    constant = _constant(right_node)
    if left_name is not None and constant is not _NOT_CONSTANT:
        name, undetermined = left_name, _missing_reads(left_name)

        def name_with_constant(values: Mapping[str, Any]) -> Any:
            left = values.get(name, UNANSWERED)
            if isinstance(left, Missing):
                return undetermined.get(left.state) or Undetermined(frozenset({(name, left.state)}))
            if isinstance(left, Undetermined):
                return left
            try:
                return compare(left, constant) is not False
            except TypeError:
                return not_comparable
        return name_with_constant
    if left_name is not None and right_name is not None:
        first, second = left_name, right_name
        first_missing, second_missing = _missing_reads(first), _missing_reads(second)

        def name_with_name(values: Mapping[str, Any]) -> Any:
            left = values.get(first, UNANSWERED)
            if isinstance(left, Missing):
                left = first_missing.get(left.state) or Undetermined(frozenset({(first, left.state)}))
            right = values.get(second, UNANSWERED)
            if isinstance(right, Missing):
                right = second_missing.get(right.state) or Undetermined(frozenset({(second, right.state)}))
            if isinstance(left, Undetermined):
                return left | right if isinstance(right, Undetermined) else left
            if isinstance(right, Undetermined):
                return right
            try:
                return compare(left, right) is not False
            except TypeError:
                return not_comparable
        return name_with_name
    return None


_NOT_CONSTANT = object()


def _answer_name(node: nodes.Node) -> str | None:
    """The name a node reads, if it is a name other than true, false and none."""
    if isinstance(node, nodes.Name) and node.name not in ("true", "false", "none"):
        return node.name
    return None


def _constant(node: nodes.Node) -> Any:
    """A constant's value, or a list of constants as a list (only ever compared, never
    handed out, so one list can serve every evaluation); else `_NOT_CONSTANT`."""
    if isinstance(node, nodes.Const):
        return node.value
    if isinstance(node, nodes.List) and all(isinstance(item, nodes.Const) for item in node.items):
        return [item.value for item in node.items]
    return _NOT_CONSTANT


_ARITHMETIC_FAST: dict[str, Callable[[Any, Any], Any]] = {
    "Add": operator.add, "Sub": operator.sub, "Mul": operator.mul,
    "Div": operator.truediv, "FloorDiv": operator.floordiv, "Mod": operator.mod,
}  # `expressions._ARITHMETIC` as the operator module's functions
_FLOAT_MAX = 1.7976931348623157e308


def _arithmetic(node: nodes.BinExpr) -> Run:
    first, second = closure_for(node.left), closure_for(node.right)
    operation = _ARITHMETIC_FAST[type(node).__name__]
    not_a_number = _not_computable(node, "not_a_number")
    by_zero = Undetermined(frozenset({(_source_of(node.right), "division_by_zero")}))
    not_finite = Undetermined(frozenset({(_source_of(node), "not_finite")}))
    isfinite = math.isfinite

    def run(values: Mapping[str, Any]) -> Any:
        left = first(values)
        right = second(values)
        if isinstance(left, Undetermined):
            return left | right if isinstance(right, Undetermined) else left
        if isinstance(right, Undetermined):
            return right
        # numbers only (`_is_number`, inlined): never repeat texts or lists ('x' * 10**9)
        if not (isinstance(left, (int, float)) and isinstance(right, (int, float))) \
                or left is True or left is False or right is True or right is False:
            return not_a_number
        try:
            value = operation(left, right)
        except ZeroDivisionError:
            return by_zero
        except OverflowError:  # a huge integer meeting a float: no finite result
            return not_finite
        except TypeError:
            return not_a_number
        # beyond a float, nothing can show or compare it (JSON has no Infinity): `_finite`, inlined
        if isinstance(value, float):
            if not isfinite(value):
                return not_finite
        elif isinstance(value, int) and not isinstance(value, bool) and not -_FLOAT_MAX <= value <= _FLOAT_MAX:
            return not_finite
        return value
    return run


def _call(node: nodes.Call) -> Run:
    function = FUNCTIONS[node.node.name]
    arguments = [closure_for(argument) for argument in node.args]
    no_value = _not_computable(node, "no_value")  # min([]), round(x, digits) from an answer
    not_finite = Undetermined(frozenset({(_source_of(node), "not_finite")}))

    def run(values: Mapping[str, Any]) -> Any:
        got = [argument(values) for argument in arguments]
        undetermined = [a for a in got if isinstance(a, Undetermined)]
        if undetermined:
            return _merge(undetermined)
        try:
            value = function(*got)
        except (TypeError, ValueError, OverflowError):
            return no_value
        return value if _finite(value) else not_finite
    return run


# `is <test>` of an answer's state ("value" for a real answer) ...
_OF_STATE: dict[str, Callable[[str], bool]] = {
    "dont_know": lambda state: state == "dont_know",
    "not_applicable": lambda state: state == "not_applicable",
    "unanswered": lambda state: state == "unanswered",
    "answered": lambda state: state != "unanswered",
    "known": lambda state: state == "value",
}
# ... and of a computed value left undetermined, by the states of its reasons
_OF_REASONS: dict[str, Callable[[set[str]], bool]] = {
    "dont_know": lambda states: "dont_know" in states,
    "not_applicable": lambda states: "not_applicable" in states,
    "unanswered": lambda states: "unanswered" in states,
    "answered": lambda states: "unanswered" not in states,
    "known": lambda states: False,
}


def _test(node: nodes.Test) -> Run:
    name = node.node.name
    of_state, of_reasons = _OF_STATE[node.name], _OF_REASONS[node.name]

    def run(values: Mapping[str, Any]) -> bool:
        raw = values.get(name, UNANSWERED)
        if isinstance(raw, Undetermined):
            return of_reasons({state for _, state in raw.reasons})
        return of_state(raw.state if isinstance(raw, Missing) else "value")
    return run


_BUILDERS: dict[type, Callable[[Any], Run]] = {
    nodes.Name: _name,
    nodes.Const: _const,
    nodes.List: _list,
    nodes.Tuple: _list,
    nodes.Not: _not,
    nodes.Neg: _neg,
    nodes.Pos: _pos,
    nodes.And: _and,
    nodes.Or: _or,
    nodes.CondExpr: _condexpr,
    nodes.Compare: _compare,
    nodes.Call: _call,
    nodes.Test: _test,
}
