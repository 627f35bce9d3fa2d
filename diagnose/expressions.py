"""The safe condition language: Jinja2 expression syntax, our own evaluator.

Jinja2's parser turns the text into a syntax tree (nothing of Jinja2 is compiled or
run); this module checks that tree, and `diagnose.evaluator` turns it into Python
closures (once, at the first evaluation) that evaluate it with three-valued logic.
"Don't know", "not applicable" and "unanswered" never become 0 or false: anything that
reads them is `Undetermined`, which remembers which name made it so. `and`/`or` follow Kleene's rules, and the tests
`is dont_know`, `is not_applicable`, `is unanswered`, `is answered`, `is known` are the
only way to look at those states. Every name is checked when an expression is compiled.

Type mistakes are refused when the file loads, where the text shows them (a number
compared with text, text negated, `round(x, 20)`, a number beyond 10**15, either branch
of an `a if c else b`), so `diagnose validate` finds them before any client's answers
are read. What only the values decide (a division by zero, the minimum of an empty
list, a result too large for a number) is `Undetermined` with the reason, never an
exception while a report is being made: the answers then simply do not settle it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment, nodes
from jinja2.exceptions import TemplateSyntaxError
from jinja2.parser import Parser

from diagnose.errors import did_you_mean, one_of, unknown
from diagnose.yamlio import is_number, type_name


class Missing:
    """The state of a question without a real value."""

    __slots__ = ("state",)

    def __init__(self, state: str):
        self.state = state

    def __repr__(self) -> str:
        return self.state

    def __reduce__(self) -> tuple[Any, ...]:
        return (_missing_by_state, (self.state,))


DONT_KNOW = Missing("dont_know")
NOT_APPLICABLE = Missing("not_applicable")
UNANSWERED = Missing("unanswered")
MISSING_STATES = {m.state: m for m in (DONT_KNOW, NOT_APPLICABLE, UNANSWERED)}


def _missing_by_state(state: str) -> Missing:
    return MISSING_STATES[state]


@dataclass(frozen=True)
class Undetermined:
    """A value that cannot be known from the answers; `reasons` says which and why."""

    reasons: frozenset[tuple[str, str]] = field(default_factory=frozenset)

    def __or__(self, other: Undetermined) -> Undetermined:
        return Undetermined(self.reasons | other.reasons)

    @property
    def names(self) -> list[str]:
        return sorted({name for name, _ in self.reasons})

    def describe(self) -> str:
        return ", ".join(f"{name} ({state})" for name, state in sorted(self.reasons))


class ExpressionError(Exception):
    """An expression that cannot be compiled; the message says what is wrong."""


@dataclass(frozen=True)
class NameInfo:
    """What the compiler knows about a name: its kind and, for choices, the allowed ids."""

    kind: str  # single | multi | yesno | number | percent | scale | text | computed | parameter
    choices: tuple[str, ...] = ()


MAX_DIGITS = 15


def _round(value: Any, digits: Any = None) -> Any:
    """round() with a sane number of digits: round(x, -10**9) would compute 10**(10**9)."""
    if digits is not None and (not isinstance(digits, int) or isinstance(digits, bool) or abs(digits) > MAX_DIGITS):
        raise ValueError(f"the number of digits must be a whole number from -{MAX_DIGITS} to {MAX_DIGITS}, "
                         f"got {digits!r}")
    return round(value) if digits is None else round(value, digits)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "min": min,
    "max": max,
    "count": len,
    "abs": abs,
    "round": _round,
}
# Conditions are short; a longer or deeper one is a mistake or an attack on the parser,
# which (like the checker and the evaluator) recurses once per level of nesting.
MAX_LENGTH = 2000
MAX_NESTING = 100


def _depth(tree: nodes.Node) -> int:
    """How deeply the tree nests (without recursing: it may be deep)."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in node.iter_child_nodes())
    return deepest
TESTS = ("dont_know", "not_applicable", "unanswered", "answered", "known")
_ARITHMETIC = {
    "Add": lambda a, b: a + b,
    "Sub": lambda a, b: a - b,
    "Mul": lambda a, b: a * b,
    "Div": lambda a, b: a / b,
    "FloorDiv": lambda a, b: a // b,
    "Mod": lambda a, b: a % b,
}
_COMPARE = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "lt": lambda a, b: a < b,
    "lteq": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "gteq": lambda a, b: a >= b,
    "in": lambda a, b: a in b,
    "notin": lambda a, b: a not in b,
}
_ENV = Environment(autoescape=False)


@dataclass(frozen=True)
class Expression:
    """A compiled condition: its source text, its tree and the names it reads."""

    source: str
    tree: nodes.Expr
    names: tuple[str, ...]

    def evaluate(self, values: Mapping[str, Any]) -> Any:
        try:
            return self._run(values)
        except RecursionError:
            raise ExpressionError(f"the condition '{self.source[:60]}' is nested too deeply to evaluate") from None

    def _run(self, values: Mapping[str, Any]) -> Any:
        """The first evaluation: build the tree's closures (`diagnose.evaluator`) and keep
        them on this object, where they stand in for this method from then on."""
        from diagnose.evaluator import closure_for  # it builds on this module's values

        run = closure_for(self.tree)
        object.__setattr__(self, "_run", run)
        return run(values)

    def __getstate__(self) -> dict[str, Any]:
        # closures cannot be pickled (the load cache) and are cheap to build again
        state = dict(self.__dict__)
        state.pop("_run", None)
        return state

    def __str__(self) -> str:
        return self.source


def compile_expression(source: Any, names: Mapping[str, NameInfo]) -> Expression:
    """Parse and check an expression; raise ExpressionError with a readable message."""
    if isinstance(source, bool) or not isinstance(source, (str, int, float)):
        shown = str(source).lower() if isinstance(source, bool) else ""
        raise ExpressionError(f"expected a condition as text, got {type_name(source)} {shown}".rstrip())
    text = str(source).strip()
    if not text:
        raise ExpressionError("the condition is empty")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the condition has {len(text)} characters, more than the {MAX_LENGTH} allowed; "
                              "split it into an 'all:' or 'any:' list of small conditions")
    try:
        parser = Parser(_ENV, text, state="variable")
        tree = parser.parse_expression()
        if not parser.stream.eos:
            token = parser.stream.current
            raise ExpressionError(f"unexpected '{token.value}' in condition '{text}'")
        if _depth(tree) > MAX_NESTING:
            raise RecursionError
        used: list[str] = []
        _check(tree, names, used, text)
    except TemplateSyntaxError as exc:
        message = (exc.message or '').replace('end of template', 'end of condition')
        raise ExpressionError(f"cannot parse condition '{text[:200]}': {message}") from None
    except RecursionError:
        raise ExpressionError(f"the condition '{text[:60]}…' is nested too deeply; "
                              "split it into an 'all:' or 'any:' list of small conditions") from None
    return Expression(text, tree, tuple(dict.fromkeys(used)))


# What a name holds, by question type; "any" where the compiler cannot tell.
_NAME_KINDS = {
    "number": "number", "percent": "number", "scale": "number", "computed": "number",
    "single": "text", "yesno": "text", "text": "text", "multi": "list",
}
_KIND_WORDS = {"number": "a number", "text": "text", "list": "a list", "bool": "true/false", "none": "none"}
_ORDERING = ("lt", "lteq", "gt", "gteq")


def _union(first: str, second: str) -> str:
    """The kind of a value that is one or the other ("number|text"); "any" swallows all."""
    if "any" in (first, second):
        return "any"
    return "|".join(sorted(set(first.split("|")) | set(second.split("|"))))


def _check(node: nodes.Node, names: Mapping[str, NameInfo], used: list[str], text: str) -> str:
    """Refuse unknown names, functions, tests and constructs; check choice ids and kinds.

    Returns the kind of value the node gives (number, text, list, bool, none or any), so
    that `team_size > 'big'` or `product_complexity * 2` are refused when the file loads
    instead of failing while a report is being made.
    """
    for matches, check in _CHECKS:
        if matches(node):
            return check(node, names, used, text)
    raise ExpressionError(
        f"{_describe_node(node)} is not allowed in condition '{text}'; a condition may use "
        "answers, numbers, 'texts', [lists], comparisons, and/or/not, + - * / and the "
        f"functions {one_of(FUNCTIONS)}"
    )


def _check_name(node: Any, names: Mapping[str, NameInfo], used: list[str], text: str) -> str:
    if node.name in ("true", "false"):
        return "bool"
    if node.name == "none":
        return "none"
    if node.name not in names:
        raise ExpressionError(unknown("name", node.name, names, f"'{node.name}' in condition '{text}'", listed=False))
    used.append(node.name)
    return _NAME_KINDS.get(names[node.name].kind, "any")


def _check_const(node: Any, names: Mapping[str, NameInfo], used: list[str], text: str) -> str:
    value = node.value
    if isinstance(value, bool):
        return "bool"
    if value is None:
        return "none"
    if _is_number(value) and not is_number(value):
        raise ExpressionError(f"{_number_shown(value)} in condition '{_short(text)}' is far too large; "
                              "expected a figure of at most 15 digits")
    return "number" if _is_number(value) else "text" if isinstance(value, str) else "any"


def _check_list(node: Any, names: Mapping[str, NameInfo], used: list[str], text: str) -> str:
    for item in node.items:
        _check(item, names, used, text)
    return "list"


def _check_call(node: Any, names: Mapping[str, NameInfo], used: list[str], text: str) -> str:
    if not isinstance(node.node, nodes.Name) or node.node.name not in FUNCTIONS:
        called = getattr(node.node, "name", None) or _describe_node(node.node)
        raise ExpressionError(
            f"unknown function '{called}' in condition '{text}'; "
            f"available: {one_of(FUNCTIONS)}{did_you_mean(called, FUNCTIONS)}"
        )
    if node.kwargs or node.dyn_args or node.dyn_kwargs:
        raise ExpressionError(f"functions take plain arguments only, in condition '{text}'")
    function = node.node.name
    kinds = [_check(arg, names, used, text) for arg in node.args]
    if not kinds:
        raise ExpressionError(f"{function}() needs an argument, in condition '{text}'")
    if function == "count":
        _expect(kinds[0], ("list",), "count() counts the choices of a multiple-choice answer", node.args[0], text)
    elif function in ("min", "max") and len(kinds) == 1:
        _expect(kinds[0], ("list",), f"{function}() of one argument needs a list", node.args[0], text)
        _check_number_list(function, node.args[0], names, text)
    else:
        for arg, kind in zip(node.args, kinds, strict=True):
            _expect(kind, ("number",), f"{function}() works on numbers", arg, text)
    if function == "round" and len(node.args) > 1:
        digits = node.args[1]
        if len(node.args) > 2:
            raise ExpressionError(f"round() takes a number and its digits, in condition '{text}'")
        if isinstance(digits, nodes.Const) and (not isinstance(digits.value, int) or abs(digits.value) > MAX_DIGITS):
            raise ExpressionError(f"round() keeps from -{MAX_DIGITS} to {MAX_DIGITS} digits, but {_show(digits)} "
                                  f"is asked for, in condition '{text}'")
    elif function in ("abs",) and len(node.args) > 1:
        raise ExpressionError(f"{function}() takes one number, in condition '{text}'")
    return "number"


def _check_test(node: Any, names: Mapping[str, NameInfo], used: list[str], text: str) -> str:
    if node.name not in TESTS:
        raise ExpressionError(
            f"unknown test 'is {node.name}' in condition '{text}'; "
            f"available: {one_of(TESTS)}{did_you_mean(node.name, TESTS)}"
        )
    if not isinstance(node.node, nodes.Name):
        raise ExpressionError(f"'is {node.name}' must follow a name, in condition '{text}'")
    _check(node.node, names, used, text)
    return "bool"


def _check_compare(node: Any, names: Mapping[str, NameInfo], used: list[str], text: str) -> str:
    left = _check(node.expr, names, used, text)
    left_node = node.expr
    for operand in node.ops:
        right = _check(operand.expr, names, used, text)
        if operand.op in _ORDERING:
            _expect(left, ("number",), f"'{_OP_SIGNS[operand.op]}' compares numbers", left_node, text)
            _expect(right, ("number",), f"'{_OP_SIGNS[operand.op]}' compares numbers", operand.expr, text)
        elif operand.op in ("in", "notin"):
            _expect(right, ("list", "text"), "'in' looks inside a list or a multiple-choice answer",
                    operand.expr, text)
        elif {left, right} in ({"number", "text"}, {"number", "list"}, {"text", "list"}):
            raise ExpressionError(
                f"{_show(left_node)} ({_KIND_WORDS[left]}) is compared with "
                f"{_show(operand.expr)} ({_KIND_WORDS[right]}): they can never be equal, "
                f"in condition '{text}'"
            )
        left, left_node = right, operand.expr
    _check_choice_literals(node, names, text)
    return "bool"


def _check_logic(node: Any, names: Mapping[str, NameInfo], used: list[str], text: str) -> str:
    _check(node.left, names, used, text)
    _check(node.right, names, used, text)
    return "bool"


def _check_arithmetic(node: Any, names: Mapping[str, NameInfo], used: list[str], text: str) -> str:
    for side in (node.left, node.right):
        kind = _check(side, names, used, text)
        _expect(kind, ("number",), f"'{node.operator}' works on numbers", side, text)
    return "number"


def _check_not(node: Any, names: Mapping[str, NameInfo], used: list[str], text: str) -> str:
    _check(node.node, names, used, text)
    return "bool"


def _check_sign(node: Any, names: Mapping[str, NameInfo], used: list[str], text: str) -> str:
    kind = _check(node.node, names, used, text)
    _expect(kind, ("number",), f"'{node.operator}' works on numbers", node.node, text)
    return "number"


def _check_condexpr(node: Any, names: Mapping[str, NameInfo], used: list[str], text: str) -> str:
    if node.expr2 is None:
        raise ExpressionError(f"'a if b' needs an 'else' part, in condition '{text}'")
    _check(node.test, names, used, text)
    first = _check(node.expr1, names, used, text)
    second = _check(node.expr2, names, used, text)
    return _union(first, second)  # what reads it must accept either branch


# What `_check` does with each kind of node, tried in this order.
_CHECKS: tuple[tuple[Callable[[nodes.Node], bool], Callable[..., str]], ...] = (
    (lambda node: isinstance(node, nodes.Name), _check_name),
    (lambda node: isinstance(node, nodes.Const), _check_const),
    (lambda node: isinstance(node, (nodes.List, nodes.Tuple)), _check_list),
    (lambda node: isinstance(node, nodes.Call), _check_call),
    (lambda node: isinstance(node, nodes.Test), _check_test),
    (lambda node: isinstance(node, nodes.Compare), _check_compare),
    (lambda node: isinstance(node, (nodes.And, nodes.Or)), _check_logic),
    (lambda node: type(node).__name__ in _ARITHMETIC, _check_arithmetic),
    (lambda node: isinstance(node, nodes.Not), _check_not),
    (lambda node: isinstance(node, (nodes.Neg, nodes.Pos)), _check_sign),
    (lambda node: isinstance(node, nodes.CondExpr), _check_condexpr),
)


_OP_SIGNS = {"lt": "<", "lteq": "<=", "gt": ">", "gteq": ">="}


def _expect(kind: str, allowed: tuple[str, ...], rule: str, node: nodes.Node, text: str) -> None:
    wrong = [k for k in kind.split("|") if k not in allowed]
    if kind == "any" or not wrong:
        return
    if "|" in kind:  # an 'a if c else b' with a branch of another kind
        words = " or ".join(_KIND_WORDS.get(k, k) for k in wrong)
        raise ExpressionError(f"{rule}, but {_show(node)} can be {words}, in condition '{text}'")
    raise ExpressionError(
        f"{rule}, but {_show(node)} is {_KIND_WORDS.get(kind, kind)}, in condition '{text}'"
    )


def _check_number_list(function: str, node: nodes.Node, names: Mapping[str, NameInfo], text: str) -> None:
    """min/max of one list: a list of numbers, not the choice ids of a multiple-choice answer."""
    if isinstance(node, nodes.Name) and node.name in names and names[node.name].kind == "multi":
        raise ExpressionError(f"{function}() of '{node.name}' would be one of its choice ids, not a number; "
                              f"use count({node.name}) or compare choices with 'in', in condition '{text}'")
    if isinstance(node, (nodes.List, nodes.Tuple)):
        if not node.items:
            raise ExpressionError(f"{function}() of an empty list has no value, in condition '{text}'")
        for item in node.items:
            _expect(_check(item, names, [], text), ("number",), f"{function}() works on numbers", item, text)


def _number_shown(value: Any) -> str:
    """A constant too large, for a message: described, not printed in full."""
    if isinstance(value, int):
        return f"the number of {len(str(abs(value)))} digits"
    return f"the number {value:g}" if math.isfinite(value) else "a number written past 1e308"


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _show(node: nodes.Node) -> str:
    """A node quoted for a message: 'name', 'text' once, numbers bare."""
    if isinstance(node, nodes.Const):
        return repr(node.value)
    if isinstance(node, nodes.CondExpr):
        return "the 'if ... else'"
    return f"'{_source_of(node)}'"


def _describe_node(node: nodes.Node) -> str:
    """A construct as a person would name it, for "... is not allowed"."""
    if isinstance(node, nodes.Getattr):
        return f"attribute access '.{node.attr}'"
    if isinstance(node, (nodes.Getitem, nodes.Slice)):
        return "indexing with '[...]'"
    if isinstance(node, nodes.Filter):
        return f"the filter '| {node.name}'"
    if isinstance(node, nodes.Concat):
        return "joining texts with '~'"
    if isinstance(node, nodes.Pow):
        return "the power operator '**'"
    if isinstance(node, nodes.Dict):
        return "a mapping '{...}'"
    return f"'{type(node).__name__}'"


def _check_choice_literals(node: nodes.Compare, names: Mapping[str, NameInfo], text: str) -> None:
    """`q == 'x'`, `'x' in q`, `q in ['x', 'y']`: every 'x' must be one of q's choices."""
    left = node.expr
    for operand in node.ops:
        right = operand.expr
        for name_node, literal_node in ((left, right), (right, left)):
            if not isinstance(name_node, nodes.Name) or name_node.name not in names:
                continue
            info = names[name_node.name]
            allowed = info.choices or (("yes", "no") if info.kind == "yesno" else ())
            if not allowed:
                if info.kind in ("number", "percent", "scale") and _string_literals(literal_node):
                    raise ExpressionError(
                        f"'{name_node.name}' is a number but is compared with text in condition '{text}'"
                    )
                continue
            for literal in _string_literals(literal_node):
                if literal not in allowed:
                    raise ExpressionError(
                        f"'{literal}' is not a choice of '{name_node.name}' in condition '{text}'; "
                        f"expected one of: {one_of(allowed)}{did_you_mean(literal, allowed)}"
                    )
            if isinstance(literal_node, nodes.Const) and _is_number(literal_node.value):
                raise ExpressionError(
                    f"'{name_node.name}' holds choice ids but is compared with a number "
                    f"in condition '{text}'"
                )
        left = right


def _string_literals(node: nodes.Node) -> list[str]:
    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (nodes.List, nodes.Tuple)):
        return [i.value for i in node.items if isinstance(i, nodes.Const) and isinstance(i.value, str)]
    return []


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _truth(value: Any) -> bool:
    return bool(value)


_FLOAT_MAX = 1.7976931348623157e308


def _finite(value: Any) -> bool:
    """Not infinite, not NaN and (an integer) not beyond what a float can hold."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return -_FLOAT_MAX <= value <= _FLOAT_MAX
    return True


def _not_computable(node: nodes.Node, why: str) -> Undetermined:
    """A value the answers do not settle: what could not be computed, and why."""
    return Undetermined(frozenset({(_source_of(node), why)}))


def _merge(items: list[Any]) -> Undetermined:
    merged = Undetermined()
    for item in items:
        merged = merged | item
    return merged


def _source_of(node: nodes.Node) -> str:
    """A short text for a node in messages and undetermined reasons."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Const):
        return repr(node.value)
    if isinstance(node, (nodes.List, nodes.Tuple)):
        return "[" + ", ".join(_source_of(i) for i in node.items) + "]"
    if isinstance(node, nodes.Call):
        return f"{_source_of(node.node)}(" + ", ".join(_source_of(a) for a in node.args) + ")"
    if isinstance(node, nodes.BinExpr):
        return f"{_source_of(node.left)} {node.operator} {_source_of(node.right)}"
    if isinstance(node, nodes.Neg):
        return f"-{_source_of(node.node)}"
    if isinstance(node, nodes.Compare):
        signs = {"eq": "==", "ne": "!=", "in": "in", "notin": "not in", **_OP_SIGNS}
        return _source_of(node.expr) + "".join(f" {signs[o.op]} {_source_of(o.expr)}" for o in node.ops)
    return "expression"


def is_true(value: Any) -> bool | None:
    """True/False for a determined value, None for an undetermined one."""
    if isinstance(value, Undetermined):
        return None
    return _truth(value)
