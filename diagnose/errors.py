"""One exception tree for everything a user can get wrong.

A `Problem` is one located complaint (`file:line:col: key.path: message`); a
`UserError` carries one or more of them. The CLI prints them and exits 2; nothing
else in the package prints errors or chooses exit codes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

EXIT_BAD_INPUT = 2


@dataclass(frozen=True)
class Location:
    """Where a problem is: 1-based line and column, dotted key path."""

    file: str
    line: int | None = None
    column: int | None = None
    path: str = ""

    def __str__(self) -> str:
        text = self.file
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, said so that a person can act on it."""

    location: Location
    message: str

    def __str__(self) -> str:
        prefix = f"{self.location}: "
        if self.location.path:
            prefix += f"{self.location.path}: "
        return prefix + self.message


class DiagnoseError(Exception):
    """Base of every error the package raises on purpose."""


@dataclass
class UserError(DiagnoseError):
    """Bad input: one or more located problems. The CLI exits 2 on it."""

    problems: list[Problem] = field(default_factory=list)

    def __init__(self, problems: Iterable[Problem] | Problem | str):
        if isinstance(problems, Problem):
            problems = [problems]
        elif isinstance(problems, str):
            problems = [Problem(Location("diagnose"), problems)]
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


class ProblemList:
    """Collects problems during one pass so that all of them are reported together."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, location: Location, message: str) -> None:
        self.items.append(Problem(location, message))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise UserError(self.items)


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """Return ` (did you mean 'x'?)` for the closest candidate, or an empty string."""
    import difflib  # only when suggesting a name: not at start-up

    matches = difflib.get_close_matches(str(word), list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""


def unknown(what: str, word: object, candidates: Iterable[str], shown: str | None = None,
            listed: bool = True, limit: int = 12) -> str:
    """`unknown {what} 'word' (did you mean 'x'?); expected one of: a, b, c`.

    The one wording of "this name is not one we know". `shown` is how the word is
    written in the message (default: in single quotes, e.g. `describe(value)` for a value
    that may not be text); `listed=False` leaves out what is allowed (for names a
    reader cannot usefully list, such as rule ids); `limit` caps how many are listed.
    """
    allowed = list(candidates)
    written = shown if shown is not None else f"'{word}'"
    text = f"unknown {what} {written}{did_you_mean(str(word), allowed)}"
    if listed:
        text += f"; expected one of: {one_of(allowed, limit)}"
    return text


def one_of(candidates: Iterable[str], limit: int = 12) -> str:
    """Format the allowed values for an error message."""
    items = [str(c) for c in candidates]
    shown = ", ".join(items[:limit])
    if len(items) > limit:
        shown += f", … ({len(items)} in all)"
    return shown
