"""Writing an output file: replaced atomically when it is a file, written into when it is not.

Every report, answer file, blank template and summary is written by `atomic_write_bytes`.
What it does depends on what the name given is once symbolic links are followed:

- a regular file, or nothing yet: the data goes to a temporary file beside it
  (`.NAME.XXXXXX.tmp`), is flushed to disk and renamed over it, so readers see the old
  file or the new one. Through a symbolic link it is the file the link names that is
  replaced, in that file's folder, with that file's mode (and owner, where allowed): the
  link stays a link, and a shared file linked from several places gets the data.
- a device (`/dev/null`, a tape), a named pipe: the data is written into it, as a shell's
  `>` does. Renaming over it would put a plain file where the device node or the pipe was
  (as root: a regular file as the system's /dev/null) and the reader waiting on the pipe
  would get nothing. Opening a pipe waits until someone reads it; when nobody has it open
  for reading yet, one line on stderr says what the program is waiting for, so a
  forgotten reader is not a silent hang.
- a name of one of this process's descriptors (`/dev/stdout`, `/dev/fd/N`,
  `/proc/self/fd/N`): the data is written through that descriptor, as `-` writes to
  stdout, so `-o /dev/stdout >> log` appends to the log instead of replacing it.
- a folder or a socket: refused with one located line.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import re
import stat
import sys
import tempfile
from pathlib import Path

from diagnose.errors import Location, Problem, UserError

# /dev/stdout, /dev/stderr, /dev/fd/N and /proc/{self,thread-self,PID}/fd/N
_DESCRIPTOR_NAME = re.compile(r"/dev/(stdout|stderr)|/dev/fd/(\d+)|/proc/(self|thread-self|\d+)/fd/(\d+)")


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write text so that readers see the old file or the new one, never half of one."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write `data` to `path` as the module docstring says, or raise a located UserError."""
    name = str(path)
    descriptor = own_descriptor(name)
    if descriptor is not None:
        _write_descriptor(name, descriptor, data)
        return
    found = _stat(name)
    if found is not None and not stat.S_ISREG(found.st_mode):
        if _write_into(name, found, data):
            return
        found = _stat(name)  # it became a regular file while being opened
    target = Path(os.path.realpath(name))
    if found is not None and not _same_file(target, found):
        # /proc/PID/fd/N of a deleted file, or a link changed under us: nothing to rename over
        raise UserError(Problem(Location(name), "cannot write: it leads to a file that has no name to be "
                                "replaced (deleted?); expected a file, a device or a pipe"))
    _replace(name, target, found, data)


def check_target(path: str | Path) -> None:
    """Refuse at once, with the message the write would give, a name no write can succeed
    on: one whose folder does not exist, or a folder. Called before the work that makes
    the data, so a PDF that takes seconds to render is not made only to be refused."""
    name = str(path)
    if name == "-" or own_descriptor(name) is not None:
        return
    found = _stat(name)
    if found is not None:
        if stat.S_ISDIR(found.st_mode):
            raise UserError(Problem(Location(name), "cannot write: is a folder; expected a file name"))
        return
    target = Path(os.path.realpath(name))
    if not target.parent.is_dir():
        via = f" (writing {target}, which it links to)" if os.path.islink(name) else ""
        raise UserError(Problem(Location(name), f"cannot write: the folder does not exist{via}"))


def own_descriptor(name: str) -> int | None:
    """The descriptor number when `name` names one of this process's open descriptors."""
    match = _DESCRIPTOR_NAME.fullmatch(os.path.normpath(os.path.abspath(name)))
    if match is None:
        return None
    std, dev_fd, process, proc_fd = match.groups()
    if std:
        return 1 if std == "stdout" else 2
    if dev_fd:
        return int(dev_fd)
    if process in ("self", "thread-self") or int(process) == os.getpid():
        return int(proc_fd)
    return None  # another process's descriptor: an ordinary path to follow


def _stat(name: str) -> os.stat_result | None:
    """What the name leads to, links followed; None when there is nothing there yet."""
    try:
        return os.stat(name)
    except FileNotFoundError:
        return None  # a new file, or a link to one that does not exist yet
    except OSError as exc:
        raise _cannot(name, exc) from None


def _write_descriptor(name: str, descriptor: int, data: bytes) -> None:
    for stream in (sys.stdout, sys.stderr):  # what is already printed goes first
        with contextlib.suppress(AttributeError, OSError, ValueError):
            if stream.fileno() == descriptor:
                stream.flush()
    try:
        _write_all(descriptor, data)
    except OSError as exc:
        raise _cannot(name, exc) from None


def _write_into(name: str, found: os.stat_result, data: bytes) -> bool:
    """Write into a device or a pipe; False if it is a regular file once opened."""
    if stat.S_ISDIR(found.st_mode):
        raise UserError(Problem(Location(name), "cannot write: is a folder; expected a file name"))
    if stat.S_ISSOCK(found.st_mode):
        raise UserError(Problem(Location(name), "cannot write: is a socket; expected a file, a device or a pipe"))
    try:
        # no O_CREAT: it exists; no O_TRUNC: a device or a pipe has nothing to cut
        descriptor = _open_for_writing(name, stat.S_ISFIFO(found.st_mode))
    except OSError as exc:
        raise _cannot(name, exc) from None
    try:
        opened = os.fstat(descriptor).st_mode
        if stat.S_ISREG(opened):
            return False
        _write_all(descriptor, data)
        if stat.S_ISBLK(opened):
            os.fsync(descriptor)
    except OSError as exc:
        raise _cannot(name, exc) from None
    finally:
        os.close(descriptor)
    return True


def _open_for_writing(name: str, is_pipe: bool) -> int:
    flags = os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)  # POSIX only
    if is_pipe:
        try:
            # a pipe without a reader refuses a non-blocking open (ENXIO) instead of waiting
            descriptor = os.open(name, flags | os.O_NONBLOCK)
        except OSError as exc:
            if exc.errno != errno.ENXIO:
                raise
            _say(f"{name}: waiting for a program to read this pipe (nothing has opened it for reading yet)")
        else:
            os.set_blocking(descriptor, True)  # the writes themselves wait for the reader
            return descriptor
    return os.open(name, flags)


def _say(line: str) -> None:
    """One line on stderr, if there still is one (a closed stderr never stops a write)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.write(line + "\n")
        sys.stderr.flush()


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view):]


def _same_file(target: Path, found: os.stat_result) -> bool:
    try:
        resolved = os.stat(target)
    except OSError:
        return False
    return (resolved.st_dev, resolved.st_ino) == (found.st_dev, found.st_ino)


def _replace(name: str, target: Path, found: os.stat_result | None, data: bytes) -> None:
    """A temporary file beside `target`, flushed, given the target's mode, renamed over it."""
    # said when the file written is not the one named: a link into a folder we may not write
    via = f" (writing {target}, which it links to)" if os.path.islink(name) else ""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except FileNotFoundError:
        raise UserError(Problem(Location(name), f"cannot write: the folder does not exist{via}")) from None
    except OSError as exc:
        raise _cannot(name, exc, via) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if found is not None:
                # keep the permissions of the file being replaced, and its owner where we
                # may (root replacing a user's file, or a user keeping a file's group)
                os.fchmod(handle.fileno(), found.st_mode & 0o777)
                with contextlib.suppress(PermissionError):
                    if (found.st_uid, found.st_gid) != (os.geteuid(), os.getegid()):
                        os.fchown(handle.fileno(), found.st_uid, found.st_gid)
            else:
                os.fchmod(handle.fileno(), 0o666 & ~_umask())
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise _cannot(name, exc, via) from None
    except BaseException:
        # interrupted (Ctrl-C, or SIGTERM turned into an exception): leave no temporary file
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _cannot(name: str, exc: OSError, via: str = "") -> UserError:
    reason = "permission denied" if isinstance(exc, PermissionError) else exc.strerror or str(exc)
    return UserError(Problem(Location(name), f"cannot write: {reason}{via}"))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def remove_leftovers(path: str | Path) -> list[str]:
    """Remove the temporary files a killed writer of `path` left beside it
    (`.NAME.XXXXXXXX.tmp`, regular files only); return their names. Call it only while
    holding the file's lock, so that no live writer of ours is using one."""
    target = Path(os.path.realpath(path))
    removed = []
    try:
        entries = list(target.parent.glob(f".{glob.escape(target.name)}.*.tmp"))
    except OSError:
        return removed
    for entry in entries:
        with contextlib.suppress(OSError):
            if entry.is_file() and not entry.is_symlink():
                entry.unlink()
                removed.append(entry.name)
    return removed

