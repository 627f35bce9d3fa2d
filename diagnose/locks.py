"""Advisory locks: one interview per answer file, one batch per output folder.

A lock is `fcntl.flock` on a small file beside what it guards (`.answers.yaml.lock`
next to the answer file; `.diagnose-batch.lock` inside the output folder), holding the
holder's process id so that the one refused can name it. flock is used rather than the
`filelock` package because the kernel drops the lock when its process ends in any way,
SIGKILL and the OOM killer included, so a lock can never be left stale, and because the
holder's pid has to be read back, which filelock does not offer; on Linux filelock is
this same flock underneath. The lock file is not the guarded file itself: answer files
are saved by renaming a new file over them, which would leave a lock on the old one.

Advisory: it keeps out other `diagnose` processes, not an editor.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # not on a POSIX system: no locking
    fcntl = None  # type: ignore[assignment]


class Busy(Exception):
    """Another process holds the lock; `pid` is its process id, 0 when it cannot be read."""

    def __init__(self, pid: int) -> None:
        super().__init__(pid)
        self.pid = pid


class Lock:
    """An exclusive, non-blocking flock on `path`, released by `release` or when the
    process ends. `acquire` raises Busy if another process has it; if the lock file
    cannot be created (a read-only folder) nothing is locked, since nothing can be
    written there either, and the write reports that."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> Lock:
        if fcntl is None:
            return self
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
            except OSError as exc:
                if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOENT, errno.ENOTDIR):
                    return self
                raise
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                pid = _read_pid(fd)
                os.close(fd)
                raise Busy(pid) from None
            # the holder before us may have removed the file between our open and our lock:
            # then we hold a lock on a file nobody else will open; start again
            try:
                same = os.stat(self.path, follow_symlinks=False).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def release(self) -> None:
        """Remove the lock file, then unlock (in this order, so that whoever locks the file
        next finds it gone and opens a new one)."""
        if self._fd is None:
            return
        try:
            os.unlink(self.path)
        except OSError:
            pass
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> Lock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_pid(fd: int) -> int:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        return int(text) if text.isdigit() else 0
    except OSError:
        return 0


def beside(path: Path) -> Path:
    """The lock file that guards the file `path`: `.NAME.lock` in the same folder."""
    return path.parent / f".{path.name}.lock"


def holder(pid: int) -> str:
    """'process 1234' for messages (or 'another process' when the pid is unknown)."""
    return f"process {pid}" if pid else "another process"
