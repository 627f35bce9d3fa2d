"""Hooks shared by the whole test suite.

`terminal_summary` lets a test leave lines for the end of the run: they are printed in
a section of pytest's terminal summary, so they appear in `pytest -q` output too. The
case suite (tests/test_cases.py) uses it for its fidelity figure and for the book's
conclusions the tool does not reach.

`pytest_configure` gives each run of the suite (each pytest-xdist worker, when the suite
runs in parallel) a load cache of its own in a temporary folder: the tests never read a
user's cache nor write into it, and workers never share one cache's files, while the
cache stays warm for every test and program a worker starts after its first load.
A worker also gets the controller's own LINES and COLUMNS (the parallel runner sets them
to 24 and 80 in its workers): a program the tests start in a pseudo-terminal takes them
over the terminal's real size, so an interview in a 9-line window would think it had 24.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

SUMMARY = pytest.StashKey[dict[str, list[str]]]()


@pytest.fixture(scope="session")
def terminal_summary(request: pytest.FixtureRequest) -> dict[str, list[str]]:
    """Section title -> lines, printed after the run."""
    return request.config.stash.setdefault(SUMMARY, {})


CACHE_BEFORE = pytest.StashKey[tuple[str | None, str]]()


WINDOW_VARIABLES = ("LINES", "COLUMNS")


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    """(pytest-xdist, in the controller) hand a worker this process's window variables."""
    node.workerinput["window_variables"] = {name: os.environ.get(name) for name in WINDOW_VARIABLES}


def pytest_configure(config: pytest.Config) -> None:
    """XDG_CACHE_HOME of this run, set before collection so that what test modules load
    at import is cached there too; children inherit it, and tests that choose their own
    cache folder still set it with monkeypatch."""
    folder = tempfile.mkdtemp(prefix="diagnose-test-cache-")
    config.stash[CACHE_BEFORE] = (os.environ.get("XDG_CACHE_HOME"), folder)
    os.environ["XDG_CACHE_HOME"] = folder
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:  # a pytest-xdist worker: the window variables of a serial run
        for name, value in workerinput.get("window_variables", {}).items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def pytest_unconfigure(config: pytest.Config) -> None:
    if CACHE_BEFORE not in config.stash:
        return
    before, folder = config.stash[CACHE_BEFORE]
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before
    shutil.rmtree(folder, ignore_errors=True)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """A pytest-xdist worker hands its summary lines to the controller, which prints them."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["terminal_summary"] = session.config.stash.get(SUMMARY, {})


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    """(pytest-xdist, in the controller) keep the lines a finished worker left."""
    sections = getattr(node, "workeroutput", {}).get("terminal_summary", {})
    summary = node.config.stash.setdefault(SUMMARY, {})
    for title, lines in sections.items():
        summary.setdefault(title, []).extend(lines)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    for title, lines in config.stash.get(SUMMARY, {}).items():
        terminalreporter.section(title)
        for line in lines:
            terminalreporter.write_line(line)
