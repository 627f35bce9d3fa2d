"""Headcount sizing for operations and account managers, with the arithmetic shown.

Beyond the book's text: from orders a month, minutes per order (or the default), the
account managers' operational share (time study or estimate) and the number of active
clients, estimate full-time equivalents. Every step is a `SizingLine` whose formula
carries the actual numbers, so a reader can redo it. Norms (hours per FTE, hours per
client, target client time, rounding step) are rulebook parameters. A step whose inputs
are unknown is left out rather than guessed.
"""

from __future__ import annotations

import math
from typing import Any

from diagnose.diagnosis import SizingLine
from diagnose.expressions import Missing, Undetermined
from diagnose.rules.words import LANGS, both, number


def _known(env: dict[str, Any], *names: str) -> bool:
    return all(
        not isinstance(env.get(n), (Missing, Undetermined)) and isinstance(env.get(n), (int, float))
        and not isinstance(env.get(n), bool)
        for n in names
    )


def _n(value: float) -> str:
    """A number in a formula: language-neutral (the report shows it per language)."""
    return number(value, "en", 2)


def round_up(value: float, step: float) -> float:
    """Round a calculated FTE up to the planning step (at least one step)."""
    if step <= 0:
        return value
    return max(step, math.ceil(round(value / step, 6)) * step)


def compute_sizing(env: dict[str, Any]) -> tuple[list[SizingLine], dict[str, float]]:
    """The sizing lines and the proposed FTE per role (rounded up to the `fte_step` parameter)."""
    lines: list[SizingLine] = []
    sized: dict[str, float] = {}
    step = env.get("fte_step", 0.5)
    fte_hours = env.get("hours_per_fte_month")
    if _known(env, "orders_per_month", "minutes_per_order_used", "hours_per_fte_month") and fte_hours:
        orders, minutes = env["orders_per_month"], env["minutes_per_order_used"]
        hours = orders * minutes / 60
        note = both("sizing_orders_hours_note")
        if isinstance(env.get("minutes_per_order"), Missing):
            note = {lang: f"{text} {both('sizing_default_minutes_note')[lang]}" for lang, text in note.items()}
        lines.append(SizingLine(
            "operations", both("sizing_orders_hours"), f"{_n(orders)} × {_n(minutes)} ÷ 60 = {_n(hours)}",
            round(hours, 2), {"orders_per_month": orders, "minutes_per_order": minutes}, note,
        ))
        fte = hours / fte_hours
        lines.append(SizingLine(
            "operations", both("sizing_operations_fte"), f"{_n(hours)} ÷ {_n(fte_hours)} = {_n(fte)}",
            round(fte, 2), {"hours": round(hours, 2), "hours_per_fte_month": fte_hours}, both("sizing_operations_fte_note"),
        ))
        sized["operations"] = round_up(fte, step)
        lines.append(SizingLine(
            "operations", {lang: both("sizing_rounded", step=number(step, lang))[lang] for lang in LANGS}, f"⌈{_n(fte)} ÷ {_n(step)}⌉ × {_n(step)} = {_n(sized['operations'])}",
            sized["operations"], {"fte": round(fte, 2), "fte_step": step}, {},
        ))
    if _known(env, "account_managers_total", "am_operational_share"):
        ams, share = env["account_managers_total"], env["am_operational_share"]
        freed = ams * share / 100
        lines.append(SizingLine(
            "account_manager", both("sizing_am_operations_fte"), f"{_n(ams)} × {_n(share)} % = {_n(freed)}",
            round(freed, 2), {"account_managers_total": ams, "am_operations_share": round(share, 2)}, both("sizing_am_operations_fte_note"),
        ))
    if _known(env, "active_clients", "hours_per_account_month", "hours_per_fte_month", "client_time_target") and fte_hours and env["client_time_target"]:
        clients, per_client, target = env["active_clients"], env["hours_per_account_month"], env["client_time_target"]
        fte = clients * per_client / (fte_hours * target / 100)
        lines.append(SizingLine(
            "account_manager", both("sizing_am_fte"),
            f"{_n(clients)} × {_n(per_client)} ÷ ({_n(fte_hours)} × {_n(target)} %) = {_n(fte)}",
            round(fte, 2), {"active_clients": clients, "hours_per_account_month": per_client,
                            "hours_per_fte_month": fte_hours, "client_time_target": target},
            both("sizing_am_fte_note"),
        ))
        sized["account_manager"] = round_up(fte, step)
    return lines, sized
