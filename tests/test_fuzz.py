"""Property-based fuzzing: answer files and the condition language never crash.

Every generated input must end in a result or in the errors the tool reports to a person
(UserError for files, ExpressionError for conditions); anything else (a KeyError, a
RecursionError, an OverflowError, ...) fails the test with the input that caused it.

- Answer files: the bundled example with random values put in (numbers huge, tiny, NaN and
  infinite; texts with any Unicode, surrogates and control characters; lists, mappings,
  nesting), random keys, and random edits of the YAML text and of its bytes (other
  encodings, NUL bytes, cut-offs). Each is written to a file and loaded as a user's file
  would be; a file that loads is also diagnosed.
- Conditions: expressions from a grammar of the language (and of what it must refuse:
  attributes, indexing, filters, `**`, unknown names and functions), and random garbage;
  each that compiles is evaluated on random answers, "don't know" and the like included.

CI runs a small, derandomised number of examples. The full run of 10,000 per property:

    DIAGNOSE_FUZZ_EXAMPLES=10000 .venv/bin/pytest tests/test_fuzz.py

(docs/testing.md records its last result).
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from diagnose.answers import load_answers
from diagnose.errors import UserError
from diagnose.expressions import (
    DONT_KNOW,
    NOT_APPLICABLE,
    UNANSWERED,
    ExpressionError,
    Undetermined,
    compile_expression,
    is_true,
)
from diagnose.questionnaire import load_questionnaire
from diagnose.resources import examples_dir, questionnaire_path
from diagnose.rules.evaluate import evaluate

FULL = int(os.environ.get("DIAGNOSE_FUZZ_EXAMPLES", "0"))
settings.register_profile(
    "fuzz", deadline=None, derandomize=not FULL, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
FUZZ = settings.get_profile("fuzz")
FILES = settings(FUZZ, max_examples=FULL or 100)  # a file costs a load and a diagnosis
CONDITIONS = settings(FUZZ, max_examples=FULL or 400)

QUESTIONNAIRE = load_questionnaire(questionnaire_path())
NAMES = QUESTIONNAIRE.name_infos()
BASE = YAML(typ="safe").load((examples_dir() / "small-distributor.yaml").read_text(encoding="utf-8"))
WORK = Path(tempfile.mkdtemp(prefix="diagnose-fuzz-"))

# ----------------------------------------------------------------------------- answer files

any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=40)
numbers = st.one_of(
    st.integers(-10, 10_000),
    st.integers(),  # unbounded: 10**400 and beyond
    st.sampled_from([10**15, 10**15 + 1, 10**400, -(10**30), 2**63, 2**64 + 1]),
    st.floats(),  # NaN, infinities, subnormals, 1e308
    st.sampled_from([1e308, -1e308, 1.7e308, 5e-324, math.inf, -math.inf, math.nan, 0.5, 1e15]),
)
scalars = st.one_of(
    numbers, any_text, st.booleans(), st.none(),
    st.sampled_from(["dont_know", "not_applicable", "yes", "no", "growth", "", " ", "~", "NaN", ".inf", "1e400",
                     "0x" + "f" * 40, "2026-02-30", "<img src=file:///etc/passwd>"]),
)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                      max_leaves=12)
rarely = st.sampled_from([False] * 9 + [True])
question_ids = st.sampled_from(sorted(q.id for q in QUESTIONNAIRE.iter_questions()))
keys = st.one_of(question_ids, st.text(max_size=12))


def plausible(question: Any) -> st.SearchStrategy[Any]:
    """A value of the question's own type, mostly in range; its special answers too."""
    special = [st.just(state) for state in question.special_answers()]
    if question.type in ("single", "yesno"):
        base: st.SearchStrategy[Any] = st.sampled_from(question.choice_ids)
    elif question.type == "multi":
        base = st.lists(st.sampled_from(question.choice_ids), max_size=3, unique=True)
    elif question.type == "text":
        base = any_text
    else:
        low, high = question.bounds()
        low = 0 if low is None else low
        high = low + 10**6 if high is None else high
        base = st.one_of(st.integers(int(low) - 1, int(high) + 1), st.floats(low - 1, high + 1, allow_nan=False))
    return st.one_of(base, *special)


@st.composite
def answer_documents(draw: st.DrawFn) -> Any:
    """The example company's answers with a few parts replaced by random ones."""
    data = {"questionnaire": BASE["questionnaire"], "version": BASE["version"], "meta": dict(BASE["meta"]),
            "answers": dict(BASE["answers"])}
    for _ in range(draw(st.integers(0, 4))):
        question = QUESTIONNAIRE.questions[draw(question_ids)]
        data["answers"][question.id] = draw(plausible(question))  # often valid: the rules run
    for _ in range(draw(st.sampled_from([0, 0, 1, 2]))):
        data["answers"][draw(keys)] = draw(values)
    for _ in range(draw(st.integers(0, 2))):
        data["meta"][draw(st.sampled_from([*BASE["meta"], "extra"]))] = draw(values)
    if draw(rarely):
        data[draw(st.sampled_from(["questionnaire", "version", "meta", "answers", "other"]))] = draw(values)
    if draw(rarely):
        data = draw(values)  # not a mapping at all
    return data


def _dump(data: Any) -> str | None:
    import io

    yaml = YAML(typ="safe")
    yaml.allow_unicode = True
    out = io.StringIO()
    try:
        yaml.dump(data, out)
    except Exception:  # a structure YAML cannot hold (e.g. a surrogate it refuses to write)
        return None
    return out.getvalue()


@st.composite
def answer_files(draw: st.DrawFn) -> bytes:
    """A YAML answer file as bytes, sometimes damaged as text or as bytes."""
    text = _dump(draw(answer_documents())) or "questionnaire: sales-structure\n"
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2, 3]))):
        at = draw(st.integers(0, len(text)))
        edit = draw(st.integers(0, 5))
        if edit == 0:
            text = text[:at] + draw(any_text) + text[at:]
        elif edit == 1:
            text = text[:at] + text[at + draw(st.integers(1, 40)):]
        elif edit == 2:
            text = text[:at] + draw(st.sampled_from(["&a ", "*a", "!!python/object:os.system ", "\t", "{", "[",
                                                     "'", '"', "? ", "<<: ", "--- ", "%TAG ! !\n", "\\ud800",
                                                     ":\n  - ", "#"])) + text[at:]
        elif edit == 3:
            text = text[:at]  # cut off
        elif edit == 4:
            text = text + text[at:]  # duplicated tail: duplicate keys
    raw = text.encode("utf-8", "surrogatepass")
    encoding = draw(st.sampled_from(["utf-8"] * 8 + ["utf-16", "cp1251", "bom", "bytes"]))
    if encoding == "utf-16":
        raw = text.encode("utf-16", "surrogatepass")
    elif encoding == "cp1251":
        raw = text.encode("cp1251", "replace")
    elif encoding == "bom":
        raw = b"\xef\xbb\xbf" + raw
    elif encoding == "bytes":
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.binary(max_size=16)) + raw[at:]
    return raw


@FILES
@given(answer_files())
def test_answer_files_load_or_give_located_problems(raw: bytes) -> None:
    path = WORK / "answers.yaml"
    path.write_bytes(raw)
    try:
        answers = load_answers(path)
    except UserError as error:
        event("answer file refused")
        assert error.problems, "a UserError names at least one problem"
        for problem in error.problems:
            assert str(problem).startswith(str(path)), str(problem)
            assert "\x1b" not in str(problem)
        return
    event("answer file loaded and diagnosed")
    diagnosis = evaluate(answers, whatif=False)
    assert diagnosis.findings


# ----------------------------------------------------------------------------- conditions

KNOWN = sorted(NAMES)
CHOICES = sorted({c for info in NAMES.values() for c in info.choices})

atoms = st.one_of(
    st.sampled_from(KNOWN),
    st.sampled_from(["unknown_name", "true", "false", "none", "lambda", "__import__", "self", "range"]),
    st.integers(-5, 10**6).map(str),
    st.sampled_from(["1" + "0" * 400, "1e308", "1e309", "0.0", "-0", "5e-324", "10**400", "1_000"]),
    st.sampled_from(CHOICES).map(repr),
    st.text(max_size=6).map(repr),
)


def _compose(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.sampled_from(["+", "-", "*", "/", "//", "%", "**", "~", "==", "!=", "<", "<=", ">", ">=", "in",
                              "not in", "and", "or", "is"])
    return st.one_of(
        st.tuples(inner, binary, inner).map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
        inner.map(lambda e: f"not {e}"),
        inner.map(lambda e: f"-{e}"),
        inner.map(lambda e: f"({e})"),
        st.tuples(st.sampled_from(["min", "max", "count", "abs", "round", "len", "open", "eval"]),
                  st.lists(inner, max_size=3)).map(lambda t: f"{t[0]}({', '.join(t[1])})"),
        st.tuples(st.sampled_from(KNOWN), st.sampled_from(["dont_know", "not_applicable", "unanswered", "answered",
                                                           "known", "defined", "odd"])).map(
            lambda t: f"{t[0]} is {t[1]}"),
        st.tuples(inner, inner, inner).map(lambda t: f"{t[0]} if {t[1]} else {t[2]}"),
        st.lists(inner, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
        st.tuples(inner, st.sampled_from([".__class__", ".real", "[0]", "|string", "|attr('x')", "()"])).map(
            "".join),
    )


expressions = st.one_of(st.recursive(atoms, _compose, max_leaves=10), st.text(max_size=60),
                        st.integers(1, 400).map(lambda n: "(" * n + "1" + ")" * n))


def _value_for(kind: str, choices: tuple[str, ...]) -> st.SearchStrategy[Any]:
    missing = st.sampled_from([DONT_KNOW, NOT_APPLICABLE, UNANSWERED])
    if kind in ("number", "percent", "scale", "computed"):
        real = st.one_of(st.integers(-(10**15), 10**15), st.floats(-1e15, 1e15, allow_nan=False))
    elif kind == "multi":
        real = st.lists(st.sampled_from(choices), unique=True) if choices else st.just([])
    elif choices:
        real = st.sampled_from(choices)
    else:
        real = st.sampled_from(["yes", "no"]) if kind == "yesno" else st.text(max_size=10)
    return st.one_of(real, missing)


environments = st.fixed_dictionaries({}, optional={name: _value_for(info.kind, info.choices)
                                                    for name, info in NAMES.items()})


@CONDITIONS
@given(expressions, environments)
@example("-('about_half' if true else account_managers_total)", {})  # found by the full run: a TypeError
def test_conditions_compile_and_evaluate_or_say_what_is_wrong(source: str, env: dict[str, Any]) -> None:
    try:
        expression = compile_expression(source, NAMES)
    except ExpressionError as error:
        event("condition refused when compiled")
        assert str(error)
        return
    value = expression.evaluate(env)  # what compiles evaluates: a value or undetermined, never an error
    event("condition evaluated: " + ("undetermined" if isinstance(value, Undetermined) else "determined"))
    assert is_true(value) in (True, False, None)
    if isinstance(value, Undetermined):
        assert value.reasons
