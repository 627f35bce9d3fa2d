"""Loading a rulebook's derived indicators: values computed from the answers, each on
one dimension of the book's diagnosis, that rules and the report read by name."""

from __future__ import annotations

from typing import Any

from diagnose.errors import unknown
from diagnose.expressions import Expression, NameInfo
from diagnose.rules.format import DIMENSIONS, INDICATOR, INDICATOR_KINDS, LEVELS
from diagnose.rules.load_context import LoadContext
from diagnose.rules.model import IndicatorDef, Parameter, Text
from diagnose.rules.ordering import dependency_order
from diagnose.schema import describe

Declared = dict[str, tuple[Any, int]]  # indicator id -> (its mapping, its index in the list)


def indicators(ctx: LoadContext, data: Any, parameters: dict[str, Parameter]) -> list[IndicatorDef]:
    """Every indicator, in dependency order (each after the ones it reads)."""
    declared = _declared_ids(ctx, ctx.check.sequence(data, "indicators", "indicators") or [])
    # Every indicator may read any other; the order is found below, cycles refused.
    for iid in declared:
        ctx.names[iid] = NameInfo("computed")
    built: dict[str, IndicatorDef] = {}
    for iid, (item, index) in declared.items():
        indicator = _indicator(ctx, iid, item, f"indicators[{index}]", list(parameters) + list(declared))
        if indicator is not None:
            built[iid] = indicator

    def on_cycle(iid: str, cycle: list[str]) -> None:
        item, index = declared[iid]
        ctx.error(item, "expr", f"indicators[{index}].expr", f"indicators depend on each other in a cycle: {' -> '.join(cycle)}")

    return dependency_order(built, lambda indicator: indicator.expr.names, on_cycle)


def _declared_ids(ctx: LoadContext, items: list) -> Declared:
    declared: Declared = {}
    for index, item in enumerate(items):
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            if item["id"] in declared:
                ctx.error(item, "id", f"indicators[{index}].id", f"indicator id '{item['id']}' is used twice")
            elif item["id"] in ctx.names:
                ctx.error(item, "id", f"indicators[{index}].id", f"'{item['id']}' is already a question, computed value or parameter")
            else:
                declared[item["id"]] = (item, index)
    return declared


def _indicator(ctx: LoadContext, iid: str, item: Any, path: str, thresholds: list[str]) -> IndicatorDef | None:
    INDICATOR.check_keys(ctx, item, path)
    v = ctx.read(INDICATOR, item, path)
    threshold = item.get("threshold")
    if threshold is not None and threshold not in thresholds:
        ctx.error(item, "threshold", f"{path}.threshold",
                  unknown("parameter or indicator", threshold, thresholds, describe(threshold), listed=False))
        threshold = None
    labels = _labels(ctx, item, path)
    levels = _levels(ctx, item, path)
    dimension, kind = v["dimension"], v["kind"]
    if v["expr"] is None or dimension not in DIMENSIONS or kind not in INDICATOR_KINDS:
        return None
    return IndicatorDef(iid, str(dimension), str(kind), v["title"], v["expr"], v["explanation"], v["scale_max"],
                        threshold, labels, levels)


def _labels(ctx: LoadContext, item: Any, path: str) -> dict[str, Text]:
    raw = ctx.check.mapping(item, "labels", f"{path}.labels") or {}
    return {str(key): ctx.text(raw, key, f"{path}.labels.{key}") for key in raw}


def _levels(ctx: LoadContext, item: Any, path: str) -> list[tuple[str, Expression]]:
    levels: list[tuple[str, Expression]] = []
    raw = ctx.check.mapping(item, "level", f"{path}.level") or {}
    for level in raw:
        if level not in LEVELS:
            ctx.error(raw, level, f"{path}.level.{level}", f"unknown level '{level}'; expected high or medium (low is what is left)", value=False)
            continue
        compiled = ctx.compile(raw, level, f"{path}.level.{level}")
        if compiled is not None:
            levels.append((str(level), compiled))
    return levels
