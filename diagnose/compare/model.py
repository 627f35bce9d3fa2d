"""Two diagnoses of one company compared: the follow-up audit against the first.

`compare(before, after)` reads only what the pipeline already produced (two `Diagnosis`
objects): no rule is evaluated again here. The result is plain data; the terminal text,
the JSON and the HTML/PDF page are made from it (`diagnose.compare.render`).

Questions only one of the two questionnaire versions asks are not changes: they are
listed apart (`only_before`, `only_after`) with the answer the one audit has. A rule only
one rulebook has is listed with the status `absent` on the other side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from diagnose.diagnosis import Diagnosis, Indicator, Role, Text

# How a rule's outcome moved between the audits (the order the outputs list them in):
# carried_out: it asked for a change, and the change is now in place (fired -> confirmed);
# resolved: it asked for a change and no longer does (its condition or premise is gone);
# appeared: it asks for a change it did not ask for before; regressed: it was in place and
# now asks for the change again; still_open: it asks for the same change in both;
# kept: it was and is in place; changed: any other move (e.g. undetermined -> not fired).
Movement = Literal["carried_out", "resolved", "appeared", "regressed", "still_open", "kept", "changed"]
MOVEMENTS: tuple[str, ...] = ("carried_out", "resolved", "appeared", "regressed", "still_open", "kept", "changed")
ABSENT = "absent"  # the status of a rule the other rulebook does not have
_ASKS = ("fired",)  # statuses that ask the company for a change


@dataclass
class AnswerChange:
    """One question answered differently (or asked by one version only)."""

    question_id: str
    text: Text
    before: Text  # the answer as a person reads it, per language ({} when not asked)
    after: Text
    before_state: str = ""  # AnswerLine.state ("answered", "dont_know", ...); "" when not asked
    after_state: str = ""


@dataclass
class IndicatorChange:
    """A derived indicator whose value moved."""

    id: str
    title: Text
    before: Text
    after: Text
    before_value: float | str | None
    after_value: float | str | None
    delta: float | None  # after - before, when both are numbers
    direction: Literal["up", "down", "changed"]
    before_level: str = "unknown"
    after_level: str = "unknown"
    kind: str = ""  # the rulebook's kind (percent, number, level, flag): how a size is worded


@dataclass
class Headcounts:
    """A role's headcount in one audit: today's and the proposed (None: not in that
    structure, or unknown)."""

    today: float | None
    proposed: float | None


@dataclass
class RoleChange:
    id: str
    title: Text
    before: Headcounts
    after: Headcounts
    in_today_before: bool = False
    in_today_after: bool = False


@dataclass
class TaskChange:
    """A task whose owner moved: today's owner (the company's change) or the proposed one."""

    task: str
    title: Text
    today_before: str | None  # role ids
    today_after: str | None
    proposed_before: str | None
    proposed_after: str | None


@dataclass
class FindingChange:
    rule_id: str
    title: Text
    movement: Movement
    before: str  # a Status, or ABSENT
    after: str
    source: str = "book"
    severity: str = "info"


@dataclass
class Comparison:
    """What moved between two audits of one company."""

    questionnaire_id: str
    versions: tuple[int, int]  # the questionnaire versions of BEFORE and AFTER
    company: Text  # the company's name as each audit wrote it: {"before", "after"}
    dates: tuple[Any, Any]  # the audits' dates (meta.date), as given
    language: str  # the language of the later audit
    answers: list[AnswerChange] = field(default_factory=list)
    only_before: list[AnswerChange] = field(default_factory=list)
    only_after: list[AnswerChange] = field(default_factory=list)
    indicators: list[IndicatorChange] = field(default_factory=list)
    roles: list[RoleChange] = field(default_factory=list)
    headcount: tuple[Headcounts, Headcounts] | None = None  # the department's totals, before and after
    tasks: list[TaskChange] = field(default_factory=list)
    findings: list[FindingChange] = field(default_factory=list)
    headline: Text = field(default_factory=dict)  # chosen by diagnose.compare.headline
    role_titles: dict[str, Text] = field(default_factory=dict)  # every role id either audit names

    def count(self, movement: str) -> int:
        return sum(1 for change in self.findings if change.movement == movement)


def compare(before: Diagnosis, after: Diagnosis) -> Comparison:
    """The comparison of two diagnoses of the same questionnaire (the caller checks the
    ids, where it can say which file is wrong)."""
    result = Comparison(
        questionnaire_id=str(after.questionnaire.get("id")),
        versions=(before.questionnaire.get("version"), after.questionnaire.get("version")),
        company={"before": str(before.company.get("company") or ""), "after": str(after.company.get("company") or "")},
        dates=(before.company.get("date"), after.company.get("date")),
        language=str(after.company.get("language") or before.company.get("language") or ""),
    )
    _compare_answers(before, after, result)
    result.indicators = _indicators(before.indicators, after.indicators)
    result.roles = _roles(before, after)
    for diagnosis in (before, after):  # the later audit's title wins
        result.role_titles.update({role.id: role.title
                                   for role in [*diagnosis.current_structure, *diagnosis.proposed_structure]})
    result.headcount = _totals(before, after)
    result.tasks = _tasks(before, after)
    result.findings = _findings(before, after)
    return result


def _compare_answers(before: Diagnosis, after: Diagnosis, result: Comparison) -> None:
    lines_before = {line.question_id: line for line in before.answers}
    lines_after = {line.question_id: line for line in after.answers}
    for qid, line in lines_after.items():
        old = lines_before.get(qid)
        if old is None:
            result.only_after.append(AnswerChange(qid, line.text, {}, line.display, "", line.state))
        elif (old.state, old.display) != (line.state, line.display):
            result.answers.append(AnswerChange(qid, line.text, old.display, line.display, old.state, line.state))
    result.only_before = [AnswerChange(qid, line.text, line.display, {}, line.state, "")
                          for qid, line in lines_before.items() if qid not in lines_after]


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _indicators(before: list[Indicator], after: list[Indicator]) -> list[IndicatorChange]:
    old = {indicator.id: indicator for indicator in before}
    changes = []
    for new in after:
        was = old.get(new.id)
        if was is None or (was.value == new.value and was.display == new.display):
            continue
        a, b = _number(was.value), _number(new.value)
        delta = b - a if a is not None and b is not None else None
        # a level or a flag moves in words; only a figure goes up or down by a size
        numeric = delta is not None and new.kind in ("percent", "number")
        direction = "changed" if not numeric or not delta else ("up" if delta > 0 else "down")
        changes.append(IndicatorChange(new.id, new.title, was.display, new.display, was.value, new.value,
                                       delta, direction, was.level, new.level, new.kind))
    return changes


def _headcounts(roles_today: list[Role], roles_proposed: list[Role]) -> dict[str, Headcounts]:
    today = {role.id: role.headcount for role in roles_today}
    proposed = {role.id: role.headcount for role in roles_proposed if role.change != "removed"}
    return {rid: Headcounts(today.get(rid), proposed.get(rid)) for rid in [*today, *proposed]}


def _roles(before: Diagnosis, after: Diagnosis) -> list[RoleChange]:
    old = _headcounts(before.current_structure, before.proposed_structure)
    new = _headcounts(after.current_structure, after.proposed_structure)
    today_before = {role.id for role in before.current_structure}
    today_after = {role.id for role in after.current_structure}
    titles: dict[str, Text] = {}
    for diagnosis in (before, after):  # the later audit's title wins
        titles.update({role.id: role.title for role in [*diagnosis.current_structure, *diagnosis.proposed_structure]})
    nothing = Headcounts(None, None)
    changes = []
    for rid in dict.fromkeys([*old, *new]):
        was, now = old.get(rid, nothing), new.get(rid, nothing)
        if was != now:
            changes.append(RoleChange(rid, titles.get(rid) or {}, was, now, rid in today_before, rid in today_after))
    return changes


def _totals(before: Diagnosis, after: Diagnosis) -> tuple[Headcounts, Headcounts] | None:
    if before.headcount_total is None or after.headcount_total is None:
        return None
    return (Headcounts(before.headcount_total.today, before.headcount_total.proposed),
            Headcounts(after.headcount_total.today, after.headcount_total.proposed))


def _tasks(before: Diagnosis, after: Diagnosis) -> list[TaskChange]:
    old = {task.task: task for task in before.tasks}
    changes = []
    for new in after.tasks:
        was = old.get(new.task)
        if was is None:
            continue
        if (was.previous_owner, was.owner) != (new.previous_owner, new.owner):
            changes.append(TaskChange(new.task, new.title, was.previous_owner, new.previous_owner, was.owner, new.owner))
    return changes


def movement(before: str, after: str) -> Movement:
    """How a rule's outcome moved from status `before` to `after` (either may be ABSENT)."""
    if before in _ASKS and after == "confirmed":
        return "carried_out"
    if before in _ASKS and after in _ASKS:
        return "still_open"
    if before == "confirmed" and after in _ASKS:
        return "regressed"
    if after in _ASKS:
        return "appeared"
    if before in _ASKS and after in ("not_fired", "not_applicable", ABSENT):
        return "resolved"
    if before == "confirmed" and after == "confirmed":
        return "kept"
    return "changed"


def _findings(before: Diagnosis, after: Diagnosis) -> list[FindingChange]:
    old = {finding.rule_id: finding for finding in before.findings}
    new = {finding.rule_id: finding for finding in after.findings}
    changes = []
    for rid in dict.fromkeys([*new, *old]):  # the later rulebook's order, then rules it dropped
        finding = new.get(rid) or old[rid]
        was = old[rid].status if rid in old else ABSENT
        now = new[rid].status if rid in new else ABSENT
        step = movement(was, now)
        if step == "changed" and was == now:
            continue  # the same outcome, and not one that asks or confirms anything
        changes.append(FindingChange(rid, finding.title, step, was, now, finding.source, finding.severity))
    order = {name: index for index, name in enumerate(MOVEMENTS)}
    changes.sort(key=lambda change: order[change.movement])  # stable: rule order within a movement
    return changes
