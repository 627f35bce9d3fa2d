"""How long the consultant waits for the PDF after the interview's last "yes".

Run: .venv/bin/python bench/interview_latency.py [--runs N] [--review-seconds S] [--plain|--arrows]

Drives a real interview in a pseudo-terminal (pexpect): the scripted answers of the
small distributor (tests/fixtures/interview/small-distributor.en.input) typed in `--plain`
mode, then the review is on screen for S seconds (the consultant reads it through with the
client; default 5), Enter finishes it and "y" asks for the PDF. The figure is the time from
that "y" to the PDF existing, as a ratio to a cold `diagnose report` of the same answer
file (a fresh process, load cache warm as after any first run). Two scenarios:
- `plain`: the review is finished unchanged;
- `edit`: at the review the number of active clients is changed (the question is asked
  again), the review is shown again and read for S seconds, then finished.
Medians of N runs. A benchmark, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pexpect

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "fixtures" / "interview" / "small-distributor.en.input"
PY = sys.executable
REVIEW_PROMPT = "Enter to finish"
TIMEOUT = 120


def environment() -> dict[str, str]:
    env = {**os.environ, "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"}
    env.pop("ACCESSIBLE", None)
    return env


def wait_for(path: Path) -> float:
    """The moment `path` exists (polled; the PDF is moved into place atomically)."""
    deadline = time.perf_counter() + TIMEOUT
    while not path.exists():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{path} never appeared")
        time.sleep(0.002)
    return time.perf_counter()


def interview(folder: Path, edit: bool, review_seconds: float) -> float:
    """Seconds from the final "y" to the PDF existing."""
    lines = SCRIPT.read_text(encoding="utf-8").splitlines()
    answers, finish = lines[:-2], lines[-2:]  # the review's Enter and the report's answer
    assert finish[0] == "", "the script ends at the review"
    child = pexpect.spawn(PY, ["-m", "diagnose", "interview", "-o", "a.yaml", "--lang", "en", "--plain"],
                          cwd=str(folder), env=environment(), encoding="utf-8", timeout=TIMEOUT,
                          dimensions=(60, 200), echo=False)
    child.delaybeforesend = None
    try:
        for line in answers:
            child.sendline(line)
        child.expect(REVIEW_PROMPT)
        if edit:
            time.sleep(review_seconds / 2)  # the consultant finds the answer to change
            child.sendline("3")  # the page of the section "Team and clients"
            child.expect(REVIEW_PROMPT)
            number = re.search(r"(\d+\.\d+)  How many active clients", child.before)
            assert number is not None, "the review lists the active clients"
            child.sendline(number.group(1))
            child.expect("active clients")
            child.sendline("170")
            child.expect(REVIEW_PROMPT)
        time.sleep(review_seconds)  # the review is read through with the client
        child.sendline("")
        child.expect(r"\[Y/n\]")
        pdf = folder / "a.pdf"
        started = time.perf_counter()
        child.sendline("y")
        done = wait_for(pdf)
        child.expect("Report written")
        child.expect(pexpect.EOF)
        return done - started
    finally:
        child.close(force=True)


def cold_report(folder: Path) -> float:
    output = folder / "cold.pdf"
    output.unlink(missing_ok=True)
    started = time.perf_counter()
    subprocess.run([PY, "-m", "diagnose", "report", "a.yaml", "-o", str(output)], cwd=str(folder),
                   check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--review-seconds", type=float, default=5.0)
    args = parser.parse_args()
    for edit in (False, True):
        waits, colds = [], []
        for _ in range(args.runs):
            folder = Path(tempfile.mkdtemp(prefix="diagnose-bench-"))
            try:
                waits.append(interview(folder, edit, args.review_seconds))
                colds.append(cold_report(folder))
            finally:
                shutil.rmtree(folder, ignore_errors=True)
        wait, cold = statistics.median(waits), statistics.median(colds)
        name = "edit at the review" if edit else "review unchanged"
        print(f"{name:20}  wait after 'y' {wait:6.3f} s   cold report {cold:6.3f} s   ratio {wait / cold:5.2f}")


if __name__ == "__main__":
    main()
