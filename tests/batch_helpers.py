"""Helpers for the batch tests that run `diagnose batch` as a process and follow it by
what it reports (its progress line on a terminal, its messages), never by the clock."""

from __future__ import annotations

import os
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "batch"
TIMEOUT = 240  # seconds: generous, for a machine busy with other work


def make_inputs(folder: Path, count: int) -> list[Path]:
    """`count` answer files of different companies (the alder fixture, renamed)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (FIXTURES / "folder" / "alder.yaml").read_text(encoding="utf-8")
    paths = []
    for n in range(count):
        path = folder / f"company-{n:02}.yaml"
        path.write_text(text.replace("company: Alder & Sons Trading", f"company: Company {n:02}"), encoding="utf-8")
        paths.append(path)
    return paths


def spawn_batch(*args: str, cwd: Path | None = None):  # -> pexpect.spawn
    """`diagnose batch ARGS` on a terminal of its own, so that it draws its progress line
    (`] 3/16`) after every finished input: the events the tests wait for."""
    import pexpect

    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["COLUMNS"] = "200"
    return pexpect.spawn(sys.executable, ["-m", "diagnose", "batch", *args], env=env, encoding="utf-8",
                         timeout=TIMEOUT, cwd=str(cwd) if cwd else None, dimensions=(40, 200))


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (the batch's workers), from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry))
    return found


def check_outputs(out: Path, formats: tuple[str, ...] = ("html", "json")) -> set[str]:
    """The stems of the reports in `out`; no temporary file, every stem in all formats."""
    left = sorted(p.name for p in out.iterdir())
    assert not [name for name in left if name.endswith(".tmp")], left
    reports = [name for name in left if "--" in name]
    stems = {name.rsplit(".", 1)[0] for name in reports}
    assert sorted(reports) == sorted(f"{s}.{f}" for s in stems for f in formats), left
    return stems
