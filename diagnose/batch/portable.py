"""What the batch needs from the operating system, where each system differs.

How worker processes start: `fork` on Linux, where the parent's imports (WeasyPrint,
the loaded method) come along for free; `spawn` on macOS, where forking a process that
has loaded system frameworks can crash it, and on Windows, which cannot fork. The
environment variable DIAGNOSE_START_METHOD (fork, forkserver, spawn) chooses one
instead, to test another system's way here.

Signals: Windows has no SIGHUP, no SIGUSR1 and no signal masks, so the stop signals are
the ones this system has, holding signals back is skipped where it cannot be done, and a
worker is stopped at once with SIGUSR1 where there is one (it deletes its unfinished
outputs), else terminated (the parent deletes the outputs it had announced).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
from collections.abc import Iterator
from typing import Any

from diagnose.errors import Location, Problem, UserError

START_METHOD_VARIABLE = "DIAGNOSE_START_METHOD"
START_METHODS = ("fork", "forkserver", "spawn")
# SIGINT: Ctrl-C; SIGTERM: a service manager; SIGHUP: a closed terminal (not on Windows)
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))
STOP_AT_ONCE = getattr(signal, "SIGUSR1", None)  # parent to worker: stop now (not on Windows)


def start_method(platform: str | None = None) -> str:
    """The way worker processes start on this system, or as DIAGNOSE_START_METHOD says."""
    platform = platform or sys.platform
    chosen = os.environ.get(START_METHOD_VARIABLE, "")
    if not chosen:
        return "fork" if platform.startswith("linux") else "spawn"
    if chosen not in START_METHODS or chosen not in multiprocessing.get_all_start_methods():
        available = [m for m in START_METHODS if m in multiprocessing.get_all_start_methods()]
        raise UserError(Problem(Location(START_METHOD_VARIABLE),
                                f"'{chosen[:40]}' is not a way to start processes here; expected one of: "
                                f"{', '.join(available)}"))
    return chosen


def context(platform: str | None = None) -> Any:
    return multiprocessing.get_context(start_method(platform))


@contextlib.contextmanager
def held_back(signums: set[int] | tuple[int, ...]) -> Iterator[None]:
    """Signals wait until the block ends (where the system has signal masks)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, set(signums))
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def wakeup_pipe() -> tuple[int, int] | None:
    """A non-blocking pipe for `signal.set_wakeup_fd` that the pool can wait on; None on
    Windows, whose wakeup needs a socket and whose waits take no file descriptors (the
    pool then notices a signal within its one-second wait)."""
    if sys.platform == "win32":
        return None
    if hasattr(os, "pipe2"):
        return os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    read_end, write_end = os.pipe()  # macOS has no pipe2
    for end in (read_end, write_end):
        os.set_blocking(end, False)
        os.set_inheritable(end, False)
    return read_end, write_end


def stop_at_once(process: Any) -> None:
    """Ask a worker to stop now: SIGUSR1 lets it delete its unfinished outputs first."""
    try:
        if STOP_AT_ONCE is not None:
            os.kill(process.pid, STOP_AT_ONCE)
        else:
            process.terminate()
    except (ProcessLookupError, TypeError, OSError):
        pass
