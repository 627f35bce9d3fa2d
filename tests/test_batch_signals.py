"""An interrupted batch keeps finished outputs, leaves no partial or temporary file, says
what was finished and exits 130: Ctrl-C, SIGTERM or SIGHUP to the batch process or to
its whole process group, once (the inputs in progress finish) or twice (stop at once).

The batch runs on a terminal of its own and every step waits for what it reports (its
progress line after each finished input, its "Stopping" line), never for a time, so the
tests hold on a machine busy with other work."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
from pathlib import Path

import pytest
from batch_helpers import check_outputs, make_inputs, spawn_batch

pexpect = pytest.importorskip("pexpect")
INPUTS = 16


def _finish(child) -> str:
    child.expect(pexpect.EOF)
    output = child.before
    child.close()
    return output


def _summary(out: Path) -> dict:
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("jobs", "signum", "group"), [
    ("2", signal.SIGINT, False), ("2", signal.SIGTERM, False), ("2", signal.SIGHUP, False),
    ("2", signal.SIGTERM, True), ("2", signal.SIGHUP, True), ("2", signal.SIGINT, True),
    ("1", signal.SIGINT, False), ("1", signal.SIGHUP, False),
])
def test_interrupted_run_keeps_finished_outputs_only(tmp_path: Path, jobs: str, signum: int, group: bool) -> None:
    inputs, out = tmp_path / "in", tmp_path / "out"
    make_inputs(inputs, INPUTS)
    child = spawn_batch(str(inputs), "--out-dir", str(out), "--format", "json,html", "--jobs", jobs)
    child.expect(rf"\] 1/{INPUTS}")  # the first input is finished
    if group:  # what a closed terminal or a service manager does: every process of the batch
        os.killpg(child.pid, signum)
    else:
        child.kill(signum)
    output = _finish(child)

    assert child.exitstatus == 130, output
    assert "Traceback" not in output
    stems = check_outputs(out)
    for stem in stems:
        json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))
    assert 1 <= len(stems) < INPUTS
    summary = _summary(out)
    finished = [r for r in summary["results"] if r["status"] == "ok"]
    assert summary["ok"] == len(finished) == len(stems)
    assert {Path(p).name for r in finished for p in r["outputs"]} == {f"{s}.{f}" for s in stems for f in ("json", "html")}
    assert summary["not_run"] == INPUTS - len(stems) and summary["failed"] == 0
    assert f"Interrupted: {len(stems)} of {INPUTS} inputs finished" in output
    assert output.count("finished: ") == len(stems)
    assert not (out / "portfolio.html").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no lock file left either


@pytest.mark.parametrize(("signum", "group"), [(signal.SIGINT, False), (signal.SIGTERM, True), (signal.SIGHUP, False)])
def test_second_signal_stops_at_once_without_partial_outputs(tmp_path: Path, signum: int, group: bool) -> None:
    inputs, out = tmp_path / "in", tmp_path / "out"
    make_inputs(inputs, INPUTS)
    child = spawn_batch(str(inputs), "--out-dir", str(out), "--format", "json,html", "--jobs", "2")
    send = (lambda: os.killpg(child.pid, signum)) if group else (lambda: child.kill(signum))
    child.expect(rf"\] 1/{INPUTS}")
    send()
    # two workers: none, one or two inputs in progress, depending on the moment the signal
    # lands (none when both had just finished and neither had its next input yet)
    child.expect([r"Stopping: finishing (the input|the 2 inputs) in progress; press Ctrl-C again to stop at once\.",
                  r"Stopping: no input was in progress\."])
    with contextlib.suppress(ProcessLookupError):  # the batch may have ended already
        send()
    output = _finish(child)

    assert child.exitstatus == 130, output
    assert "Traceback" not in output
    stems = check_outputs(out)
    summary = _summary(out)
    assert summary["ok"] == len(stems) and summary["inputs"] == INPUTS
    assert re.search(rf"Interrupted: {len(stems)} of {INPUTS} inputs finished", output)


def test_second_ctrl_c_stops_at_once_without_partial_outputs(tmp_path: Path) -> None:
    """Whenever the second Ctrl-C comes, even after the last input, the exit is 130 with a
    summary (it was -2 when it came after the workers had ended)."""
    inputs, out = tmp_path / "in", tmp_path / "out"
    make_inputs(inputs, 3)
    child = spawn_batch(str(inputs), "--out-dir", str(out), "--format", "json,html", "--jobs", "2")
    child.expect(r"\] 1/3")
    child.kill(signal.SIGINT)
    if child.expect(["Stopping: finishing", "Stopping: no input was in progress"]) == 0:
        child.expect(r"\] [23]/3")  # the inputs in progress are done: the pool has ended
    child.kill(signal.SIGINT)
    output = _finish(child)
    assert child.exitstatus == 130, output
    assert "Traceback" not in output
    stems = check_outputs(out)
    assert _summary(out)["ok"] == len(stems) >= 2
