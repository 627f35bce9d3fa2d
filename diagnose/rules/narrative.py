"""The report's narrative: the rulebook's `narrative` section, read and checked at load,
and chosen for one diagnosis.

The summary's headline, its lead sentences and the items it adds to "what changes" are
candidate texts, each with a condition over the diagnosis declared as data: the status
of named rules, the roles the proposal adds or keeps, the support placement, whether the
structure changes and whether something stays undetermined. Code names no rule: which
sentence a company reads is the rulebook's to say (format: docs/rulebook.md,
`narrative`), so no sentence claims what no finding supports.

    narrative:
      headline:                 # the first that holds; the last one has no `when`
        - when: {rules: {C2-team-size-conveyor: [fired, confirmed]}}
          text: {ru: ..., en: ...}
        - text: {ru: ..., en: ...}
      lead: [...]               # every one that holds, in order
      changes: [...]            # every one that holds, before the structure's own changes

Every rule id, role id, status and support mode a condition names is checked when the
rulebook loads, with a located "unknown …; did you mean …" message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, get_args

from diagnose.diagnosis import Diagnosis, Narrative, Status, Text
from diagnose.errors import did_you_mean, one_of
from diagnose.schema import describe

if TYPE_CHECKING:  # the loader imports this module
    from diagnose.rules.load_context import LoadContext

STATUSES: tuple[str, ...] = get_args(Status)
PARTS = ("headline", "lead", "changes")
# what a `when` may say; every key given must hold
WHEN_KEYS = ("rules", "any_rules", "new_roles", "roles", "without_roles", "support", "changes", "fired",
             "undetermined", "confirmed")


@dataclass
class When:
    """A condition over a diagnosis; an empty one always holds."""

    rules: dict[str, tuple[str, ...]] = field(default_factory=dict)  # every rule has one of its statuses
    any_rules: dict[str, tuple[str, ...]] = field(default_factory=dict)  # at least one rule has one of its statuses
    new_roles: tuple[str, ...] = ()  # each is a new role in the proposal
    roles: tuple[str, ...] = ()  # each is in the proposed structure
    without_roles: tuple[str, ...] = ()  # none is in the proposed structure
    support: tuple[str, ...] = ()  # the support placement is one of these
    changes: bool | None = None  # the proposal changes the structure (or, false, does not)
    fired: bool | None = None  # some rule of the book asks for something (or none does)
    undetermined: bool | None = None  # some rule of the book is undetermined (or none is)
    confirmed: bool | None = None  # some rule of the book is already in place (or none is)

    def holds(self, diagnosis: Diagnosis) -> bool:
        status = {f.rule_id: f.status for f in diagnosis.findings}
        book = [f.status for f in diagnosis.findings if f.source == "book"]
        proposed = {r.id: r for r in diagnosis.proposed_structure}
        checks = [
            all(status.get(rule) in wanted for rule, wanted in self.rules.items()),
            not self.any_rules or any(status.get(rule) in wanted for rule, wanted in self.any_rules.items()),
            all(role in proposed and proposed[role].change == "new" for role in self.new_roles),
            all(role in proposed for role in self.roles),
            not any(role in proposed for role in self.without_roles),
            not self.support or diagnosis.support.mode in self.support,
            self.changes is None or bool(diagnosis.changes) == self.changes,
            self.fired is None or ("fired" in book) == self.fired,
            self.undetermined is None or ("undetermined" in book) == self.undetermined,
            self.confirmed is None or ("confirmed" in book) == self.confirmed,
        ]
        return all(checks)


@dataclass
class Candidate:
    when: When
    text: Text


@dataclass
class NarrativeSpec:
    """The `narrative` section as loaded; empty parts say nothing."""

    headline: list[Candidate] = field(default_factory=list)
    lead: list[Candidate] = field(default_factory=list)
    changes: list[Candidate] = field(default_factory=list)


def narrate(spec: NarrativeSpec, diagnosis: Diagnosis) -> Narrative:
    """The candidates whose conditions hold for this diagnosis."""
    headline = next((c.text for c in spec.headline if c.when.holds(diagnosis)), {})
    return Narrative(
        dict(headline),
        [dict(c.text) for c in spec.lead if c.when.holds(diagnosis)],
        [dict(c.text) for c in spec.changes if c.when.holds(diagnosis)],
    )


# ---------------------------------------------------------------------------- loading


def load_narrative(ctx: LoadContext, data: dict, rule_ids: list[str], modes: dict[str, Any]) -> NarrativeSpec:
    """Read and check the `narrative` section (absent: an empty narrative)."""
    raw = ctx.check.mapping(data, "narrative", "narrative")
    if raw is None:
        return NarrativeSpec()
    ctx.check.keys(raw, "narrative", PARTS)
    reader = _Reader(ctx, rule_ids, list(modes))
    spec = NarrativeSpec()
    for part in PARTS:
        items = ctx.check.sequence(raw, part, f"narrative.{part}") or []
        for index, item in enumerate(items):
            path = f"narrative.{part}[{index}]"
            if not isinstance(item, dict):
                ctx.error(items, index, path, f"expected a mapping with 'text' (and 'when'), got {describe(item)}")
                continue
            last_headline = part == "headline" and index == len(items) - 1
            ctx.check.keys(item, path, ("when", "text"), ("text",) if last_headline or part != "headline" else ("when", "text"))
            if last_headline and "when" in item:
                ctx.error(item, "when", f"{path}.when", "the last headline has no 'when': it is what a company reads "
                          "when no other holds", value=False)
            when = reader.when(item, f"{path}.when") if "when" in item else When()
            text = reader.text(item, path)
            if when is not None and text:
                getattr(spec, part).append(Candidate(when, text))
    return spec


class _Reader:
    def __init__(self, ctx: LoadContext, rule_ids: list[str], modes: list[str]):
        self.ctx = ctx
        self.rule_ids = rule_ids
        self.modes = modes

    def text(self, item: dict, path: str) -> Text:
        text = self.ctx.text(item, "text", f"{path}.text")
        for lang, words in text.items():
            if "{" in words or "}" in words:
                self.ctx.error(item["text"], lang, f"{path}.text.{lang}",
                               "a narrative text takes no {placeholders}: its condition chose it, so it says in words what holds")
                return {}
        return text

    def when(self, item: dict, path: str) -> When | None:
        raw = item["when"]
        if not isinstance(raw, dict):
            self.ctx.error(item, "when", path, f"expected a mapping of conditions ({one_of(WHEN_KEYS)}), got {describe(raw)}")
            return None
        self.ctx.check.keys(raw, path, WHEN_KEYS)
        before = len(self.ctx.problems.items)
        when = When(
            rules=self.statuses(raw, "rules", path),
            any_rules=self.statuses(raw, "any_rules", path),
            new_roles=self.roles(raw, "new_roles", path),
            roles=self.roles(raw, "roles", path),
            without_roles=self.roles(raw, "without_roles", path),
            support=self.choices(raw, "support", path, self.modes, "support mode"),
            changes=self.flag(raw, "changes", path),
            fired=self.flag(raw, "fired", path),
            undetermined=self.flag(raw, "undetermined", path),
            confirmed=self.flag(raw, "confirmed", path),
        )
        return when if len(self.ctx.problems.items) == before else None

    def statuses(self, raw: dict, key: str, path: str) -> dict[str, tuple[str, ...]]:
        if key not in raw:
            return {}
        rules = self.ctx.check.mapping(raw, key, f"{path}.{key}") or {}
        result = {}
        for rule_id in rules:
            rule_path = f"{path}.{key}.{rule_id}"
            if rule_id not in self.rule_ids:
                self.ctx.error(rules, rule_id, rule_path, f"unknown rule id '{rule_id}'{did_you_mean(str(rule_id), self.rule_ids)}; "
                               f"expected a rule of this rulebook", value=False)
                continue
            result[str(rule_id)] = self.choices(rules, rule_id, f"{path}.{key}", STATUSES, "rule status")
        return result

    def choices(self, container: dict, key: Any, path: str, allowed: list[str] | tuple[str, ...], what: str) -> tuple[str, ...]:
        """One value of `allowed` or a list of them."""
        if key not in container:
            return ()
        value = container[key]
        values = value if isinstance(value, list) else [value]
        item_path = f"{path}.{key}"
        chosen = []
        for index, one in enumerate(values):
            at, at_key = (value, index) if isinstance(value, list) else (container, key)
            if not isinstance(one, str) or one not in allowed:
                self.ctx.error(at, at_key, item_path, f"unknown {what} {describe(one)}{did_you_mean(str(one), allowed)}; "
                               f"expected one of: {one_of(allowed)}")
                continue
            chosen.append(one)
        return tuple(chosen)

    def roles(self, raw: dict, key: str, path: str) -> tuple[str, ...]:
        if key not in raw:
            return ()
        value = raw[key]
        if not isinstance(value, list):
            role = self.ctx.role_id(raw, key, f"{path}.{key}")
            return (role,) if role else ()
        return tuple(role for index in range(len(value))
                     if (role := self.ctx.role_id(value, index, f"{path}.{key}[{index}]")))

    def flag(self, raw: dict, key: str, path: str) -> bool | None:
        if key not in raw:
            return None
        if not isinstance(raw[key], bool):
            self.ctx.error(raw, key, f"{path}.{key}", f"expected true or false, got {describe(raw[key])}")
            return None
        return raw[key]
