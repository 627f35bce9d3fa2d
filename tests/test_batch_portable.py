"""The batch where fork is unsafe or missing: the start method, and signals Windows lacks.

macOS and Windows start workers with `spawn`; DIAGNOSE_START_METHOD makes Linux do the
same, so the spawn path (a fresh interpreter per worker, everything it needs sent
through the pipe) runs here on a real batch.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from diagnose.batch import portable
from diagnose.batch.pool import Pool
from diagnose.batch.runner import Signals
from diagnose.batch.worker import BatchOptions, ItemResult, Task
from diagnose.resources import examples_dir

ROOT = Path(__file__).resolve().parent.parent
FORKED_MARK: dict[str, bool] = {}  # set in the parent: a forked worker inherits it, a spawned one does not


def test_workers_start_the_way_each_system_allows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(portable.START_METHOD_VARIABLE, raising=False)
    assert [portable.start_method(p) for p in ("linux", "darwin", "win32")] == ["fork", "spawn", "spawn"]
    monkeypatch.setenv(portable.START_METHOD_VARIABLE, "forkserver")
    assert portable.start_method("linux") == "forkserver"


def test_an_unknown_start_method_is_refused_before_any_work(tmp_path: Path) -> None:
    out = tmp_path / "out"
    env = {**os.environ, portable.START_METHOD_VARIABLE: "thread"}
    result = subprocess.run([sys.executable, "-m", "diagnose", "batch", str(examples_dir()), "--out-dir", str(out),
                             "--format", "json"], capture_output=True, text=True, env=env, timeout=300)
    assert (result.returncode, result.stderr) == (
        2, "DIAGNOSE_START_METHOD: 'thread' is not a way to start processes here; expected one of: fork, "
           "forkserver, spawn\n")
    assert not out.exists()


def _reporting_worker(conn, options: BatchOptions, limit: int, parent: int) -> None:
    """Speaks the pool's protocol; each result says whether the worker saw the parent's memory."""
    conn.send(("ready",))
    while True:
        message = conn.recv()
        if message is None:
            return
        index, task = message
        seen = "forked" if FORKED_MARK else "fresh"
        conn.send(("done", index, ItemResult(task.path, None, "ok", errors=[seen, str(parent == os.getppid())])))


@pytest.mark.parametrize(("method", "seen", "parent_given"), [
    ("spawn", "fresh", "True"), ("forkserver", "fresh", "False"), ("fork", "forked", "True")])
def test_the_pool_starts_its_workers_the_chosen_way(method: str, seen: str, parent_given: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(portable.START_METHOD_VARIABLE, method)
    monkeypatch.setitem(FORKED_MARK, "set", True)
    results: dict[int, ItemResult] = {}
    pool = Pool(BatchOptions("."), 2, 100, results.__setitem__, lambda text: None, lambda: 0,
                target=_reporting_worker)
    assert pool.context.get_start_method() == method
    assert pool.run(iter(enumerate(Task(f"{n}.yaml", None, str(n)) for n in range(3)))) is False
    # a forkserver's child has the server, not the batch, as its parent: it is given 0
    assert {r.errors[0] for r in results.values()} == {seen}
    assert {r.errors[1] for r in results.values()} == {parent_given}


def test_a_spawned_batch_writes_every_report(tmp_path: Path) -> None:
    out = tmp_path / "out"
    env = {**os.environ, portable.START_METHOD_VARIABLE: "spawn"}
    result = subprocess.run([sys.executable, "-m", "diagnose", "batch", str(examples_dir()), "--out-dir", str(out),
                             "--format", "json", "--jobs", "2"], capture_output=True, text=True, env=env,
                            cwd=tmp_path, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    examples = sorted(examples_dir().glob("*.yaml"))
    rows = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert [row["status"] for row in rows["results"]] == ["ok"] * len(examples)
    written = sorted(out.glob("*.json"))
    assert len([p for p in written if p.name != "summary.json"]) == len(examples)
    # the same reports as a forked batch writes
    forked = tmp_path / "forked"
    again = subprocess.run([sys.executable, "-m", "diagnose", "batch", str(examples_dir()), "--out-dir", str(forked),
                            "--format", "json", "--jobs", "2"], capture_output=True, text=True, cwd=tmp_path,
                           env={**os.environ, portable.START_METHOD_VARIABLE: "fork"}, timeout=600)
    assert again.returncode == 0, again.stderr
    for path in written:
        if path.name != "summary.json":
            assert path.read_bytes() == (forked / path.name).read_bytes(), path.name


# ----------------------------------------------------------------------------- without POSIX signals

def test_without_sigusr1_a_worker_is_terminated(monkeypatch: pytest.MonkeyPatch) -> None:
    class Process:
        pid = 12345
        terminated = False

        def terminate(self) -> None:
            self.terminated = True

    process = Process()
    monkeypatch.setattr(portable, "STOP_AT_ONCE", None)
    portable.stop_at_once(process)
    assert process.terminated


def test_without_signal_masks_nothing_is_held_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(signal, "pthread_sigmask")
    with portable.held_back({signal.SIGINT}):
        entered = True
    assert entered


def test_without_a_wakeup_pipe_signals_are_still_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    assert portable.wakeup_pipe() is None
    with Signals() as signals:
        assert signals.read_end is None
        os.kill(os.getpid(), signal.SIGTERM)
        signal.getsignal(signal.SIGTERM)  # the handler has run by the next bytecode
    assert signals.count == 1


def test_without_pipe2_the_wakeup_pipe_is_non_blocking_and_not_inherited(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "pipe2")
    read_end, write_end = portable.wakeup_pipe()  # type: ignore[misc]
    try:
        assert not os.get_blocking(read_end) and not os.get_blocking(write_end)
        assert not os.get_inheritable(read_end) and not os.get_inheritable(write_end)
    finally:
        os.close(read_end)
        os.close(write_end)
