"""Parameter overrides: `--set name=value` and `--params FILE`.

A parameter file is YAML: a mapping of parameter name to value, either at the top or
under `parameters:`. `--set` wins over the file. An unknown name gets a did-you-mean,
a value of the wrong type says what was expected; both exit 2 like any bad input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from diagnose.errors import Location, ProblemList, unknown
from diagnose.rules.domain import is_currency
from diagnose.rules.rulebook import Rulebook
from diagnose.schema import describe
from diagnose.yamlio import is_number, load_document, value_position


def parameter_values(
    rulebook: Rulebook, sets: tuple[str, ...] | list[str] = (), params_file: str | Path | None = None
) -> dict[str, Any]:
    """The overridden parameters (name -> value); raise UserError listing every problem."""
    problems = ProblemList()
    values: dict[str, Any] = {}
    if params_file is not None:
        document = load_document(params_file)
        data = document.data
        mapping = data.get("parameters", data) if isinstance(data, dict) else None
        if isinstance(data, dict) and "parameters" in data and len(data) > 1:
            extra = [k for k in data if k != "parameters"]
            problems.add(Location(document.path, *value_position(data, extra[0]), str(extra[0])),
                         f"unknown key '{extra[0]}'; expected only 'parameters'")
        if not isinstance(mapping, dict):
            problems.add(Location(document.path, 1, 1), f"expected a mapping of parameter name to value, got {describe(mapping)}")
        else:
            prefix = "parameters." if mapping is not data else ""
            for name, raw in mapping.items():
                where = Location(document.path, *value_position(mapping, name), f"{prefix}{name}")
                message, value = _check(rulebook, str(name), raw)
                if message:
                    problems.add(where, message)
                else:
                    values[str(name)] = value
    for item in sets:
        where = Location("--set", None, None, "")
        if "=" not in item:
            problems.add(where, f"expected NAME=VALUE, got '{item}'")
            continue
        name, _, text = item.partition("=")
        name = name.strip()
        message, value = _check(rulebook, name, _parse(text.strip()))
        if message:
            problems.add(Location("--set", None, None, name), message)
        else:
            values[name] = value
    problems.raise_if_any()
    return values


def _parse(text: str) -> Any:
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        return text
    return int(number) if number.is_integer() else number


def _check(rulebook: Rulebook, name: str, value: Any) -> tuple[str | None, Any]:
    parameter = rulebook.parameters.get(name)
    if parameter is None:
        return (
            unknown("parameter", name, rulebook.parameters, limit=40),
            None,
        )
    if name == rulebook.domain.board.currency and not is_currency(value):
        return f"expected a currency code such as RUB, EUR or USD, got {describe(value)}", None
    if parameter.default is None or is_number(parameter.default):
        if not is_number(value):
            return f"expected a number ({parameter.unit}), got {describe(value)}", None
        if value < 0:
            return f"expected a number of at least 0 ({parameter.unit}), got {value}", None
        if parameter.unit == "percent" and value > 100:
            return f"{value} is above the maximum 100 (percent)", None
        return None, value
    if not isinstance(value, str):
        return f"expected text, got {describe(value)}", None
    return None, value
