"""One batch input -> its outputs: read, check, evaluate, render, write. Runs in a worker.

Everything a worker needs more than once is loaded once per process and kept: the
questionnaire and rulebook, the brand, and (when PDFs are made) WeasyPrint itself with
its fonts warmed by a tiny render. A table's row arrives as its cells with the table's
header, so no worker reads a table. A worker never raises for a bad input: it returns
an `ItemResult` with the located problems. An interruption (SIGUSR1 from the parent
stopping at once, or Ctrl-C when running in-process) unwinds through `process`, which
deletes the outputs of the unfinished input, so an input has all its outputs or none.

Outputs are written without replacing anything unless --force: each is linked into
place from its temporary file, which fails if the name exists, so not even another
program writing into the folder at the same moment can lose a file.
"""

from __future__ import annotations

import ctypes
import errno
import gc
import os
import signal
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from diagnose.errors import Location, Problem, ProblemList, UserError
from diagnose.questionnaire import Questionnaire, load_questionnaire
from diagnose.resources import bundled_questionnaires, questionnaire_path

Text = dict[str, str]


class Interrupted(BaseException):
    """SIGUSR1 inside a worker (the parent stops at once): unwind, deleting unfinished
    outputs, then exit."""


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
    """One input to process: a file, or a table's row (0-based among its data rows, sent
    with its cells and the table's header)."""

    path: str
    row: int | None
    part: str  # the input's part of the output names (`acme`, `export-row-3`), unique in the run
    header: Any = None  # tables.Header of a table's row
    cells: Any = None  # tables.Row
    problems: tuple = ()  # a table the planner could not read: its located problems

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


HELD_BACK = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1}  # while outputs are written
PR_SET_PDEATHSIG = 1


def serve(conn: Any, options: BatchOptions, limit: int, parent: int) -> None:
    """A worker process: warm, then process the inputs the parent sends, one at a time,
    until told to stop or `limit` inputs are done (see diagnose.batch.pool)."""
    # the parent decides what Ctrl-C, SIGTERM and a closed terminal do to the batch
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_IGN)
    signal.signal(signal.SIGUSR1, _on_stop)
    try:  # stop at once, too, if the parent dies (Linux)
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGUSR1)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # it died before prctl
        os._exit(0)
    warm(options)
    conn.send(("ready",))
    done = 0
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        if message is None:
            os._exit(0)
        index, task = message
        try:
            result = process(task, options, lambda paths, i=index: conn.send(("writing", i, [str(p) for p in paths])))
        except Interrupted:
            os._exit(128 + signal.SIGUSR1)
        if _TERMINATING:  # told to stop while finishing: the parent will not record this input
            _remove([Path(p) for p in result.outputs])
            os._exit(128 + signal.SIGUSR1)
        conn.send(("done", index, result))
        done += 1
        if done >= limit:
            conn.send(("retire",))
            os._exit(0)


def _on_stop(signum: int, frame: object) -> None:
    global _TERMINATING
    _TERMINATING = True
    if _IN_TASK:
        # may be swallowed if it lands in a C callback inside WeasyPrint: `serve` then
        # sees _TERMINATING when the render returns
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
    if "default" not in _STATE:  # finding the bundled folder takes a millisecond: once per process
        path = questionnaire_path()
        _STATE["default"] = _questionnaire(path) if path.exists() else None
    return _STATE["default"]


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
    if task.problems:
        raise UserError(list(task.problems))
    if is_table(task.path):
        from diagnose.batch.tables import row_document, special_words

        questionnaire = _default_questionnaire(options)
        if questionnaire is None or task.header is None:
            raise UserError(Problem(Location(task.path), "no questionnaire to read the table with; pass --questionnaire"))
        specials = _once(f"specials:{id(questionnaire)}", lambda: special_words(questionnaire))
        document = row_document(task.header, task.cells, questionnaire, specials)
    else:
        fast = _read_fast(task.path, options)
        if fast is not None:
            return fast
        document = load_document(task.path)
        questionnaire = _named_questionnaire(document, options)
    answers = answers_from_document(document, problems, questionnaire)
    problems.raise_if_any()
    assert answers is not None
    return answers


def _read_fast(path: str, options: BatchOptions):  # -> AnswerSet | None
    """The answers read with libyaml (diagnose/fastyaml.py), or None when that reading is
    refused or finds any problem: the careful reading then reports it with positions.
    A batch never saves answers back, so it needs neither comments nor positions, and
    the careful reading costs more than everything else of a JSON report."""
    from diagnose.answers import answers_from_document
    from diagnose.fastyaml import fast_document

    document = fast_document(path)
    if document is None:
        return None
    problems = ProblemList()
    answers = answers_from_document(document, problems, _named_questionnaire(document, options))
    return answers if answers is not None and not problems else None


def _named_questionnaire(document: Any, options: BatchOptions) -> Questionnaire | None:
    """--questionnaire, else the bundled questionnaire the file names by id (never a
    path), else None (the check then reports the name)."""
    if options.questionnaire_file:
        return _questionnaire(options.questionnaire_file)
    if isinstance(document.data, dict) and isinstance(document.data.get("questionnaire"), str):
        named = bundled_questionnaires().get(document.data["questionnaire"])
        if named is not None:
            return _questionnaire(named)
    return None


def output_paths(task: Task, options: BatchOptions, company: str) -> list[Path]:
    from diagnose.batch.naming import output_stem

    stem = output_stem(company or "company", task.part)
    return [Path(options.out_dir) / f"{stem}.{fmt}" for fmt in options.formats]


def process(task: Task, options: BatchOptions,
            announce: Callable[[list[Path]], None] = lambda paths: None) -> ItemResult:
    """Read, check, evaluate, render and write one input; never raises for bad input.
    `announce` is told the output names just before they are written (the parent
    removes them should this process die while writing)."""
    global _IN_TASK
    result = ItemResult(task.path, None if task.row is None else task.row + 1, "failed")
    written: list[Path] = []
    _IN_TASK = True
    try:
        _process(task, options, result, written, announce)
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


def _process(task: Task, options: BatchOptions, result: ItemResult, written: list[Path],
             announce: Callable[[list[Path]], None]) -> None:
    from diagnose.report.render import report_bytes
    from diagnose.rules.evaluate import evaluate

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
    # the writes are quick: hold Ctrl-C, SIGTERM, SIGHUP and the parent's stop back until
    # all formats are in place, so an interruption finds an input with all its outputs or
    # (after `_remove`) none
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, HELD_BACK)
    try:
        announce(targets)
        for target, data in zip(targets, rendered, strict=True):
            write_output(target, data, options.force, task.label)
            written.append(target)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    result.outputs = [str(t) for t in targets]


def write_output(target: Path, data: bytes, force: bool, label: str) -> None:
    """Write `data` to `target` atomically: a temporary file in the same folder, flushed,
    then renamed over the target (--force) or linked to its name, which fails rather than
    replace a file that appeared in the meantime."""
    if force:
        from diagnose.yamlio import atomic_write_bytes

        atomic_write_bytes(target, data)
        return
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except FileNotFoundError:
        raise UserError(Problem(Location(str(target)), "cannot write: the folder does not exist")) from None
    except PermissionError:
        raise UserError(Problem(Location(str(target)), "cannot write: permission denied")) from None
    except OSError as exc:
        raise UserError(Problem(Location(str(target)), f"cannot write: {exc.strerror}")) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.link(tmp, target)
    except FileExistsError:
        raise UserError(Problem(Location(str(target)), f"already exists (the output of {label}); "
                                                       "pass --force to overwrite it")) from None
    except OSError as exc:
        if exc.errno in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV):  # a file system without hard links
            from diagnose.yamlio import atomic_write_bytes

            if target.exists():
                raise UserError(Problem(Location(str(target)), f"already exists (the output of {label}); "
                                                               "pass --force to overwrite it")) from None
            atomic_write_bytes(target, data)
            return
        raise UserError(Problem(Location(str(target)), f"cannot write: {exc.strerror}")) from None
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


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


