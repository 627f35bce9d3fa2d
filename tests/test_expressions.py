"""The condition language: three-valued logic, the state tests, and what it refuses.

"Don't know", "not applicable" and "unanswered" never turn into 0 or false: anything
that reads them is Undetermined and remembers why. Conditions are parsed into a tree
and walked by our own evaluator; nothing reaches Python's eval or object attributes.
"""

from __future__ import annotations

import builtins
from typing import Any

import pytest

from diagnose.expressions import (
    DONT_KNOW,
    NOT_APPLICABLE,
    UNANSWERED,
    ExpressionError,
    NameInfo,
    Undetermined,
    compile_expression,
    is_true,
)

NAMES = {
    "p": NameInfo("parameter"),  # holds whatever a test gives it
    "q": NameInfo("parameter"),
    "people": NameInfo("number"),
    "hours": NameInfo("number"),
    "share": NameInfo("percent"),
    "load": NameInfo("scale"),
    "stage": NameInfo("single", ("startup", "growth", "mature")),
    "stages": NameInfo("multi", ("purchasing", "shipping", "invoicing")),
    "agreed": NameInfo("yesno"),
    "note": NameInfo("text"),
    "total": NameInfo("computed"),
}

U = Undetermined(frozenset({("x", "dont_know")}))


def evaluate(source: str, **values: Any) -> Any:
    return compile_expression(source, NAMES).evaluate(values)


# -- Kleene's three-valued logic ----------------------------------------------------

T, F = True, False
# p, q as given to the condition; DONT_KNOW makes a name undetermined
KLEENE_AND = [(T, T, T), (T, F, F), (F, T, F), (F, F, F), (T, DONT_KNOW, None), (DONT_KNOW, T, None),
              (F, DONT_KNOW, F), (DONT_KNOW, F, F), (DONT_KNOW, DONT_KNOW, None)]
KLEENE_OR = [(T, T, T), (T, F, T), (F, T, T), (F, F, F), (T, DONT_KNOW, T), (DONT_KNOW, T, T),
             (F, DONT_KNOW, None), (DONT_KNOW, F, None), (DONT_KNOW, DONT_KNOW, None)]


@pytest.mark.parametrize("p, q, expected", KLEENE_AND)
def test_and(p: Any, q: Any, expected: bool | None) -> None:
    assert is_true(evaluate("p and q", p=p, q=q)) is expected


@pytest.mark.parametrize("p, q, expected", KLEENE_OR)
def test_or(p: Any, q: Any, expected: bool | None) -> None:
    assert is_true(evaluate("p or q", p=p, q=q)) is expected


@pytest.mark.parametrize("p, expected", [(T, F), (F, T), (DONT_KNOW, None), (NOT_APPLICABLE, None)])
def test_not(p: Any, expected: bool | None) -> None:
    assert is_true(evaluate("not p", p=p)) is expected


def test_undetermined_remembers_which_answers_and_why() -> None:
    result = evaluate("people > 3 and share > 50 or load >= 4", people=DONT_KNOW, share=NOT_APPLICABLE)
    assert isinstance(result, Undetermined)
    assert result.reasons == {("people", "dont_know"), ("share", "not_applicable"), ("load", "unanswered")}
    assert result.names == ["load", "people", "share"]
    assert result.describe() == "load (unanswered), people (dont_know), share (not_applicable)"


@pytest.mark.parametrize("state", [DONT_KNOW, NOT_APPLICABLE, UNANSWERED])
def test_missing_is_never_zero_or_false(state: Any) -> None:
    values = {} if state is UNANSWERED else {"people": state}
    for source in ("people == 0", "people != 0", "people > -1", "people + 1 > 0", "not people",
                   "min(people, 5) < 10", "(people or 0) == 0"):
        assert is_true(compile_expression(source, NAMES).evaluate(values)) is None, source


def test_a_false_guard_decides_before_an_undetermined_part() -> None:
    assert evaluate("people > 0 and hours > 2", people=0) is False
    assert evaluate("people > 0 or hours > 2", people=1) is True


def test_comparison_chains_and_conditionals() -> None:
    assert evaluate("1 <= load <= 5", load=3) is True
    assert evaluate("1 <= load <= 5", load=6) is False
    assert evaluate("0 if hours is not_applicable else hours", hours=NOT_APPLICABLE) == 0
    assert evaluate("0 if hours is not_applicable else hours", hours=2.5) == 2.5
    assert isinstance(evaluate("1 if people > 2 else 0", people=DONT_KNOW), Undetermined)


# -- the state tests -----------------------------------------------------------------

STATES = {
    "value": 3,
    "dont_know": DONT_KNOW,
    "not_applicable": NOT_APPLICABLE,
    "unanswered": None,  # left out of the values: never answered
}
TEST_TABLE = {
    #              value  dont_know  not_applicable  unanswered
    "dont_know": (False, True, False, False),
    "not_applicable": (False, False, True, False),
    "unanswered": (False, False, False, True),
    "answered": (True, True, True, False),
    "known": (True, False, False, False),
}


@pytest.mark.parametrize("test", sorted(TEST_TABLE))
def test_state_tests_always_give_true_or_false(test: str) -> None:
    for (state, value), expected in zip(STATES.items(), TEST_TABLE[test], strict=True):
        values = {} if value is None else {"people": value}
        assert compile_expression(f"people is {test}", NAMES).evaluate(values) is expected, state
        assert compile_expression(f"people is not {test}", NAMES).evaluate(values) is (not expected), state


def test_state_tests_see_through_an_undetermined_computed_value() -> None:
    total = Undetermined(frozenset({("hours", "dont_know")}))
    assert evaluate("total is dont_know", total=total) is True
    assert evaluate("total is known", total=total) is False
    assert evaluate("total is answered", total=total) is True
    assert evaluate("total is unanswered", total=Undetermined(frozenset({("hours", "unanswered")}))) is True


# -- arithmetic ----------------------------------------------------------------------


def test_division_by_zero_is_undetermined_not_an_error() -> None:
    result = evaluate("people / hours", people=10, hours=0)
    assert isinstance(result, Undetermined)
    assert result.reasons == {("hours", "division_by_zero")}
    assert is_true(evaluate("people / hours > 1", people=10, hours=0)) is None
    assert isinstance(evaluate("people // (hours - 2)", people=1, hours=2), Undetermined)
    assert isinstance(evaluate("people % 0", people=1), Undetermined)


def test_arithmetic_and_functions() -> None:
    assert evaluate("(people + 2) * 3 - hours / 2", people=1, hours=3) == 7.5
    assert evaluate("max(people, hours, 4)", people=1, hours=3) == 4
    assert evaluate("min(people, hours)", people=1, hours=3) == 1
    assert evaluate("count(stages)", stages=["purchasing", "shipping"]) == 2
    assert evaluate("abs(-people)", people=2) == 2
    assert evaluate("round(share)", share=49.6) == 50


def test_choices() -> None:
    assert evaluate("stage == 'growth'", stage="growth") is True
    assert evaluate("stage in ['growth', 'mature']", stage="startup") is False
    assert evaluate("'shipping' in stages", stages=["shipping"]) is True
    assert evaluate("'shipping' not in stages", stages=["shipping"]) is False
    assert evaluate("agreed == 'yes'", agreed="no") is False


def test_names_read_are_recorded_once_in_order() -> None:
    expression = compile_expression("people > 2 and (hours > 1 or people < 9)", NAMES)
    assert expression.names == ("people", "hours")
    assert str(expression) == "people > 2 and (hours > 1 or people < 9)"


# -- what is refused when a file loads ------------------------------------------------

REFUSED = [
    ("peeple > 2", "unknown name 'peeple' in condition 'peeple > 2' (did you mean 'people'?)"),
    ("stage == 'grwoth'",
     "'grwoth' is not a choice of 'stage' in condition 'stage == 'grwoth''; "
     "expected one of: startup, growth, mature (did you mean 'growth'?)"),
    ("'shiping' in stages",
     "'shiping' is not a choice of 'stages' in condition ''shiping' in stages'; "
     "expected one of: purchasing, shipping, invoicing (did you mean 'shipping'?)"),
    ("stage in ['growth', 'boom']",
     "'boom' is not a choice of 'stage' in condition 'stage in ['growth', 'boom']'; "
     "expected one of: startup, growth, mature"),
    ("agreed == true", None),  # allowed: compares text with true, simply false
    ("agreed == 'si'",
     "'si' is not a choice of 'agreed' in condition 'agreed == 'si''; expected one of: yes, no"),
    ("people == 'many'", "'people' (a number) is compared with 'many' (text): they can never be equal, "
     "in condition 'people == 'many''"),
    ("stage == 1", "'stage' (text) is compared with 1 (a number): they can never be equal, in condition 'stage == 1'"),
    ("stage > 2", "'>' compares numbers, but 'stage' is text, in condition 'stage > 2'"),
    ("people + stage > 2", "'+' works on numbers, but 'stage' is text, in condition 'people + stage > 2'"),
    ("note * 1000000000", "'*' works on numbers, but 'note' is text, in condition 'note * 1000000000'"),
    ("count(stage) > 1",
     "count() counts the choices of a multiple-choice answer, but 'stage' is text, in condition 'count(stage) > 1'"),
    ("people in 3", "'in' looks inside a list or a multiple-choice answer, but 3 is a number, in condition 'people in 3'"),
    ("people is big", "unknown test 'is big' in condition 'people is big'; available: dont_know, not_applicable, "
     "unanswered, answered, known"),
    ("people is dontknow", "unknown test 'is dontknow' in condition 'people is dontknow'; available: dont_know, "
     "not_applicable, unanswered, answered, known (did you mean 'dont_know'?)"),
    ("(people + 1) is known", "'is known' must follow a name, in condition '(people + 1) is known'"),
    ("people if hours > 1", "'a if b' needs an 'else' part, in condition 'people if hours > 1'"),
    ("", "the condition is empty"),
    ("people >", "cannot parse condition 'people >': unexpected 'end of condition'"),
    ("people > 2 people", "unexpected 'people' in condition 'people > 2 people'"),
]


@pytest.mark.parametrize("source, message", REFUSED)
def test_refused_when_compiled(source: str, message: str | None) -> None:
    if message is None:
        compile_expression(source, NAMES)
        return
    with pytest.raises(ExpressionError) as caught:
        compile_expression(source, NAMES)
    assert str(caught.value) == message


ALLOWED_WORDS = (
    "a condition may use answers, numbers, 'texts', [lists], comparisons, and/or/not, "
    "+ - * / and the functions min, max, count, abs, round"
)

NO_PYTHON = [
    ("().__class__", "attribute access '.__class__'"),
    ("().__class__.__bases__[0].__subclasses__()", "unknown function"),
    ("people.real", "attribute access '.real'"),
    ("stages[0] == 'shipping'", "indexing with '[...]'"),
    ("stages[0:1]", "indexing with '[...]'"),
    ("note | attr('upper')", "the filter '| attr'"),
    ("note ~ 'x'", "joining texts with '~'"),
    ("9 ** 9 ** 9", "the power operator '**'"),
    ("{'a': 1}", "a mapping '{...}'"),
    ("__import__('os').system('true')", "unknown function"),
    ("range(10)", "unknown function 'range'"),
    ("lipsum()", "unknown function 'lipsum'"),
    ("eval('1')", "unknown function 'eval'"),
    ("open('/etc/passwd')", "unknown function 'open'"),
    ("max(people, key=hours)", "functions take plain arguments only"),
    ("max(*stages)", "functions take plain arguments only"),
    ("cycler.__init__", "attribute access '.__init__'"),
]


@pytest.mark.parametrize("source, fragment", NO_PYTHON)
def test_no_python_reaches_through(source: str, fragment: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        compile_expression(source, NAMES)
    assert fragment in str(caught.value)


def test_refused_constructs_say_what_is_allowed() -> None:
    with pytest.raises(ExpressionError) as caught:
        compile_expression("().__class__", NAMES)
    assert str(caught.value) == (
        f"attribute access '.__class__' is not allowed in condition '().__class__'; {ALLOWED_WORDS}"
    )


def test_python_eval_is_never_used(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("eval/exec/compile was called")

    for name in ("eval", "exec", "compile"):
        monkeypatch.setattr(builtins, name, forbidden)
    expression = compile_expression("people * 2 > hours and stage == 'growth' or share is dont_know", NAMES)
    assert expression.evaluate({"people": 3, "hours": 5, "stage": "growth"}) is True


def test_no_text_or_list_repetition_at_run_time() -> None:
    """Names whose kind the compiler cannot know still get no arithmetic on texts: the
    value is undetermined, and says why."""
    result = evaluate("p * q", p="x", q=10**9)
    assert result == Undetermined(frozenset({("p * q", "not_a_number")}))


# What the text shows is refused when the file loads, so that `diagnose validate` finds
# it before any client's answers are read.
TYPE_MISTAKES = [
    ("-('high' if people > 1 else 2) < 0",
     "'-' works on numbers, but the 'if ... else' can be text, in condition '-('high' if people > 1 else 2) < 0'"),
    ("('high' if people > 1 else 2) > 3",
     "'>' compares numbers, but the 'if ... else' can be text, in condition '('high' if people > 1 else 2) > 3'"),
    ("(stages if agreed == 'yes' else 0) + 1",
     "'+' works on numbers, but the 'if ... else' can be a list, in condition '(stages if agreed == 'yes' else 0) + 1'"),
    ("round(share, 20) > 1", "round() keeps from -15 to 15 digits, but 20 is asked for, in condition 'round(share, 20) > 1'"),
    ("round(share, 1.5) > 1",
     "round() keeps from -15 to 15 digits, but 1.5 is asked for, in condition 'round(share, 1.5) > 1'"),
    ("round(share, 1, 2) > 1", "round() takes a number and its digits, in condition 'round(share, 1, 2) > 1'"),
    ("max(stages) > 1", "max() of 'stages' would be one of its choice ids, not a number; use count(stages) or compare "
     "choices with 'in', in condition 'max(stages) > 1'"),
    ("min([]) > 1", "min() of an empty list has no value, in condition 'min([]) > 1'"),
    ("min(['a', people]) > 1", "min() works on numbers, but 'a' is text, in condition 'min(['a', people]) > 1'"),
    ("people * 1" + "0" * 400, "the number of 401 digits in condition 'people * 1" + "0" * 47 + "...' "
     "is far too large; expected a figure of at most 15 digits"),
    ("people > 1e400", "a number written past 1e308 in condition 'people > 1e400' is far too large; expected a figure "
     "of at most 15 digits"),
    ("people > 2e15", "the number 2e+15 in condition 'people > 2e15' is far too large; expected a figure of at most "
     "15 digits"),
]


@pytest.mark.parametrize("source, message", TYPE_MISTAKES)
def test_type_mistakes_are_refused_when_compiled(source: str, message: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        compile_expression(source, NAMES)
    assert str(caught.value) == message


def test_branches_of_one_kind_are_fine() -> None:
    assert evaluate("-(people if agreed == 'yes' else 2)", people=3, agreed="yes") == -3
    assert evaluate("('a' if agreed == 'yes' else 'b') == 'a'", agreed="no") is False
    assert evaluate("round(share, -2)", share=1234) == 1200
    assert evaluate("max([people, hours])", people=1, hours=5) == 5


# What only the values decide is undetermined with its reason, never an exception while
# a report is being made (for a consultant the answers then do not settle the rule,
# like a division by zero; a traceback or a refused report would help no one).
UNDETERMINED_AT_RUN_TIME = [
    ("-p", {"p": "high"}, ("-p", "not_a_number")),
    ("+p > 1", {"p": "high"}, ("expression", "not_a_number")),
    ("p > 3", {"p": "high"}, ("p > 3", "not_comparable")),
    ("p < q", {"p": [1], "q": 2}, ("p < q", "not_comparable")),
    ("round(people, p)", {"people": 2.5, "p": 40}, ("round(people, p)", "no_value")),
    ("max(p)", {"p": []}, ("max(p)", "no_value")),
    ("people * p", {"people": 10**200, "p": 10**200}, ("people * p", "not_finite")),
    ("abs(p)", {"p": 10**400}, ("abs(p)", "not_finite")),
]


@pytest.mark.parametrize("source, values, reason", UNDETERMINED_AT_RUN_TIME)
def test_what_only_the_values_decide_is_undetermined(source: str, values: dict, reason: tuple) -> None:
    result = evaluate(source, **values)
    assert isinstance(result, Undetermined)
    assert reason in result.reasons


def test_non_text_conditions() -> None:
    with pytest.raises(ExpressionError) as caught:
        compile_expression(["people > 1"], NAMES)
    assert str(caught.value) == "expected a condition as text, got list"
    with pytest.raises(ExpressionError) as caught:
        compile_expression(True, NAMES)
    assert str(caught.value) == "expected a condition as text, got yes/no value true"
    assert compile_expression(1, NAMES).evaluate({}) == 1
