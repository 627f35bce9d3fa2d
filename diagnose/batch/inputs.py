"""Expand the INPUTS of `diagnose batch` into the files to process.

An input may be an answer file, a folder (searched recursively for *.yaml, *.yml and
*.csv), a glob, or a response table (CSV) whose every row is one company. Nothing is
parsed here: answer files are read in the workers, tables by the planner.

Folders and globs are walked without following symbolic links to folders, so a link
back up the tree cannot make the walk endless and a link out of it cannot bring in
files from elsewhere; a linked file is taken only when it points inside the folder
being searched (then it is the same input as its target). A file named on the command
line is always taken. What a batch writes is never read back as an input: the output
folder is left out of every folder and glob, and so is a CSV whose header is a batch
summary's.
"""

from __future__ import annotations

import fnmatch
import os
import re
from pathlib import Path

from diagnose.errors import Location, Problem, UserError

ANSWER_SUFFIXES = (".yaml", ".yml")
TABLE_SUFFIXES = (".csv", ".xlsx")
_MAGIC = re.compile(r"[*?[]")


def _is_input(path: Path) -> bool:
    return path.suffix.lower() in ANSWER_SUFFIXES + TABLE_SUFFIXES and not path.name.startswith(".")


def _walk(root: Path, skip: set[Path]) -> list[Path]:
    """Every file below `root` (relative paths joined to it), links to folders not entered."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and _real(here / d) not in skip)
        found += [here / name for name in sorted(files)]
    return found


def _real(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a link loop
        return path


def _inside(path: Path, root: Path) -> bool:
    """A regular file, or a link to one that lies inside `root`."""
    if not path.is_symlink():
        return path.is_file()
    target = _real(path)
    return target.is_file() and target.is_relative_to(_real(root))


def _glob(pattern: str, skip: set[Path]) -> list[Path]:
    """Files matching `pattern` (`*`, `?`, `[...]` within a name, `**` for any folders),
    found by walking from its fixed part without following links to folders."""
    parts = Path(pattern).parts
    fixed = 0
    while fixed < len(parts) - 1 and not _MAGIC.search(parts[fixed]):
        fixed += 1
    root = Path(*parts[:fixed]) if fixed else Path(".")
    rest = parts[fixed:]
    if not root.is_dir():
        return []
    matches = []
    for path in _walk(root, skip):
        relative = path.relative_to(root).parts if root != Path(".") else path.parts
        if _match(relative, rest) and _inside(path, root):
            matches.append(path)
    return matches


def _match(names: tuple[str, ...], pattern: tuple[str, ...]) -> bool:
    if not pattern:
        return not names
    if pattern[0] == "**":
        return any(_match(names[i:], pattern[1:]) for i in range(len(names) + 1))
    return bool(names) and fnmatch.fnmatchcase(names[0], pattern[0]) and _match(names[1:], pattern[1:])


def is_summary(path: Path) -> bool:
    """A batch's own summary table (its first line is the summary's header)."""
    from diagnose.batch.summary import SUMMARY_COLUMNS

    try:
        with path.open("rb") as handle:
            first = handle.readline(4096)
    except OSError:
        return False
    return first.removeprefix(b"\xef\xbb\xbf").strip() == ",".join(SUMMARY_COLUMNS).encode()


def expand_inputs(inputs: list[str], out_dir: Path | None = None) -> list[Path]:
    """Files named by INPUTS, in a stable order; a missing input is a usage error."""
    skip = {_real(out_dir)} if out_dir is not None else set()
    found: list[Path] = []
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            searched = [p for p in _walk(path, skip) if _is_input(p) and _inside(p, path)]
            found += [p for p in searched if not (is_table(p) and is_summary(p))]
        elif path.is_file():
            found.append(path)
        elif _MAGIC.search(raw):
            files = [p for p in _glob(raw, skip) if _is_input(p) and not (is_table(p) and is_summary(p))]
            if not files:
                raise UserError(Problem(Location(raw), "the pattern matches no answer file or table"))
            found += files
        else:
            raise UserError(Problem(Location(raw), "no such file or folder"))
    unique = list(dict.fromkeys(_real(p) for p in found))
    if not unique:
        raise UserError(Problem(Location(" ".join(inputs)), "no answer files (*.yaml, *.yml) or tables (*.csv, *.xlsx) found"))
    cwd = Path.cwd()
    return [p.relative_to(cwd) if p.is_relative_to(cwd) else p for p in unique]


def is_table(path: str | Path) -> bool:
    return Path(path).suffix.lower() in TABLE_SUFFIXES
