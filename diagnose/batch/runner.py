"""`diagnose batch`: many inputs -> many reports, in parallel, with a summary.

The parent process only plans: it expands the inputs, counts the rows of tables, checks
the options (a bad --set is a usage error before anything runs) and gives each input a
unique stem for its output names. Reading, checking, evaluating and rendering happen in
worker processes (`diagnose.batch.worker`); the parent never imports WeasyPrint before
the workers are forked, and workers are recycled (`maxtasksperchild`) because native
memory grows with every PDF. `--jobs 1` runs everything in this process.

Ctrl-C or SIGTERM stops the pool: finished outputs stay, the workers delete the outputs
of the inputs they were in the middle of, and the summary lists what was finished.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from diagnose.batch.inputs import expand_inputs, is_table
from diagnose.batch.naming import slug
from diagnose.batch.worker import BatchOptions, ItemResult, Task, init_worker, process, run_task, warm
from diagnose.errors import Location, Problem, UserError
from diagnose.questionnaire import Questionnaire

FORMATS = ("pdf", "html", "json")
EXIT_OK, EXIT_SOME_FAILED, EXIT_INTERRUPTED = 0, 1, 130
# Recycle a worker after this many inputs: WeasyPrint's native memory grows ~0.3 MB per
# PDF and is only returned when the process ends; 20 keeps the peak flat whatever the
# batch size, and re-warming a worker costs about one report in twenty.
TASKS_PER_WORKER = 20
STOP_GRACE_SECONDS = 30.0  # a second Ctrl-C: how long workers may take to clean up


@dataclass
class BatchRun:
    """The outcome of a run: one result per planned input, in input order."""

    results: list[ItemResult]
    interrupted: bool = False

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return EXIT_INTERRUPTED
        return EXIT_SOME_FAILED if any(r.status != "ok" for r in self.results) else EXIT_OK


def parse_formats(text: str) -> tuple[str, ...]:
    """'pdf,json' -> ('pdf', 'json'); an unknown format is a usage error."""
    names = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [n for n in names if n not in FORMATS]
    if unknown or not names:
        raise UserError(Problem(Location("--format"), f"'{text}' is not a list of formats; expected some of: "
                                                      f"{', '.join(FORMATS)}, separated by commas"))
    return tuple(dict.fromkeys(names))


def plan(inputs: list[str], questionnaire_file: str | None = None) -> list[Task]:
    """One task per answer file and per table row, each with a unique output stem."""
    files = expand_inputs(inputs)
    tasks: list[Task] = []
    used: dict[str, int] = {}
    questionnaire = None
    for path in files:
        stem = _unique_stem(path.stem, used)
        if is_table(path):
            if questionnaire is None:
                from diagnose.questionnaire import load_questionnaire
                from diagnose.resources import questionnaire_path

                questionnaire = load_questionnaire(questionnaire_file or questionnaire_path())
            rows = _row_count(path, questionnaire)
            if rows:
                tasks += [Task(str(path), row, stem) for row in range(rows)]
                continue
            # a table that cannot be read at all is one failed input (the worker says why)
            tasks.append(Task(str(path), None, stem))
        else:
            tasks.append(Task(str(path), None, stem))
    return tasks


def _unique_stem(stem: str, used: dict[str, int]) -> str:
    """Two inputs called `answers.yaml` in different folders get `answers` and `answers-2`."""
    key = slug(stem, 40)
    used[key] = used.get(key, 0) + 1
    if used[key] == 1:
        return stem
    return f"{slug(stem, 36)}-{used[key]}"


def _row_count(path: Path, questionnaire: Questionnaire) -> int:
    from diagnose.batch.tables import count_rows

    try:
        return count_rows(path, questionnaire, str(path))
    except UserError:
        return 0


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


def check_settings(settings: Settings) -> dict:
    """Load and check every file the options name, here in the parent, so that a typo in
    --set or a broken brand file is one usage error before any work; the overrides."""
    from diagnose.questionnaire import load_questionnaire
    from diagnose.report.brand import load_brand
    from diagnose.report.html import template_folders

    template_folders(settings.templates)
    if settings.brand_file is not None:
        load_brand(settings.brand_file)
    if settings.templates is not None:
        from diagnose.batch.summary import render_portfolio

        # a consultancy's portfolio.html that cannot render is found now, not after every report
        render_portfolio([], None, "html", _text(settings.brand_file), _text(settings.templates))
    questionnaire = load_questionnaire(settings.questionnaire_file) if settings.questionnaire_file else None
    if not (settings.sets or settings.params_file or settings.rules_file):
        return {}  # nothing to check against the rulebook: leave loading it to the workers
    from diagnose.resources import questionnaire_path, rulebook_path
    from diagnose.rules.params import parameter_values
    from diagnose.rules.rulebook import load_rulebook

    questionnaire = questionnaire or load_questionnaire(questionnaire_path())
    rulebook = load_rulebook(settings.rules_file or rulebook_path(questionnaire.id), questionnaire)
    return parameter_values(rulebook, settings.sets, settings.params_file)


def prepare_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(Problem(Location(str(out_dir)), "--out-dir: not a folder; expected a folder for the reports"))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(Problem(Location(str(out_dir)), f"--out-dir: cannot create the folder: {exc.strerror}")) from None


# ------------------------------------------------------------------ running


def _in_process(tasks: list[Task], options: BatchOptions) -> Iterator[tuple[int, ItemResult]]:
    warm(options)
    try:
        for index, task in enumerate(tasks):
            yield index, process(task, options)
    finally:
        if "pdf" in options.formats:  # this process goes on: stop keeping what only the batch needed
            from diagnose.report.pdf import keep_stylesheets

            keep_stylesheets(False)


def _indexed(args: tuple[int, Task, BatchOptions]) -> tuple[int, ItemResult]:
    index, task, options = args
    return index, run_task((task, options))


def execute(tasks: list[Task], options: BatchOptions, jobs: int,
            on_result: Callable[[int, ItemResult], None] = lambda i, r: None,
            on_stopping: Callable[[int], None] = lambda n: None) -> BatchRun:
    """Run every task; `on_result` sees each result as it arrives.

    Ctrl-C or SIGTERM stops handing out inputs: the ones being rendered (at most one per
    worker) finish and are recorded (`on_stopping` is told how many), the rest stay
    `not_run`. A second Ctrl-C stops the workers at once; each deletes the outputs of the
    input it was in the middle of. In-process (`jobs` 1) the first Ctrl-C stops at once.
    """
    results = [ItemResult(t.path, None if t.row is None else t.row + 1, "not_run") for t in tasks]

    def record(index: int, result: ItemResult) -> None:
        results[index] = result
        on_result(index, result)

    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        if jobs <= 1 or len(tasks) <= 1:
            try:
                for index, result in _in_process(tasks, options):
                    record(index, result)
            except KeyboardInterrupt:
                return BatchRun(results, interrupted=True)
            return BatchRun(results)
        return BatchRun(results, interrupted=_in_pool(tasks, options, min(jobs, len(tasks)), record, on_stopping))
    finally:
        signal.signal(signal.SIGTERM, previous)


def _in_pool(tasks: list[Task], options: BatchOptions, jobs: int,
             record: Callable[[int, ItemResult], None], on_stopping: Callable[[int], None]) -> bool:
    """Feed the pool one input per idle worker (so that stopping leaves nothing queued);
    True when interrupted. Signals only set a flag here, so no result that has arrived
    can be lost between receiving and recording it."""
    hits: list[int] = []
    handlers = {signum: signal.signal(signum, lambda n, f: hits.append(n)) for signum in (signal.SIGINT, signal.SIGTERM)}
    pool = multiprocessing.get_context("fork").Pool(
        processes=jobs, initializer=init_worker, initargs=(options,), maxtasksperchild=TASKS_PER_WORKER)
    arrived: queue.SimpleQueue[tuple[int, ItemResult | BaseException]] = queue.SimpleQueue()
    waiting = list(enumerate(tasks))[::-1]
    running = 0
    stopping = False
    try:
        while True:
            if len(hits) >= 2:
                _stop_now(pool)
                pool = None
                return True
            if hits and not stopping:
                stopping = True
                on_stopping(running)
            while waiting and not stopping and running < jobs:
                index, task = waiting.pop()
                pool.apply_async(_indexed, ((index, task, options),), callback=arrived.put,
                                 error_callback=lambda exc, i=index: arrived.put((i, exc)))
                running += 1
            if not running:
                break
            try:
                item = arrived.get(timeout=0.1)
            except queue.Empty:
                continue
            running -= 1
            index, result = item
            if isinstance(result, BaseException):  # a bug outside `process`: still only this input fails
                task = tasks[index]
                result = ItemResult(task.path, None if task.row is None else task.row + 1, "failed", errors=[
                    f"{task.label}: internal error while processing: {type(result).__name__}: {result}"])
            record(index, result)
        pool.close()
        return stopping
    except BaseException:
        if pool is not None:
            _stop_now(pool)
            pool = None
        raise
    finally:
        if pool is not None:
            pool.join()
        for signum, handler in handlers.items():
            signal.signal(signum, handler)


def _stop_now(pool: multiprocessing.pool.Pool) -> None:
    """Stop the workers at once. Pool.terminate sends each worker SIGTERM (a worker removes
    the outputs of the input it was in the middle of, then exits) and waits for them; a
    worker the pool started just then could miss the signal, so after a grace period
    whatever is left is killed."""
    stopper = threading.Thread(target=pool.terminate, daemon=True)
    stopper.start()
    stopper.join(STOP_GRACE_SECONDS)
    for child in multiprocessing.active_children():
        child.kill()


def _cores() -> int:
    """The cores this process may run on (a container may allow fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


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
        if result.status != "ok":
            self.failed += 1
            self._clear()
            first = result.errors[0] if result.errors else result.input
            extra = len(result.errors) - 1
            more = f" (+{extra} more {'problem' if extra == 1 else 'problems'} in the summary)" if extra else ""
            print(f"failed: {first}{more}", file=self.stream, flush=True)
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
        self._clear()
        what = "the input" if running == 1 else f"the {running} inputs"
        print(f"Stopping: finishing {what} in progress; press Ctrl-C again to stop at once.",
              file=self.stream, flush=True)

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
) -> int:
    """The batch command: plan, run, write the summary and the portfolio; the exit code."""
    from diagnose.batch.summary import summary_paths, write_portfolio, write_summary

    stream = stream or sys.stderr
    settings = settings or Settings()
    chosen = parse_formats(formats)
    if jobs is not None and jobs < 1:
        raise UserError(Problem(Location("--jobs"), f"{jobs} is not a number of processes; expected 1 or more"))
    overrides = check_settings(settings)
    qfile = _text(settings.questionnaire_file)
    tasks = plan(inputs, qfile)
    csv_path, json_path = summary_paths(summary, out_dir)
    if not csv_path.parent.is_dir() and csv_path.parent.resolve() != out_dir.resolve():
        # found out now, not after every report is written
        raise UserError(Problem(Location(str(summary)), "--summary: the folder does not exist; expected FILE in an "
                                                        "existing folder or in --out-dir"))
    prepare_out_dir(out_dir)
    options = BatchOptions(str(out_dir), chosen, lang, force, qfile, overrides, _text(settings.rules_file),
                           _text(settings.brand_file), _text(settings.templates))
    bar = Progress(len(tasks), stream, progress)
    run = execute(tasks, options, jobs or _cores(), bar.update, bar.stopping)
    bar.finish()

    write_summary(run.results, csv_path, json_path)
    ok = [r for r in run.results if r.status == "ok"]
    failed = [r for r in run.results if r.status == "failed"]
    if run.interrupted:
        print(f"Interrupted: {len(ok)} of {len(tasks)} inputs finished, their outputs are kept in {out_dir}; "
              f"{len(failed)} failed, {len(tasks) - len(ok) - len(failed)} not run.", file=stream)
        for result in ok:
            print(f"finished: {result.input}" + (f" (row {result.row})" if result.row else "")
                  + f" -> {', '.join(result.outputs)}", file=stream)
        print(f"Summary: {csv_path}, {json_path}", file=stream)
        return run.exit_code
    portfolio = write_portfolio(run.results, out_dir, chosen, lang, options.brand_file, options.templates)
    print(f"{len(ok)} of {len(tasks)} inputs written to {out_dir}"
          + (f"; {len(failed)} failed" if failed else "") + ".", file=stream)
    print(f"Summary: {csv_path}, {json_path}; portfolio: {', '.join(str(p) for p in portfolio)}", file=stream)
    return run.exit_code


def _text(path: Path | None) -> str | None:
    return str(path) if path is not None else None
