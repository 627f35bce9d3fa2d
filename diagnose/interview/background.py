"""Background threads of the interview that never receive its signals.

The kernel gives a signal sent to the process to any one of its threads that does not
block it. Python runs signal handlers only in the main thread, and only once that thread
executes Python code again: if Ctrl-C or SIGTERM lands on a background thread (the
WeasyPrint import, a speculative render, or a native thread Pango starts from one of
them) while the main thread is blocked reading the next answer, the read is not
interrupted and the interview goes on waiting for input. Threads started here block the
interview's signals from their first instruction, and threads they start inherit that
mask, so every such signal reaches the main thread and interrupts its read.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable

# the signals the interview turns into a clean stop (`run.SignalGuard`)
INTERVIEW_SIGNALS: tuple[int, ...] = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


_STARTED: list[threading.Thread] = []  # every quiet thread, for `exit_now_if_busy`


def start_quiet_thread(target: Callable[[], None], name: str) -> threading.Thread:
    """Start a daemon thread that never receives INTERVIEW_SIGNALS."""
    thread = threading.Thread(target=target, name=name, daemon=True)
    _STARTED.append(thread)
    block = getattr(signal, "pthread_sigmask", None)  # absent on Windows, which has no such race
    if block is None or threading.current_thread() is not threading.main_thread():
        thread.start()
        return thread
    # a new thread starts with its creator's mask: blocking here for the instant of the
    # start leaves no moment in which the new thread could take a signal; one that
    # arrives meanwhile stays pending and is delivered to this thread at the unblock
    previous = block(signal.SIG_BLOCK, INTERVIEW_SIGNALS)
    try:
        thread.start()
    finally:
        block(signal.SIG_SETMASK, previous)
    return thread


def exit_now_if_busy(code: object) -> None:
    """End the process at once with `code` (a SystemExit code) while a quiet thread still
    works (a render in WeasyPrint, the warm import); return otherwise.

    Python's shutdown freezes such a daemon thread wherever it is, possibly inside Pango
    or fontconfig holding one of their locks, and then runs finalisers and exit handlers
    that may wait for that lock: an interview stopped during a background render could
    print its last line and never exit. Everything the command had to do is done by now
    (each answer was saved when given, the lock and the render's folder are released),
    so the process leaves without that shutdown, its output flushed first."""
    if not any(thread.is_alive() for thread in _STARTED):
        return
    status = 0 if code is None else code if isinstance(code, int) else 1
    if not isinstance(code, (int, type(None))):
        with contextlib.suppress(Exception):
            print(code, file=sys.stderr)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(status)
