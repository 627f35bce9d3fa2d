"""Who else is running: a worker killed mid-run, a second batch into the same folder, a
second interview on the same answer file, a closed stderr. Fixtures are made at test
time (processes, a stopped process holding a lock, a pipe closed before the run)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from batch_helpers import TIMEOUT, check_outputs, children, make_inputs, spawn_batch

from diagnose.batch.pool import Pool
from diagnose.batch.worker import BatchOptions, ItemResult, Task
from diagnose.locks import Lock

pexpect = pytest.importorskip("pexpect")


# ----------------------------------------------------------------------------- a dead worker

def _dying_worker(conn, options: BatchOptions, limit: int, parent: int) -> None:
    """A worker that speaks the pool's protocol and kills itself with SIGKILL after
    announcing (and half writing) its output: on every try for `doomed`, on the first
    for `flaky`."""
    conn.send(("ready",))
    while True:
        message = conn.recv()
        if message is None:
            os._exit(0)
        index, task = message
        out = Path(options.out_dir)
        tried = out / f"tried-{index}"
        first = not tried.exists()
        tried.touch()
        target = out / f"{task.part}.json"
        if task.path == "doomed.yaml" or (task.path == "flaky.yaml" and first):
            conn.send(("writing", index, [str(target)]))
            target.write_text("half", encoding="utf-8")
            (out / f".{target.name}.abc123.tmp").write_text("half", encoding="utf-8")
            os.kill(os.getpid(), signal.SIGKILL)
        target.write_text("{}", encoding="utf-8")
        conn.send(("done", index, ItemResult(task.path, None, "ok", outputs=[str(target)])))


def test_a_dead_workers_input_is_retried_once_then_failed_and_the_others_carry_on(tmp_path: Path) -> None:
    names = ["a.yaml", "flaky.yaml", "b.yaml", "doomed.yaml", "c.yaml"]
    tasks = iter(enumerate(Task(name, None, name[:-5]) for name in names))
    results: dict[int, ItemResult] = {}
    said: list[str] = []
    pool = Pool(BatchOptions(str(tmp_path)), 2, 100, results.__setitem__, said.append, lambda: 0,
                target=_dying_worker)
    assert pool.run(tasks) is False
    assert {names[i]: r.status for i, r in results.items()} == {
        "a.yaml": "ok", "flaky.yaml": "ok", "b.yaml": "ok", "doomed.yaml": "failed", "c.yaml": "ok"}
    assert results[3].errors == [
        "doomed.yaml: the worker processing it stopped (killed by SIGKILL), twice; is the machine short of memory?"]
    assert sorted(line.split(" ", 2)[2] for line in said) == [
        "stopped (killed by SIGKILL) while processing doomed.yaml; trying it again",
        "stopped (killed by SIGKILL) while processing flaky.yaml; trying it again"]
    # the half-written output of the dead worker and its temporary file are gone
    assert sorted(p.name for p in tmp_path.glob("*.json")) == ["a.json", "b.json", "c.json", "flaky.json"]
    assert (tmp_path / "flaky.json").read_text(encoding="utf-8") == "{}"
    assert not list(tmp_path.glob(".*.tmp"))
    assert not any(Path(f"/proc/{pid}").exists() and _state(pid) != "Z" for pid in pool.pids)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


def test_batch_carries_on_when_a_worker_is_killed(tmp_path: Path) -> None:
    """kill -9 of a worker in a real batch: no hang, every input ends ok (its input was
    tried again) or failed, the summary is written, each input has both formats or none."""
    inputs, out = tmp_path / "in", tmp_path / "out"
    make_inputs(inputs, 8)
    child = spawn_batch(str(inputs), "--out-dir", str(out), "--format", "html,json", "--jobs", "2")
    child.expect(r"\] 1/8")
    workers = children(child.pid)
    assert workers
    os.kill(workers[0], signal.SIGKILL)
    child.expect(pexpect.EOF)
    output = child.before
    child.close()
    assert child.exitstatus == 0, output
    assert "Traceback" not in output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["ok"] == 8
    assert len(check_outputs(out)) == 8


# ----------------------------------------------------------------------------- two writers

def test_second_batch_into_the_same_folder_is_refused_and_overwrites_nothing(tmp_path: Path) -> None:
    first_in, second_in, out = tmp_path / "first", tmp_path / "second", tmp_path / "out"
    make_inputs(first_in, 4)
    make_inputs(second_in, 4)
    first = spawn_batch(str(first_in), "--out-dir", str(out), "--format", "json", "--jobs", "2")
    first.expect(r"\] 1/4")
    os.killpg(first.pid, signal.SIGSTOP)  # the first batch holds its lock, mid-run, for as long as needed
    try:
        second = subprocess.run([sys.executable, "-m", "diagnose", "batch", str(second_in), "--out-dir", str(out),
                                 "--format", "json", "--force"], capture_output=True, text=True, timeout=TIMEOUT)
    finally:
        os.killpg(first.pid, signal.SIGCONT)
    assert second.returncode == 2, second.stderr
    assert second.stderr.splitlines() == [
        f"{out}: --out-dir: another batch (process {first.pid}) is writing into this folder; wait for it to "
        "finish or choose another --out-dir"]
    first.expect(pexpect.EOF)
    first.close()
    assert first.exitstatus == 0, first.before
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert [Path(r["input"]).parent.name for r in summary["results"]] == ["first"] * 4
    assert len(check_outputs(out, ("json",))) == 4


def test_a_held_lock_names_its_process(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    inputs = make_inputs(tmp_path / "in", 1)
    with Lock(out / ".diagnose-batch.lock"):
        run = subprocess.run([sys.executable, "-m", "diagnose", "batch", str(inputs[0]), "--out-dir", str(out),
                              "--format", "json"], capture_output=True, text=True, timeout=TIMEOUT)
    assert run.returncode == 2
    assert f"another batch (process {os.getpid()}) is writing into this folder" in run.stderr
    assert sorted(p.name for p in out.iterdir()) == [".diagnose-batch.lock"] or list(out.iterdir()) == []


def test_second_interview_on_the_same_answer_file_is_refused(tmp_path: Path) -> None:
    env = {**os.environ, "TERM": "dumb"}
    first = pexpect.spawn(sys.executable, ["-m", "diagnose", "interview", "-o", "a.yaml", "--lang", "en", "--plain"],
                          cwd=str(tmp_path), env=env, encoding="utf-8", timeout=TIMEOUT)
    first.expect("Answer: ")  # the first question is asked: the file is the first interview's
    second = subprocess.run([sys.executable, "-m", "diagnose", "interview", "--resume", "a.yaml", "--lang", "en",
                             "--plain"], cwd=tmp_path, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                            timeout=TIMEOUT)
    first.sendline("Acme Ltd")
    first.expect("Interview details · 2/5")  # the answer is saved
    first.kill(signal.SIGINT)
    first.expect(pexpect.EOF)
    first.close()
    assert second.returncode == 2, second.stderr
    assert second.stderr.splitlines() == [
        f"a.yaml: this answer file is open in another interview (process {first.pid}); finish or close that one first"]
    assert "Acme Ltd" in (tmp_path / "a.yaml").read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- a closed stderr

def test_closed_stderr_never_stops_the_work(tmp_path: Path) -> None:
    """`diagnose batch ... 2>&1 | head -1`: the reader is gone, the reports are still written."""
    inputs, out = tmp_path / "in", tmp_path / "out"
    make_inputs(inputs, 3)
    (inputs / "broken.yaml").write_text("answers: [\n", encoding="utf-8")  # a failure line to write first
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        run = subprocess.run([sys.executable, "-m", "diagnose", "batch", str(inputs), "--out-dir", str(out),
                              "--format", "json,html", "--jobs", "2"], stderr=write_end, stdout=write_end,
                             timeout=TIMEOUT)
    finally:
        os.close(write_end)
    assert run.returncode == 1  # one input failed; not 120 (a failed flush at exit)
    assert len(check_outputs(out)) == 3
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["ok"], summary["failed"]) == (3, 1)
    assert (out / "portfolio.html").is_file()
