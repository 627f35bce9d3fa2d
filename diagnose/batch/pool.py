"""The worker processes of a batch, and what happens when one of them dies.

`multiprocessing.Pool` loses the task of a worker that dies (the OOM killer, `kill -9`):
its result never comes and the batch waits for ever. Here each worker has its own pipe
and the parent waits on the pipes and on the processes themselves, so a death is seen
at once: the outputs the worker had announced are removed, its input is tried once
more in a new worker (and reported as failed, with how the worker died, if that one
dies too), and the others carry on.

Workers leave signals to the parent: SIGINT, SIGTERM and SIGHUP sent to the whole
process group (Ctrl-C, a closed terminal, a service manager) reach the parent, which
stops handing out inputs and lets the ones in progress finish. A second signal stops
at once: the parent sends each worker SIGUSR1, and a worker deletes the outputs of the
input it was in the middle of before it exits. A worker also gets SIGUSR1 when the
parent dies (PR_SET_PDEATHSIG, Linux), so none outlives it; elsewhere it exits when its
pipe to the dead parent closes. Workers start the way the system allows
(`portable.start_method`: fork on Linux, spawn on macOS and Windows); on Windows, with
neither SIGHUP nor SIGUSR1, stopping at once terminates them.

Messages, worker to parent: ("ready",) once warmed; ("writing", index, [paths]) just
before it writes an input's outputs; ("done", index, ItemResult); ("retire",) before it
exits after its share of inputs. Parent to worker: (index, Task), or None to exit.
"""

from __future__ import annotations

import collections
import multiprocessing
import multiprocessing.connection
import os
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from diagnose.batch import portable
from diagnose.batch.worker import BatchOptions, ItemResult, Task, serve

STOP_GRACE_SECONDS = 15.0  # a second signal: how long workers may take to clean up
START_FAILURES = 3  # workers in a row that die before they are ready: give up


@dataclass
class _Worker:
    process: Any
    conn: Any
    ready: bool = False
    item: tuple[int, Task, int] | None = None  # (index, task, attempt)
    announced: list[str] = field(default_factory=list)
    retiring: bool = False


def signal_name(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit code {exitcode}"


class Pool:
    """Run tasks from an iterator on `jobs` worker processes, one input per worker at a
    time (so that stopping leaves nothing queued)."""

    def __init__(self, options: BatchOptions, jobs: int, tasks_per_worker: int,
                 record: Callable[[int, ItemResult], None], say: Callable[[str], None],
                 stop_requests: Callable[[], int], wakeup: int | None = None,
                 on_stopping: Callable[[int], None] = lambda running: None,
                 target: Callable[..., None] = serve) -> None:
        self.options, self.jobs, self.tasks_per_worker = options, jobs, tasks_per_worker
        self.record, self.say, self.stop_requests, self.wakeup = record, say, stop_requests, wakeup
        self.on_stopping, self.target = on_stopping, target
        self.context = portable.context()
        self.workers: list[_Worker] = []
        self.retries: collections.deque[tuple[int, Task, int]] = collections.deque()
        self.start_failures = 0
        self.pids: list[int] = []  # every worker started (tests find them here)

    # -------------------------------------------------------------- workers

    def _start(self) -> None:
        parent_end, child_end = self.context.Pipe(duplex=True)
        # a forkserver, not this process, is a forkserver worker's parent
        parent = 0 if self.context.get_start_method() == "forkserver" else os.getpid()
        process = self.context.Process(target=self.target, args=(child_end, self.options, self.tasks_per_worker, parent),
                                       daemon=False, name="diagnose-batch-worker")
        process.start()
        child_end.close()
        self.pids.append(process.pid)
        self.workers.append(_Worker(process, parent_end))

    def _drain(self, worker: _Worker) -> None:
        """Handle every message the worker has sent."""
        while True:
            try:
                if not worker.conn.poll():
                    return
                message = worker.conn.recv()
            except (EOFError, OSError):
                return
            kind = message[0]
            if kind == "ready":
                worker.ready = True
                self.start_failures = 0
            elif kind == "writing":
                worker.announced = list(message[2])
            elif kind == "done":
                worker.item, worker.announced = None, []
                self.record(message[1], message[2])
            elif kind == "retire":
                worker.retiring = True

    def _buried(self, worker: _Worker, stopping: bool) -> None:
        """A worker's process has ended: what it was doing is retried, failed or not run."""
        self._drain(worker)
        worker.process.join(5)
        worker.conn.close()
        self.workers.remove(worker)
        how = signal_name(worker.process.exitcode)
        if not worker.ready and worker.item is None and not worker.retiring:
            self.start_failures += 1
        if worker.item is None:
            return
        index, task, attempt = worker.item
        _remove_outputs(worker.announced)
        if stopping:
            self.record(index, _not_run(task))
        elif attempt == 1:
            self.say(f"worker {worker.process.pid} stopped ({how}) while processing {task.label}; trying it again")
            self.retries.appendleft((index, task, 2))
        else:
            self.record(index, ItemResult(task.path, _row(task), "failed", errors=[
                f"{task.label}: the worker processing it stopped ({how}), twice; is the machine short of memory?"]))

    # -------------------------------------------------------------- running

    def run(self, tasks: Iterator[tuple[int, Task]]) -> bool:
        """Process every task; True if stopped by a signal. On any exception the workers
        are stopped at once."""
        try:
            stopped = self._run(tasks)
        except BaseException:
            self._stop_now()
            raise
        while self.retries:  # stopped before they could be tried again
            index, task, _ = self.retries.popleft()
            self.record(index, _not_run(task))
        return stopped

    def _next(self, tasks: Iterator[tuple[int, Task]]) -> tuple[int, Task, int] | None:
        if self.retries:
            return self.retries.popleft()
        for index, task in tasks:
            return index, task, 1
        return None

    def _run(self, tasks: Iterator[tuple[int, Task]]) -> bool:
        exhausted = False
        stopping = False
        while True:
            requests = self.stop_requests()
            if requests >= 2:
                self._stop_now()
                return True
            if requests and not stopping:
                stopping = True
                self.on_stopping(sum(1 for w in self.workers if w.item is not None))
            busy = [w for w in self.workers if w.item is not None]
            more = not stopping and not (exhausted and not self.retries)
            if not more and not busy:
                break
            # start workers while there is work for them
            live = [w for w in self.workers if not w.retiring]
            if more and len(live) < self.jobs:
                if self.start_failures >= START_FAILURES:
                    raise RuntimeError(f"the batch's worker processes could not start ({START_FAILURES} died "
                                       "before their first input)")
                self._start()
                continue
            for worker in self.workers:
                if more and worker.ready and worker.item is None and not worker.retiring:
                    item = self._next(tasks)
                    if item is None:
                        exhausted = True
                        more = bool(self.retries)
                        continue
                    worker.item, worker.announced = item, []
                    try:
                        worker.conn.send((item[0], item[1]))
                    except OSError:
                        pass  # it died: its sentinel says so below
            self._wait(stopping)
        self._close()
        return stopping

    def _wait(self, stopping: bool) -> None:
        objects: list[Any] = [w.conn for w in self.workers] + [w.process.sentinel for w in self.workers]
        if self.wakeup is not None:
            objects.append(self.wakeup)
        ready = multiprocessing.connection.wait(objects, timeout=1.0)
        if self.wakeup is not None and self.wakeup in ready:
            try:
                os.read(self.wakeup, 512)
            except OSError:
                pass
        for worker in list(self.workers):
            if worker.conn in ready:
                self._drain(worker)
            if worker.process.sentinel in ready or not worker.process.is_alive():
                self._buried(worker, stopping)

    def _close(self) -> None:
        """Every input is done: let the workers exit and wait for them."""
        for worker in self.workers:
            try:
                worker.conn.send(None)
            except OSError:
                pass
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for worker in list(self.workers):
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
        self.workers.clear()

    def _stop_now(self) -> None:
        """SIGUSR1 to every worker (each deletes the outputs of its unfinished input), a
        grace period, then SIGKILL for any left (and their announced outputs removed)."""
        for worker in self.workers:
            portable.stop_at_once(worker.process)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        while self.workers and time.monotonic() < deadline:
            sentinels = [w.process.sentinel for w in self.workers]
            multiprocessing.connection.wait(sentinels + [w.conn for w in self.workers],
                                            timeout=max(0.0, deadline - time.monotonic()))
            for worker in list(self.workers):
                self._drain(worker)
                if not worker.process.is_alive():
                    self._buried(worker, stopping=True)
        for worker in list(self.workers):
            worker.process.kill()
            worker.process.join()
            self._buried(worker, stopping=True)


def _row(task: Task) -> int | None:
    return None if task.row is None else task.row + 1


def _not_run(task: Task) -> ItemResult:
    return ItemResult(task.path, _row(task), "not_run")


def _remove_outputs(paths: list[str]) -> None:
    """A dead worker's announced outputs, and the temporary files it may have left for them."""
    for name in paths:
        target = Path(name)
        candidates = [target]
        try:
            candidates += list(target.parent.glob(f".{_glob_escape(target.name)}.*.tmp"))
        except OSError:
            pass
        for path in candidates:
            try:
                path.unlink()
            except OSError:
                pass


def _glob_escape(name: str) -> str:
    import glob

    return glob.escape(name)
