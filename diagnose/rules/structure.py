"""Today's structure, the proposed one, task owners and what changes between them.

Today's roles come from the headcount answers (the rulebook's `roles.*.today`). The
proposal keeps every role that exists (sizing never proposes cuts), adds the roles
rules call for and every role that ends up owning a task, sets headcounts from rules
or sizing, and picks each reporting line as the first listed manager that exists.
`check_consistency` states the guarantees: every task has exactly one owner, every
owner and manager exists, reporting lines have no cycle, the support placement has the
roles it needs, and every decision of a rule that stands is reflected in the result.
"""

from __future__ import annotations

from dataclasses import dataclass

from diagnose.diagnosis import ROLE_IDS, TASK_IDS, Diagnosis, Role, TaskAssignment
from diagnose.rules.decide import Outcome, condition_traces, condition_value
from diagnose.rules.domain import placement_today
from diagnose.rules.rulebook import CLAIMABLE_MODES, Rulebook
from diagnose.rules.sizing import DEFAULT_STEP, planning_step, round_up
from diagnose.rules.words import LANGS, both, headcount, number, word

Text = dict[str, str]


@dataclass
class Structure:
    current: list[Role]
    proposed: list[Role]
    tasks: list[TaskAssignment]
    changes: list[Text]
    reader_changes: list[Text]  # the same for a reader: no rule ids


def _boss(candidates: list[str], present: set[str]) -> str | None:
    return next((r for r in candidates if r in present), None)


def _proposed_boss(default: list[str], outcome: Outcome, role: str, present: set[str]) -> str | None:
    """A rule's `reports_to` lists the managers it accepts, in order of preference: a role
    whose manager today is one of them keeps that manager; otherwise the first that exists,
    and failing all, the role's own line. A role no rule speaks of keeps today's manager."""
    line = outcome.winners.get(("reports_to", role))
    accepted = list(line.value) if line else None
    today = outcome.today_boss.get(role)
    if today in present and (accepted is None or today in accepted):
        return today
    return _boss(accepted or [], present) or _boss(default, present)


def build_structure(rulebook: Rulebook, outcome: Outcome, sized: dict[str, float]) -> Structure:
    roles = rulebook.roles
    today = outcome.today_roles
    today_present = set(today)
    current = [Role(r, roles[r].title, today[r], outcome.today_boss.get(r), "existing") for r in ROLE_IDS if r in today]

    # Which roles the proposal has, and why.
    reasons: dict[str, list[str]] = {r: [] for r in ROLE_IDS}
    present = set(today_present)
    for claim in outcome.role_claims:
        present.add(claim.key[1])
        reasons[claim.key[1]].append(claim.rule)
    for task, owner in outcome.owner.items():
        present.add(owner)
        rule = outcome.owner_rule.get(task)
        if rule and rule not in reasons[owner]:
            reasons[owner].append(rule)
    step = float(planning_step(rulebook.domain.sizing, outcome.params) or DEFAULT_STEP)

    proposed: list[Role] = []
    for r in ROLE_IDS:
        if r not in present:
            continue
        definition = roles[r]
        headcount = today.get(r) if r in today else (None if definition.headcount_unknown else 1.0)
        claim = outcome.winners.get(("headcount", r))
        if claim is not None and not definition.headcount_unknown:
            if claim.value == "sizing":
                if r in sized:
                    headcount = sized[r] if r not in today else max(float(today[r] or 0), sized[r])
            else:
                headcount = round_up(float(claim.value), step) if r not in today else max(float(today[r] or 0), float(claim.value))
            if claim.rule not in reasons[r]:
                reasons[r].append(claim.rule)
        boss = _proposed_boss(definition.reports_to, outcome, r, present - {r})
        if r not in today:
            change = "new"
        elif headcount is not None and today[r] is not None and headcount > today[r]:
            change = "grown"
        else:
            change = "unchanged"
        if isinstance(headcount, float) and headcount.is_integer():
            headcount = int(headcount)
        note = both("headcount_unknown") if headcount is None else {}
        proposed.append(Role(r, definition.title, headcount, boss, change, note, reasons[r]))  # type: ignore[arg-type]

    tasks = []
    for t in TASK_IDS:
        owner = outcome.owner[t]
        supported = [s for s in outcome.supported_by.get(t, []) if s in present and s != owner]
        tasks.append(TaskAssignment(t, rulebook.tasks[t].title, owner, supported, outcome.owner_rule.get(t), outcome.today_owner.get(t)))

    changes = _changes(rulebook, outcome, current, proposed, tasks)
    reader = _changes(rulebook, outcome, current, proposed, tasks, for_reader=True)
    return Structure(current, proposed, tasks, changes, reader)


def _title(rulebook: Rulebook, role: str | None, lang: str) -> str:
    if role is None:
        return word("no_manager", lang)
    return rulebook.roles[role].title[lang]


def _changes(rulebook: Rulebook, outcome: Outcome, current: list[Role], proposed: list[Role], tasks: list[TaskAssignment],
             for_reader: bool = False) -> list[Text]:
    """Today vs the proposal, one sentence each; `for_reader`: a task's move without the
    id of the rule that decided it (the report's client body names no rule ids)."""
    today = {r.id: r for r in current}
    lines: list[Text] = []
    for role in proposed:
        before = today.get(role.id)
        if role.change == "new":
            lines.append({lang: word("change_role_new", lang, role=role.title[lang], headcount=headcount(role.headcount, lang),
                                     boss=_title(rulebook, role.reports_to, lang)) for lang in LANGS})
        elif role.change == "grown" and before is not None:
            lines.append({lang: word("change_role_grown", lang, role=role.title[lang], old=number(before.headcount, lang),
                                     new=number(role.headcount, lang)) for lang in LANGS})
        if before is not None and before.reports_to != role.reports_to:
            lines.append({lang: word("change_reports_to", lang, role=role.title[lang], boss=_title(rulebook, role.reports_to, lang),
                                     old=_title(rulebook, before.reports_to, lang)) for lang in LANGS})
    for task in tasks:
        if task.owner == task.previous_owner:
            continue
        key = "change_task_assigned" if task.previous_owner is None else "change_task_moved"
        key += "_reader" if for_reader else ""
        lines.append({lang: word(key, lang, task=task.title[lang], old=_title(rulebook, task.previous_owner, lang),
                                 new=_title(rulebook, task.owner, lang),
                                 rule=task.rule_id or word("label_default", lang)) for lang in LANGS})
    mode = outcome.support_mode
    placed = placement_today(rulebook.domain, outcome.env)
    if mode in CLAIMABLE_MODES and placed is not None and placed.mode != mode:
        lines.append({lang: word("change_support", lang, mode=rulebook.support_modes[mode]["title"][lang],
                                 old=word(placed.text, lang)) for lang in LANGS})
    return lines


def confirmed_rules(rulebook: Rulebook, outcome: Outcome, structure: Structure) -> list[str]:
    """Rules that hold and ask for what the company already has: every decision a rule
    won is today's state (task owner, support placement, role present, its headcount and
    reporting line unchanged) and its `confirmed_when`, if any, holds. Only rules with a
    `confirmed` text can be confirmed; a rule that decides nothing needs `confirmed_when`.
    A rule that did not fire is confirmed when its `in_place_when` holds."""
    current = {r.id: r for r in structure.current}
    proposed = {r.id: r for r in structure.proposed}
    tasks = {t.task: t for t in structure.tasks}
    lost = {(c.loser, c.decision) for c in outcome.conflicts}
    placed = placement_today(rulebook.domain, outcome.env)  # today's support placement
    result = []
    for rule in rulebook.rules:
        if outcome.status.get(rule.id) == "not_fired" and rule.in_place_when is not None \
                and condition_value(rule.in_place_when, outcome) is True:
            result.append(rule.id)  # not needed because what it recommends is done
            outcome.traces[rule.id] += condition_traces(rule.in_place_when, outcome, "in_place")
            continue
        if outcome.status.get(rule.id) != "fired" or not rule.confirmed:
            continue
        if rule.confirmed_when is not None and condition_value(rule.confirmed_when, outcome) is not True:
            continue
        if rule.confirmed_when is None and not (rule.assign or rule.support or rule.roles):
            continue
        in_place = all(
            tasks[a.task].owner == tasks[a.task].previous_owner
            for a in rule.assign
            if (rule.id, f"task:{a.task}") not in lost and outcome.chosen.get((rule.id, a.task), True) is not None
        )
        if rule.support and (rule.id, "support") not in lost:
            in_place = in_place and placed is not None and placed.mode == rule.support.mode
        for change in rule.roles:
            before, after = current.get(change.role), proposed.get(change.role)
            in_place = in_place and before is not None and after is not None and after.change == "unchanged" \
                and after.reports_to == before.reports_to
        if in_place:
            result.append(rule.id)
    return result


def check_consistency(diagnosis: Diagnosis, rulebook: Rulebook | None = None) -> list[str]:
    """Every way the diagnosis could contradict itself; empty when it is sound.

    With the rulebook, also checks that the support placement has the role the rulebook
    says it needs, and that every task a standing rule assigns went to the role it named,
    unless that rule lost the task to a higher priority (a recorded conflict).
    """
    roles = {r.id: r for r in diagnosis.proposed_structure}
    problems: list[str] = []
    if len(roles) != len(diagnosis.proposed_structure):
        problems.append("a role appears twice in the proposed structure")
    problems += _owner_problems(diagnosis, roles)
    problems += _reporting_problems(roles)
    problems += _finding_problems(diagnosis)
    problems += _conflict_problems(diagnosis)
    if rulebook is not None:
        needs = rulebook.domain.needs.get(diagnosis.support.mode)
        if needs and needs not in roles:
            problems.append(f"support is '{diagnosis.support.mode}' but the structure has no '{needs}'")
        problems += _assignment_problems(diagnosis, rulebook)
    return problems


def _owner_problems(diagnosis: Diagnosis, roles: dict[str, Role]) -> list[str]:
    """Every task has one owner, and owners and helpers are in the proposed structure."""
    problems = []
    owners: dict[str, list[str]] = {}
    for task in diagnosis.tasks:
        owners.setdefault(task.task, []).append(task.owner)
    for task_id in TASK_IDS:
        found = owners.get(task_id, [])
        if len(found) != 1:
            problems.append(f"task '{task_id}' has {len(found)} owners: {', '.join(found) or 'none'}")
    for task in diagnosis.tasks:
        if task.owner not in roles:
            problems.append(f"task '{task.task}' is owned by '{task.owner}', which is not in the proposed structure")
        for helper in task.supported_by:
            if helper not in roles:
                problems.append(f"task '{task.task}' is supported by '{helper}', which is not in the proposed structure")
    return problems


def _reporting_problems(roles: dict[str, Role]) -> list[str]:
    """Every manager exists and reporting lines have no cycle."""
    problems = []
    for role in roles.values():
        seen = {role.id}
        boss = role.reports_to
        while boss is not None:
            if boss not in roles:
                problems.append(f"'{role.id}' reports to '{boss}', which is not in the proposed structure")
                break
            if boss in seen:
                problems.append(f"reporting lines form a cycle through '{boss}'")
                break
            seen.add(boss)
            boss = roles[boss].reports_to
    return problems


def _finding_problems(diagnosis: Diagnosis) -> list[str]:
    """A rule stands only if its traced conditions held; a task's rule fired."""
    problems = []
    for finding in diagnosis.findings:
        if finding.status == "overridden" and not finding.overridden_by:
            problems.append(f"rule '{finding.rule_id}' is overridden but names no winner")
        if finding.status not in ("fired", "confirmed"):
            continue
        tops = [t for t in finding.conditions if t.depth == 0 and t.part in ("premise", "condition")]
        in_place = [t for t in finding.conditions if t.depth == 0 and t.part == "in_place"]
        if finding.status == "confirmed" and in_place:
            tops = in_place + [t for t in tops if t.part == "premise"]
        for trace in tops:
            if trace.result is not True:
                problems.append(f"rule '{finding.rule_id}' {finding.status} although its {trace.part} is {trace.result}")
    for task in diagnosis.tasks:
        if task.rule_id is not None:
            fired = next((f for f in diagnosis.findings if f.rule_id == task.rule_id), None)
            if fired is None or fired.status not in ("fired", "confirmed", "overridden"):
                problems.append(f"task '{task.task}' was decided by '{task.rule_id}', which did not fire")
    return problems


def _conflict_problems(diagnosis: Diagnosis) -> list[str]:
    """The winner of every recorded conflict got the task, and had the higher priority."""
    problems = []
    owner = {t.task: t.owner for t in diagnosis.tasks}
    for conflict in diagnosis.conflicts:
        if conflict.decision.startswith("task:"):
            task_id = conflict.decision.split(":", 1)[1]
            if owner.get(task_id) != conflict.winner_value:
                problems.append(f"task '{task_id}' went to '{owner.get(task_id)}' although '{conflict.winner}' won it")
            if conflict.winner_priority < conflict.loser_priority:
                problems.append(f"'{conflict.loser}' lost '{conflict.decision}' to a lower priority")
    return problems


def _assignment_problems(diagnosis: Diagnosis, rulebook: Rulebook) -> list[str]:
    """Every task a standing rule assigns went to a role it accepts, or it lost a conflict."""
    problems = []
    owner = {t.task: t.owner for t in diagnosis.tasks}
    lost = {(c.loser, c.decision) for c in diagnosis.conflicts}
    for finding in diagnosis.findings:
        rule = rulebook.rule(finding.rule_id)
        if finding.status not in ("fired", "confirmed") or rule is None:
            continue
        # an assignment with its own `when` is made only where that held (its trace line)
        skipped = {t.source.split(":", 1)[0] for t in finding.conditions if t.part == "assignment" and t.result is not True}
        for assignment in rule.assign:
            decision = f"task:{assignment.task}"
            if assignment.task in skipped:
                continue
            if owner.get(assignment.task) not in assignment.allowed and (rule.id, decision) not in lost:
                problems.append(
                    f"rule '{rule.id}' gives '{assignment.task}' to '{'/'.join(assignment.allowed)}', but the owner is "
                    f"'{owner.get(assignment.task)}' with no conflict recorded"
                )
    return problems
