"""What a batch leaves besides the reports: a summary table and a portfolio overview.

The summary (CSV and JSON) has one row per input, failed ones included with their
located problems, so a consultant can sort and filter a portfolio in a spreadsheet. The
portfolio overview (HTML, and PDF when PDFs were asked for) is one page across all
companies: how often each recommendation fired and how often each proposed structure
came out. Its words are in report_templates/texts.yaml (`portfolio_*`), its layout in
report_templates/portfolio.html and portfolio.css.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from diagnose.batch.worker import ItemResult
from diagnose.yamlio import atomic_write_bytes

SUMMARY_COLUMNS = (
    "input", "row", "status", "company", "error", "roles_added",
    "assortment_expansion", "support", "key_findings", "outputs",
)
PORTFOLIO_TEMPLATE = "portfolio.html"
PORTFOLIO_STYLESHEET = "portfolio.css"
MAX_STRUCTURES = 12  # rows of the structure table; the rest are counted as "other" (one page)


def summary_paths(base: Path | None, out_dir: Path) -> tuple[Path, Path]:
    """--summary FILE names the base: FILE.csv and FILE.json (a .csv/.json suffix is dropped)."""
    if base is None:
        base = out_dir / "summary"
    if base.suffix.lower() in (".csv", ".json"):
        base = base.with_suffix("")
    return base.with_name(base.name + ".csv"), base.with_name(base.name + ".json")


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


def _inert(value: object) -> object:
    """A company name like `=HYPERLINK(...)` from a client's table would run as a formula
    when the summary is opened in a spreadsheet: such a cell starts with an apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_summary(results: list[ItemResult], csv_path: Path, json_path: Path) -> None:
    rows = [summary_row(r) for r in results]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SUMMARY_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        flat = dict(row)
        flat["row"] = "" if row["row"] is None else row["row"]
        flat["error"] = "\n".join(row["error"])
        for key in ("roles_added", "key_findings", "outputs"):
            flat[key] = "; ".join(row[key])
        writer.writerow({key: _inert(value) for key, value in flat.items()})
    # a byte-order mark so that Excel opens the Cyrillic company names as UTF-8
    atomic_write_bytes(csv_path, buffer.getvalue().encode("utf-8-sig"))
    counts = Counter(r.status for r in results)
    document = {
        "inputs": len(results),
        "ok": counts.get("ok", 0),
        "failed": counts.get("failed", 0),
        "not_run": counts.get("not_run", 0),
        "results": rows,
    }
    atomic_write_bytes(json_path, (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


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
    companies: list[str]


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


def portfolio_context(results: list[ItemResult], lang: str, texts: Any) -> PortfolioContext:
    words = texts.words(lang)
    done = [r for r in results if r.status == "ok"]
    titles: dict[str, str] = {}
    for result in done:
        for rule_id, title in result.rule_titles.items():
            titles.setdefault(rule_id, title.get(lang) or rule_id)
    fired = Counter(rule_id for r in done for rule_id in r.findings)
    recommendations = [
        RecommendationCount(rule_id, title, fired.get(rule_id, 0), fired.get(rule_id, 0) / len(done) if done else 0.0)
        for rule_id, title in titles.items()
    ]
    recommendations.sort(key=lambda rec: -rec.count)  # stable: rule order among equals

    groups: dict[tuple, list[ItemResult]] = {}
    for result in done:
        key = (tuple(result.proposed_roles), result.assortment_expansion, result.support)
        groups.setdefault(key, []).append(result)
    ordered = sorted(groups.values(), key=lambda members: -len(members))
    structures = []
    for members in ordered[:MAX_STRUCTURES]:
        first = members[0]
        structures.append(StructureCount(
            [texts.role(r, lang) for r in first.proposed_roles],
            [texts.role(r, lang) for r in first.roles_added],
            texts.role(first.assortment_expansion, lang) if first.assortment_expansion else words["portfolio_none"],
            first.support_title.get(lang) or first.support,
            len(members),
            [m.company or m.input for m in members],
        ))
    other = sum(len(members) for members in ordered[MAX_STRUCTURES:])
    owners = Counter(texts.role(r.assortment_expansion, lang) if r.assortment_expansion else words["portfolio_none"]
                     for r in done)
    supports = Counter(r.support_title.get(lang) or r.support for r in done)
    return PortfolioContext(
        lang=lang,
        t=words,
        title=words["portfolio_title"],
        date=dt.date.today().isoformat(),
        total=len(results),
        ok=len(done),
        failed=sum(1 for r in results if r.status == "failed"),
        recommendations=recommendations,
        structures=structures,
        other_structures=other,
        owners=owners.most_common(),
        supports=supports.most_common(),
    )


def portfolio_language(results: list[ItemResult], lang: str | None) -> str:
    """--lang, else the language most of the companies answered in, else Russian."""
    if lang:
        return lang
    languages = Counter(r.language for r in results if r.status == "ok" and r.language)
    return languages.most_common(1)[0][0] if languages else "ru"


def render_portfolio(results: list[ItemResult], lang: str | None, fmt: str, brand_file: str | None = None,
                     templates: str | None = None) -> bytes:
    """The portfolio page as HTML (stylesheet inlined) or PDF, in the brand's name and
    colours, from the user's template folder first."""
    from markupsafe import Markup

    from diagnose.report.brand import load_brand
    from diagnose.report.html import find_file, render_template, template_folders
    from diagnose.report.texts import load_texts

    folders = template_folders(templates)
    brand = load_brand(brand_file)
    context = portfolio_context(results, portfolio_language(results, lang), load_texts(folders))
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

    return html_to_pdf(html, folders[-1].as_uri() + "/", stylesheet, brand_css, ReportFetcher(folders))


def write_portfolio(results: list[ItemResult], out_dir: Path, formats: tuple[str, ...], lang: str | None,
                    brand_file: str | None = None, templates: str | None = None) -> list[Path]:
    """DIR/portfolio.html always, DIR/portfolio.pdf when PDFs were asked for (summaries of
    a run are rewritten by the next run into the same folder)."""
    written = []
    for fmt in ("html", "pdf"):
        if fmt == "pdf" and "pdf" not in formats:
            continue
        target = out_dir / f"portfolio.{fmt}"
        atomic_write_bytes(target, render_portfolio(results, lang, fmt, brand_file, templates))
        written.append(target)
    return written
