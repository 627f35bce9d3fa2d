"""Expand the INPUTS of `diagnose batch` into one work item per company.

An input may be an answer file, a folder (searched recursively for *.yaml, *.yml and
*.csv), a glob, or a response table (CSV) whose every row is one company. Nothing is
parsed here except CSV tables' row count: answer files are read in the workers.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path

from diagnose.errors import Location, Problem, UserError

ANSWER_SUFFIXES = (".yaml", ".yml")
TABLE_SUFFIXES = (".csv",)


@dataclass(frozen=True)
class WorkItem:
    """One company to process: an answer file, or one row of a table."""

    path: str
    row: int | None = None  # 0-based index among the table's data rows

    @property
    def label(self) -> str:
        return self.path if self.row is None else f"{self.path} (row {self.row + 1})"


def _is_input(path: Path) -> bool:
    return path.suffix.lower() in ANSWER_SUFFIXES + TABLE_SUFFIXES and not path.name.startswith(".")


def expand_inputs(inputs: list[str]) -> list[Path]:
    """Files named by INPUTS, in a stable order; a missing input is a usage error."""
    found: list[Path] = []
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and _is_input(p))
        elif path.is_file():
            found.append(path)
        elif any(ch in raw for ch in "*?["):
            matches = sorted(Path(p) for p in glob.glob(raw, recursive=True))
            files = [p for p in matches if p.is_file() and _is_input(p)]
            if not files:
                raise UserError(Problem(Location(raw), "the pattern matches no answer file or table"))
            found += files
        else:
            raise UserError(Problem(Location(raw), "no such file or folder"))
    unique = list(dict.fromkeys(p.resolve() for p in found))
    if not unique:
        raise UserError(Problem(Location(" ".join(inputs)), "no answer files (*.yaml, *.yml) or tables (*.csv) found"))
    cwd = Path.cwd()
    return [p.relative_to(cwd) if p.is_relative_to(cwd) else p for p in unique]


def is_table(path: str | Path) -> bool:
    return Path(path).suffix.lower() in TABLE_SUFFIXES
