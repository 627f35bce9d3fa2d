"""A JSON report's text is exactly what the standard library's indented `json.dumps` writes."""

from __future__ import annotations

import datetime
import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diagnose.jsontext import dumps_indented


def _standard(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str, allow_nan=False)


_SCALARS = (st.none() | st.booleans() | st.integers(min_value=-10**30, max_value=10**30)
            | st.floats(allow_nan=False, allow_infinity=False) | st.text()
            | st.dates() | st.builds(Path, st.text(alphabet="abc/", max_size=8)))
_KEYS = st.text() | st.integers() | st.booleans() | st.none() | st.floats(allow_nan=False, allow_infinity=False)
_TREES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
                      | st.dictionaries(_KEYS, inner, max_size=4), max_leaves=30)


@settings(max_examples=500, deadline=None, derandomize=True)
@given(_TREES)
def test_the_text_is_the_standard_librarys(value: Any) -> None:
    assert dumps_indented(value) == _standard(value)


def test_a_report_of_every_example_is_the_standard_librarys_text() -> None:
    from diagnose.diagnosis import to_json
    from diagnose.method import diagnose, load_method, read_answers
    from diagnose.resources import examples_dir

    method = load_method()
    for path in sorted(examples_dir().glob("*.yaml")):
        tree = to_json(diagnose(method, read_answers(method, path)))
        assert dumps_indented(tree) == _standard(tree)


@pytest.mark.parametrize("value", [math.nan, [1, {"x": math.inf}], {-math.inf: 1}])
def test_non_finite_numbers_are_refused_with_the_standard_librarys_message(value: Any) -> None:
    with pytest.raises(ValueError) as standard:
        _standard(value)
    with pytest.raises(ValueError) as ours:
        dumps_indented(value)
    assert str(ours.value) == str(standard.value)


def test_a_key_of_another_kind_is_refused_with_the_standard_librarys_message() -> None:
    value = {datetime.date(2026, 1, 1): 1}
    with pytest.raises(TypeError) as standard:
        _standard(value)
    with pytest.raises(TypeError) as ours:
        dumps_indented(value)
    assert str(ours.value) == str(standard.value) == "keys must be str, int, float, bool or None, not date"
