"""Loading a rulebook's small sections: the questionnaire it reads, its parameters, the
glossary's roles and tasks, and the support modes (format: docs/rulebook.md).

Each function reads one section of the document through a `LoadContext`, records every
problem and returns what it could build.
"""

from __future__ import annotations

import re
from typing import Any

from diagnose.diagnosis import ROLE_IDS, TASK_IDS
from diagnose.errors import unknown
from diagnose.expressions import NameInfo
from diagnose.questionnaire import Questionnaire, find_questionnaire, unknown_questionnaire
from diagnose.rules.format import PARAMETER, ROLE, SUPPORT_MODE, SUPPORT_MODES, TASK
from diagnose.rules.load_context import LoadContext
from diagnose.rules.model import Parameter, RoleDef, TaskDef, Text
from diagnose.schema import describe

_PARAMETER_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def questionnaire(ctx: LoadContext, data: Any, given: Questionnaire | None) -> Questionnaire | None:
    """The questionnaire the rulebook names (by id, never as a path), at the version it
    names; `given` is the one the caller loaded, which must be that one."""
    name = data.get("questionnaire")
    if not isinstance(name, str):
        if "questionnaire" in data:
            ctx.error(data, "questionnaire", "questionnaire", f"expected the questionnaire id as text, got {describe(name)}")
        return None
    if given is not None:
        found = given
        if found.id != name:
            ctx.error(data, "questionnaire", "questionnaire", f"this rulebook reads '{name}', but the questionnaire is '{found.id}'")
            return None
    else:
        found = find_questionnaire(name, data.get("questionnaire_version"))
        if found is None:
            ctx.error(data, "questionnaire", "questionnaire", unknown_questionnaire(name))
            return None
    wanted = data.get("questionnaire_version")
    if wanted is not None and wanted != found.version:
        ctx.error(
            data, "questionnaire_version", "questionnaire_version",
            f"this rulebook was written for version {describe(wanted)} of '{name}', but the questionnaire is version {found.version}",
        )
        return None
    return found


def parameters(ctx: LoadContext, data: Any) -> dict[str, Parameter]:
    """Every threshold, by name; each name becomes one a condition may use."""
    raw = ctx.check.mapping(data, "parameters", "parameters") or {}
    result: dict[str, Parameter] = {}
    for pid, item in raw.items():
        path = f"parameters.{pid}"
        if not isinstance(pid, str) or not _PARAMETER_NAME.match(pid):
            ctx.error(raw, pid, path, f"{describe(pid)} is not a valid parameter name; expected lower-case letters, digits and '_'", value=False)
            continue
        if not isinstance(item, dict):
            ctx.error(raw, pid, path, f"expected a mapping with default, unit, source and explanation, got {describe(item)}")
            continue
        PARAMETER.check_keys(ctx, item, path)
        values = ctx.read(PARAMETER, item, path)
        result[pid] = Parameter(pid, values["default"], values["unit"] or "", values["source"] or {}, values["explanation"])
    for pid, parameter in result.items():
        if pid in ctx.names:
            ctx.error(data["parameters"], pid, f"parameters.{pid}", f"'{pid}' is already a question or computed value", value=False)
        elif parameter.default is not None:
            # one without a default (a cost the consultant may give) is for the report
            # only: no condition reads it, so no rule depends on whether it was given
            ctx.names[pid] = NameInfo("parameter")
    return result


def roles(ctx: LoadContext, data: Any) -> dict[str, RoleDef]:
    """The glossary's roles: title, whether the company has the role today, reporting lines."""
    raw = ctx.check.mapping(data, "roles", "roles") or {}
    result: dict[str, RoleDef] = {}
    for rid, item in raw.items():
        path = f"roles.{rid}"
        if rid not in ROLE_IDS:
            ctx.error(raw, rid, path, unknown("role id", rid, ROLE_IDS), value=False)
            continue
        if not isinstance(item, dict):
            ctx.error(raw, rid, path, f"expected a mapping with title, today and reports_to, got {describe(item)}")
            continue
        ROLE.check_keys(ctx, item, path)
        v = ctx.read(ROLE, item, path)
        if v["today"] is not None:
            result[rid] = RoleDef(rid, v["title"], v["today"], v["reports_to"], v["headcount_unknown"], v["reports_to_today"])
    _missing(ctx, data, "roles", raw, ROLE_IDS, "missing role '{}': every role of the glossary needs a title and a headcount today")
    return result


def tasks(ctx: LoadContext, data: Any) -> dict[str, TaskDef]:
    """The glossary's tasks: title, default owner, who does it today."""
    raw = ctx.check.mapping(data, "tasks", "tasks") or {}
    result: dict[str, TaskDef] = {}
    for tid, item in raw.items():
        path = f"tasks.{tid}"
        if tid not in TASK_IDS:
            ctx.error(raw, tid, path, unknown("task id", tid, TASK_IDS), value=False)
            continue
        if not isinstance(item, dict):
            ctx.error(raw, tid, path, f"expected a mapping with title, default_owner and today, got {describe(item)}")
            continue
        TASK.check_keys(ctx, item, path)
        v = ctx.read(TASK, item, path, only=("title", "default_owner"))
        if "default_owner" in item and not v["default_owner"]:
            ctx.error(item, "default_owner", f"{path}.default_owner", "expected at least one role id")
        clauses = [(expr, role) for expr, role in ctx.read(TASK, item, path, only=("today",))["today"] if expr is not None]
        result[tid] = TaskDef(tid, v["title"], v["default_owner"], clauses)
    _missing(ctx, data, "tasks", raw, TASK_IDS, "missing task '{}': every task needs a title and a default owner")
    return result


def support_modes(ctx: LoadContext, data: Any) -> dict[str, dict[str, Text]]:
    """What each support placement is called and how the report explains it."""
    raw = ctx.check.mapping(data, "support_modes", "support_modes") or {}
    result: dict[str, dict[str, Text]] = {}
    for mode, item in raw.items():
        path = f"support_modes.{mode}"
        if mode not in SUPPORT_MODES:
            ctx.error(raw, mode, path, unknown("support mode", mode, SUPPORT_MODES), value=False)
            continue
        if not isinstance(item, dict):
            ctx.error(raw, mode, path, f"expected a mapping with title and explanation, got {describe(item)}")
            continue
        SUPPORT_MODE.check_keys(ctx, item, path)
        result[mode] = ctx.read(SUPPORT_MODE, item, path)
    _missing(ctx, data, "support_modes", raw, SUPPORT_MODES, "missing support mode '{}'")
    return result


def _missing(ctx: LoadContext, data: Any, key: str, raw: Any, expected: tuple[str, ...], message: str) -> None:
    """One problem for each id of the vocabulary the section leaves out (when it is a mapping)."""
    if not isinstance(data.get(key), dict):
        return
    for name in expected:
        if name not in raw:
            ctx.error(data, key, key, message.format(name), value=False)
