"""A report's output name is checked before the report is made.

Rendering a PDF takes seconds; a name no write can succeed on (its folder missing, or a
folder) is refused at once with the message the write itself would give, before the
answers are read or diagnosed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import diagnose.compare.load
import diagnose.method
from diagnose.cli import cli
from diagnose.errors import UserError
from diagnose.outputs import check_target
from diagnose.resources import examples_dir

EXAMPLE = examples_dir() / "small-distributor.yaml"


@pytest.fixture
def no_diagnosis(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("diagnosed although the output cannot be written")

    monkeypatch.setattr(diagnose.method, "diagnose", refuse)
    monkeypatch.setattr(diagnose.compare.load, "diagnose_pair", refuse)


@pytest.mark.parametrize("fmt", ["pdf", "html", "json", "docx"])
def test_report_into_a_missing_folder_is_refused_before_the_diagnosis(tmp_path: Path, fmt: str,
                                                                      no_diagnosis: None) -> None:
    target = tmp_path / "missing" / f"r.{fmt}"
    result = CliRunner().invoke(cli, ["report", str(EXAMPLE), "--format", fmt, "-o", str(target)])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == f"{target}: cannot write: the folder does not exist"
    assert not (tmp_path / "missing").exists()


def test_report_onto_a_folder_is_refused_before_the_diagnosis(tmp_path: Path, no_diagnosis: None) -> None:
    result = CliRunner().invoke(cli, ["report", str(EXAMPLE), "-o", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == f"{tmp_path}: cannot write: is a folder; expected a file name"


def test_compare_into_a_missing_folder_is_refused_before_the_diagnoses(tmp_path: Path, no_diagnosis: None) -> None:
    target = tmp_path / "missing" / "c.html"
    result = CliRunner().invoke(cli, ["compare", str(EXAMPLE), str(EXAMPLE), "--format", "html", "-o", str(target)])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == f"{target}: cannot write: the folder does not exist"


def test_a_link_into_a_missing_folder_names_where_it_leads(tmp_path: Path) -> None:
    link = tmp_path / "r.pdf"
    link.symlink_to(tmp_path / "gone" / "r.pdf")
    with pytest.raises(UserError) as caught:
        check_target(link)
    assert caught.value.problems[0].message == (
        f"cannot write: the folder does not exist (writing {tmp_path / 'gone' / 'r.pdf'}, which it links to)")


@pytest.mark.parametrize("name", ["-", "/dev/stdout", "/dev/null"])
def test_standard_output_and_devices_pass(name: str) -> None:
    check_target(name)


def test_a_new_file_in_an_existing_folder_and_an_existing_file_pass(tmp_path: Path) -> None:
    check_target(tmp_path / "new.pdf")
    existing = tmp_path / "old.pdf"
    existing.write_bytes(b"x")
    check_target(existing)
    assert existing.read_bytes() == b"x"
