"""The Diagnosis: the one object every output (terminal, JSON, HTML, PDF) is made from.

Produced by `diagnose.rules.evaluate`, consumed by `explain`, the JSON writer and the
report. Plain dataclasses over plain data; texts a person reads are `Text` mappings
{lang: str} so one diagnosis serves both languages. `to_json` gives the documented,
versioned schema (docs/diagnosis-schema.md); role and task ids are BRIEF.md's glossary.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, Literal

SCHEMA_VERSION = "1.2"

Text = dict[str, str]  # {"ru": ..., "en": ...}
# Marks a field that the reports and the terminal read but the JSON leaves out: the JSON
# schema stays as documented, while a person reads words where the JSON has a raw value.
NOT_IN_JSON: dict[str, bool] = {"json": False}
ROLE_IDS = (
    "head_of_commercial",
    "head_of_sales",
    "hunter",
    "account_manager",
    "senior_account_manager",
    "operations",
    "sales_support_specialist",
    "specialist_department",
)
TASK_IDS = (
    "new_client_acquisition",
    "assortment_expansion",
    "client_relationship",
    "order_processing",
    "order_fulfilment_control",
    "solution_design",
)
# fired: it holds and asks for a change; confirmed: it holds and the company already does
# what it asks; not_fired: its premise applies, its condition does not hold;
# not_applicable: its premise is absent; undetermined: it depends on a missing answer;
# overridden: it held but a higher priority won every decision it made.
Status = Literal["fired", "confirmed", "not_fired", "not_applicable", "undetermined", "overridden"]
Severity = Literal["info", "advice", "important", "critical"]


@dataclass
class Evidence:
    """One answer (or computed value) a rule read, as the client gave it."""

    name: str  # question or computed id
    text: Text  # the question's text
    value: Any  # the JSON-able raw value ("dont_know", 12, ["a"], ...)
    display: Text  # the value as a person reads it, per language


@dataclass
class ConditionTrace:
    """One atomic condition of a rule and what it evaluated to."""

    source: str  # the condition as written in the rulebook
    result: bool | None  # None = undetermined
    reads: list[str] = field(default_factory=list)  # names it read
    undetermined_by: list[str] = field(default_factory=list)  # "name (dont_know)" ...
    depth: int = 0  # nesting: 0 = the rule's top all/any group, 1 = its items, ...
    values: dict[str, Any] = field(default_factory=dict)  # name -> value it had (JSON-able)
    part: str = "condition"  # "premise" (the rule's applies_when) or "condition" (its when)


@dataclass
class ClientDecision:
    """The client's decision about a recommendation; the recommendation itself stays the book's."""

    status: Literal["accepted", "rejected", "deferred"]
    reason: str


@dataclass
class Finding:
    """The outcome of one rule for this company."""

    rule_id: str  # the rule's id in the rulebook
    source: Literal["book", "complementary"]
    status: Status
    severity: Severity
    title: Text
    summary: Text  # what we recommend, one sentence
    rationale: Text  # the book's reasoning, paraphrased
    citation: str  # "Erokhin & Klimov, Client Base Management (2024), R1"
    actions: list[Text] = field(default_factory=list)
    conditions: list[ConditionTrace] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    to_find_out: list[Text] = field(default_factory=list)  # for undetermined rules
    overridden_by: str | None = None  # rule id that won a conflict
    priority: int = 0
    note: str | None = None  # the consultant's note on this recommendation (answer file `notes:`)
    decision: ClientDecision | None = None  # the client's decision about it (answer file `decisions:`)
    # for a reader, not the JSON: the summary and actions with unknown values in words
    # (the JSON keeps "?"), and the citation in each language
    worded_summary: Text = field(default_factory=dict, metadata=NOT_IN_JSON)
    worded_actions: list[Text] = field(default_factory=list, metadata=NOT_IN_JSON)
    worded_citation: Text = field(default_factory=dict, metadata=NOT_IN_JSON)
    book_citation: Text = field(default_factory=dict, metadata=NOT_IN_JSON)  # the source without the rule id, for a client

    # What a reader sees (a finding built without the worded texts shows the JSON's).
    @property
    def reader_summary(self) -> Text:
        return self.worded_summary or self.summary

    @property
    def reader_actions(self) -> list[Text]:
        return self.worded_actions or self.actions

    def reader_citation(self, lang: str, with_rule: bool = True) -> str:
        """The source a reader sees; without `with_rule`, the book alone (a client's report
        names no rule ids)."""
        if not with_rule and self.book_citation.get(lang):
            return self.book_citation[lang]
        return self.worded_citation.get(lang) or self.citation


@dataclass
class Role:
    """A role in a structure (today's or proposed)."""

    id: str  # one of ROLE_IDS
    title: Text
    headcount: float | None  # None = unknown; fractional FTE allowed in proposals
    reports_to: str | None  # role id
    change: Literal["existing", "new", "grown", "reduced", "unchanged", "removed"] = "existing"
    note: Text = field(default_factory=dict)
    rule_ids: list[str] = field(default_factory=list)
    # proposed minus today's headcount (a role new in the proposal counts 0 today); None
    # when either is unknown, and in today's structure
    delta: float | None = None


@dataclass
class TaskAssignment:
    task: str  # one of TASK_IDS
    title: Text
    owner: str  # role id: exactly one owner per task
    supported_by: list[str] = field(default_factory=list)  # role ids that help
    rule_id: str | None = None  # the rule that decided it (None = default)
    previous_owner: str | None = None  # today's owner when known


@dataclass
class SupportPlacement:
    mode: Literal["inside_sales", "separate_with_controls", "hybrid", "not_needed", "undetermined"]
    title: Text
    explanation: Text
    rule_ids: list[str] = field(default_factory=list)
    service_levels: list[Text] = field(default_factory=list)  # what to agree, when separate


@dataclass
class Indicator:
    """A derived measure shown by dimension in the report."""

    id: str
    title: Text
    dimension: Literal["complexity", "operational_load", "support_speed", "temperament", "share_of_wallet", "scale"]
    value: float | str | None  # None = undetermined
    display: Text
    level: Literal["low", "medium", "high", "unknown"] = "unknown"
    scale_max: float | None = None  # for bar charts
    threshold: float | None = None  # the parameter it is compared with, if any
    explanation: Text = field(default_factory=dict)
    kind: str = field(default="", metadata=NOT_IN_JSON)  # the rulebook's kind (flag: a yes/no), for drawing


@dataclass
class SizingLine:
    """One step of the headcount arithmetic, shown with its formula."""

    role: str
    title: Text
    formula: str  # e.g. "1200 orders × 15 min ÷ 60 ÷ 120 h"
    result: float | None
    inputs: dict[str, Any] = field(default_factory=dict)
    explanation: Text = field(default_factory=dict)
    proposes: bool = False  # the line gives the role's headcount (rounded up to the planning step)


@dataclass
class Flip:
    """The smallest change of answers that would flip a key decision."""

    decision: str  # the id of one of the rulebook's key_decisions
    title: Text
    current: Text
    would_become: Text
    change: Text  # e.g. "if AM operational share were below 30 % (now 76 %)"


@dataclass
class Parameter:
    id: str
    value: float | int | str | None  # None: a parameter without a default that nobody gave
    default: float | int | str | None
    source: str
    explanation: Text
    overridden: bool = False
    worded_source: Text = field(default_factory=dict, metadata=NOT_IN_JSON)  # `source` per language

    def reader_source(self, lang: str) -> str:
        return self.worded_source.get(lang) or self.source


@dataclass
class AnswerLine:
    """One question with its answer, for the appendix."""

    section: Text
    question_id: str
    text: Text
    display: Text
    state: Literal["answered", "dont_know", "not_applicable", "unanswered", "hidden"]
    section_id: str = field(default="", metadata=NOT_IN_JSON)  # the questionnaire section's id (its note)


@dataclass
class Conflict:
    """Two rules that decided one thing differently: the higher priority won."""

    decision: str  # "task:assortment_expansion", "support", "reports_to:operations", "headcount:account_manager"
    winner: str  # rule id
    winner_value: str
    winner_priority: int
    loser: str  # rule id
    loser_value: str
    loser_priority: int


@dataclass
class Narrative:
    """The summary's words for this company, chosen by the rulebook's `narrative` section
    (rules/narrative.py): the headline, the lead sentences, what it adds to "what changes"."""

    headline: Text = field(default_factory=dict)
    lead: list[Text] = field(default_factory=list)
    changes: list[Text] = field(default_factory=list)


@dataclass
class HeadcountTotal:
    """The sales department's headcount today and proposed: the sum of the roles whose
    headcount is known on both sides (`left_out`: the roles that are not)."""

    today: float
    proposed: float
    left_out: list[str] = field(default_factory=list)  # role ids


@dataclass
class CostChange:
    """The monthly cost of the headcount change, for the roles the consultant gave a cost."""

    currency: str  # ISO 4217 code
    roles: dict[str, float]  # role id -> delta × monthly cost (roles with a delta and a cost)
    total: float
    without_cost: list[str] = field(default_factory=list)  # roles that change but have no cost given


@dataclass
class RoadmapStep:
    """One step of the roadmap with when, by whom and after what."""

    text: Text
    kind: Literal["find_out", "change"]  # what to find out first, or a recommendation
    rule_id: str
    horizon: str | None  # an id of the rulebook's `roadmap.horizons`
    horizon_title: Text
    owner: str | None  # role id
    after: list[int] = field(default_factory=list)  # numbers (from 1) of the earlier steps it waits for
    worded_text: Text = field(default_factory=dict, metadata=NOT_IN_JSON)  # `text`, unknown values in words


@dataclass
class Diagnosis:
    schema_version: str
    questionnaire: dict[str, Any]  # {"id", "version"}
    rulebook: dict[str, Any]  # {"id", "version"}
    company: dict[str, Any]  # meta: company, industry, respondent, consultant, consultancy, date, language
    parameters: list[Parameter]
    indicators: list[Indicator]
    current_structure: list[Role]
    proposed_structure: list[Role]
    tasks: list[TaskAssignment]
    support: SupportPlacement
    findings: list[Finding]
    sizing: list[SizingLine]
    what_would_change: list[Flip]
    changes: list[Text]  # today vs proposed, one sentence each
    answers: list[AnswerLine]
    roadmap: list[Text] = field(default_factory=list)  # ordered steps
    conflicts: list[Conflict] = field(default_factory=list)  # resolved by priority, for the trace
    worded_roadmap: list[Text] = field(default_factory=list, metadata=NOT_IN_JSON)  # `roadmap`, values in words
    # for a reader, not the JSON: `changes` without rule ids, and the summary's narrative
    worded_changes: list[Text] = field(default_factory=list, metadata=NOT_IN_JSON)
    narrative: Narrative = field(default_factory=Narrative, metadata=NOT_IN_JSON)
    headcount_total: HeadcountTotal | None = None
    monthly_cost: CostChange | None = None  # None: no cost given for any role that changes
    roadmap_steps: list[RoadmapStep] = field(default_factory=list)  # `roadmap` with horizon, owner, order
    section_notes: dict[str, str] = field(default_factory=dict)  # report or questionnaire section id -> note

    @property
    def reader_roadmap(self) -> list[Text]:
        return self.worded_roadmap or self.roadmap

    @property
    def reader_changes(self) -> list[Text]:
        return self.worded_changes or self.changes

    def finding(self, rule_id: str) -> Finding | None:
        return next((f for f in self.findings if f.rule_id == rule_id), None)

    def owner_of(self, task: str) -> str | None:
        return next((t.owner for t in self.tasks if t.task == task), None)


def to_json(diagnosis: Diagnosis) -> dict[str, Any]:
    """The diagnosis as JSON-able data (docs/diagnosis-schema.md). A number that is not
    finite is null, as an undetermined value is: JSON has no Infinity or NaN."""
    return _plain(diagnosis)


def _plain(value: Any) -> Any:
    """What `dataclasses.asdict` gives, with non-finite numbers as None, in one pass.

    `asdict` deep-copies every leaf and looks its fields up again for every object; a
    diagnosis holds thousands of small texts, so that was most of a JSON report's time.
    The leaves are texts, numbers and Missing states, never changed afterwards, so
    sharing them gives the same JSON."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if isinstance(value, dict):
        return {_plain(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_plain(item) for item in value)
    names = _FIELDS.get(type(value))
    if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS[type(value)] = tuple(f.name for f in dataclasses.fields(value) if f.metadata.get("json", True))
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    return value


_FIELDS: dict[type, tuple[str, ...]] = {}  # a dataclass's field names, looked up once per class
