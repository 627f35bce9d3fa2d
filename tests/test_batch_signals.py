"""An interrupted batch keeps finished outputs, leaves no partial or temporary file, says
what was finished and exits 130 (Ctrl-C in the parent, or SIGTERM)."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "batch"
INPUTS = 16


def _complete_outputs(out: Path) -> tuple[list[str], set[str]]:
    """The reports left in `out` and their stems, checking that no temporary file is left
    and that every input has all its formats (html and json) or none."""
    left = sorted(p.name for p in out.iterdir())
    assert not [name for name in left if name.endswith(".tmp") or name.startswith(".")], left
    reports = [name for name in left if "--" in name]
    stems = {name.rsplit(".", 1)[0] for name in reports}
    assert sorted(reports) == sorted([f"{s}.html" for s in stems] + [f"{s}.json" for s in stems])
    return reports, stems


def _inputs(folder: Path) -> None:
    folder.mkdir()
    text = (FIXTURES / "folder" / "alder.yaml").read_text(encoding="utf-8")
    for n in range(INPUTS):
        (folder / f"company-{n:02}.yaml").write_text(
            text.replace("company: Alder & Sons Trading", f"company: Company {n:02}"), encoding="utf-8")


@pytest.mark.parametrize(("jobs", "signum"), [("2", signal.SIGINT), ("2", signal.SIGTERM), ("1", signal.SIGINT)])
def test_interrupted_run_keeps_finished_outputs_only(tmp_path: Path, jobs: str, signum: int) -> None:
    inputs, out = tmp_path / "in", tmp_path / "out"
    _inputs(inputs)
    process = subprocess.Popen(
        [sys.executable, "-m", "diagnose", "batch", str(inputs), "--out-dir", str(out), "--format", "json,html",
         "--jobs", jobs], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 120
    while not list(out.glob("*.html")) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert process.poll() is None, "the batch finished before it could be interrupted"
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=120)

    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    reports, stems = _complete_outputs(out)
    for stem in stems:
        json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))
    assert 1 <= len(stems) < INPUTS

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    finished = [r for r in summary["results"] if r["status"] == "ok"]
    assert summary["ok"] == len(finished) == len(stems)
    assert {Path(p).name for r in finished for p in r["outputs"]} == set(reports)
    assert summary["not_run"] == INPUTS - len(stems)
    assert f"Interrupted: {len(stems)} of {INPUTS} inputs finished" in stderr
    assert stderr.count("finished: ") == len(stems)
    assert not (out / "portfolio.html").exists()


def test_second_ctrl_c_stops_at_once_without_partial_outputs(tmp_path: Path) -> None:
    inputs, out = tmp_path / "in", tmp_path / "out"
    _inputs(inputs)
    process = subprocess.Popen(
        [sys.executable, "-m", "diagnose", "batch", str(inputs), "--out-dir", str(out), "--format", "json,html",
         "--jobs", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 120
    while not list(out.glob("*.html")) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert process.poll() is None, "the batch finished before it could be interrupted"
    process.send_signal(signal.SIGINT)
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)

    assert process.returncode == 130, stderr
    # two workers: one or two inputs in progress, depending on the moment
    assert re.search(r"^Stopping: finishing (the input|the 2 inputs) in progress; press Ctrl-C again to stop at once\.$",
                     stderr, re.M), stderr
    assert "Traceback" not in stderr
    reports, stems = _complete_outputs(out)
    assert (out / "summary.json").is_file()
