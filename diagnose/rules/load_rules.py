"""Loading a rulebook's rules: each rule's conditions, texts and decisions, then the rules
in dependency order (a rule after the rules whose outcome it reads) and their lint."""

from __future__ import annotations

from typing import Any

from diagnose.errors import unknown
from diagnose.rules.conflicts import lint_conflicts
from diagnose.rules.format import RULE, RULE_CONDITIONS, RULE_TEXTS
from diagnose.rules.load_context import LoadContext
from diagnose.rules.load_decisions import decisions
from diagnose.rules.model import Condition, Rule
from diagnose.rules.never_fires import lint_never_fires
from diagnose.rules.ordering import dependency_order
from diagnose.rules.text_fields import field_problem
from diagnose.schema import describe, join

_GROUPS = ("all", "any", "fired", "not_fired")


def rules(ctx: LoadContext, data: Any) -> list[Rule]:
    """Every rule, in dependency order; linted only when everything else is right."""
    items = ctx.check.sequence(data, "rules", "rules") or []
    ids = [i for i in (item.get("id") for item in items if isinstance(item, dict)) if isinstance(i, str)]
    result: list[Rule] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        path = f"rules[{index}]"
        if not isinstance(item, dict):
            ctx.error(items, index, path, f"expected a rule mapping, got {describe(item)}")
            continue
        rule = _rule(ctx, item, path, ids)
        if rule is None:
            continue
        rule.index = index
        if rule.id in seen:
            ctx.error(item, "id", f"{path}.id", f"rule id '{rule.id}' is used twice")
            continue
        seen.add(rule.id)
        result.append(rule)
    if ctx.problems:
        return result

    def on_cycle(rule_id: str, cycle: list[str]) -> None:
        ctx.problems.add(by_id[rule_id].location, f"rules depend on each other's outcome in a cycle: {' -> '.join(cycle)}")

    by_id = {r.id: r for r in result}
    ordered = dependency_order(by_id, Rule.references, on_cycle)
    for rule in ordered:
        lint_never_fires(ctx, rule)
    lint_conflicts(ctx.problems, ordered)
    return ordered


def _rule(ctx: LoadContext, item: Any, path: str, ids: list[str]) -> Rule | None:
    RULE.check_keys(ctx, item, path)
    before = len(ctx.problems.items)
    head = ctx.read(RULE, item, path, only=("id", "source", "severity", "priority", "roadmap_step", "citation"))
    rid = head["id"]
    conditions = {
        key: _condition(ctx, item, key, f"{path}.{key}", ids, rid, top=True) if key in item else None
        for key in RULE_CONDITIONS
    }
    texts = ctx.read(RULE, item, path, only=RULE_TEXTS)
    _check_text_needs(ctx, item, path, texts)
    lists = ctx.read(RULE, item, path, only=("actions", "to_find_out"))
    for key in RULE_TEXTS:
        _placeholders(ctx, item, key, f"{path}.{key}")
    for index, _ in enumerate(item.get("actions") or []):
        _placeholders(ctx, item["actions"], index, f"{path}.actions[{index}]")
    assign, roles, support = decisions(ctx, item, path, head["priority"])
    when = conditions["when"]
    if len(ctx.problems.items) > before or not rid or when is None:
        return None
    return Rule(
        rid, str(head["source"]), str(head["severity"]), head["priority"] or 0, when,
        texts["title"], texts["summary"], texts["rationale"], ctx.loc(item, None, path), texts["otherwise"],
        conditions["applies_when"], texts["not_applicable"], texts["confirmed"], conditions["confirmed_when"],
        conditions["in_place_when"], lists["actions"], lists["to_find_out"], assign, roles, support,
        head["roadmap_step"], head["citation"] or None, undetermined=texts["undetermined"], step=texts["step"],
    )


def _check_text_needs(ctx: LoadContext, item: Any, path: str, texts: dict[str, dict[str, str]]) -> None:
    """A confirmation needs the text it says; a `not_applicable` text needs a premise."""
    for key in ("confirmed_when", "in_place_when"):
        if key in item and not texts["confirmed"]:
            ctx.error(item, key, f"{path}.{key}", f"a rule with '{key}' needs a 'confirmed' text (what the report says when it holds)", value=False)
    if "not_applicable" in item and "applies_when" not in item:
        ctx.error(item, "not_applicable", f"{path}.not_applicable", "a 'not_applicable' text needs an 'applies_when' premise", value=False)


def _placeholders(ctx: LoadContext, container: Any, key: Any, path: str) -> None:
    value = container.get(key) if isinstance(container, dict) else container[key]
    if not isinstance(value, dict):
        return
    for lang, text in value.items():
        problem = field_problem(str(text), ctx.names)
        if problem:
            ctx.error(value, lang, join(path, lang), problem)


def _condition(ctx: LoadContext, container: Any, key: Any, path: str, ids: list[str], own: str | None,
               top: bool = False) -> Condition | None:
    """A condition tree: `all`/`any` groups of expressions and `fired`/`not_fired` rule
    references; at the top it must be a group, so that each part is traced."""
    raw = container[key]
    if isinstance(raw, dict):
        return _group(ctx, container, key, path, ids, own)
    if top:
        ctx.error(container, key, path, "expected 'all: [...]' or 'any: [...]' (a list of small conditions, so that each one is traced)")
        return None
    expr = ctx.compile(container, key, path)
    if expr is None:
        return None
    return Condition("expr", expr.source, ctx.loc(container, key, path), expr=expr)


def _group(ctx: LoadContext, container: Any, key: Any, path: str, ids: list[str], own: str | None) -> Condition | None:
    raw = container[key]
    loc = ctx.loc(container, key, path)
    keys = list(raw.keys())
    if len(keys) != 1 or keys[0] not in _GROUPS:
        ctx.error(container, key, path, "expected one of 'all: [...]', 'any: [...]', 'fired: RULE' or 'not_fired: RULE'"
                  + (f", got keys {', '.join(map(str, keys))}" if keys else ""))
        return None
    kind = keys[0]
    if kind in ("fired", "not_fired"):
        target = raw[kind]
        if not isinstance(target, str) or target not in ids:
            ctx.error(raw, kind, f"{path}.{kind}", unknown("rule", target, ids, describe(target), listed=False))
            return None
        if target == own:
            ctx.error(raw, kind, f"{path}.{kind}", f"rule '{own}' cannot depend on its own outcome")
            return None
        return Condition(kind, f"{kind}({target})", loc, rule=target)
    items = raw[kind]
    if not isinstance(items, list) or not items:
        ctx.error(raw, kind, f"{path}.{kind}", f"expected a non-empty list of conditions, got {describe(items)}")
        return None
    children = [_condition(ctx, items, i, f"{path}.{kind}[{i}]", ids, own) for i in range(len(items))]
    if any(c is None for c in children):
        return None
    return Condition(kind, kind, loc, children=[c for c in children if c is not None])

