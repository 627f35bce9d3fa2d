"""`diagnose explain`: the diagnosis as plain terminal text in one language.

Shows the proposed structure as a tree of reporting lines, who owns each task, where
specialist support sits, what changes, the indicators, every finding with its rule id,
the book's reasoning, the conditions with their values and the answers read, then
sizing, what would change the key decisions, the roadmap and the parameters.
"""

from __future__ import annotations

import textwrap
from typing import Any

from diagnose.diagnosis import Diagnosis, Finding, Role
from diagnose.locale import locale
from diagnose.rules.words import headcount, word

_MARK = {True: "✓", False: "✗", None: "?"}
WIDTH = 96


def _labelled_list(label: str, items: list[dict[str, str]], lang: str) -> list[str]:
    """`    Label:` followed by one wrapped bullet per item; nothing when there are no items."""
    if not items:
        return []
    lines = [f"    {word(label, lang)}:"]
    for item in items:
        lines += _wrap(f"- {item[lang]}", "      ")
    return lines


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ") or [indent]


def _value(value: Any, lang: str) -> str:
    if value is None:
        return word("undetermined_value", lang)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return locale(lang).number(value, 2)
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


_PART_LABEL = {"premise": "label_premise", "condition": "label_conditions", "choice": "label_choice",
               "assignment": "label_assignment", "in_place": "label_in_place"}


def explain_text(diagnosis: Diagnosis, lang: str) -> str:
    """The whole explanation: a block per section, in the order the module docstring lists."""
    title = word("heading_title", lang, company=diagnosis.company.get("company", ""))
    lines = [title, "=" * len(title),
             word("heading_rulebook", lang, id=diagnosis.rulebook["id"], version=diagnosis.rulebook["version"]), ""]
    lines += _section("heading_structure", lang) + _tree(diagnosis.proposed_structure, lang, with_change=True)
    lines += _section("heading_today", lang) + _tree(diagnosis.current_structure, lang, with_change=False)
    for block in (_tasks, _support, _changes, _indicators, _findings, _conflicts, _sizing, _what_if, _roadmap,
                  _parameters, _section_notes):
        lines += block(diagnosis, lang)
    return "\n".join(lines).rstrip() + "\n"


def _section_notes(diagnosis: Diagnosis, lang: str) -> list[str]:
    """The consultant's notes on report chapters and questionnaire sections."""
    if not diagnosis.section_notes:
        return []
    lines = _section("heading_section_notes", lang)
    for key, note in diagnosis.section_notes.items():
        lines += _wrap(f"{key}: {' '.join(note.split())}", "  ")
    return lines


def _section(key: str, lang: str) -> list[str]:
    heading = word(key, lang)
    return ["", heading, "-" * len(heading)]


def _tasks(diagnosis: Diagnosis, lang: str) -> list[str]:
    titles = {r.id: r.title[lang] for r in diagnosis.proposed_structure + diagnosis.current_structure}
    lines = _section("heading_tasks", lang)
    for task in diagnosis.tasks:
        decided = task.rule_id or word("label_default", lang)
        text = f"  {task.title[lang]}: {titles.get(task.owner, task.owner)}  [{decided}]"
        if task.supported_by:
            text += f"; {word('label_supported_by', lang)}: " + ", ".join(titles.get(s, s) for s in task.supported_by)
        if task.previous_owner != task.owner:
            text += f"  ({word('label_was', lang)}: {titles.get(task.previous_owner or '', word('nobody', lang))})"
        lines += _wrap(text, "")
    return lines


def _support(diagnosis: Diagnosis, lang: str) -> list[str]:
    support = diagnosis.support
    lines = _section("heading_support", lang)
    lines += _wrap(f"{support.title.get(lang, support.mode)}" + (f"  [{', '.join(support.rule_ids)}]" if support.rule_ids else ""), "  ")
    if support.explanation:
        lines += _wrap(support.explanation[lang], "    ")
    return lines + _labelled_list("label_service_levels", support.service_levels, lang)


def _changes(diagnosis: Diagnosis, lang: str) -> list[str]:
    if not diagnosis.changes:
        return []
    lines = _section("heading_changes", lang)
    for change in diagnosis.changes:
        lines += _wrap(f"- {change[lang]}", "  ")
    return lines


def _indicators(diagnosis: Diagnosis, lang: str) -> list[str]:
    lines = _section("heading_indicators", lang)
    figures = locale(lang)
    for indicator in diagnosis.indicators:
        threshold = f"  ({word('label_threshold', lang, value=figures.number(indicator.threshold))})" if indicator.threshold is not None else ""
        level = f" — {word('level_' + indicator.level, lang)}" if indicator.level != "unknown" or indicator.value is None else ""
        lines.append(f"  {indicator.title[lang]}: {indicator.display[lang]}{level}{threshold}")
    return lines


def _findings(diagnosis: Diagnosis, lang: str) -> list[str]:
    lines = _section("heading_findings", lang)
    for finding in diagnosis.findings:
        lines += _finding(finding, lang)
    return lines


def _finding(finding: Finding, lang: str) -> list[str]:
    """One finding: status line, summary, the book's reasoning, actions, conditions, answers."""
    status = word(f"status_{finding.status}", lang)
    kind = f" ({word('label_complementary', lang)})" if finding.source == "complementary" else ""
    lines = [""]
    lines += _wrap(f"[{word('severity_' + finding.severity, lang)}] {finding.rule_id}{kind} — {finding.title[lang]}: {status}", "  ")
    if finding.overridden_by:
        lines.append(f"    {word('label_overridden_by', lang, rule=finding.overridden_by)}")
    if finding.decision is not None:
        lines += _wrap(word("label_decision", lang, status=word(f"decision_{finding.decision.status}", lang),
                            reason=finding.decision.reason), "    ")
    if finding.note:
        lines += _wrap(f"{word('label_note', lang)}: {' '.join(finding.note.split())}", "    ")
    lines += _wrap(finding.reader_summary[lang], "    ")
    if finding.status in ("fired", "confirmed", "overridden", "undetermined"):
        lines += _wrap(f"{word('label_why', lang)}: {finding.rationale[lang]} ({finding.reader_citation(lang)})", "    ")
    lines += _labelled_list("label_actions", finding.reader_actions, lang)
    lines += _labelled_list("label_find_out", finding.to_find_out, lang)
    lines += _conditions(finding, lang)
    if finding.evidence and finding.status not in ("not_fired", "not_applicable"):
        lines.append(f"    {word('label_evidence', lang)}:")
        for item in finding.evidence:
            lines += _wrap(f"- {item.text[lang]} — {item.display[lang]}", "      ")
    return lines


def _conditions(finding: Finding, lang: str) -> list[str]:
    """The condition trace, grouped under premise / conditions / roles chosen, values inline."""
    lines: list[str] = []
    part = ""
    for trace in finding.conditions:
        if trace.part != part:  # premise, condition, then the roles chosen
            part = trace.part
            lines.append(f"    {word(_PART_LABEL.get(part, 'label_conditions'), lang)}:")
        indent = "      " + "  " * trace.depth
        values = ", ".join(f"{k} = {_value(v, lang)}" for k, v in trace.values.items())
        text = f"{_MARK[trace.result]} {trace.source}" + (f"   [{values}]" if values else "")
        if trace.undetermined_by and trace.source not in ("all", "any"):
            text += f"   ({', '.join(trace.undetermined_by)})"
        lines += _wrap(text, indent)
    return lines


def _conflicts(diagnosis: Diagnosis, lang: str) -> list[str]:
    if not diagnosis.conflicts:
        return []
    lines = _section("heading_conflicts", lang)
    for conflict in diagnosis.conflicts:
        lines += _wrap("- " + word("conflict_line", lang, **conflict.__dict__), "  ")
    return lines


def _sizing(diagnosis: Diagnosis, lang: str) -> list[str]:
    if not diagnosis.sizing:
        return []
    lines = _section("heading_sizing", lang)
    for line in diagnosis.sizing:
        lines += _wrap(f"{line.title[lang]}: {locale(lang).formula(line.formula)}", "  ")
        if line.explanation:
            lines += _wrap(line.explanation[lang], "    ")
    return lines


def _what_if(diagnosis: Diagnosis, lang: str) -> list[str]:
    if not diagnosis.what_would_change:
        return []
    lines = _section("heading_whatif", lang)
    for flip in diagnosis.what_would_change:
        outcome = flip.current[lang] if flip.current == flip.would_become else f"{flip.current[lang]} → {flip.would_become[lang]}"
        lines += _wrap(f"{flip.title[lang]}: {outcome}", "  ")
        lines += _wrap(flip.change[lang], "    ")
    return lines


def _roadmap(diagnosis: Diagnosis, lang: str) -> list[str]:
    if not diagnosis.roadmap:
        return []
    lines = _section("heading_roadmap", lang)
    for index, step in enumerate(diagnosis.reader_roadmap, 1):
        lines += _wrap(f"{index}. {step[lang]}", "  ")
    return lines


def _parameters(diagnosis: Diagnosis, lang: str) -> list[str]:
    lines = _section("heading_parameters", lang)
    figures = locale(lang)

    def shown(value: object) -> str:  # a parameter without a default that nobody gave is None
        return word("parameter_not_given", lang) if value is None else figures.exact(value)

    for parameter in diagnosis.parameters:
        mark = f"  [{word('label_overridden_param', lang)}; {word('label_default_param', lang, value=shown(parameter.default))}]" if parameter.overridden else ""
        lines += _wrap(f"{parameter.id} = {shown(parameter.value)}{mark} — {parameter.explanation.get(lang, '')}", "  ")
    return lines


def _tree(roles: list[Role], lang: str, with_change: bool) -> list[str]:
    by_boss: dict[str | None, list[Role]] = {}
    ids = {r.id for r in roles}
    for role in roles:
        boss = role.reports_to if role.reports_to in ids else None
        by_boss.setdefault(boss, []).append(role)
    lines: list[str] = []

    def walk(boss: str | None, depth: int) -> None:
        for role in by_boss.get(boss, []):
            text = f"{'  ' * (depth + 1)}{role.title[lang]} — {headcount(role.headcount, lang)}"
            if with_change and role.change not in ("existing", "unchanged"):
                text += f"  [{word('role_change_' + role.change, lang)}]"
            if with_change and role.rule_ids:
                text += f"  ({', '.join(role.rule_ids)})"
            lines.append(text)
            walk(role.id, depth + 1)

    walk(None, 0)
    return lines
