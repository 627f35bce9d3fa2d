"""What a batch leaves besides the reports: a summary table and a portfolio overview.

The summary (CSV and JSON) has one row per input, failed ones included with their
located problems, so a consultant can sort and filter a portfolio in a spreadsheet. The
portfolio overview (HTML, and PDF when PDFs were asked for) is one page across all
companies: how often each recommendation fired and how often each proposed structure
came out. Its words are in report_templates/texts.yaml (`portfolio_*`), its layout in
report_templates/portfolio.html and portfolio.css.

Neither keeps the results in memory: `SummaryWriter` writes each row to temporary files
as it comes (in input order) and renames them into place at the end, and `Tally`
keeps only the counts the portfolio shows, so a table of any length takes the same memory.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import os
import re
import stat
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from diagnose.batch.worker import ItemResult
from diagnose.locale import DEFAULT_LANGUAGE
from diagnose.method import Method
from diagnose.outputs import atomic_write_bytes, own_descriptor

SUMMARY_COLUMNS = (
    "input", "row", "status", "company", "error", "roles_added",
    "assortment_expansion", "support", "key_findings", "outputs",
)
PORTFOLIO_TEMPLATE = "portfolio.html"
PORTFOLIO_STYLESHEET = "portfolio.css"
MAX_STRUCTURES = 12  # rows of the structure table; the rest are counted as "other" (one page)
NAMES_KEPT = 20  # company names kept per structure (the page shows three and a count)


def summary_paths(base: Path | None, out_dir: Path) -> tuple[Path, Path]:
    """--summary FILE names the base: FILE.csv and FILE.json (a .csv/.json suffix is dropped)."""
    if base is None:
        base = out_dir / "summary"
    if base.suffix.lower() in (".csv", ".json"):
        base = base.with_suffix("")
    return base.with_name(base.name + ".csv"), base.with_name(base.name + ".json")


def json_row(result: ItemResult) -> dict[str, Any]:
    """One input as the JSON summary keeps it: the CSV's columns, then what a re-run
    (batch.rerun) and batch-merge need to carry the row over and count it in a portfolio."""
    row = summary_row(result)
    row.update({"index": result.number, "sha256": result.sha256, "language": result.language,
                "proposed_roles": list(result.proposed_roles), "support_title": dict(result.support_title)})
    return row


def summary_row(result: ItemResult) -> dict[str, Any]:
    """One input as the summary's columns (lists stay lists; the CSV joins them)."""
    return {
        "input": result.input,
        "row": result.row,
        "status": result.status,
        "company": result.company,
        "error": list(result.errors),
        "roles_added": list(result.roles_added),
        "assortment_expansion": result.assortment_expansion,
        "support": result.support,
        "key_findings": list(result.findings),
        "outputs": list(result.outputs),
    }


# Where a spreadsheet may start a cell: the value's start, and, since Excel in a Russian
# (or German...) locale splits a CSV at ';' and ignores quotes that do not open a field,
# after every ',' or ';' inside it, and after a line break; spaces before a formula
# do not stop some spreadsheets from running it.
_CELL_START = re.compile(r"(^|[,;\r\n])([ \t]*)(?=[=+\-@\t\r])")


def _inert(value: object) -> object:
    """A company name like `=HYPERLINK(...)` from a client's table would run as a formula
    when the summary is opened in a spreadsheet, and so would `Acme;=HYPERLINK(...)` in a
    spreadsheet that splits at ';': wherever a cell could start with `=`, `+`, `-`, `@`
    (or a tab or CR), an apostrophe goes before it, which makes the cell text."""
    if isinstance(value, str):
        return _CELL_START.sub(lambda m: f"{m.group(1)}{m.group(2)}'", value)
    return value


def _csv_line(row: dict[str, Any]) -> bytes:
    flat = dict(row)
    flat["row"] = "" if row["row"] is None else row["row"]
    flat["error"] = "\n".join(row["error"])
    for key in ("roles_added", "key_findings", "outputs"):
        flat[key] = "; ".join(row[key])
    buffer = io.StringIO()
    csv.DictWriter(buffer, fieldnames=SUMMARY_COLUMNS, lineterminator="\r\n").writerow(
        {key: _inert(flat[key]) for key in SUMMARY_COLUMNS})
    return buffer.getvalue().encode("utf-8")


def _plain_file_target(target: Path) -> bool:
    """Whether renaming a finished temporary file over `target` is right: it is a regular
    file or nothing yet, not a link, not a device or pipe, not one of our descriptors."""
    if os.path.islink(target) or own_descriptor(str(target)) is not None:
        return False
    try:
        return stat.S_ISREG(os.stat(target).st_mode)
    except FileNotFoundError:
        return True


def _temporary(target: Path) -> tuple[BinaryIO, str]:
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    return os.fdopen(fd, "w+b"), name


class SummaryWriter:
    """Writes the summary row by row into temporary files beside the targets; `close`
    puts the counts at the head of the JSON and renames both into place, `discard`
    removes them. Rows must come in input order."""

    def __init__(self, csv_path: Path, json_path: Path, head: dict[str, Any] | None = None) -> None:
        self.csv_path, self.json_path = csv_path, json_path
        self.head = dict(head or {})  # more keys for the JSON's head (a shard's `shard`)
        self.counts: Counter[str] = Counter()
        self.rule_titles: dict[str, dict[str, str]] = {}
        self._csv, self._csv_name = _temporary(csv_path)
        self._rows, self._rows_name = tempfile.TemporaryFile("w+b"), ""
        header = io.StringIO()
        csv.DictWriter(header, fieldnames=SUMMARY_COLUMNS, lineterminator="\r\n").writeheader()
        # a byte-order mark so that Excel opens the Cyrillic company names as UTF-8
        self._csv.write(header.getvalue().encode("utf-8-sig"))

    def add(self, result: ItemResult) -> None:
        row = json_row(result)
        self.counts[result.status] += 1
        for rule_id, title in result.rule_titles.items():
            self.rule_titles.setdefault(rule_id, dict(title))
        self._csv.write(_csv_line(row))
        item = json.dumps(row, ensure_ascii=False, indent=2).replace("\n", "\n    ")
        self._rows.write(((",\n" if self.counts.total() > 1 else "\n") + "    " + item).encode("utf-8"))

    def close(self) -> None:
        self._finish(self._csv, self._csv_name, self.csv_path)
        out, name = _temporary(self.json_path)
        try:
            head = {"inputs": self.counts.total(), "ok": self.counts["ok"], "failed": self.counts["failed"],
                    "not_run": self.counts["not_run"], "kept": self.counts["kept"], **self.head,
                    "rule_titles": self.rule_titles}
            text = json.dumps(head, ensure_ascii=False, indent=2)[:-2] + ',\n  "results": ['
            out.write(text.encode("utf-8"))
            self._rows.seek(0)
            while block := self._rows.read(1 << 20):
                out.write(block)
            out.write(("\n  ]\n}\n" if self.counts.total() else "]\n}\n").encode("utf-8"))
        except BaseException:
            out.close()
            os.unlink(name)
            raise
        finally:
            self._rows.close()
        self._finish(out, name, self.json_path)

    @staticmethod
    def _finish(handle: BinaryIO, name: str, target: Path) -> None:
        try:
            handle.flush()
            if not _plain_file_target(target):
                # a device, a pipe, a link or our own descriptor: written the way every
                # other output is (diagnose/outputs.py), never renamed over
                handle.seek(0)
                data = handle.read()
                handle.close()
                os.unlink(name)
                atomic_write_bytes(target, data)
                return
            os.fsync(handle.fileno())
            handle.close()
            os.chmod(name, 0o666 & ~_umask())
            os.replace(name, target)
        except BaseException:
            handle.close()
            try:
                os.unlink(name)
            except OSError:
                pass
            raise

    def discard(self) -> None:
        for handle, name in ((self._csv, self._csv_name),):
            handle.close()
            try:
                os.unlink(name)
            except OSError:
                pass
        self._rows.close()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_summary(results: list[ItemResult], csv_path: Path, json_path: Path) -> None:
    """The summary of `results` at once (the batch uses SummaryWriter as results come)."""
    writer = SummaryWriter(csv_path, json_path)
    try:
        for result in results:
            writer.add(result)
    except BaseException:
        writer.discard()
        raise
    writer.close()


# ------------------------------------------------------------------ portfolio


@dataclass
class RecommendationCount:
    rule_id: str
    title: str
    count: int
    share: float  # of the companies processed, 0..1


@dataclass
class StructureCount:
    roles: list[str]  # role titles, in the proposed structure's order
    added: list[str]  # role titles of new roles
    assortment_expansion: str  # role title
    support: str
    count: int
    companies: list[str]  # the first NAMES_KEPT of them (`count` says how many in all)


@dataclass
class PortfolioContext:
    """The portfolio template's variables (rendered strict: a missing one is an error)."""

    lang: str
    t: dict[str, str]
    title: str
    date: str
    total: int
    ok: int
    failed: int
    recommendations: list[RecommendationCount]
    structures: list[StructureCount]
    other_structures: int  # companies whose structure is beyond the table's rows
    owners: list[tuple[str, int]]  # assortment expansion owner title -> companies
    supports: list[tuple[str, int]]  # support placement title -> companies
    consultancy: str = ""  # the brand's name
    inline_css: Any = None


@dataclass
class _Structure:
    count: int = 0
    first: ItemResult | None = None
    companies: list[str] = field(default_factory=list)


class Tally:
    """What the portfolio needs from the results, counted as they come: no result is kept."""

    def __init__(self) -> None:
        self.total = self.ok = self.failed = 0
        self.titles: dict[str, dict[str, str]] = {}  # rule id -> title per language, in rule order
        self.fired: Counter[str] = Counter()
        self.structures: dict[tuple, _Structure] = {}
        self.owners: Counter[str] = Counter()  # role id ("" none)
        self.supports: Counter[tuple[str, tuple]] = Counter()  # (mode, its title per language)
        self.languages: Counter[str] = Counter()

    def add(self, result: ItemResult) -> None:
        self.total += 1
        if result.status == "failed":
            self.failed += 1
        if result.status not in ("ok", "kept"):
            return
        self.ok += 1
        for rule_id, title in result.rule_titles.items():
            self.titles.setdefault(rule_id, dict(title))
        self.fired.update(result.findings)
        key = (tuple(result.proposed_roles), result.assortment_expansion, result.support)
        group = self.structures.setdefault(key, _Structure())
        group.count += 1
        if group.first is None:
            group.first = dataclasses.replace(result, errors=[], outputs=[], rule_titles={})
        if len(group.companies) < NAMES_KEPT:
            group.companies.append(result.company or result.input)
        self.owners[result.assortment_expansion] += 1
        self.supports[(result.support, tuple(sorted(result.support_title.items())))] += 1
        if result.language:
            self.languages[result.language] += 1


def _tally(results: Any) -> Tally:
    if isinstance(results, Tally):
        return results
    tally = Tally()
    for result in results:
        tally.add(result)
    return tally


def portfolio_context(results: Tally | list[ItemResult], lang: str, texts: Any) -> PortfolioContext:
    tally = _tally(results)
    words = texts.words(lang)
    done = tally.ok
    recommendations = [
        RecommendationCount(rule_id, title.get(lang) or rule_id, tally.fired.get(rule_id, 0),
                            tally.fired.get(rule_id, 0) / done if done else 0.0)
        for rule_id, title in tally.titles.items()
    ]
    recommendations.sort(key=lambda rec: -rec.count)  # stable: rule order among equals
    ordered = sorted(tally.structures.values(), key=lambda group: -group.count)
    structures = []
    for group in ordered[:MAX_STRUCTURES]:
        first = group.first
        assert first is not None
        structures.append(StructureCount(
            [texts.role(r, lang) for r in first.proposed_roles],
            [texts.role(r, lang) for r in first.roles_added],
            texts.role(first.assortment_expansion, lang) if first.assortment_expansion else words["portfolio_none"],
            first.support_title.get(lang) or first.support,
            group.count,
            list(group.companies),
        ))
    other = sum(group.count for group in ordered[MAX_STRUCTURES:])
    owners: Counter[str] = Counter()
    for role, count in tally.owners.items():
        owners[texts.role(role, lang) if role else words["portfolio_none"]] += count
    supports: Counter[str] = Counter()
    for (mode, title), count in tally.supports.items():
        supports[dict(title).get(lang) or mode] += count
    return PortfolioContext(
        lang=lang,
        t=words,
        title=words["portfolio_title"],
        date=dt.date.today().isoformat(),
        total=tally.total,
        ok=done,
        failed=tally.failed,
        recommendations=recommendations,
        structures=structures,
        other_structures=other,
        owners=owners.most_common(),
        supports=supports.most_common(),
    )


def portfolio_language(results: Tally | list[ItemResult], lang: str | None) -> str:
    """--lang, else the language most of the companies answered in, else Russian."""
    if lang:
        return lang
    languages = _tally(results).languages
    return languages.most_common(1)[0][0] if languages else DEFAULT_LANGUAGE


def render_portfolio(results: Tally | list[ItemResult], lang: str | None, fmt: str, method: Method) -> bytes:
    """The portfolio page as HTML (stylesheet inlined) or PDF (of the method's PDF
    variant), in the method's brand name and colours, from the user's template folder first."""
    from markupsafe import Markup

    from diagnose.report.html import find_file, render_template
    from diagnose.report.texts import load_texts

    folders = method.template_folders
    brand = method.brand
    tally = _tally(results)
    context = portfolio_context(tally, portfolio_language(tally, lang), load_texts(folders))
    context.consultancy = brand.name or ""
    stylesheet = find_file(folders, PORTFOLIO_STYLESHEET)
    brand_css = brand.css()
    if fmt == "html":
        context.inline_css = Markup(stylesheet.read_text(encoding="utf-8") + "\n" + brand_css)
    fields = {f.name: getattr(context, f.name) for f in dataclasses.fields(context)}
    html = render_template(folders, PORTFOLIO_TEMPLATE, fields, "the PortfolioContext fields in diagnose/batch/summary.py")
    if fmt == "html":
        return html.encode("utf-8")
    from diagnose.report.pdf import ReportFetcher, html_to_pdf

    return html_to_pdf(html, folders[-1].as_uri() + "/", stylesheet, brand_css, ReportFetcher(folders),
                       variant=method.pdf_variant)


def write_portfolio(results: Tally | list[ItemResult], out_dir: Path, formats: tuple[str, ...], lang: str | None,
                    method: Method) -> list[Path]:
    """DIR/portfolio.html always, DIR/portfolio.pdf when PDFs were asked for (summaries of
    a run are rewritten by the next run into the same folder)."""
    written = []
    results = _tally(results)
    for fmt in ("html", "pdf"):
        if fmt == "pdf" and "pdf" not in formats:
            continue
        target = out_dir / f"portfolio.{fmt}"
        atomic_write_bytes(target, render_portfolio(results, lang, fmt, method))
        written.append(target)
    return written
