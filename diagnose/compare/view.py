"""A `Comparison` worded for a reader in one language: the rows the terminal text and
the HTML/PDF page both show, every figure and date formatted by the language's `Locale`.

Nothing here decides anything: it words what `model.compare` found.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from diagnose.compare.model import Comparison, FindingChange, Headcounts, IndicatorChange
from diagnose.compare.words import word
from diagnose.locale import locale


@dataclass
class Section:
    """One part of the comparison: a heading, column headings, rows, and what to say
    when there are no rows."""

    key: str
    heading: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    empty: str = ""
    tone: list[str] = field(default_factory=list)  # per row: the movement (findings) or ""


@dataclass
class View:
    lang: str
    title: str
    company: str
    audits: str
    notes: list[str]  # versions that differ, a company renamed
    headline: str
    sections: list[Section]


def _date(value: object, lang: str) -> str:
    return locale(lang).date(value) if value else word("no_date", lang)


def _arrow(before: str, after: str) -> str:
    return f"{before} → {after}"


def _finding_rows(changes: list[FindingChange], lang: str) -> tuple[list[list[str]], list[str]]:
    rows = [[word(f"movement_{change.movement}", lang), change.title.get(lang, change.rule_id),
             _arrow(word(f"status_{change.before}", lang), word(f"status_{change.after}", lang)), change.rule_id]
            for change in changes]
    return rows, [change.movement for change in changes]


def indicator_change(change: IndicatorChange, lang: str) -> str:
    """"up by 4", "down by 67.5 pp", "changed": the direction and its size in `lang`."""
    if change.direction == "changed" or change.delta is None:
        return word("direction_changed", lang)
    size = locale(lang).grouped(abs(change.delta))
    if change.kind == "percent":
        size = word("size_points", lang, n=size)
    return word(f"direction_{change.direction}", lang, size=size)


def _headcount(value: float | None, lang: str) -> str:
    """A headcount, or a dash for a role absent from that structure (or of unknown size)."""
    return word("no_role", lang) if value is None else locale(lang).grouped(value)


def _role_cells(before: Headcounts, after: Headcounts, lang: str) -> list[str]:
    """Each audit's "today → proposed": what the first audit found and proposed, and
    what the follow-up finds (the proposal carried out, or not) and proposes now."""
    return [_arrow(_headcount(before.today, lang), _headcount(before.proposed, lang)),
            _arrow(_headcount(after.today, lang), _headcount(after.proposed, lang))]


def view(comparison: Comparison, lang: str) -> View:
    """The comparison's words and rows in `lang`."""
    def role(role_id: str | None) -> str:
        if role_id is None:
            return word("nobody", lang)
        return comparison.role_titles.get(role_id, {}).get(lang) or role_id

    notes = []
    if comparison.versions[0] != comparison.versions[1]:
        notes.append(word("versions", lang, before=comparison.versions[0], after=comparison.versions[1]))
    if comparison.company["before"] and comparison.company["before"] != comparison.company["after"]:
        notes.append(word("company_renamed", lang, name=comparison.company["before"]))
    finding_rows, tones = _finding_rows(comparison.findings, lang)
    sections = [
        Section("findings", word("findings", lang), [word("outcome", lang), word("rule", lang), word("change", lang)],
                finding_rows, word("no_findings", lang), tones),
        Section("answers", word("answers", lang), [word("question", lang), word("before", lang), word("after", lang)],
                [[a.text.get(lang, a.question_id), a.before.get(lang, ""), a.after.get(lang, "")]
                 for a in comparison.answers], word("no_answers", lang)),
        Section("indicators", word("indicators", lang),
                [word("indicator", lang), word("before", lang), word("after", lang), word("change", lang)],
                [[i.title.get(lang, i.id), i.before.get(lang, ""), i.after.get(lang, ""), indicator_change(i, lang)]
                 for i in comparison.indicators], word("no_indicators", lang)),
    ]
    role_rows = [[role(r.id), *_role_cells(r.before, r.after, lang)] for r in comparison.roles]
    if comparison.roles and comparison.headcount is not None:
        role_rows.append([word("department", lang), *_role_cells(*comparison.headcount, lang)])
    plans = [word("plan_before", lang), word("plan_after", lang)]
    sections.append(Section("roles", word("roles", lang), [word("role", lang), *plans], role_rows, word("no_roles", lang)))
    sections.append(Section("tasks", word("tasks", lang), [word("task", lang), *plans],
                            [[t.title.get(lang, t.task), _arrow(role(t.today_before), role(t.proposed_before)),
                              _arrow(role(t.today_after), role(t.proposed_after))] for t in comparison.tasks],
                            word("no_tasks", lang)))
    for key, changes, side in (("only_before", comparison.only_before, "before"),
                               ("only_after", comparison.only_after, "after")):
        if changes:  # only when the versions differ: no heading saying "nothing"
            sections.append(Section(key, word(key, lang), [word("question", lang), word(side, lang)],
                                    [[c.text.get(lang, c.question_id), getattr(c, side).get(lang, "")] for c in changes]))
    company = comparison.company["after"] or comparison.company["before"]
    return View(lang, word("title", lang), company,
                word("audits", lang, before=_date(comparison.dates[0], lang), after=_date(comparison.dates[1], lang)),
                notes, comparison.headline.get(lang, ""), sections)
