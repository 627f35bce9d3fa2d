"""One batch input -> its outputs: read, check, evaluate, render, write. Runs in a worker.

Everything a worker needs more than once is loaded once per process and kept on its
`Worker`: the method in use for each questionnaire met (diagnose.method: questionnaire,
rulebook, overrides, brand, templates), the parsed stylesheets, and (when PDFs are made)
WeasyPrint itself with its fonts warmed by a tiny render. A table's row arrives as its cells with the table's
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
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from diagnose.batch.portable import STOP_AT_ONCE, STOP_SIGNALS, held_back
from diagnose.errors import Location, Problem, ProblemList, UserError
from diagnose.method import Method, diagnose, load_method, render
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
    pdf_variant: str | None = None  # report.PDF_VARIANTS; None: plain PDFs
    audience: str | None = None  # report.AUDIENCES; None: the client's report


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
    replace: tuple[str, ...] = ()  # its own reports of an earlier run, which it may replace (batch.rerun)

    @property
    def label(self) -> str:
        return self.path if self.row is None else f"{self.path} (row {self.row + 1})"


@dataclass
class ItemResult:
    """What became of one input; the summary and the portfolio are made from these."""

    input: str
    row: int | None  # 1-based data row of a table, None for an answer file
    status: str  # "ok", "kept" (an earlier run's reports, batch.rerun), "failed" or "not_run"
    company: str = ""
    language: str = ""
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # broken warning checks of the answers
    roles_added: list[str] = field(default_factory=list)
    proposed_roles: list[str] = field(default_factory=list)
    assortment_expansion: str = ""
    support: str = ""
    support_title: Text = field(default_factory=dict)
    findings: list[str] = field(default_factory=list)  # fired rule ids
    rule_titles: dict[str, Text] = field(default_factory=dict)  # every rule's title, in order
    outputs: list[str] = field(default_factory=list)
    number: int = 0  # position among all the inputs of the batch (of every shard), set by the runner
    sha256: str = ""  # of the input's content (batch.rerun.digest), set by the runner


# ------------------------------------------------------------------ per-process state

_IN_TASK = False
_TERMINATING = False


class Worker:
    """What one worker process keeps between its inputs: the method in use for each
    questionnaire it met (built from the options once), the parsed stylesheets of its
    PDFs, and how big the process was after its last garbage collection."""

    def __init__(self, options: BatchOptions) -> None:
        self.options = options
        self.base = load_method(options.questionnaire_file, options.rules_file, brand=options.brand_file,
                                templates=options.templates, overrides=dict(options.overrides),
                                pdf_variant=options.pdf_variant, audience=options.audience)
        self.methods: dict[str, Method] = {}  # by the questionnaire file's resolved path
        self.specials: tuple[Questionnaire, dict[str, str]] | None = None  # a table's words, for its questionnaire
        self.rss_after_collect = 0.0

    def method_at(self, path: str | Path) -> Method:
        """The method for the questionnaire in `path` (--questionnaire or a bundled one)."""
        key = str(Path(path).resolve())
        if key not in self.methods:
            if self.options.questionnaire_file and key == str(Path(self.options.questionnaire_file).resolve()):
                self.methods[key] = self.base
            else:
                self.methods[key] = self.base.for_questionnaire(load_questionnaire(path))
        return self.methods[key]

    def default_method(self) -> Method | None:
        """The method of --questionnaire, else of the bundled questionnaire (None if none is
        installed): tables are read with its questionnaire."""
        if self.options.questionnaire_file:
            return self.method_at(self.options.questionnaire_file)
        path = questionnaire_path()  # finding the bundled folder takes a millisecond: once
        if "default" not in self.methods:
            self.methods["default"] = self.method_at(path) if path.exists() else None  # type: ignore[assignment]
        return self.methods["default"]

    def warm(self) -> None:
        """Load the questionnaire, rulebook, brand and templates; import and warm WeasyPrint."""
        if "pdf" in self.options.formats:
            from diagnose.report.pdf import KeptStylesheets

            # parse the stylesheets and load the fonts once per worker
            self.base.kept_stylesheets = KeptStylesheets()
        self.base.brand  # noqa: B018 - loaded before the methods for other questionnaires copy it
        method = self.default_method()
        if method is not None:
            try:
                method.rulebook  # noqa: B018 - a broken --rules fails each input, not the worker
            except UserError:
                pass
        if "pdf" in self.options.formats:
            _warm_pdf(self.base)
        self.rss_after_collect = _rss_mb()

    def keep_memory_flat(self) -> None:
        if _rss_mb() - self.rss_after_collect < COLLECT_AFTER_MB:
            return
        gc.collect()
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)  # glibc keeps freed arenas otherwise
        except (OSError, AttributeError):
            pass
        self.rss_after_collect = _rss_mb()


HELD_BACK = {*STOP_SIGNALS, *([STOP_AT_ONCE] if STOP_AT_ONCE else [])}  # while outputs are written
STOPPED = 128 + int(STOP_AT_ONCE or signal.SIGTERM)  # a worker's exit code when told to stop at once
PR_SET_PDEATHSIG = 1


def serve(conn: Any, options: BatchOptions, limit: int, parent: int) -> None:
    """A worker process: warm, then process the inputs the parent sends, one at a time,
    until told to stop or `limit` inputs are done (see diagnose.batch.pool). `parent` is
    the batch's process id, or 0 when that is not this process's parent (a forkserver
    started it): then only the pipe's end tells that the batch has gone."""
    # the parent decides what Ctrl-C, SIGTERM and a closed terminal do to the batch
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)
    if STOP_AT_ONCE is not None:  # Windows has none: the parent terminates the worker instead
        signal.signal(STOP_AT_ONCE, _on_stop)
    if parent:
        try:  # stop at once, too, if the parent dies (Linux)
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGUSR1)
        except (OSError, AttributeError):
            pass
        if os.getppid() != parent:  # it died before prctl
            os._exit(0)
    worker = Worker(options)
    worker.warm()
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
            result = process(task, worker, lambda paths, i=index: conn.send(("writing", i, [str(p) for p in paths])))
        except Interrupted:
            os._exit(STOPPED)
        if _TERMINATING:  # told to stop while finishing: the parent will not record this input
            _remove([Path(p) for p in result.outputs])
            os._exit(STOPPED)
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


def _warm_pdf(method: Method) -> None:
    """Import WeasyPrint and lay out a line in the report's fonts, so that the first real
    report does not pay for Pango, fontconfig and font loading."""
    from diagnose.report.html import STYLESHEET, find_file
    from diagnose.report.pdf import ReportFetcher, html_to_pdf

    folders = method.template_folders
    html = '<p>Проверка шрифтов <b>Fonts</b> <i>→ ≠</i></p><p style="font-family: \'PT Serif\'">A</p>'
    html_to_pdf(html, folders[-1].as_uri() + "/", find_file(folders, STYLESHEET), "", ReportFetcher(folders),
                method.kept_stylesheets)


# ------------------------------------------------------------------ one input


def read_answers(task: Task, worker: Worker):  # -> tuple[AnswerSet, Method]
    """The input's checked answers and the method for their questionnaire; UserError with
    every located problem otherwise."""
    from diagnose.answers import answers_from_document
    from diagnose.batch.inputs import is_table
    from diagnose.yamlio import load_document

    problems = ProblemList()
    if task.problems:
        raise UserError(list(task.problems))
    method: Method | None = None
    if is_table(task.path):
        from diagnose.batch.tables import row_document, special_words

        method = worker.default_method()
        if method is None or task.header is None:
            raise UserError(Problem(Location(task.path), "no questionnaire to read the table with; pass --questionnaire"))
        questionnaire = method.questionnaire
        if worker.specials is None or worker.specials[0] is not questionnaire:
            worker.specials = (questionnaire, special_words(questionnaire))
        document = row_document(task.header, task.cells, questionnaire, worker.specials[1])
    else:
        fast = _read_fast(task.path, worker)
        if fast is not None:
            return fast
        document = load_document(task.path)
        method = _named_method(document, worker)
    answers = answers_from_document(document, problems, method.questionnaire if method is not None else None)
    if problems and task.header is not None:
        from diagnose.batch.tables import in_cells

        raise UserError(in_cells(task.header, problems.items))
    problems.raise_if_any()
    assert answers is not None
    return answers, method or worker.base.for_questionnaire(answers.questionnaire)


def _read_fast(path: str, worker: Worker):  # -> tuple[AnswerSet, Method] | None
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
    method = _named_method(document, worker)
    answers = answers_from_document(document, problems, method.questionnaire if method is not None else None)
    if answers is None or problems or answers.warnings:
        return None  # a warning, too, is said with its position
    return answers, method or worker.base.for_questionnaire(answers.questionnaire)


def _named_method(document: Any, worker: Worker) -> Method | None:
    """The method for --questionnaire, else for the bundled questionnaire the file names
    by id (never a path), else None (the check then reports the name)."""
    if worker.options.questionnaire_file:
        return worker.method_at(worker.options.questionnaire_file)
    if isinstance(document.data, dict) and isinstance(document.data.get("questionnaire"), str):
        named = bundled_questionnaires().get(document.data["questionnaire"])  # an id, never a path
        if named is not None:
            return worker.method_at(named)
    return None


def output_paths(task: Task, options: BatchOptions, company: str) -> list[Path]:
    from diagnose.batch.naming import output_stem

    stem = output_stem(company or "company", task.part)
    return [Path(options.out_dir) / f"{stem}.{fmt}" for fmt in options.formats]


def process(task: Task, worker: Worker,
            announce: Callable[[list[Path]], None] = lambda paths: None) -> ItemResult:
    """Read, check, evaluate, render and write one input; never raises for bad input.
    `announce` is told the output names just before they are written (the parent
    removes them should this process die while writing)."""
    global _IN_TASK
    result = ItemResult(task.path, None if task.row is None else task.row + 1, "failed")
    written: list[Path] = []
    _IN_TASK = True
    try:
        _process(task, worker, result, written, announce)
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
    worker.keep_memory_flat()
    return result


def _process(task: Task, worker: Worker, result: ItemResult, written: list[Path],
             announce: Callable[[list[Path]], None]) -> None:
    options = worker.options
    answers, method = read_answers(task, worker)
    result.company = answers.company
    result.language = answers.language
    result.warnings = [str(p) for p in answers.warnings]
    targets = output_paths(task, options, answers.company)
    if not options.force:
        for target in targets:
            if target.exists() and str(target) not in task.replace:
                raise UserError(Problem(Location(str(target)),
                                        f"already exists (the output of {task.label}); pass --force to overwrite it"))
    diagnosis = diagnose(method, answers)
    _describe(diagnosis, result)
    # render every format before writing any: a failed render leaves no outputs behind
    rendered = [render(method, diagnosis, fmt, options.lang).data for fmt in options.formats]
    # the writes are quick: hold Ctrl-C, SIGTERM, SIGHUP and the parent's stop back until
    # all formats are in place, so an interruption finds an input with all its outputs or
    # (after `_remove`) none
    with held_back(HELD_BACK):
        announce(targets)
        for target, data in zip(targets, rendered, strict=True):
            write_output(target, data, options.force or str(target) in task.replace, task.label)
            written.append(target)
        # an earlier report of this input under another name (the company was renamed) is stale
        _remove([Path(p) for p in task.replace if p not in {str(t) for t in targets}])
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
    """Delete outputs this worker linked into place; only regular files: whatever else now
    stands at such a name (a link, a pipe, a device) was put there by someone else."""
    for path in paths:
        try:
            if stat.S_ISREG(path.lstat().st_mode):
                path.unlink()
        except OSError:
            pass


