"""The command line's basics: version, help, `python -m diagnose`, bad input, completion."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from diagnose import __version__
from diagnose.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"
VENV_BIN = Path(sys.executable).parent


def test_version() -> None:
    for flag in ("--version", "-V"):
        result = CliRunner().invoke(cli, [flag], prog_name="diagnose")
        assert (result.exit_code, result.stdout) == (0, f"diagnose, version {__version__}\n")


def test_help_lists_the_foundation_commands() -> None:
    for flag in ("--help", "-h"):
        result = CliRunner().invoke(cli, [flag], prog_name="diagnose")
        assert result.exit_code == 0
        assert result.stdout.startswith("Usage: diagnose [OPTIONS] COMMAND [ARGS]...")
        for command in ("validate", "template", "questions"):
            assert f"  {command} " in result.stdout


def test_each_command_has_help() -> None:
    for command in cli.list_commands(None):  # type: ignore[arg-type]
        result = CliRunner().invoke(cli, [command, "--help"], prog_name="diagnose")
        assert result.exit_code == 0, command
        assert result.stdout.startswith(f"Usage: diagnose {command} "), command


def test_python_m_diagnose() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "diagnose", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert result.stdout.startswith("Usage: diagnose [OPTIONS] COMMAND [ARGS]...")


def test_bad_file_exits_2_without_traceback_in_a_real_process() -> None:
    bad = FIXTURES / "invalid" / "bad-date.yaml"
    result = subprocess.run(
        [sys.executable, "-m", "diagnose", "validate", str(bad)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"{bad}:8:9: meta.date: expected a date as YYYY-MM-DD, got '2026-13-45'\n"


def test_validate_needs_a_file() -> None:
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 2
    assert "Missing argument 'FILES...'" in result.stderr


def test_unknown_language_is_refused_by_click() -> None:
    result = CliRunner().invoke(cli, ["questions", "--lang", "de"])
    assert result.exit_code == 2
    assert "'de' is not one of 'ru', 'en'" in result.stderr


def test_shell_completion_script() -> None:
    script = VENV_BIN / "diagnose"
    env = {**os.environ, "_DIAGNOSE_COMPLETE": "bash_source"}
    result = subprocess.run([str(script)], env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert "_diagnose_completion()" in result.stdout
    assert "complete -o nosort -F _diagnose_completion diagnose" in result.stdout


def test_shell_completion_completes_commands() -> None:
    env = {**os.environ, "_DIAGNOSE_COMPLETE": "bash_complete", "COMP_WORDS": "diagnose val", "COMP_CWORD": "1"}
    result = subprocess.run([str(VENV_BIN / "diagnose")], env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert "plain,validate" in result.stdout.splitlines()
