"""A batch run again into the same folder keeps the reports it made: `kept` in the
summary, exit 0; `--only-changed` re-renders what changed (by content hash), `--force`
everything; the earlier summary is read as hostile input."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from diagnose.cli import cli

FIXTURES = Path(__file__).parent / "fixtures" / "batch"
ALDER = (FIXTURES / "folder" / "alder.yaml").read_text(encoding="utf-8")


def _answers(path: Path, company: str, extra: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ALDER.replace("company: Alder & Sons Trading", f"company: {company}") + extra, encoding="utf-8")


def _batch(*args: str):  # -> click Result
    return CliRunner().invoke(cli, ["batch", "in", "--out-dir", "out", "--format", "json", "-j", "1", *args])


def _results(out: Path = Path("out")) -> list[dict]:
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))["results"]


@pytest.fixture
def two(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    _answers(tmp_path / "in" / "acme.yaml", "Acme")
    _answers(tmp_path / "in" / "birch.yaml", "Birch")
    first = _batch()
    assert first.exit_code == 0, first.stderr
    return tmp_path


def test_a_second_run_keeps_every_report_and_its_summary_row(two: Path) -> None:
    before = _results()
    stats = {p.name: p.stat() for p in Path("out").glob("*--*")}
    again = _batch()
    assert again.exit_code == 0, again.stderr
    assert again.stderr.splitlines()[0] == "0 of 2 inputs written to out; 2 kept from an earlier run."
    after = _results()
    assert [r["status"] for r in after] == ["kept", "kept"]
    assert [{**r, "status": "ok"} for r in after] == before  # every other column carried over
    for name, stat in stats.items():  # not written again
        assert (Path("out") / name).stat().st_mtime_ns == stat.st_mtime_ns
    summary = json.loads(Path("out/summary.json").read_text(encoding="utf-8"))
    assert (summary["inputs"], summary["ok"], summary["kept"], summary["failed"]) == (2, 0, 2, 0)
    assert "Acme" in Path("out/portfolio.html").read_text(encoding="utf-8")  # kept companies are counted
    # a third run keeps what the second kept
    assert [r["status"] for r in (_batch(), _results())[1]] == ["kept", "kept"]


def test_only_changed_re_renders_by_content_not_by_time(two: Path) -> None:
    acme, birch = Path("in/acme.yaml"), Path("in/birch.yaml")
    os.utime(acme, (1, 1))  # a copy or a checkout: a new time, the same answers
    _answers(birch, "Birch Renamed")  # an edit: the company is renamed
    result = _batch("--only-changed")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == "1 of 2 inputs written to out; 1 kept from an earlier run."
    rows = _results()
    assert [(r["input"], r["status"], r["outputs"]) for r in rows] == [
        ("in/acme.yaml", "kept", ["out/acme--acme.json"]),
        ("in/birch.yaml", "ok", ["out/birch-renamed--birch.json"])]
    # the report under the company's old name was this input's: it is gone, not left stale
    assert sorted(p.name for p in Path("out").glob("*--*")) == ["acme--acme.json", "birch-renamed--birch.json"]


def test_without_only_changed_an_edited_input_keeps_its_report(two: Path) -> None:
    _answers(Path("in/birch.yaml"), "Birch", extra="# a note\n")
    assert [r["status"] for r in (_batch(), _results())[1]] == ["kept", "kept"]
    assert [r["status"] for r in (_batch("--only-changed"), _results())[1]] == ["kept", "ok"]


def test_force_re_renders_everything(two: Path) -> None:
    result = _batch("--force")
    assert result.exit_code == 0, result.stderr
    assert [r["status"] for r in _results()] == ["ok", "ok"]


def test_a_deleted_report_and_a_failed_input_are_made_again(two: Path) -> None:
    Path("out/acme--acme.json").unlink()
    bad = Path("in/cedar.yaml")
    bad.write_text("questionnaire: sales-structure\nversion: 1\nanswers: [\n", encoding="utf-8")
    assert _batch().exit_code == 1
    assert [r["status"] for r in _results()] == ["ok", "kept", "failed"]
    _answers(bad, "Cedar")
    result = _batch()
    assert result.exit_code == 0, result.stderr
    assert [r["status"] for r in _results()] == ["kept", "kept", "ok"]


def test_a_new_format_is_rendered_for_a_kept_input(two: Path) -> None:
    result = _batch("--format", "json,html")
    assert result.exit_code == 0, result.stderr
    assert [(r["status"], r["outputs"]) for r in _results()] == [
        ("ok", ["out/acme--acme.json", "out/acme--acme.html"]),
        ("ok", ["out/birch--birch.json", "out/birch--birch.html"])]


def test_force_and_only_changed_together_are_a_usage_error(two: Path) -> None:
    result = _batch("--force", "--only-changed")
    assert result.exit_code == 2
    assert result.stderr == ("--only-changed: cannot go with --force, which re-renders every input; "
                             "expected one of them\n")


def test_a_summary_that_is_not_json_is_a_located_usage_error(two: Path) -> None:
    Path("out/summary.json").write_text('{"results": [\n  {"input": }\n', encoding="utf-8")
    result = _batch()
    assert result.exit_code == 2
    assert result.stderr == ("out/summary.json:2:13: is not a batch summary: Expecting value; "
                             "expected the summary.json a batch wrote\n")


def test_a_summary_naming_files_elsewhere_keeps_nothing(two: Path) -> None:
    """A report name in the summary is taken only as a name this input's report could have
    in this folder: a path elsewhere, or another input's report, is not kept or replaced."""
    (two / "victim--acme.json").write_text("mine\n", encoding="utf-8")
    summary = json.loads(Path("out/summary.json").read_text(encoding="utf-8"))
    summary["results"][0]["outputs"] = [str(two / "victim--acme.json")]
    summary["results"][1]["outputs"] = ["out/acme--acme.json"]  # another input's report
    summary["results"][1]["sha256"] = 5  # and a wrong type: the row is ignored
    Path("out/summary.json").write_text(json.dumps(summary), encoding="utf-8")
    result = _batch()
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        "failed: out/acme--acme.json: already exists (the output of in/acme.yaml); pass --force to overwrite it",
        "failed: out/birch--birch.json: already exists (the output of in/birch.yaml); pass --force to overwrite it"]
    assert (two / "victim--acme.json").read_text(encoding="utf-8") == "mine\n"


def test_a_table_is_compared_company_by_company(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The table re-exported with one row edited: only that row is re-rendered (the hash
    is of each row's cells and the column plan, not of the file)."""
    monkeypatch.chdir(tmp_path)
    table = (FIXTURES / "responses-en.csv").read_text(encoding="utf-8").splitlines()
    header, northwind, harbour = table[0], table[1], table[2]
    Path("in").mkdir()
    Path("in/export.csv").write_text("\n".join([header, northwind, harbour]) + "\n", encoding="utf-8")
    assert _batch().exit_code == 0
    edited = harbour.replace(",11,3,8,", ",12,3,9,")
    Path("in/export.csv").write_text("\n".join([header, northwind, edited]) + "\n", encoding="utf-8")
    result = _batch("--only-changed")
    assert result.exit_code == 0, result.stderr
    assert [(r["row"], r["status"]) for r in _results()] == [(1, "kept"), (2, "ok")]
