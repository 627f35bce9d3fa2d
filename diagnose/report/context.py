"""The report's template context: the documented contract between code and templates.

`build_context(diagnosis, brand, lang, texts)` turns a Diagnosis into a `ReportContext`
that holds only what the templates print, already in one language: strings, numbers
formatted for that language, and the SVG drawings. A consultancy's own templates
(`--templates DIR`) may use every field documented here and nothing else; rendering
uses StrictUndefined, so a misspelt field fails loudly instead of printing nothing.

Strings are plain text and are escaped by the templates' autoescape; the only markup
fields are the SVG drawings (`Markup`), which `charts` and `orgchart` build with every
text escaped.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from diagnose.diagnosis import ROLE_IDS, Diagnosis, Finding, Role
from diagnose.judgement import REPORT_SECTIONS
from diagnose.locale import locale
from diagnose.report import DEFAULT_AUDIENCE
from diagnose.report.brand import Brand
from diagnose.report.charts import ChartRow, dimension_chart
from diagnose.report.orgchart import Box, org_chart
from diagnose.report.texts import ReportTexts

DIMENSIONS = ("complexity", "operational_load", "support_speed", "temperament", "share_of_wallet", "scale")
# The five the issue names are always shown (with "no data" when empty); `scale` only when present.
ALWAYS_SHOWN = DIMENSIONS[:5]
SEVERITY_ORDER = {"critical": 0, "important": 1, "advice": 2, "info": 3}
STATUS_ORDER = {"fired": 0, "undetermined": 1, "confirmed": 2, "overridden": 3, "not_fired": 4, "not_applicable": 5}
# Book rules shown in full: what to change, what to find out, and what is already right.
MAIN_STATUSES = ("fired", "undetermined", "confirmed")
TOP_RECOMMENDATIONS = 4
# Landscape A4 less margins, in points: the org-chart page's drawing width.
CHART_WIDTH = 760.0
SIDE_GAP = 36.0
PORTRAIT_WIDTH = 493.0  # A4 portrait less margins, in points: the summary's chart
SPECIALISTS = "specialist_department"


@dataclass
class BrandView:
    """The consultancy: `name` for the cover and footer, `logo_url` for <img> (or None)."""

    name: str
    logo_url: str | None
    colors: dict[str, str]


@dataclass
class CompanyView:
    """The client as the cover prints it; empty strings for what the answers do not give."""

    name: str
    industry: str
    respondent: str
    consultant: str
    consultancy: str
    date: str


@dataclass
class RoleLine:
    """One role with its headcount, for the summary and the headcount table."""

    id: str
    title: str
    today: str  # headcount today ("—" when the role does not exist today)
    proposed: str  # proposed headcount ("—" when the role is removed)
    change: str  # the change in words ("" when unchanged)
    change_id: str  # new / grown / reduced / unchanged / existing / removed
    note: str


@dataclass
class BoardLine:
    """One role on the board page: today → proposed, the change, its monthly cost."""

    id: str
    title: str
    today: str  # a figure, "—" for a role new in the proposal, or "not given"
    proposed: str
    delta: str  # "+2", "−1", "0"; "" when a side is unknown
    delta_id: str  # up / down / zero / unknown
    new: bool  # a role the company does not have today
    cost: str  # the monthly cost of its change; "" when it does not change, "not given" without a cost


@dataclass
class BoardView:
    """The board page: the headcount decision and its cost, in figures."""

    headline: str  # "+4 FTE (13 → 17)"
    lead: str  # the headline sentence: grows / stays / shrinks, with the figures
    cost_lead: str  # "The change costs … a month."; "" without costs
    new_roles: str  # "New roles: …"; "" when none
    lines: list[BoardLine]
    total_today: str
    total_proposed: str
    total_delta: str
    total_cost: str  # "" without costs
    has_costs: bool  # a cost column is shown
    notes: list[str]  # roles left out of the totals, roles without a cost
    sizing_notes: list[str]  # where a sizing line and the headcount kept differ, why


@dataclass
class RoadmapLine:
    """One roadmap step: what, by when, who, after which steps."""

    number: int
    text: str
    horizon: str  # "" when the rulebook gives none
    owner: str  # role title, "" when none
    after: str  # "1, 2" (step numbers), "" when it waits for none


@dataclass
class EvidenceLine:
    question: str
    answer: str
    state: str  # answered / dont_know / not_applicable / unanswered


@dataclass
class ConditionLine:
    source: str  # the condition as written in the rulebook
    result: str  # "true" / "false" / "undetermined"
    undetermined_by: list[str]


@dataclass
class FlipView:
    title: str
    current: str
    would_become: str
    change: str  # the answer that would change it, or that no single answer does

    @property
    def changes(self) -> bool:
        """Whether some single answer changes the decision (else `change` says none does)."""
        return self.would_become != self.current


@dataclass
class RecommendationView:
    """One rule's outcome, as a section of the recommendations chapter."""

    anchor: str  # HTML id, safe characters only
    rule_id: str
    source: str  # "book" / "complementary"
    source_label: str
    status: str
    status_label: str
    severity: str
    severity_label: str
    title: str
    summary: str  # what to do, one sentence
    actions: list[str]
    rationale: str  # why: the book's reasoning, paraphrased
    citation: str
    evidence: list[EvidenceLine]
    conditions: list[ConditionLine]
    to_find_out: list[str]
    flips: list[FlipView]  # what would change it
    overridden_by: str | None  # the winning rule's id (consultant's audience)
    overridden_by_title: str = ""  # the winning rule's title (the client's)
    not_asked: int = 0  # evidence questions hidden for this company (left out of `evidence`)
    note: str = ""  # the consultant's note on it (answer file `notes:`)
    decision: str = ""  # the client's decision: "accepted" / "rejected" / "deferred", "" when none
    decision_label: str = ""  # the decision in words
    decision_reason: str = ""


@dataclass
class Indicator:
    title: str
    display: str
    level: str
    level_label: str
    explanation: str


@dataclass
class DimensionView:
    id: str
    title: str
    chart: Markup | None  # the SVG, None when there is no indicator
    indicators: list[Indicator]


@dataclass
class OrgChartView:
    """`proposed` always; `today` only when today's roles are known (then side by side)."""

    proposed: Markup
    today: Markup | None
    compact: Markup  # the proposed chart drawn for a portrait page (summary)
    support_title: str
    support_explanation: str
    service_levels: list[str]


@dataclass
class MatrixCell:
    mark: str  # "owner" / "support" / ""


@dataclass
class MatrixRow:
    task: str
    cells: list[MatrixCell]
    today_owner: str  # today's owner's title when it differs, else ""
    rule_id: str


@dataclass
class MatrixView:
    roles: list[str]  # column headings
    rows: list[MatrixRow]


@dataclass
class SizingView:
    role: str
    formula: str
    result: str
    explanation: str


@dataclass
class ParameterView:
    id: str
    value: str
    default: str
    overridden: bool
    source: str
    explanation: str


@dataclass
class AnswerView:
    id: str
    question: str
    answer: str
    state: str  # answered / dont_know / not_applicable / unanswered / hidden


@dataclass
class AppendixSection:
    title: str
    answers: list[AnswerView]
    note: str = ""  # the consultant's note on this questionnaire section


@dataclass
class ReportContext:
    """Everything the report templates print. See the module docstring for the rules."""

    lang: str  # "ru" / "en": the <html lang>, drives hyphenation
    audience: str  # "client" / "consultant" (report.AUDIENCES): rule ids and the conditions appendix only for a consultant
    t: dict[str, str]  # report_templates/texts.yaml `texts`, in `lang`
    title: str  # the document title (PDF metadata)
    author: str  # consultant and consultancy (PDF metadata)
    generated: str  # today's date in `lang`'s format
    brand: BrandView
    company: CompanyView
    summary_roles: list[RoleLine]  # proposed roles at a glance
    headline: str  # the summary's headline, chosen by the rulebook's `narrative` ("" when it has none)
    lead: list[str]  # the summary's lead sentences, chosen likewise
    top: list[RecommendationView]  # the top recommendations (also in `recommendations`)
    in_place: list[RecommendationView]  # book rules already in place (status confirmed)
    open: list[RecommendationView]  # book rules left undetermined: what to find out
    changes: list[str]  # what changes, one sentence each: the narrative's, then the structure's (no rule ids)
    dimensions: list[DimensionView]
    orgchart: OrgChartView
    matrix: MatrixView
    recommendations: list[RecommendationView]  # book rules that apply or are undetermined
    other_rules: list[RecommendationView]  # book rules that do not apply / were overridden
    complementary: list[RecommendationView]  # complementary criteria, labelled as such
    flips: list[FlipView]  # decisions and the answer that would flip each
    headcount: list[RoleLine]
    sizing: list[SizingView]
    parameters: list[ParameterView]
    roadmap: list[str]
    appendix: list[AppendixSection]
    board: BoardView | None = None  # None: no headcount known
    roadmap_steps: list[RoadmapLine] = field(default_factory=list)  # `roadmap` with horizon, owner, order
    versions: dict[str, str] = field(default_factory=dict)  # questionnaire / rulebook "id vN"
    question_count: int = 0  # questions in the questionnaire (the appendix lists them all)
    notes: dict[str, str] = field(default_factory=dict)  # report chapter id -> the consultant's note
    rejected: list[RecommendationView] = field(default_factory=list)  # recommendations the client rejected (the board)


_FIELD = re.compile(r"\{([a-z_]+)\}")


def fill(template: str, **fields: str) -> str:
    """A report text with its {name} fields filled in; only the names given are replaced
    (a texts.yaml of a consultancy is never a format string)."""
    return _FIELD.sub(lambda m: fields.get(m[1], m[0]), template)


def _one_stop(sentence: str) -> str:
    """A sentence ending in an abbreviation ("1 чел.") ends with its one full stop."""
    return re.sub(r"\.\.(?=\s|$)", ".", sentence)


def _anchor(rule_id: str) -> str:
    return "rule-" + "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in rule_id)


class _Builder:
    """Holds the language and texts while one context is built."""

    def __init__(self, diagnosis: Diagnosis, brand: Brand, lang: str, texts: ReportTexts, logo_url: str | None,
                 audience: str = DEFAULT_AUDIENCE):
        self.d = diagnosis
        self.audience = audience
        self.brand = brand
        self.lang = lang
        self.locale = locale(lang)
        self.texts = texts
        self.t = texts.words(lang)
        self.logo_url = logo_url
        self.hidden = {line.question_id for line in diagnosis.answers if line.state == "hidden"}

    def tr(self, text: dict[str, str] | None) -> str:
        """A diagnosis text in the report's language (the other language only as a last resort)."""
        if not text:
            return ""
        return text.get(self.lang) or next(iter(text.values()), "")

    def role_title(self, role_id: str | None) -> str:
        if role_id is None:
            return ""
        for role in [*self.d.proposed_structure, *self.d.current_structure]:
            if role.id == role_id and role.title:
                return self.tr(role.title)
        return self.texts.role(role_id, self.lang)

    # --- people -----------------------------------------------------------------------
    def headcount(self, role: Role | None) -> str:
        if role is None:
            return "—"
        if role.headcount is None:
            return self.t["headcount_unknown"]
        if not float(role.headcount).is_integer():
            return f"{self.locale.number(role.headcount)} {self.t['fte']}"
        return self.locale.count(role.headcount, {"one": self.t["person"], "other": self.t["people"]})

    def board_unit(self, role: Role) -> str:
        """The board's unit after a role's figure: people, or posts for a fraction ("6,5 ставки")."""
        whole = role.headcount is None or float(role.headcount).is_integer()
        return self.t["board_unit"] if whole else self.t["fte"]

    def role_lines(self) -> list[RoleLine]:
        today = {r.id: r for r in self.d.current_structure}
        proposed = {r.id: r for r in self.d.proposed_structure}
        order = [r.id for r in self.d.proposed_structure] + [r for r in today if r not in proposed]
        lines = []
        for role_id in order:
            new = proposed.get(role_id)
            old = today.get(role_id)
            change = new.change if new is not None else "removed"
            label = self.t[f"change_{change}"] if change in ("new", "grown", "reduced", "removed") else ""
            lines.append(RoleLine(
                role_id, self.role_title(role_id), self.headcount(old),
                self.headcount(new) if new is not None else "—", label, change,
                self.tr(new.note if new is not None else old.note if old is not None else None),
            ))
        return lines

    # --- the board page -------------------------------------------------------------
    def figure(self, value: float | int | None) -> str:
        return self.t["board_not_counted"] if value is None else self.locale.grouped(value)

    def board(self) -> BoardView | None:
        total = self.d.headcount_total
        if total is None:
            return None
        today = {r.id: r for r in self.d.current_structure}
        cost = self.d.monthly_cost
        lines = []
        for role in self.d.proposed_structure:
            before = today.get(role.id)
            delta = role.delta
            delta_id = "unknown" if delta is None else "up" if delta > 0 else "down" if delta < 0 else "zero"
            cost_text = ""
            if cost is not None and delta:
                amount = cost.roles.get(role.id)
                cost_text = self.locale.money(amount, cost.currency, sign=True) if amount is not None else self.t["board_cost_not_given"]
            lines.append(BoardLine(
                role.id, self.role_title(role.id), "—" if before is None else self.figure(before.headcount),
                self.figure(role.headcount), "" if delta is None else self.locale.signed(delta), delta_id,
                before is None, cost_text,
            ))
        change = total.proposed - total.today
        figures = {"delta": self.locale.signed(change), "today": self.locale.grouped(total.today),
                   "proposed": self.locale.grouped(total.proposed)}
        fraction = not all(float(n).is_integer() for n in (total.today, total.proposed))
        headline = fill(self.t["board_change_none" if not change else "board_change_fte" if fraction else "board_change"],
                        **figures)
        key = "board_lead_grows" if change > 0 else "board_lead_shrinks" if change < 0 else "board_lead_stays"
        new = [fill(self.t["board_new_role"], role=line.title, headcount=f"{line.proposed}\u00a0{self.board_unit(role)}")
               for line, role in zip(lines, self.d.proposed_structure, strict=True) if line.new]
        notes = []
        if total.left_out:
            notes.append(fill(self.t["board_left_out"], roles=", ".join(self.role_title(r) for r in total.left_out)))
        cost_lead = total_cost = ""
        if cost is not None:
            total_cost = self.locale.money(cost.total, cost.currency, sign=True)
            cost_key = "board_saving_lead" if cost.total < 0 else "board_cost_lead"
            cost_lead = fill(self.t[cost_key + ("_partial" if cost.without_cost else "")],
                             cost=self.locale.money(abs(cost.total), cost.currency))
            if cost.without_cost:
                notes.append(fill(self.t["board_cost_missing"], roles=", ".join(self.role_title(r) for r in cost.without_cost)))
        return BoardView(
            headline, fill(self.t[key], change=headline, **figures), cost_lead,
            _one_stop(fill(self.t["board_new_roles"], roles=", ".join(new))) if new else "",
            lines, figures["today"], figures["proposed"], figures["delta"], total_cost, cost is not None, notes,
            self.sizing_notes(),
        )

    def sizing_notes(self) -> list[str]:
        """Where a sizing line that proposes a role's headcount differs from the headcount
        kept, why: the proposal never cuts, and grows a role only when a rule asks."""
        proposed = {r.id: r for r in self.d.proposed_structure}
        notes = []
        for line in self.d.sizing:
            role = proposed.get(line.role)
            if not line.proposes or line.result is None or role is None or role.headcount is None:
                continue
            if round(line.result, 2) == round(float(role.headcount), 2):
                continue
            key = "board_sizing_below" if line.result < role.headcount else "board_sizing_above"
            title = self.tr(line.title) if line.title else self.role_title(line.role)
            notes.append(fill(self.t[key], line=title, needed=self.locale.number(line.result, 2),
                              kept=self.locale.grouped(role.headcount), role=self.role_title(line.role)))
        return notes

    def parameter_value(self, value: Any) -> str:
        return self.t["parameter_not_given"] if value is None else self.locale.number(value)

    def roadmap_steps(self) -> list[RoadmapLine]:
        if not self.d.roadmap_steps:  # a diagnosis made without them: the steps alone
            return [RoadmapLine(index, self.tr(step), "", "", "") for index, step in enumerate(self.d.reader_roadmap, 1)]
        return [
            RoadmapLine(index, self.tr(step.worded_text or step.text), self.tr(step.horizon_title),
                        self.role_title(step.owner) if step.owner else "", ", ".join(str(n) for n in step.after))
            for index, step in enumerate(self.d.roadmap_steps, 1)
        ]

    # --- findings ---------------------------------------------------------------------
    def flips_by_rule(self) -> dict[str, list[FlipView]]:
        """Flips attached to the rules that decide them (task owners, support placement)."""
        decided: dict[str, list[str]] = {}
        for task in self.d.tasks:
            if task.rule_id:
                for key in (task.task, f"{task.task}_owner"):
                    decided.setdefault(key, []).append(task.rule_id)
        for key in ("support", "support_placement", "support_mode"):
            decided.setdefault(key, []).extend(self.d.support.rule_ids)
        out: dict[str, list[FlipView]] = {}
        for flip in self.d.what_would_change:
            rule_ids = decided.get(flip.decision, []) + [f.rule_id for f in self.d.findings if f.rule_id == flip.decision]
            for rule_id in dict.fromkeys(rule_ids):
                out.setdefault(rule_id, []).append(self.flip(flip))
        return out

    def flip(self, flip: Any) -> FlipView:
        return FlipView(self.tr(flip.title), self.tr(flip.current), self.tr(flip.would_become), self.tr(flip.change))

    def recommendation(self, finding: Finding, flips: dict[str, list[FlipView]]) -> RecommendationView:
        results = {True: "true", False: "false", None: "undetermined"}
        return RecommendationView(
            anchor=_anchor(finding.rule_id),
            rule_id=finding.rule_id,
            source=finding.source,
            source_label=self.t[f"source_{finding.source}"],
            status=finding.status,
            status_label=self.t[f"status_{finding.status}"],
            severity=finding.severity,
            severity_label=self.t[f"severity_{finding.severity}"],
            title=self.tr(finding.title),
            summary=self.tr(finding.reader_summary),
            actions=[self.tr(a) for a in finding.reader_actions],
            rationale=self.tr(finding.rationale),
            citation=finding.reader_citation(self.lang, with_rule=self.audience == "consultant"),
            # questions hidden by a show-if (never asked of this company) are counted, not
            # listed, so the client sees the answers that mattered
            evidence=[
                EvidenceLine(self.tr(e.text), self.tr(e.display),
                             e.value if e.value in ("dont_know", "not_applicable", "unanswered") else "answered")
                for e in finding.evidence if e.name not in self.hidden
            ],
            not_asked=sum(1 for e in finding.evidence if e.name in self.hidden),
            conditions=[ConditionLine(c.source, results[c.result], list(c.undetermined_by)) for c in finding.conditions],
            to_find_out=[self.tr(x) for x in finding.to_find_out],
            flips=flips.get(finding.rule_id, []),
            overridden_by=finding.overridden_by,
            overridden_by_title=self.tr(winner.title) if (winner := self.d.finding(finding.overridden_by or "")) else "",
            note=finding.note or "",
            decision=finding.decision.status if finding.decision else "",
            decision_label=self.t[f"decision_{finding.decision.status}"] if finding.decision else "",
            decision_reason=finding.decision.reason if finding.decision else "",
        )

    def findings(self) -> tuple[list[RecommendationView], list[RecommendationView], list[RecommendationView]]:
        flips = self.flips_by_rule()
        ordered = sorted(
            self.d.findings,
            key=lambda f: (STATUS_ORDER.get(f.status, 9), SEVERITY_ORDER.get(f.severity, 9), f.priority, f.rule_id),
        )
        book = [f for f in ordered if f.source == "book"]
        main = [self.recommendation(f, flips) for f in book if f.status in MAIN_STATUSES]
        other = [self.recommendation(f, flips) for f in book if f.status not in MAIN_STATUSES]
        extra = [self.recommendation(f, flips) for f in ordered if f.source != "book"]
        return main, other, extra

    # --- drawings ---------------------------------------------------------------------
    def boxes(self, roles: list[Role], proposed: bool) -> list[Box]:
        today = {r.id: r for r in self.d.current_structure}
        parents = {r.reports_to for r in roles}
        out = []
        for role in roles:
            note = self.tr(role.note)
            # an unknown headcount with a note ("to be sized") says it once, in the note
            details = [] if role.headcount is None and note else [self.headcount(role)]
            if proposed and role.change in ("new", "grown", "reduced", "removed"):
                label = self.t[f"change_{role.change}"]
                old = today.get(role.id)
                if role.change in ("grown", "reduced") and old is not None and old.headcount is not None:
                    label += f" ({self.locale.number(old.headcount)} → {self.locale.number(role.headcount)})"
                details.append(label)
            if note:
                details.append(note)
            emphasis = "normal"
            if proposed and role.change == "new":
                emphasis = "new"
            elif role.change == "removed":
                emphasis = "removed"
            elif role.reports_to is None and role.id in parents:
                emphasis = "head"
            out.append(Box(role.id, self.tr(role.title) or self.role_title(role.id), details, role.reports_to, emphasis))
        return out

    def chart(self, roles: list[Role], width: float, proposed: bool) -> Markup:
        ids = {r.id for r in roles}
        # today the department serves sales somehow; in the proposal only when it stays separate
        linked = SPECIALISTS in ids and (not proposed or self.d.support.mode in ("separate_with_controls", "hybrid"))
        target = "head_of_sales" if "head_of_sales" in ids else None
        return Markup(org_chart(
            self.boxes(roles, proposed), width, self.brand.colors,
            SPECIALISTS if linked and target else None, target,
            self.t["service_link"] if proposed else self.t["service_link_today"],
        ))

    def orgchart(self) -> OrgChartView:
        known_today = any(r.headcount is not None for r in self.d.current_structure)
        if known_today:
            half = (CHART_WIDTH - SIDE_GAP) / 2
            proposed = self.chart(self.d.proposed_structure, half, True)
            today = self.chart(self.d.current_structure, half, False)
        else:
            proposed, today = self.chart(self.d.proposed_structure, CHART_WIDTH, True), None
        return OrgChartView(
            proposed, today, self.chart(self.d.proposed_structure, PORTRAIT_WIDTH, True),
            self.tr(self.d.support.title), self.tr(self.d.support.explanation),
            [self.tr(s) for s in self.d.support.service_levels],
        )

    def dimensions(self) -> list[DimensionView]:
        words = {"threshold": self.t["threshold"], **{f"level_{x}": self.t[f"level_{x}"] for x in ("low", "medium", "high")},
                 "flag_yes": self.t["flag_yes"], "flag_no": self.t["flag_no"]}
        views = []
        for dim in DIMENSIONS:
            items = [i for i in self.d.indicators if i.dimension == dim]
            if not items and dim not in ALWAYS_SHOWN:
                continue
            rows = [
                ChartRow(self.tr(i.title), self.tr(i.display), i.level,
                         float(i.value) if isinstance(i.value, (int, float)) and not isinstance(i.value, bool) else None,
                         i.scale_max, i.threshold,
                         self.locale.exact(float(i.threshold)) if i.threshold is not None else "",
                         i.kind, i.value is not None)
                for i in items
            ]
            views.append(DimensionView(
                dim, self.t[f"dimension_{dim}"],
                Markup(dimension_chart(rows, self.brand.colors, words)) if rows else None,
                [Indicator(self.tr(i.title), self.tr(i.display), i.level, self.t[f"level_{i.level}"],
                           self.tr(i.explanation)) for i in items],
            ))
        return views

    def matrix(self) -> MatrixView:
        used = {t.owner for t in self.d.tasks} | {r for t in self.d.tasks for r in t.supported_by}
        # every working role of the proposal gets a column, even one that owns none of the
        # conveyor's tasks: a role silently missing from the matrix reads as an oversight
        used |= {r.id for r in self.d.proposed_structure if r.id not in ("head_of_commercial", "head_of_sales")}
        order = [r.id for r in self.d.proposed_structure] + list(ROLE_IDS)
        roles = [r for r in dict.fromkeys(order) if r in used]
        rows = []
        for task in self.d.tasks:
            cells = [MatrixCell("owner" if r == task.owner else "support" if r in task.supported_by else "") for r in roles]
            before = task.previous_owner if task.previous_owner and task.previous_owner != task.owner else None
            rows.append(MatrixRow(self.tr(task.title) or self.texts.task(task.task, self.lang), cells,
                                  self.role_title(before) if before else "", task.rule_id or ""))
        return MatrixView([self.role_title(r) for r in roles], rows)

    def appendix(self) -> list[AppendixSection]:
        sections: list[AppendixSection] = []
        for line in self.d.answers:
            title = self.tr(line.section)
            if not sections or sections[-1].title != title:
                sections.append(AppendixSection(title, [], self.d.section_notes.get(line.section_id, "")))
            answer = self.tr(line.display) if line.state == "answered" else self.t[f"state_{line.state}"]
            sections[-1].answers.append(AnswerView(line.question_id, self.tr(line.text), answer, line.state))
        return sections

    def build(self) -> ReportContext:
        meta = self.d.company
        company = CompanyView(
            str(meta.get("company") or ""), str(meta.get("industry") or ""), str(meta.get("respondent") or ""),
            str(meta.get("consultant") or ""), str(meta.get("consultancy") or ""),
            self.locale.date(meta.get("date")),
        )
        consultancy = self.brand.name or company.consultancy
        main, other, extra = self.findings()
        roles = self.role_lines()
        return ReportContext(
            lang=self.lang,
            audience=self.audience,
            t=self.t,
            title=f"{company.name}: {self.t['report_title']}" if company.name else self.t["report_title"],
            author=", ".join(x for x in (company.consultant, consultancy) if x),
            generated=self.locale.date(dt.date.today()),
            brand=BrandView(consultancy, self.logo_url, dict(self.brand.colors)),
            company=company,
            summary_roles=[r for r in roles if r.change_id != "removed"],
            headline=self.tr(self.d.narrative.headline),
            lead=[self.tr(sentence) for sentence in self.d.narrative.lead],
            top=[r for r in main if r.status == "fired"][:TOP_RECOMMENDATIONS],
            in_place=[r for r in [*main, *extra] if r.status == "confirmed"],
            open=[r for r in main if r.status == "undetermined"],
            changes=[self.tr(c) for c in [*self.d.narrative.changes, *self.d.reader_changes]],
            dimensions=self.dimensions(),
            orgchart=self.orgchart(),
            matrix=self.matrix(),
            recommendations=main,
            other_rules=other,
            complementary=extra,
            flips=[self.flip(f) for f in self.d.what_would_change],
            headcount=roles,
            sizing=[SizingView(self.role_title(s.role) if not s.title else self.tr(s.title), self.locale.formula(s.formula),
                               self.locale.number(s.result) if s.result is not None else self.t["not_computable"],
                               self.tr(s.explanation)) for s in self.d.sizing],
            parameters=[ParameterView(p.id, self.parameter_value(p.value), self.parameter_value(p.default), p.overridden,
                                      p.reader_source(self.lang), self.tr(p.explanation))
                        # one without a default that nobody gave (a monthly cost) is not a figure
                        # of this diagnosis: the JSON and `explain` list it, the report does not
                        for p in self.d.parameters if p.value is not None],
            roadmap=[self.tr(step) for step in self.d.reader_roadmap],
            appendix=self.appendix(),
            board=self.board(),
            roadmap_steps=self.roadmap_steps(),
            question_count=len(self.d.answers),
            notes={key: note for key, note in self.d.section_notes.items() if key in REPORT_SECTIONS},
            rejected=[r for r in [*main, *other, *extra] if r.decision == "rejected"],
            versions={
                "questionnaire": f"{self.d.questionnaire.get('id', '')} v{self.d.questionnaire.get('version', '')}",
                "rulebook": f"{self.d.rulebook.get('id', '')} v{self.d.rulebook.get('version', '')}",
            },
        )


def build_context(diagnosis: Diagnosis, brand: Brand, lang: str, texts: ReportTexts,
                  logo_url: str | None = None, audience: str = DEFAULT_AUDIENCE) -> ReportContext:
    """The template context for `diagnosis` in `lang` for `audience`; `logo_url` is what <img src> gets."""
    return _Builder(diagnosis, brand, lang, texts, logo_url, audience).build()
