"""The consultant's judgement in an answer file: `notes:` and `decisions:`.

`notes:` maps a rule id or a section id to the consultant's note, shown beside that
recommendation or section in the report and the JSON. A section id is one of the
report's chapters (`REPORT_SECTIONS`) or one of the questionnaire's sections (its note
is shown beside that section's answers in the appendix; the interview's `!` stores
notes there). `decisions:` maps a rule id to the client's decision about the book's
recommendation: accepted, rejected or deferred, always with a reason.

The shape of both is checked with the rest of the answer file (`read_judgement`, the
questionnaire alone is enough); the ids are checked against the rulebook when it is
known (`check_ids`: `diagnose report`, `explain`, batch and `validate`). The book's
recommendation is never changed by a decision: the report shows both (docs/formats.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from diagnose.errors import Location, ProblemList, UserError, one_of, unknown
from diagnose.schema import Checker, describe
from diagnose.yamlio import Document, layout_problem, load_document, position

STATUSES = ("accepted", "rejected", "deferred")
# the report's chapters a note may stand beside (report_templates/report.html's parts)
REPORT_SECTIONS = ("summary", "board", "dimensions", "orgchart", "matrix", "recommendations", "workload",
                   "roadmap", "appendix", "methodology")
MAX_NOTE = 2000  # characters of a note or a reason: a paragraph beside a recommendation
TOP_KEYS = ("notes", "decisions")


@dataclass
class Decision:
    """The client's decision about one recommendation."""

    status: str  # one of STATUSES
    reason: str


@dataclass
class Judgement:
    """What the consultant wrote into the answer file beside the answers."""

    notes: dict[str, str] = field(default_factory=dict)  # rule or section id -> note
    decisions: dict[str, Decision] = field(default_factory=dict)  # rule id -> decision

    def __bool__(self) -> bool:
        return bool(self.notes or self.decisions)


def read_judgement(check: Checker, data: Any) -> Judgement:
    """`notes:` and `decisions:` of an answer file, their shape checked (ids: `check_ids`)."""
    judgement = Judgement()
    notes = data.get("notes")
    if notes is not None:
        if not isinstance(notes, dict):
            check.error(data, "notes", "notes", f"expected a mapping of rule or section id to a note, got {describe(notes)}")
        else:
            for key in notes:
                checked = _text(check, notes, key, f"notes.{key}", "the note")
                if checked is not None:
                    judgement.notes[str(key)] = checked
    decisions = data.get("decisions")
    if decisions is not None:
        if not isinstance(decisions, dict):
            check.error(data, "decisions", "decisions",
                        f"expected a mapping of rule id to a decision (status, reason), got {describe(decisions)}")
        else:
            for key, entry in decisions.items():
                decision = _decision(check, decisions, key, entry)
                if decision is not None:
                    judgement.decisions[str(key)] = decision
    return judgement


def _decision(check: Checker, decisions: Any, key: Any, entry: Any) -> Decision | None:
    path = f"decisions.{key}"
    if not isinstance(entry, dict):
        check.error(decisions, key, path, f"expected a mapping with 'status' and 'reason', got {describe(entry)}")
        return None
    check.keys(entry, path, ("status", "reason"), ("status", "reason"))
    status = entry.get("status")
    good = True
    if "status" in entry and status not in STATUSES:
        shown = None if isinstance(status, str) else describe(status)
        check.error(entry, "status", f"{path}.status", unknown("status", status, STATUSES, shown))
        good = False
    reason = _text(check, entry, "reason", f"{path}.reason", "the reason for the decision") if "reason" in entry else None
    if not good or reason is None or "status" not in entry:
        return None
    return Decision(str(status), reason)


def _text(check: Checker, container: Any, key: Any, path: str, what: str) -> str | None:
    """A note or reason: text, not empty, at most MAX_NOTE characters, no layout characters."""
    value = container[key]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        check.error(container, key, path, f"expected {what} as text, got {describe(value)}")
        return None
    if not value.strip():
        check.error(container, key, path, f"expected {what}, got nothing")
        return None
    if len(value) > MAX_NOTE:
        check.error(container, key, path, f"text has {len(value)} characters, more than the {MAX_NOTE} allowed")
        return None
    layout = layout_problem(value)
    if layout:
        check.error(container, key, path, layout)
        return None
    return value.strip()


def section_ids(questionnaire: Any) -> list[str]:
    """The section ids a note may name: the report's chapters, then the questionnaire's sections."""
    return [*REPORT_SECTIONS, *(s.id for s in questionnaire.sections if s.id not in REPORT_SECTIONS)]


def check_ids(judgement: Judgement, rule_ids: list[str], sections: list[str], document: Document | None,
              path: str) -> None:
    """Raise a located UserError for a note or decision naming an id the rulebook and the
    report do not have. A document read without positions (libyaml's fast reading) is
    read again the careful way for them."""
    notes_ok = set(rule_ids) | set(sections)
    bad_notes = [key for key in judgement.notes if key not in notes_ok]
    bad_decisions = [key for key in judgement.decisions if key not in rule_ids]
    if not bad_notes and not bad_decisions:
        return
    if document is None or getattr(document.data, "lc", None) is None:
        document = load_document(path, document.path if document is not None else None)
    data = document.data
    problems = ProblemList()
    rules = f"the id of one of the rulebook's {len(rule_ids)} rules (diagnose explain shows them)"
    for key in bad_notes:
        line, column = position(data.get("notes"), key)
        problems.add(Location(document.path, line, column, f"notes.{key}"),
                     unknown("rule or section id", key, [*rule_ids, *sections], listed=False)
                     + f"; expected {rules} or a section: {one_of(sections, limit=len(sections))}")
    for key in bad_decisions:
        line, column = position(data.get("decisions"), key)
        problems.add(Location(document.path, line, column, f"decisions.{key}"),
                     unknown("rule id", key, rule_ids, listed=False) + f"; expected {rules}")
    raise UserError(problems.items)


__all__ = ["Decision", "Judgement", "MAX_NOTE", "REPORT_SECTIONS", "STATUSES", "TOP_KEYS", "check_ids",
           "read_judgement", "section_ids"]
