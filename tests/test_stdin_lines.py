"""The plain interview's reads of standard input: the lines `readline()` would give, and a
wait that no signal can sleep through (diagnose/interview/stdin_lines.py)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from diagnose.interview.prerender import Prerender
from diagnose.interview.stdin_lines import StdinLines

POSIX = pytest.mark.skipif(os.name == "nt", reason="select() on pipes and signal.pthread_kill")
FIXTURES = Path(__file__).parent / "fixtures" / "interview"

INPUTS = [
    b"",
    b"one\n",
    b"one\ntwo\nthree",  # the last line without its newline
    b"crlf\r\nlone cr\rend\n",
    b"\n\n\n",
    "Мощность: 4\nбольше\n".encode(),
    b"not utf-8: \xff\xfe\n",  # kept as lone surrogates for the answer check to refuse
    b"x" * 200_000 + b"\nafter\n",  # longer than one read
]


def _lines_of(reader_readline: Callable[[], str]) -> list[str]:
    lines = []
    while line := reader_readline():
        lines.append(line)
    lines.append(reader_readline())  # and "" again after the end
    return lines


def _pipe_with(data: bytes) -> io.TextIOWrapper:
    read_end, write_end = os.pipe()

    def feed() -> None:
        with open(write_end, "wb") as pipe:
            pipe.write(data)

    threading.Thread(target=feed, daemon=True).start()
    return io.TextIOWrapper(io.FileIO(read_end), encoding="utf-8", errors="surrogateescape")


@POSIX
@pytest.mark.parametrize("data", INPUTS, ids=range(len(INPUTS)))
def test_lines_are_those_readline_gives(data: bytes) -> None:
    expected = _lines_of(_pipe_with(data).readline)
    stream = _pipe_with(data)
    assert _lines_of(StdinLines(stream).readline) == expected


def test_a_stream_without_a_descriptor_is_read_with_readline() -> None:
    stream = io.StringIO("first\nsecond")
    assert _lines_of(StdinLines(stream).readline) == ["first\n", "second", ""]


@POSIX
def test_lines_typed_ahead_are_kept_for_the_next_reads() -> None:
    lines = StdinLines(_pipe_with(b"a\nb\nc\n"))
    assert [lines.readline() for _ in range(4)] == ["a\n", "b\n", "c\n", ""]


@POSIX
def test_no_signal_is_slept_through_wherever_it_lands() -> None:
    # 300 reads from a pipe nobody writes to, each ended by a signal sent from another
    # thread at a random moment; `readline()` never returns from most of them
    rounds = 300
    result = subprocess.run(
        [sys.executable, str(FIXTURES / "signals_during_reads.py"), str(rounds)],
        capture_output=True, text=True, timeout=120, check=False)
    assert (result.returncode, result.stdout.strip(), result.stderr) == (0, str(rounds), "")


def test_waiting_for_the_background_render_checks_for_signals(tmp_path: Path) -> None:
    release = threading.Event()

    def slow_write(source: Path, target: Path) -> None:
        release.wait(60)
        target.write_bytes(b"%PDF")

    answers = tmp_path / "answers.yaml"
    answers.write_text("meta: {}\n", encoding="utf-8")
    render = Prerender(answers, slow_write)
    render.start()

    class Stop(Exception):
        pass

    def checkpoint() -> None:
        raise Stop

    try:
        with pytest.raises(Stop):
            render.take(tmp_path / "report.pdf", checkpoint)
    finally:
        release.set()
    assert render.take(tmp_path / "report.pdf")
    assert (tmp_path / "report.pdf").read_bytes() == b"%PDF"
    render.close()
