"""Running `diagnose` as a separate, fenced-in process for the hostile-input tests.

Every run gets a wall-clock timeout and an address-space limit (RLIMIT_AS), so an input
that makes the tool loop or swell fails the test instead of hanging the machine. Some
cases need the kernel to refuse access even though the tests may run as root (CI does):
`without_root_access` drops root's power to bypass file permissions for the child only.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MEMORY_LIMIT = 1536 * 1024 * 1024  # 1.5 GB of address space for the child
TIMEOUT = 90  # seconds; a hostile input is refused in well under one
PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def _limits(extra: Callable[[], None] | None) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
        if extra is not None:
            extra()
    return apply


def run_diagnose(args: list[str], cwd: Path, *, extra: Callable[[], None] | None = None,
                 stdout: int | None = None) -> Run:
    """`python -m diagnose ARGS` in `cwd`, bounded in time and memory."""
    result = subprocess.run(
        [sys.executable, "-m", "diagnose", *args], cwd=cwd, preexec_fn=_limits(extra),
        stdout=stdout if stdout is not None else subprocess.PIPE, stderr=subprocess.PIPE,
        timeout=TIMEOUT, env={**os.environ, "CI": "1", "COLUMNS": "200"},
    )
    out = result.stdout.decode("utf-8", "replace") if isinstance(result.stdout, bytes) else ""
    return Run(result.returncode, out, result.stderr.decode("utf-8", "replace"))


def without_root_access() -> None:
    """In the child: as root, give up CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, so that
    chmod 000 and read-only folders refuse root as they refuse everyone (a no-op for
    other users). Dropped from the bounding set, they do not come back at exec."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "cannot drop root's file-permission override")


def permissions_are_enforced(tmp: Path) -> bool:
    """Whether a child started with `without_root_access` is refused a chmod-000 file
    (false in a container that forbids dropping capabilities)."""
    probe = tmp / "permission-probe"
    probe.write_text("x")
    probe.chmod(0)
    try:
        result = subprocess.run(["cat", str(probe)], preexec_fn=without_root_access, capture_output=True)
    except (OSError, subprocess.SubprocessError):
        return False
    finally:
        probe.chmod(0o644)
    return result.returncode != 0


def small_file_size_limit(limit: int = 16 * 1024) -> Callable[[], None]:
    """In the child: files may grow to `limit` bytes only, as on a full disk. With SIGXFSZ
    ignored, a write beyond it fails with EFBIG ("File too large") instead of killing."""
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def leftovers(folder: Path) -> list[str]:
    """Temporary or hidden files left in a folder (atomic writes leave none)."""
    if not folder.exists():
        return []
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith(".tmp") or p.name.startswith("."))


def run_many(cases: dict[str, list[str]], cwd: Path, timeout: int = 300, processes: int = 2) -> dict[str, Run]:
    """Run many `diagnose` commands in a few fenced-in child processes (CliRunner inside
    each), so that a corpus of dozens of files costs a few interpreter starts, not dozens.
    The time and memory limits then bound each share of the corpus; each case's outcome
    comes back as JSON."""
    names = list(cases)
    shares = [names[n::processes] for n in range(processes)]
    children = [
        subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve())], cwd=cwd, preexec_fn=_limits(None),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "CI": "1", "COLUMNS": "200"},
        )
        for share in shares if share
    ]
    for child, share in zip(children, [s for s in shares if s], strict=True):
        assert child.stdin is not None
        child.stdin.write(json.dumps({name: cases[name] for name in share}))  # all start at once
        child.stdin.close()
        child.stdin = None  # communicate() below must not touch it again
    outcomes: dict[str, Run] = {}
    for child in children:
        stdout, stderr = child.communicate(timeout=timeout)
        assert child.returncode == 0, stderr[-3000:]
        outcomes.update({name: Run(**outcome) for name, outcome in json.loads(stdout).items()})
    return outcomes


def _drive() -> None:
    """The child of `run_many`: each case through click's CliRunner; an exception that is
    not a normal exit is reported as a traceback in the case's stderr."""
    import traceback

    from click.testing import CliRunner

    from diagnose.cli import cli

    cases = json.loads(sys.stdin.read())
    outcomes = {}
    for name, args in cases.items():
        result = CliRunner().invoke(cli, args, catch_exceptions=True)
        stderr = result.stderr
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            stderr += "Traceback (most recent call last):\n" + "".join(traceback.format_exception(result.exception))
        outcomes[name] = {"code": result.exit_code, "stdout": result.stdout, "stderr": stderr}
    json.dump(outcomes, sys.stdout)


if __name__ == "__main__":
    _drive()
