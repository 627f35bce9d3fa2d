"""Loading what a rule decides when it fires (its `then:`): tasks assigned to roles,
changes to roles (reporting line, headcount) and where customer support sits."""

from __future__ import annotations

from typing import Any

from diagnose.diagnosis import TASK_IDS
from diagnose.errors import unknown
from diagnose.rules.format import ASSIGNMENT, CLAIMABLE_MODES, ROLE_CHANGE, SUPPORT, THEN
from diagnose.rules.load_context import LoadContext
from diagnose.rules.model import Assignment, RoleChange, SupportDecision
from diagnose.schema import describe

Decisions = tuple[list[Assignment], list[RoleChange], SupportDecision | None]


def decisions(ctx: LoadContext, item: Any, path: str, priority: int | None) -> Decisions:
    """A rule's `then:`; a rule that assigns or places support needs a priority."""
    then = ctx.check.mapping(item, "then", f"{path}.then")
    if then is None:
        return [], [], None
    THEN.check_keys(ctx, then, f"{path}.then")
    if (then.get("assign") or then.get("support")) and priority is None:
        ctx.problems.add(ctx.loc(item, None, path), "a rule that assigns tasks or places support needs a 'priority' (a whole number; higher wins a conflict)")
    tpath = f"{path}.then"
    return (assignments(ctx, then, tpath, priority or 0), role_changes(ctx, then, tpath, priority or 0),
            support(ctx, then, tpath, priority or 0))


def assignments(ctx: LoadContext, then: Any, path: str, priority: int) -> list[Assignment]:
    result = []
    for index, item in enumerate(ctx.check.sequence(then, "assign", f"{path}.assign") or []):
        ipath = f"{path}.assign[{index}]"
        if not isinstance(item, dict):
            ctx.error(then["assign"], index, ipath, f"expected a mapping with task and role, got {describe(item)}")
            continue
        ASSIGNMENT.check_keys(ctx, item, ipath)
        task = item.get("task")
        if "task" in item and task not in TASK_IDS:
            ctx.error(item, "task", f"{ipath}.task", unknown("task id", task, TASK_IDS, describe(task)))
            continue
        allowed = ctx.read(ASSIGNMENT, item, ipath, only=("role",))["role"]
        if isinstance(item.get("role"), list) and not item["role"]:
            ctx.error(item, "role", f"{ipath}.role", "expected a role id or a non-empty list of role ids")
        choose = ctx.read(ASSIGNMENT, item, ipath, only=("choose",))["choose"]
        _check_choice(ctx, item, ipath, allowed, choose)
        v = ctx.read(ASSIGNMENT, item, ipath, only=("priority", "supported_by", "when"))
        if task and allowed:
            own = v["priority"]
            result.append(Assignment(str(task), allowed[0], own if own is not None else priority, v["supported_by"],
                                     ctx.loc(then["assign"], index, ipath), allowed, choose, v["when"]))
    return result


def _check_choice(ctx: LoadContext, item: Any, ipath: str, allowed: list[str], choose: list) -> None:
    """`choose` picks among the assignment's roles, and only among them."""
    if choose and len(allowed) < 2:
        ctx.error(item, "choose", f"{ipath}.choose", "'choose' picks among several allowed roles: give 'role' as a list", value=False)
    for cindex, (_, chosen) in enumerate(choose):
        if allowed and chosen not in allowed:
            ctx.error(item["choose"][cindex], "role", f"{ipath}.choose[{cindex}].role",
                      f"role '{chosen}' is not one of this assignment's roles ({', '.join(allowed)})")


def role_changes(ctx: LoadContext, then: Any, path: str, priority: int) -> list[RoleChange]:
    result = []
    for index, item in enumerate(ctx.check.sequence(then, "roles", f"{path}.roles") or []):
        ipath = f"{path}.roles[{index}]"
        if not isinstance(item, dict):
            ctx.error(then["roles"], index, ipath, f"expected a mapping with role, reports_to and headcount, got {describe(item)}")
            continue
        ROLE_CHANGE.check_keys(ctx, item, ipath)
        v = ctx.read(ROLE_CHANGE, item, ipath)
        role, reports_to, own = v["role"], v["reports_to"], v["priority"]
        if role:
            if role in (reports_to or []):
                ctx.error(item, "reports_to", f"{ipath}.reports_to", f"role '{role}' cannot report to itself")
                continue
            result.append(RoleChange(role, reports_to, v["headcount"], own if own is not None else priority,
                                     ctx.loc(then["roles"], index, ipath)))
    return result


def support(ctx: LoadContext, then: Any, path: str, priority: int) -> SupportDecision | None:
    spath = f"{path}.support"
    item = ctx.check.mapping(then, "support", spath)
    if item is None:
        return None
    SUPPORT.check_keys(ctx, item, spath)
    mode = ctx.read(SUPPORT, item, spath, only=("mode",))["mode"]
    if "mode" in item and mode not in CLAIMABLE_MODES:
        return None
    v = ctx.read(SUPPORT, item, spath, only=("priority", "service_levels"))
    if mode is None:
        return None
    own = v["priority"]
    return SupportDecision(str(mode), own if own is not None else priority, v["service_levels"], ctx.loc(then, "support", spath))
