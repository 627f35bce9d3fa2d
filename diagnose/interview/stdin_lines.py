"""Lines of standard input, read so that Ctrl-C or SIGTERM always ends the wait.

`sys.stdin.readline()` can sleep through a signal. Python runs a signal handler only
in the main thread and only between bytecodes; a blocked read() is interrupted only by
a signal that arrives while the system call runs. A signal that lands after the last
check and before read() begins (the thread is descheduled just as it lets go of the GIL
for the read, which a loaded machine makes likely) only sets the C-level flag, and the
handler waits for the next line the person types. The same happens when the handler
did run but inside a finaliser (garbage collection between two bytecodes), where
Python swallows its exception.

So the plain interview waits in select() on standard input and on a pipe that
Python's C-level handler writes to (`signal.set_wakeup_fd`): a signal at any moment,
even before the select, ends the wait, and `checkpoint` (the interview's
`SignalGuard.checkpoint`) raises a signal whose exception was swallowed. The select
also wakes every `WAKE_EVERY` seconds, so no unforeseen path can hold a signal back
for longer than that. Decoding and newline handling are those of `sys.stdin` itself
(`io.IncrementalNewlineDecoder`). Where standard input has no file descriptor (a test
runner's in-memory stream) or select() cannot wait on it (Windows consoles), lines are
read with `readline()` as before.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import select
import signal
import threading
from collections.abc import Callable, Iterator
from typing import TextIO

WAKE_EVERY = 1.0  # seconds; the longest a signal can wait on an unforeseen path
CHUNK = 65536


class StdinLines:
    """Reads the lines of one text stream (standard input) through its file descriptor."""

    def __init__(self, stream: TextIO, checkpoint: Callable[[], None] = lambda: None):
        self.stream = stream
        self.checkpoint = checkpoint
        self.fd = _waitable_fd(stream)
        encoding = getattr(stream, "encoding", None) or "utf-8"
        errors = getattr(stream, "errors", None) or "strict"
        self.decoder = io.IncrementalNewlineDecoder(codecs.getincrementaldecoder(encoding)(errors), translate=True)
        self.text = ""  # decoded, not yet returned
        self.ended = False

    def readline(self) -> str:
        """The next line with its "\\n", the last one without it, or "" at the end of
        input: what `TextIOWrapper.readline()` returns."""
        if self.fd is None:
            return self.stream.readline()
        while "\n" not in self.text and not self.ended:
            self._wait_readable()
            data = _read_available(self.fd)
            self.ended = not data
            self.text += self.decoder.decode(data, final=self.ended)
        line, newline, self.text = self.text.partition("\n")
        return line + newline

    def _wait_readable(self) -> None:
        """Return once the descriptor can be read; a signal's handler runs meanwhile."""
        with _wakeup_pipe() as wakeup:
            while True:
                self.checkpoint()
                watched = [self.fd] if wakeup is None else [self.fd, wakeup]
                ready, _, _ = select.select(watched, [], [], WAKE_EVERY)
                if wakeup is not None and wakeup in ready:
                    _drain(wakeup)  # the handler itself runs right after the select
                if self.fd in ready:
                    return


def _waitable_fd(stream: TextIO) -> int | None:
    if os.name == "nt":
        return None
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is an OSError
        return None
    return fd if fd >= 0 else None


def _read_available(fd: int) -> bytes:
    while True:
        try:
            return os.read(fd, CHUNK)
        except BlockingIOError:  # a descriptor left non-blocking by another program
            select.select([fd], [], [], WAKE_EVERY)


def _drain(fd: int) -> None:
    with contextlib.suppress(BlockingIOError, OSError):
        while os.read(fd, 512):
            pass


@contextlib.contextmanager
def _wakeup_pipe() -> Iterator[int | None]:
    """A pipe the C-level signal handler writes to for as long as the wait lasts (main
    thread only: the only one where Python lets it be set, and the only one signals
    reach); None elsewhere."""
    if threading.current_thread() is not threading.main_thread():
        yield None
        return
    read_end, write_end = os.pipe()
    try:
        os.set_blocking(read_end, False)
        os.set_blocking(write_end, False)
        previous = signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
        try:
            yield read_end
        finally:
            signal.set_wakeup_fd(previous)
    finally:
        os.close(read_end)
        os.close(write_end)
