"""Lint: two rules that decide one thing (a task's owner, the support placement, a
reporting line, a headcount) differently with the same priority — the outcome would
depend on the order of the file, so one of them must be given a higher priority."""

from __future__ import annotations

from typing import Any

from diagnose.errors import Location, ProblemList
from diagnose.rules.model import Rule, decisions_of

Claim = tuple[Rule, Any, int, Location, str]  # (rule, what it decides, priority, where, what it is)


def lint_conflicts(problems: ProblemList, rules: list[Rule]) -> None:
    claims: dict[tuple[str, str], list[Claim]] = {}
    for rule in rules:
        for key, value, priority, location, what in decisions_of(rule):
            claims.setdefault(key, []).append((rule, value, priority, location, what))
    for items in claims.values():
        for index, (rule, value, priority, location, what) in enumerate(items):
            for other, other_value, other_priority, _, _ in items[:index]:
                if other.id == rule.id or other_value == value or other_priority != priority:
                    continue
                problems.add(
                    location,
                    f"rule '{rule.id}' decides {what} ({_shown(value)}) and rule '{other.id}' decides it "
                    f"differently ({_shown(other_value)}) with the same priority {priority}; "
                    "give one of them a higher priority",
                )


def _shown(value: Any) -> str:
    return "/".join(value) if isinstance(value, tuple) else str(value)
