"""Crash safety: the interview and the batch killed at seeded random points.

Interview (plain mode, a scripted small-distributor interview in a pseudo-terminal):
SIGINT and SIGTERM at random points, sometimes racing the save of the answer just given.
The file on disk is always a valid answer file holding every answer given before the
signal (the one racing the save may or may not be in it), and no temporary file is left.
(SIGKILL at random points and SIGTERM/SIGHUP at one point are in test_interview_terminal.py.)

Batch (`--format pdf,json --jobs 2`): SIGINT, SIGTERM and SIGKILL of the whole process
group at a random moment after the first report appeared. Every file with a report's name
is complete: its PDF parses and holds the company's name, its JSON parses; an input has
both its outputs or neither. SIGINT and SIGTERM leave no temporary file. SIGKILL cannot
be caught: a worker killed while writing leaves its temporary file, `.NAME.XXXXXX.tmp`,
which is never the final name, so it can never be taken for a report (SECURITY.md).
"""

from __future__ import annotations

import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from diagnose.answers import load_answers
from diagnose.resources import examples_dir

pexpect = pytest.importorskip("pexpect")
from pypdf import PdfReader  # noqa: E402

SCRIPT = (Path(__file__).parent / "fixtures" / "interview" / "small-distributor.en.input").read_text(
    encoding="utf-8").splitlines()
META_LINES = 5  # company, respondent, consultant, date, language come before the questions
SEED = 20261127


def _interview(tmp_path: Path, name: str):
    environment = {**os.environ, "TERM": "dumb", "PROMPT_TOOLKIT_NO_CPR": "1"}
    environment.pop("ACCESSIBLE", None)
    child = pexpect.spawn(sys.executable, ["-m", "diagnose", "interview", "-o", name, "--lang", "en", "--plain"],
                          cwd=str(tmp_path), env=environment, encoding="utf-8", timeout=60, echo=False)
    child.delaybeforesend = None
    return child


def _threads_of(pid: int) -> str:
    """Each thread's name, state and signal masks, for a failure message: a signal that
    does not stop the interview is pending, blocked or taken by a thread (see /proc)."""
    lines = []
    for task in sorted(os.listdir(f"/proc/{pid}/task")):
        with open(f"/proc/{pid}/task/{task}/status", encoding="utf-8") as status:
            fields = [line.strip() for line in status if line.startswith(("Name", "State", "SigPnd", "ShdPnd",
                                                                           "SigBlk", "SigIgn", "SigCgt"))]
        lines.append(f"{task}: {'; '.join(fields)}")
    return "\n".join(lines)


def _expect_stop(child, text: str) -> None:
    try:
        child.expect(text)
    except pexpect.TIMEOUT:
        threads = _threads_of(child.pid) if os.path.isdir(f"/proc/{child.pid}") else "(no /proc)"
        child.kill(signal.SIGKILL)
        pytest.fail(f"the interview did not stop on the signal; its threads:\n{threads}")


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interview_interrupted_at_random_points_keeps_every_answer(tmp_path: Path, signum: int, code: int) -> None:
    expected = load_answers(examples_dir() / "small-distributor.yaml")
    rng = random.Random(SEED + signum)
    points = sorted(rng.sample(range(1, len(SCRIPT) - 2), 3))
    for round_, given in enumerate(points):
        path = tmp_path / f"run{round_}.yaml"
        racing = round_ == 1  # the signal right after Enter, racing the save
        child = _interview(tmp_path, path.name)
        for line in SCRIPT[:given]:
            child.expect("Answer: ")
            child.send(line + "\n")
        if not racing:
            child.expect("Answer: ")
            child.send("4")  # half-typed next answer
        child.kill(signum)
        _expect_stop(child, "The interview was interrupted.")
        child.expect(f"--resume {path.name}")
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == code, (given, child.exitstatus, child.signalstatus)
        questions_given = max(0, given - META_LINES)
        assert path.exists(), given
        answers = load_answers(path, require_complete=False)
        if racing:
            assert len(answers.values) in (max(0, questions_given - 1), questions_given), given
        else:
            assert len(answers.values) == questions_given, given
        for key, value in answers.values.items():
            assert value == expected.values[key], key
        assert answers.meta["company"] == expected.meta["company"]
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# ----------------------------------------------------------------------------- batch

INPUTS = 6


def _batch_inputs(folder: Path) -> None:
    folder.mkdir()
    text = (examples_dir() / "small-distributor.yaml").read_text(encoding="utf-8")
    for n in range(INPUTS):
        (folder / f"company-{n}.yaml").write_text(
            text.replace("company: Brightline Supplies Ltd", f"company: Company {n}"), encoding="utf-8")


def _check_outputs(out: Path, killed: bool) -> set[str]:
    """Every report-named file is complete; returns the stems of finished inputs."""
    names = sorted(p.name for p in out.iterdir()) if out.exists() else []
    temporary = [n for n in names if n.endswith(".tmp")]
    if killed:
        assert all(n.startswith(".") for n in temporary), temporary  # never a final name
    else:
        assert temporary == [], temporary
    reports = [n for n in names if "--" in n and not n.startswith(".")]
    stems = {n.rsplit(".", 1)[0] for n in reports}
    assert sorted(reports) == sorted([f"{s}.json" for s in stems] + [f"{s}.pdf" for s in stems]), names
    for stem in stems:
        data = json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))
        company = data["company"]["company"]
        reader = PdfReader(io.BytesIO((out / f"{stem}.pdf").read_bytes()))
        assert len(reader.pages) > 3
        assert company in (reader.pages[0].extract_text() or ""), stem
    return stems


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_batch_killed_at_a_random_moment_leaves_no_partial_output(tmp_path: Path, signum: int) -> None:
    inputs, out = tmp_path / "in", tmp_path / "out"
    _batch_inputs(inputs)
    process = subprocess.Popen(
        [sys.executable, "-m", "diagnose", "batch", str(inputs), "--out-dir", str(out), "--format", "pdf,json",
         "--jobs", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while not list(out.glob("*.pdf")) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.02)
    time.sleep(random.Random(SEED + signum).uniform(0.0, 1.5))  # somewhere in the next reports
    if process.poll() is None:
        if signum == signal.SIGKILL:
            os.killpg(process.pid, signal.SIGKILL)  # the parent and its workers, mid-write or not
        else:
            process.send_signal(signum)
    _, stderr = process.communicate(timeout=120)
    assert "Traceback" not in stderr
    stems = _check_outputs(out, killed=signum == signal.SIGKILL)
    if signum == signal.SIGKILL:
        assert process.returncode == -signal.SIGKILL or process.returncode == 0
    elif process.returncode == 130:
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        assert summary["ok"] == len(stems)
        assert f"Interrupted: {len(stems)} of {INPUTS} inputs finished" in stderr
    else:  # the run finished before the signal came
        assert process.returncode == 0 and len(stems) == INPUTS
