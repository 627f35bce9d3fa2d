"""`diagnose batch`: many inputs -> many reports, in parallel, with a summary.

The parent process only plans: it expands the inputs, reads tables through once to
count their rows, checks the options (a bad --set is a usage error before anything
runs), gives each input its unique part of the output names, and locks the output
folder against a second batch. Reading, checking, evaluating and rendering happen in
worker processes (`diagnose.batch.pool`, `diagnose.batch.worker`); the parent never
imports WeasyPrint before the workers are forked, and workers are recycled because
native memory grows with every PDF. `--jobs 1` runs everything in this process.

Nothing grows with the number of inputs: tasks are made from the inputs as workers
become free (a table's rows are read as a stream), and results go straight to the
summary files and the portfolio's counts, in input order.

Ctrl-C, SIGTERM or SIGHUP stops handing out inputs: finished outputs stay, the inputs in
progress finish, and the summary lists what was finished. A second one stops at once.
A closed stderr (`2>&1 | head -1`) silences the messages, never the work.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from diagnose.batch.heap import give_back
from diagnose.batch.inputs import expand_inputs, is_table
from diagnose.batch.naming import row_part, unique_parts
from diagnose.batch.portable import STOP_SIGNALS, start_method, wakeup_pipe
from diagnose.batch.portable import held_back as _held
from diagnose.batch.rerun import History, decide, digest, load_history
from diagnose.batch.shard import Shard, in_shard, parse_shard, shard_text
from diagnose.batch.worker import BatchOptions, ItemResult, Task, Worker, process
from diagnose.errors import Location, Problem, UserError
from diagnose.method import Method, load_method
from diagnose.questionnaire import Questionnaire
from diagnose.report import FORMATS

EXIT_OK, EXIT_SOME_FAILED, EXIT_INTERRUPTED = 0, 1, 130
# Recycle a worker after this many inputs: WeasyPrint's native memory grows ~0.3 MB per
# PDF and is only returned when the process ends; 20 keeps the peak flat whatever the
# batch size, and re-warming a worker costs about one report in twenty. Without PDFs a
# worker grows by little (what it does grow is collected, see worker._keep_memory_flat),
# and re-warming would cost more than the inputs themselves.
TASKS_PER_WORKER = 20
TASKS_PER_WORKER_WITHOUT_PDF = 1000
LOCK_NAME = ".diagnose-batch.lock"
FINISHED_LISTED = 1000  # inputs named one by one when a run is interrupted


@dataclass
class BatchRun:
    """The outcome of a run: how many inputs ended how."""

    counts: dict[str, int] = field(default_factory=dict)
    interrupted: bool = False

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return EXIT_INTERRUPTED
        return EXIT_SOME_FAILED if self.counts.get("failed") or self.counts.get("not_run") else EXIT_OK


def parse_formats(text: str) -> tuple[str, ...]:
    """'pdf,json' -> ('pdf', 'json'); an unknown format is a usage error."""
    names = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [n for n in names if n not in FORMATS]
    if unknown or not names:
        raise UserError(Problem(Location("--format"), f"'{text}' is not a list of formats; expected some of: "
                                                      f"{', '.join(FORMATS)}, separated by commas"))
    return tuple(dict.fromkeys(names))


@dataclass(frozen=True)
class Source:
    """One input file: its part of the output names, and for a table its row count (or
    the problems that make it one failed input)."""

    path: str
    part: str
    table: bool = False
    rows: int = 0
    problems: tuple[Problem, ...] = ()


@dataclass
class Plan:
    """Every input of a run, named; `tasks()` makes their tasks one at a time."""

    sources: list[Source]
    questionnaire: Questionnaire | None = None

    @property
    def total(self) -> int:
        return sum(s.rows if s.table and not s.problems else 1 for s in self.sources)

    @property
    def files(self) -> list[Path]:
        return [Path(s.path) for s in self.sources]

    def tasks(self) -> Iterator[tuple[int, Task]]:
        return self.numbered()

    def in_shard(self, shard: Shard | None) -> int:
        """How many of the inputs are in `shard` (all of them for None)."""
        if shard is None:
            return self.total
        return sum(in_shard(part, shard) for source in self.sources
                   for part in ([source.part] if not source.table or source.problems
                                else (row_part(source.part, n) for n in range(source.rows))))

    def numbered(self) -> Iterator[tuple[int, Task]]:
        """Every input's task with its position among all the inputs."""
        from diagnose.batch.tables import open_table

        index = 0
        for source in self.sources:
            if not source.table or source.problems:
                yield index, Task(source.path, None, source.part, problems=source.problems)
                index += 1
                continue
            assert self.questionnaire is not None
            try:
                header, rows = open_table(source.path, self.questionnaire)
                for number, row in enumerate(rows):
                    yield index, Task(source.path, number, row_part(source.part, number), header, row)
                    index += 1
            except UserError as exc:  # the table changed since it was counted
                yield index, Task(source.path, None, source.part, problems=tuple(exc.problems))
                index += 1


def plan(inputs: list[str], method: Method | None = None, out_dir: Path | None = None) -> Plan:
    """Every input file with a unique part of its output names; tables read through once
    with the method's questionnaire (their row count, or what makes the whole table fail)."""
    files = expand_inputs(inputs, out_dir)
    parts = unique_parts([(p.stem, is_table(p)) for p in files])
    questionnaire = None
    sources = []
    for path, part in zip(files, parts, strict=True):
        if not is_table(path):
            sources.append(Source(str(path), part))
            continue
        if questionnaire is None:
            questionnaire = (method or load_method()).questionnaire
        from diagnose.batch.tables import count_rows

        try:
            sources.append(Source(str(path), part, True, count_rows(path, questionnaire, str(path))))
        except UserError as exc:
            sources.append(Source(str(path), part, True, 0, tuple(exc.problems)))
    return Plan(sources, questionnaire)


@dataclass(frozen=True)
class Settings:
    """What the command line applies to every input: files to use instead of the bundled
    ones, and parameter overrides."""

    questionnaire_file: Path | None = None
    rules_file: Path | None = None
    sets: tuple[str, ...] = ()
    params_file: Path | None = None
    brand_file: Path | None = None
    templates: Path | None = None
    pdf_variant: str | None = None  # report.PDF_VARIANTS; None: plain PDFs
    audience: str | None = None  # report.AUDIENCES; None: the client's report


def check_settings(settings: Settings) -> Method:
    """The method the options name, with every file they name loaded and checked here in
    the parent, so that a typo in --set or a broken brand file is one usage error before
    any work (its `overrides` are sent to the workers)."""
    method = load_method(settings.questionnaire_file, settings.rules_file, settings.sets, settings.params_file,
                         settings.brand_file, settings.templates, pdf_variant=settings.pdf_variant,
                         audience=settings.audience)
    method.template_folders  # noqa: B018
    if settings.brand_file is not None:
        method.brand  # noqa: B018
    if settings.templates is not None:
        from diagnose.batch.summary import render_portfolio

        # a consultancy's portfolio.html that cannot render is found now, not after every report
        render_portfolio([], None, "html", method)
    if settings.questionnaire_file is not None:
        method.questionnaire  # noqa: B018
    if settings.rules_file is not None:
        method.rulebook  # noqa: B018
    method.overrides  # noqa: B018 - checked against the rulebook only when there are any
    return method


def prepare_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(Problem(Location(str(out_dir)), "--out-dir: not a folder; expected a folder for the reports"))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(Problem(Location(str(out_dir)), f"--out-dir: cannot create the folder: {exc.strerror}")) from None


def _check_summary(summary: Path | None, csv_path: Path, json_path: Path, out_dir: Path, files: list[Path]) -> None:
    """The summary goes to an existing folder, never over an input of this run (whatever
    --force says), and never under a report's name."""
    where = Location(str(summary) if summary is not None else str(csv_path))
    if not csv_path.parent.is_dir() and csv_path.parent.resolve() != out_dir.resolve():
        # found out now, not after every report is written
        raise UserError(Problem(where, "--summary: the folder does not exist; expected FILE in an existing folder "
                                       "or in --out-dir"))
    inputs = {p.resolve() for p in files}
    for target in (csv_path, json_path):
        if target.resolve() in inputs:
            raise UserError(Problem(where, f"--summary: {target} is an input of this run; expected another name, "
                                           "an input is never written over"))
    if "--" in csv_path.name:
        raise UserError(Problem(where, "--summary: names with '--' are the reports' names; expected another name"))


def lock_out_dir(out_dir: Path) -> Any:
    """One batch at a time writes into a folder; the second is refused, naming the first."""
    from diagnose.locks import Busy, Lock, holder

    try:
        return Lock(out_dir / LOCK_NAME).acquire()
    except Busy as busy:
        raise UserError(Problem(Location(str(out_dir)), f"--out-dir: another batch ({holder(busy.pid)}) is writing "
                                                        "into this folder; wait for it to finish or choose another "
                                                        "--out-dir")) from None


# ------------------------------------------------------------------ running


class Messages:
    """stderr that cannot stop the work: once a write fails (a closed pipe, `| head -1`,
    a terminal gone), the rest of the messages go to /dev/null, the descriptor too, so
    that nothing fails again when the process exits."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.closed = False

    def write(self, text: str) -> int:
        if not self.closed:
            try:
                self.stream.write(text)
            except (OSError, ValueError):
                self._lost()
        return len(text)

    def flush(self) -> None:
        if not self.closed:
            try:
                self.stream.flush()
            except (OSError, ValueError):
                self._lost()

    def isatty(self) -> bool:
        try:
            return not self.closed and self.stream.isatty()
        except (OSError, ValueError):
            return False

    def _lost(self) -> None:
        self.closed = True
        with contextlib.suppress(OSError, ValueError, AttributeError, io_unsupported()):
            fd = self.stream.fileno()
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, fd)
            os.close(devnull)


def io_unsupported() -> type[Exception]:
    import io

    return io.UnsupportedOperation


class Signals:
    """SIGINT, SIGTERM and SIGHUP counted, for the whole run: the first asks to stop, the
    second to stop at once, later ones change nothing (and none kills the process before
    the summary is written). Each also writes to a pipe the pool waits on."""

    def __init__(self) -> None:
        self.count = 0
        self.raising = False  # in-process: the first signal raises KeyboardInterrupt
        self.previous: dict[int, Any] = {}
        self.read_end: int | None = None
        self._write_end: int | None = None
        self._previous_wakeup = -1

    def __enter__(self) -> Signals:
        import threading

        if threading.current_thread() is not threading.main_thread():
            return self
        pipe = wakeup_pipe()
        if pipe is not None:
            self.read_end, self._write_end = pipe
            self._previous_wakeup = signal.set_wakeup_fd(self._write_end, warn_on_full_buffer=False)
        for signum in STOP_SIGNALS:
            self.previous[signum] = signal.signal(signum, self._handle)
        return self

    def _handle(self, signum: int, frame: object) -> None:
        self.count += 1
        if self.raising and self.count == 1:
            raise KeyboardInterrupt

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)
        if self._write_end is not None:
            signal.set_wakeup_fd(self._previous_wakeup)
            os.close(self._write_end)
            os.close(self.read_end)  # type: ignore[arg-type]


@contextlib.contextmanager
def held_back() -> Iterator[None]:
    """Signals wait while a result is recorded, so the summary files never hold half a row."""
    with _held(STOP_SIGNALS):
        yield


class Collector:
    """Results in the order they arrive -> `on_arrival` at once; in input order -> `sinks`
    (the summary rows and the portfolio's counts). A result waits here only while an
    earlier input is still being processed: at most one per worker."""

    def __init__(self, on_arrival: Callable[[int, ItemResult], None], sinks: list[Callable[[ItemResult], None]]) -> None:
        self.on_arrival, self.sinks = on_arrival, sinks
        self.next = 0
        self.waiting: dict[int, ItemResult] = {}
        self.counts: dict[str, int] = {"ok": 0, "failed": 0, "not_run": 0}
        # (position among all inputs, content hash) of tasks handed out and not yet recorded
        self.stamps: dict[int, tuple[int, str]] = {}

    def put(self, index: int, result: ItemResult) -> None:
        with held_back():
            if index in self.stamps:
                result.number, result.sha256 = self.stamps.pop(index)
            if result.status != "not_run":
                self.on_arrival(index, result)
            self.waiting[index] = result
            while self.next in self.waiting:
                ready = self.waiting.pop(self.next)
                self.counts[ready.status] = self.counts.get(ready.status, 0) + 1
                for sink in self.sinks:
                    sink(ready)
                self.next += 1

    def flush(self) -> None:
        """Whatever still waits (only after a bug left a gap), in order."""
        for index in sorted(self.waiting):
            self.next = index
            self.put(index, self.waiting.pop(index))


def _not_run(task: Task) -> ItemResult:
    return ItemResult(task.path, None if task.row is None else task.row + 1, "not_run")


def execute(tasks: Iterator[tuple[int, Task]], options: BatchOptions, jobs: int, collector: Collector,
            signals: Signals, total: int, on_stopping: Callable[[int], None] = lambda n: None,
            say: Callable[[str], None] = lambda text: None) -> BatchRun:
    """Run every task, each result to `collector`. The first stop signal stops handing out
    inputs: the ones being rendered (at most one per worker) finish and are recorded
    (`on_stopping` is told how many), the rest are `not_run`. A second stops the workers
    at once; each deletes the outputs of the input it was in the middle of. In-process
    (`jobs` 1) the first signal stops at once."""
    # the first task to render, before any worker is warmed: a re-run that keeps every
    # report (recorded while the tasks are made) starts none
    first = next(tasks, None)
    if first is None:
        collector.flush()
        return BatchRun(dict(collector.counts), bool(signals.count))
    tasks = itertools.chain([first], tasks)
    if jobs <= 1 or total <= 1:
        interrupted = _in_process(tasks, options, collector, signals)
    else:
        from diagnose.batch.pool import Pool

        give_back()  # what planning freed (a table read through) is not copied into every worker
        # a DOCX's drawings are WeasyPrint's too, so its workers are recycled as a PDF's
        per_worker = TASKS_PER_WORKER if {"pdf", "docx"} & set(options.formats) else TASKS_PER_WORKER_WITHOUT_PDF
        pool = Pool(options, min(jobs, total), per_worker, collector.put, say, lambda: signals.count,
                    signals.read_end, on_stopping)
        interrupted = pool.run(tasks)
    for index, task in tasks:  # never handed out (an interrupted run)
        collector.put(index, _not_run(task))
    collector.flush()
    return BatchRun(dict(collector.counts), interrupted)


def _in_process(tasks: Iterator[tuple[int, Task]], options: BatchOptions, collector: Collector,
                signals: Signals) -> bool:
    signals.raising = True
    current: tuple[int, Task] | None = None
    try:
        if signals.count:
            return True
        worker = Worker(options)
        worker.warm()
        while True:
            with held_back():  # not inside the table's reader: the rest must stay readable
                current = next(tasks, None)
            if current is None:
                return False
            collector.put(current[0], process(current[1], worker))
            if signals.count:
                return True
    except KeyboardInterrupt:
        if current is not None and current[0] == collector.next:  # interrupted before it was recorded
            collector.put(current[0], _not_run(current[1]))
        return True
    finally:
        signals.raising = False  # what the worker kept (stylesheets, methods) goes with it


def _cores() -> int:
    """The cores this process may run on (a container may allow fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# ------------------------------------------------------------------ the terminal


class Progress:
    """A one-line progress counter on a terminal; silent in pipes and on CI. Failures are
    always printed, one line each, with the located problem."""

    def __init__(self, total: int, stream: TextIO, show: bool | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.total, self.stream = total, stream
        self.done = self.failed = 0
        if show is None:
            show = stream.isatty() and not os.environ.get("CI")
        self.show = show
        self.clock = clock
        self.started = clock()

    def update(self, index: int, result: ItemResult) -> None:
        self.done += 1
        if result.status not in ("ok", "kept"):
            self.failed += 1
            self._clear()
            first = result.errors[0] if result.errors else result.input
            extra = len(result.errors) - 1
            more = f" (+{extra} more {'problem' if extra == 1 else 'problems'} in the summary)" if extra else ""
            print(f"failed: {first}{more}", file=self.stream, flush=True)
        elif result.warnings:
            self._clear()
            for warning in result.warnings:
                print(f"warning: {warning}", file=self.stream, flush=True)
        if self.show:
            width = 30
            filled = width * self.done // max(self.total, 1)
            line = f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}"
            if self.failed:
                line += f", {self.failed} failed"
            line += self._times()
            print("\r\033[K" + line, end="", file=self.stream, flush=True)

    def _times(self) -> str:
        """' · 1:05 elapsed, about 4:20 left' (inputs so far take as long as the rest will)."""
        elapsed = self.clock() - self.started
        text = f" · {_minutes(elapsed)} elapsed"
        if 0 < self.done < self.total:
            text += f", about {_minutes(elapsed / self.done * (self.total - self.done))} left"
        return text

    def stopping(self, running: int) -> None:
        if running == 0:  # the signal came between two inputs: nothing is left to wait for
            self.say("Stopping: no input was in progress.")
            return
        what = "the input" if running == 1 else f"the {running} inputs"
        self.say(f"Stopping: finishing {what} in progress; press Ctrl-C again to stop at once.")

    def say(self, text: str) -> None:
        """A message line, on a line of its own above the bar."""
        self._clear()
        print(text, file=self.stream, flush=True)

    def _clear(self) -> None:
        if self.show:
            print("\r\033[K", end="", file=self.stream)

    def finish(self) -> None:
        if self.show:
            self._clear()
            self.stream.flush()


def _minutes(seconds: float) -> str:
    """75.4 -> '1:15'; an hour and more -> '1:02:05'."""
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02}:{rest % 60:02}" if hours else f"{rest // 60}:{rest % 60:02}"


def run_batch(
    inputs: list[str],
    out_dir: Path,
    formats: str = "pdf",
    jobs: int | None = None,
    lang: str | None = None,
    summary: Path | None = None,
    force: bool = False,
    settings: Settings | None = None,
    progress: bool | None = None,
    stream: TextIO | None = None,
    shard: str | None = None,
    only_changed: bool = False,
) -> int:
    """The batch command: plan, run, write the summary and the portfolio; the exit code."""
    from diagnose.batch.summary import summary_paths

    messages = Messages(stream or sys.stderr)
    settings = settings or Settings()
    chosen = parse_formats(formats)
    part = parse_shard(shard) if shard is not None else None
    if force and only_changed:
        raise UserError(Problem(Location("--only-changed"), "cannot go with --force, which re-renders every input; "
                                                            "expected one of them"))
    if jobs is not None and jobs < 1:
        raise UserError(Problem(Location("--jobs"), f"{jobs} is not a number of processes; expected 1 or more"))
    method = check_settings(settings)
    start_method()  # a DIAGNOSE_START_METHOD this system has no such way for is refused before any work
    qfile = _text(settings.questionnaire_file)
    csv_path, json_path = summary_paths(summary, out_dir)
    work = plan(inputs, method, out_dir)
    _check_summary(summary, csv_path, json_path, out_dir, work.files)
    prepare_out_dir(out_dir)
    lock = lock_out_dir(out_dir)
    try:
        history = History() if force else load_history(json_path)
        options = BatchOptions(str(out_dir), chosen, lang, force, qfile, method.overrides, _text(settings.rules_file),
                               _text(settings.brand_file), _text(settings.templates), settings.pdf_variant,
                               settings.audience)
        with Signals() as signals:
            rerun = Rerun(history, part, only_changed)
            return _run(work, options, method, jobs or _cores(), csv_path, json_path, messages, progress, signals,
                        rerun)
    finally:
        lock.release()


@dataclass(frozen=True)
class Rerun:
    """What this run makes of an earlier one and of the other shards (batch.rerun, batch.shard)."""

    history: History = field(default_factory=History)
    shard: Shard | None = None
    only_changed: bool = False


def handed_out(work: Plan, options: BatchOptions, rerun: Rerun, collector: Collector) -> Iterator[tuple[int, Task]]:
    """The tasks of this run's shard, numbered from 0; an input whose earlier reports are
    kept is recorded here at once and never reaches a worker."""
    index = 0
    out_dir = Path(options.out_dir)
    for number, task in work.numbered():
        if not in_shard(task.part, rerun.shard):
            continue
        sha = digest(task)
        decision = decide(task, sha, rerun.history, out_dir, options.formats, rerun.only_changed) \
            if rerun.history.rows else None
        kept = decision.kept if decision is not None else None
        collector.stamps[index] = (number, kept.sha256 if kept is not None else sha)
        if kept is not None:
            collector.put(index, kept)
        elif decision is not None and decision.replace:
            yield index, dataclasses.replace(task, replace=decision.replace)
        else:
            yield index, task
        index += 1


def _run(work: Plan, options: BatchOptions, method: Method, jobs: int, csv_path: Path, json_path: Path,
         messages: Messages, progress: bool | None, signals: Signals, rerun: Rerun | None = None) -> int:
    from diagnose.batch.summary import SummaryWriter, Tally, write_portfolio

    rerun = rerun or Rerun()
    out_dir = Path(options.out_dir)
    total = work.in_shard(rerun.shard)
    head = {"shard": shard_text(rerun.shard)} if rerun.shard is not None else {}
    try:
        summary = SummaryWriter(csv_path, json_path, head)
    except PermissionError:  # found out now, not after every report is written
        raise UserError(Problem(Location(str(csv_path)), "cannot write: permission denied")) from None
    except OSError as exc:
        raise UserError(Problem(Location(str(csv_path)), f"cannot write: {exc.strerror}")) from None
    tally = Tally()
    finished: list[str] = []  # what an interrupted run lists

    def keep_finished(result: ItemResult) -> None:
        if result.status == "ok" and len(finished) < FINISHED_LISTED:
            finished.append(f"finished: {result.input}" + (f" (row {result.row})" if result.row else "")
                            + f" -> {', '.join(result.outputs)}")

    bar = Progress(total, messages, progress)
    collector = Collector(bar.update, [summary.add, tally.add, keep_finished])
    try:
        run = execute(handed_out(work, options, rerun, collector), options, jobs, collector, signals, total,
                      bar.stopping, bar.say)
    except BaseException:
        summary.discard()
        raise
    bar.finish()
    summary.close()
    ok, failed, kept = run.counts.get("ok", 0), run.counts.get("failed", 0), run.counts.get("kept", 0)
    count = sum(run.counts.values())
    if run.interrupted:
        print(f"Interrupted: {ok + kept} of {count} inputs finished, their outputs are kept in {out_dir}; "
              f"{failed} failed, {count - ok - kept - failed} not run.", file=messages)
        for line in finished:
            print(line, file=messages)
        if ok > len(finished):
            print(f"... and {ok - len(finished)} more (the summary lists them)", file=messages)
        print(f"Summary: {csv_path}, {json_path}", file=messages)
        messages.flush()
        return run.exit_code
    portfolio = write_portfolio(tally, out_dir, options.formats, options.lang, method)
    print(f"{ok} of {count} inputs written to {out_dir}" + (f"; {kept} kept from an earlier run" if kept else "")
          + (f"; {failed} failed" if failed else "") + ".", file=messages)
    print(f"Summary: {csv_path}, {json_path}; portfolio: {', '.join(str(p) for p in portfolio)}", file=messages)
    messages.flush()
    return run.exit_code


def _text(path: Path | None) -> str | None:
    return str(path) if path is not None else None
