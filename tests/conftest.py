"""Hooks shared by the whole test suite.

`terminal_summary` lets a test leave lines for the end of the run: they are printed in
a section of pytest's terminal summary, so they appear in `pytest -q` output too. The
case suite (tests/test_cases.py) uses it for its fidelity figure and for the book's
conclusions the tool does not reach.
"""

from __future__ import annotations

import pytest

SUMMARY = pytest.StashKey[dict[str, list[str]]]()


@pytest.fixture(scope="session")
def terminal_summary(request: pytest.FixtureRequest) -> dict[str, list[str]]:
    """Section title -> lines, printed after the run."""
    return request.config.stash.setdefault(SUMMARY, {})


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    for title, lines in config.stash.get(SUMMARY, {}).items():
        terminalreporter.section(title)
        for line in lines:
            terminalreporter.write_line(line)
