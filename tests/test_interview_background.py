"""The interview's background threads never take its signals.

A process-directed signal goes to any thread that does not block it; one taken by a
background thread leaves the main thread blocked in its read of the next answer, and the
interview ignores Ctrl-C or SIGTERM (seen under load, when the WeasyPrint import in the
background takes seconds). The threads block those signals so only the main thread,
where Python raises them, can receive them.
"""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import pytest

from diagnose.interview import prerender
from diagnose.interview.background import INTERVIEW_SIGNALS, start_quiet_thread

pytestmark = pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="POSIX signal masks")


def _blocked_now() -> set[int]:
    return set(signal.pthread_sigmask(signal.SIG_BLOCK, []))


def test_the_interview_signals_are_the_three_that_end_it() -> None:
    assert set(INTERVIEW_SIGNALS) == {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


def test_a_quiet_thread_blocks_the_signals_and_the_main_thread_does_not() -> None:
    seen: list[set[int]] = []
    start_quiet_thread(lambda: seen.append(_blocked_now()), "probe").join()
    assert set(INTERVIEW_SIGNALS) <= seen[0]
    assert not set(INTERVIEW_SIGNALS) & _blocked_now()  # restored after the start


def test_threads_a_quiet_thread_starts_inherit_its_mask() -> None:
    seen: list[set[int]] = []

    def start_another() -> None:
        inner = threading.Thread(target=lambda: seen.append(_blocked_now()))
        inner.start()
        inner.join()

    start_quiet_thread(start_another, "probe").join()
    assert set(INTERVIEW_SIGNALS) <= seen[0]


def test_the_warm_import_runs_with_the_signals_blocked(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[set[int]] = []
    monkeypatch.setattr(prerender.importlib, "import_module", lambda name: seen.append(_blocked_now()))
    thread = prerender.warm_report_import()
    if thread is None:
        pytest.skip("the report extra is not installed")
    thread.join()
    assert seen and all(set(INTERVIEW_SIGNALS) <= mask for mask in seen)


def test_the_background_render_runs_with_the_signals_blocked(tmp_path: Path) -> None:
    seen: list[set[int]] = []
    answers = tmp_path / "answers.yaml"
    answers.write_text("meta: {}\n", encoding="utf-8")

    def write(source: Path, pdf: Path) -> None:
        seen.append(_blocked_now())
        pdf.write_bytes(b"%PDF")

    render = prerender.Prerender(answers, write)
    render.start()
    assert render.take(tmp_path / "report.pdf")
    assert set(INTERVIEW_SIGNALS) <= seen[0]


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interview_started_with_the_signals_blocked_still_stops_on_them(tmp_path: Path, signum: int,
                                                                            code: int) -> None:
    # a signal mask survives exec: a program that starts the interview while it holds
    # these signals back (a test runner's worker, a supervisor) must not make it deaf
    import os
    import sys

    pexpect = pytest.importorskip("pexpect")
    start = ("import os, signal, sys; signal.pthread_sigmask(signal.SIG_BLOCK, {1, 2, 15}); "
             "os.execv(sys.executable, [sys.executable, '-m', 'diagnose', *sys.argv[1:]])")
    child = pexpect.spawn(sys.executable, ["-c", start, "interview", "-o", "a.yaml", "--lang", "en", "--plain"],
                          cwd=str(tmp_path), env={**os.environ, "TERM": "dumb"}, encoding="utf-8", timeout=60,
                          echo=False)
    child.delaybeforesend = None
    child.expect("Answer: ")
    child.send("Acme Ltd\n")
    child.expect("Answer: ")
    child.kill(signum)
    child.expect("The interview was interrupted.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == code


CHILD = """
import sys, threading
from diagnose.interview.background import exit_now_if_busy, start_quiet_thread
release = threading.Event()
thread = start_quiet_thread(release.wait, "busy")
if sys.argv[1] == "done":
    release.set()
    thread.join()
print("said before leaving", flush=False)
exit_now_if_busy(130)
print("shut down as usual")
"""


@pytest.mark.parametrize(("state", "code", "out"), [
    # a render still running: the process leaves at once, its output flushed, with the
    # command's code; Python's shutdown could wait for a lock the frozen render holds
    ("busy", 130, "said before leaving\n"),
    ("done", 0, "said before leaving\nshut down as usual\n"),
])
def test_the_process_leaves_without_waiting_for_a_background_render(state: str, code: int, out: str) -> None:
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", CHILD, state], capture_output=True, text=True, timeout=120,
                            check=False)
    assert (result.returncode, result.stdout, result.stderr) == (code, out, "")
