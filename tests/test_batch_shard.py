"""`batch --shard K/N` splits the inputs the same way on every machine, each input in
exactly one shard; `batch-merge` joins the shards into what one batch of all the inputs
writes, and refuses shards that overlap."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from diagnose.batch.shard import parse_shard, shard_of
from diagnose.cli import cli
from diagnose.errors import UserError

FIXTURES = Path(__file__).parent / "fixtures" / "batch"
ALDER = (FIXTURES / "folder" / "alder.yaml").read_text(encoding="utf-8")
COMPANIES = ["Acme", "Birch", "Cedar", "Dogwood", "Elm", "Fir", "Gum", "Hazel"]


def _run(*args: str):  # -> click Result
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize(("text", "message"), [
    ("0/3", "--shard: 0/3: there is no shard 0 of 3; expected 1/3 to 3/3 (shards are numbered from 1)"),
    ("4/3", "--shard: 4/3: there is no shard 4 of 3; expected 1/3 to 3/3 (shards are numbered from 1)"),
    ("x/y", "--shard: 'x/y' is not K/N; expected two whole numbers such as 2/4 (the second of four shards)"),
    ("1/0", "--shard: 1/0: 0 shards; expected from 1 to 100,000 shards"),
    ("3", "--shard: '3' is not K/N; expected two whole numbers such as 2/4 (the second of four shards)"),
    ("-1/3", "--shard: '-1/3' is not K/N; expected two whole numbers such as 2/4 (the second of four shards)"),
])
def test_a_bad_shard_is_a_usage_error_before_anything_runs(tmp_path: Path, text: str, message: str) -> None:
    result = _run("batch", str(FIXTURES / "folder" / "alder.yaml"), "--out-dir", str(tmp_path / "out"),
                  "--format", "json", "--shard", text)
    assert result.exit_code == 2
    assert result.stderr == message + "\n"
    assert not (tmp_path / "out").exists()


def test_the_split_is_fixed_by_the_name_alone() -> None:
    """The same shard on every machine: SHA-256 of the name part, never Python's hash()."""
    assert parse_shard("2/4") == (2, 4)
    assert [shard_of(name, 3) for name in ("acme", "Acme", "export-row-1", "birch", "cedar")] == [1, 1, 2, 1, 3]
    assert [shard_of(name, 7) for name in ("acme", "export-row-2", "ооо-нордтерммаш", "cedar")] == [3, 7, 5, 7]
    code = "from diagnose.batch.shard import shard_of; print([shard_of(f'company-{n}', 5) for n in range(40)])"
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(runs) == 1
    with pytest.raises(UserError):
        parse_shard("1/100001")


@pytest.fixture
def inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Eight answer files and a table of three rows (one of them failing)."""
    monkeypatch.chdir(tmp_path)
    for company in COMPANIES:
        path = tmp_path / "in" / f"{company.lower()}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(ALDER.replace("company: Alder & Sons Trading", f"company: {company}"), encoding="utf-8")
    shutil.copy(FIXTURES / "responses-en.csv", tmp_path / "in" / "export.csv")
    return tmp_path


def _reports(folder: Path) -> set[str]:
    return {p.name for p in folder.glob("*--*")}


def _without_folders(summary: dict) -> dict:
    for row in summary["results"]:
        row["outputs"] = [Path(o).name for o in row["outputs"]]
    return summary


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["outputs"] = "; ".join(Path(o).name for o in row["outputs"].split("; ") if o)
    return rows


def test_shards_merged_equal_one_batch_of_all_inputs(inputs: Path) -> None:
    whole = _run("batch", "in", "--out-dir", "all", "--format", "json,html", "-j", "1")
    assert whole.exit_code == 1  # a row of the table fails, in the whole batch and in its shard
    for k in (1, 2, 3):
        shard = _run("batch", "in", "--out-dir", f"s{k}", "--format", "json,html", "-j", "1", "--shard", f"{k}/3")
        assert shard.exit_code in (0, 1), shard.stderr
    parts = [_reports(Path(f"s{k}")) for k in (1, 2, 3)]
    # every input in exactly one shard, under the name the whole batch gives it; none empty
    assert all(parts) and sum(len(p) for p in parts) == len(set().union(*parts))
    assert set().union(*parts) == _reports(Path("all"))

    merged = _run("batch-merge", "s1", "s2", "s3", "-o", "merged")
    assert merged.exit_code == 0, merged.stderr
    assert merged.stderr.splitlines() == [
        "Merged 3 summaries: 11 inputs (10 ok, 0 kept, 1 failed, 0 not run).",
        "Summary: merged/summary.csv, merged/summary.json; portfolio: merged/portfolio.html"]
    read = lambda folder: json.loads(Path(folder, "summary.json").read_text(encoding="utf-8"))  # noqa: E731
    assert _without_folders(read("merged")) == _without_folders(read("all"))
    assert _csv_rows(Path("merged/summary.csv")) == _csv_rows(Path("all/summary.csv"))
    assert Path("merged/portfolio.html").read_text(encoding="utf-8") == \
        Path("all/portfolio.html").read_text(encoding="utf-8")
    # the merged outputs point at the shards' reports
    for row in read("merged")["results"]:
        assert all(Path(o).is_file() and Path(o).parts[0] in ("s1", "s2", "s3") for o in row["outputs"])


def _one_shard(k: int, of: int = 2, folder: str | None = None) -> str:
    folder = folder or f"s{k}"
    result = _run("batch", "in", "--out-dir", folder, "--format", "json", "-j", "1", "--shard", f"{k}/{of}")
    assert result.exit_code in (0, 1), result.stderr
    return folder


def test_merge_refuses_a_shard_twice_and_shards_of_another_split(inputs: Path) -> None:
    _one_shard(1)
    shutil.copytree("s1", "copy")
    result = _run("batch-merge", "s1", "copy", "-o", "merged")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "copy/summary.json: shard: shard 1/2 is also s1/summary.json; expected " \
                                            "each shard once"
    assert result.stderr.splitlines()[1].startswith("copy/summary.json: results[0]: ")
    assert result.stderr.splitlines()[1].endswith(" is also in s1/summary.json results[0]; expected each input in "
                                                  "one shard only")
    assert not Path("merged").exists()

    _one_shard(2, 3, "other")
    result = _run("batch-merge", "s1", "other", "-o", "merged")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == ("other/summary.json: shard: 2/3 is one of 3 shards, but s1/summary.json "
                                             "is 1/2; expected the shards of one split")


def test_merge_refuses_the_same_folder_twice_and_output_into_a_shard(inputs: Path) -> None:
    _one_shard(1)
    result = _run("batch-merge", "s1", "in/../s1", "-o", "s1")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "in/../s1: is given twice (also as s1); expected each shard once",
        "s1: -o: is one of the folders being merged; expected a folder of its own for the merged summary"]


def test_a_missing_shard_is_a_warning_and_a_bad_row_is_located(inputs: Path) -> None:
    _one_shard(1)
    result = _run("batch-merge", "s1", "-o", "merged")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == ("warning: shard 2/2 not given: the merged summary lists only the "
                                             "inputs of the others")
    summary = json.loads(Path("s1/summary.json").read_text(encoding="utf-8"))
    summary["results"][0]["outputs"] = "../../etc/passwd"
    Path("s1/summary.json").write_text(json.dumps(summary), encoding="utf-8")
    result = _run("batch-merge", "s1", "-o", "merged")
    assert result.exit_code == 2
    assert result.stderr == ('s1/summary.json: results[0]: outputs: "../../etc/passwd" is not a value this column '
                             'holds\n')
    result = _run("batch-merge", "nowhere", "-o", "merged")
    assert result.exit_code == 2
    assert result.stderr == ("nowhere/summary.json: no such file; expected the summary of a batch (the folder a "
                             "`diagnose batch --shard K/N` wrote into, or its summary.json)\n")


def test_a_shard_run_again_keeps_its_reports(inputs: Path) -> None:
    _one_shard(1)
    again = _run("batch", "in", "--out-dir", "s1", "--format", "json", "-j", "1", "--shard", "1/2")
    statuses = {r["status"] for r in json.loads(Path("s1/summary.json").read_text(encoding="utf-8"))["results"]}
    assert statuses <= {"kept", "failed"} and "kept" in statuses, again.stderr


def test_summaries_of_whole_batches_are_joined_one_after_another(inputs: Path) -> None:
    for folder, names in (("a", ["acme", "birch"]), ("b", ["cedar"])):
        result = _run("batch", *[f"in/{n}.yaml" for n in names], "--out-dir", folder, "--format", "json", "-j", "1")
        assert result.exit_code == 0, result.stderr
    assert _run("batch-merge", "b", "a", "-o", "merged").exit_code == 0
    rows = json.loads(Path("merged/summary.json").read_text(encoding="utf-8"))["results"]
    assert [(r["index"], r["input"], r["outputs"]) for r in rows] == [
        (0, "in/cedar.yaml", ["b/cedar--cedar.json"]), (1, "in/acme.yaml", ["a/acme--acme.json"]),
        (2, "in/birch.yaml", ["a/birch--birch.json"])]
    # a whole batch beside a shard is refused
    _one_shard(1)
    result = _run("batch-merge", "a", "s1", "-o", "mixed")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == ("a/summary.json: shard: missing, but s1/summary.json is shard 1/2; "
                                             "expected the shards of one batch, or only summaries of whole batches")


def test_a_summary_past_its_size_limit_is_refused_where_it_is_read(tmp_path: Path) -> None:
    from diagnose.batch.rerun import read_summary

    path = tmp_path / "summary.json"
    path.write_text('{"results": []}' + " " * 100, encoding="utf-8")
    with pytest.raises(UserError) as raised:
        read_summary(path, limit=100)
    assert str(raised.value.problems[0]) == f"{path}: is 115 bytes, more than the 100 a batch summary may have"
    assert read_summary(path) == {"results": []}
