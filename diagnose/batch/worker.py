"""One batch input -> its outputs: read, check, evaluate, render, write. Runs in a worker.

Everything a worker needs more than once is loaded once per process and kept: the
questionnaire and rulebook, the brand, parsed tables, and (when PDFs are made) WeasyPrint
itself with its fonts warmed by a tiny render. A worker never raises for a bad input: it
returns an `ItemResult` with the located problems. An interruption (SIGTERM from the
parent stopping the pool, or Ctrl-C when running in-process) unwinds through `process`,
which deletes the outputs of the unfinished input, so an input has all its outputs or none.
"""

from __future__ import annotations

import ctypes
import gc
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from diagnose.errors import Location, Problem, ProblemList, UserError
from diagnose.questionnaire import Questionnaire, load_questionnaire
from diagnose.resources import bundled_questionnaires, questionnaire_path

Text = dict[str, str]


class Interrupted(BaseException):
    """SIGTERM inside a worker: unwind (deleting unfinished outputs), then exit."""


@dataclass(frozen=True)
class BatchOptions:
    """What every input is processed with (picklable: it is sent to the workers)."""

    out_dir: str
    formats: tuple[str, ...] = ("pdf",)
    lang: str | None = None
    force: bool = False
    questionnaire_file: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    rules_file: str | None = None  # instead of the rulebook beside each questionnaire
    brand_file: str | None = None
    templates: str | None = None  # a folder searched before the bundled templates


@dataclass(frozen=True)
class Task:
    """One input to process: a file, or a table's row (0-based among its data rows)."""

    path: str
    row: int | None
    stem: str  # the input's part of the output names, unique within the run

    @property
    def label(self) -> str:
        return self.path if self.row is None else f"{self.path} (row {self.row + 1})"


@dataclass
class ItemResult:
    """What became of one input; the summary and the portfolio are made from these."""

    input: str
    row: int | None  # 1-based data row of a table, None for an answer file
    status: str  # "ok", "failed" or "not_run"
    company: str = ""
    language: str = ""
    errors: list[str] = field(default_factory=list)
    roles_added: list[str] = field(default_factory=list)
    proposed_roles: list[str] = field(default_factory=list)
    assortment_expansion: str = ""
    support: str = ""
    support_title: Text = field(default_factory=dict)
    findings: list[str] = field(default_factory=list)  # fired rule ids
    rule_titles: dict[str, Text] = field(default_factory=dict)  # every rule's title, in order
    outputs: list[str] = field(default_factory=list)


# ------------------------------------------------------------------ per-process state

_STATE: dict[str, Any] = {}
_IN_TASK = False
_TERMINATING = False


def init_worker(options: BatchOptions) -> None:
    """Pool initializer: own signals, then load and warm everything once per process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C does
    signal.signal(signal.SIGTERM, _on_term)
    warm(options)


def _on_term(signum: int, frame: object) -> None:
    global _TERMINATING
    _TERMINATING = True
    if _IN_TASK:
        # may be swallowed if it lands in a C callback inside WeasyPrint: `run_task`
        # then sees _TERMINATING when the render returns
        raise Interrupted()
    os._exit(128 + signum)  # idle: nothing to clean up


def warm(options: BatchOptions) -> None:
    """Load the questionnaire, rulebook, brand and templates; import and warm WeasyPrint."""
    from diagnose.report.brand import load_brand

    questionnaire = _default_questionnaire(options)
    if questionnaire is not None:
        _rulebook(questionnaire, options)
    _STATE["brand"] = load_brand(options.brand_file)
    if "pdf" in options.formats:
        from diagnose.report.pdf import keep_stylesheets

        keep_stylesheets()  # parse the stylesheets and load the fonts once per worker
        _warm_pdf(options.templates)
    _STATE["rss_after_collect"] = _rss_mb()


# A rendered PDF leaves tens of MB of cyclic garbage (WeasyPrint's boxes) for Python's
# collector. The collector's own schedule keeps a worker near 110 MB; this is the safety
# net should it fall behind: collect once the process has grown this much since the last
# collection, and hand the freed memory back to the system.
COLLECT_AFTER_MB = 60


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError):
        return float("inf")  # cannot tell: collect after every input


def _keep_memory_flat() -> None:
    if _rss_mb() - _STATE.get("rss_after_collect", 0.0) < COLLECT_AFTER_MB:
        return
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)  # glibc keeps freed arenas otherwise
    except (OSError, AttributeError):
        pass
    _STATE["rss_after_collect"] = _rss_mb()


def _warm_pdf(templates: str | None) -> None:
    """Import WeasyPrint and lay out a line in the report's fonts, so that the first real
    report does not pay for Pango, fontconfig and font loading."""
    from diagnose.report.html import STYLESHEET, find_file, template_folders
    from diagnose.report.pdf import ReportFetcher, html_to_pdf

    folders = template_folders(templates)
    html = '<p>Проверка шрифтов <b>Fonts</b> <i>→ ≠</i></p><p style="font-family: \'PT Serif\'">A</p>'
    html_to_pdf(html, folders[-1].as_uri() + "/", find_file(folders, STYLESHEET), "", ReportFetcher(folders))


def _questionnaire(path: str | Path) -> Questionnaire:
    key = f"questionnaire:{Path(path).resolve()}"
    if key not in _STATE:
        _STATE[key] = load_questionnaire(path)
    return _STATE[key]


def _rulebook(questionnaire: Questionnaire, options: BatchOptions) -> Any:
    """--rules bound to this questionnaire (loaded once per questionnaire), else the
    rulebook bundled beside it. A --rules file that does not fit an input's questionnaire
    fails that input with the located problems."""
    from diagnose.rules.evaluate import bundled_rulebook

    if not options.rules_file:
        return bundled_rulebook(questionnaire)
    from diagnose.rules.rulebook import load_rulebook

    return _once(f"rulebook:{id(questionnaire)}", lambda: load_rulebook(options.rules_file, questionnaire))


def _default_questionnaire(options: BatchOptions) -> Questionnaire | None:
    if options.questionnaire_file:
        return _questionnaire(options.questionnaire_file)
    path = questionnaire_path()
    return _questionnaire(path) if path.exists() else None


def _table_rows(path: str, questionnaire: Questionnaire) -> list[Any]:
    """A table's rows, read once per process (every row of a table is its own task)."""
    from diagnose.batch.tables import read_table

    stat = os.stat(path)
    key = f"table:{Path(path).resolve()}:{stat.st_mtime_ns}:{stat.st_size}:{id(questionnaire)}"
    return _once(key, lambda: read_table(path, questionnaire))


def _once(key: str, load: Callable[[], Any]) -> Any:
    """`load()` the first time `key` is asked for in this process; later, the same value,
    or the same UserError again (every input that needs a broken file fails alike)."""
    if key not in _STATE:
        try:
            _STATE[key] = load()
        except UserError as exc:
            _STATE[key] = exc
    cached = _STATE[key]
    if isinstance(cached, UserError):
        raise cached
    return cached


# ------------------------------------------------------------------ one input


def read_answers(task: Task, options: BatchOptions):  # -> AnswerSet
    """The input's checked answers; UserError with every located problem otherwise."""
    from diagnose.answers import answers_from_document
    from diagnose.batch.inputs import is_table
    from diagnose.yamlio import load_document

    problems = ProblemList()
    if is_table(task.path):
        questionnaire = _default_questionnaire(options)
        if questionnaire is None:
            raise UserError(Problem(Location(task.path), "no questionnaire to read the table with; pass --questionnaire"))
        rows = _table_rows(task.path, questionnaire)
        if task.row is None or task.row >= len(rows):
            raise UserError(Problem(Location(task.path), "the table changed while it was being processed"))
        document = rows[task.row].document
    else:
        document = load_document(task.path)
        questionnaire = None
        if options.questionnaire_file:
            questionnaire = _questionnaire(options.questionnaire_file)
        elif isinstance(document.data, dict) and isinstance(document.data.get("questionnaire"), str):
            named = bundled_questionnaires().get(document.data["questionnaire"])  # an id, never a path
            if named is not None:
                questionnaire = _questionnaire(named)
    answers = answers_from_document(document, problems, questionnaire)
    problems.raise_if_any()
    assert answers is not None
    return answers


def output_paths(task: Task, options: BatchOptions, company: str) -> list[Path]:
    from diagnose.batch.naming import output_stem

    stem = output_stem(company or "company", task.stem, task.row)
    return [Path(options.out_dir) / f"{stem}.{fmt}" for fmt in options.formats]


def process(task: Task, options: BatchOptions) -> ItemResult:
    """Read, check, evaluate, render and write one input; never raises for bad input."""
    global _IN_TASK
    result = ItemResult(task.path, None if task.row is None else task.row + 1, "failed")
    written: list[Path] = []
    _IN_TASK = True
    try:
        _process(task, options, result, written)
        result.status = "ok"
    except UserError as exc:
        result.errors = [str(p) for p in exc.problems]
    except (KeyboardInterrupt, Interrupted):
        _remove(written)
        raise
    except Exception as exc:  # a bug must not stop the other inputs; say where it happened
        result.errors = [f"{task.label}: internal error while processing: {type(exc).__name__}: {exc}"]
    finally:
        _IN_TASK = False
    if result.status != "ok":
        _remove(written)
        result.outputs = []
    _keep_memory_flat()
    return result


def _process(task: Task, options: BatchOptions, result: ItemResult, written: list[Path]) -> None:
    from diagnose.report.render import report_bytes
    from diagnose.rules.evaluate import evaluate
    from diagnose.yamlio import atomic_write_bytes

    answers = read_answers(task, options)
    result.company = answers.company
    result.language = answers.language
    targets = output_paths(task, options, answers.company)
    if not options.force:
        for target in targets:
            if target.exists():
                raise UserError(Problem(Location(str(target)),
                                        f"already exists (the output of {task.label}); pass --force to overwrite it"))
    diagnosis = evaluate(answers, _rulebook(answers.questionnaire, options), dict(options.overrides))
    _describe(diagnosis, result)
    brand = _STATE.get("brand")
    # render every format before writing any: a failed render leaves no outputs behind
    rendered = [report_bytes(diagnosis, fmt, options.lang, brand, options.templates).data for fmt in options.formats]
    # the writes are quick: hold Ctrl-C/SIGTERM back until all formats are in place, so an
    # interruption finds an input with all its outputs or (after `_remove`) none
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        for target, data in zip(targets, rendered, strict=True):
            atomic_write_bytes(target, data)
            written.append(target)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    result.outputs = [str(t) for t in targets]


def _describe(diagnosis: Any, result: ItemResult) -> None:
    """The proposed structure in short, for the summary and the portfolio."""
    result.roles_added = [r.id for r in diagnosis.proposed_structure if r.change == "new"]
    result.proposed_roles = [r.id for r in diagnosis.proposed_structure if r.change != "removed"]
    result.assortment_expansion = diagnosis.owner_of("assortment_expansion") or ""
    result.support = diagnosis.support.mode
    result.support_title = dict(diagnosis.support.title)
    result.findings = [f.rule_id for f in diagnosis.findings if f.status == "fired"]
    result.rule_titles = {f.rule_id: dict(f.title) for f in diagnosis.findings}


def _remove(paths: list[Path]) -> None:
    for path in paths:
        try:
            path.unlink()
        except OSError:
            pass


def run_task(args: tuple[Task, BatchOptions]) -> ItemResult:
    """Pool entry point. An interruption ends the worker quietly (no traceback) after
    `process` has removed the unfinished input's outputs."""
    task, options = args
    try:
        result = process(task, options)
    except Interrupted:
        os._exit(128 + signal.SIGTERM)
    if _TERMINATING:  # told to stop while finishing: the parent will not record this input
        _remove([Path(p) for p in result.outputs])
        os._exit(128 + signal.SIGTERM)
    return result
