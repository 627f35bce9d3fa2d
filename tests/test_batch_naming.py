"""Output names are unique within a run, whatever the inputs' names and companies:
fault injection with every way two inputs could be given one file name, and a batch
of such inputs run for real."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from diagnose.batch.naming import name_key, output_stem, row_part, unique_parts
from diagnose.cli import cli

FIXTURES = Path(__file__).parent / "fixtures" / "batch"

# stems that collide after slugging, case folding, NFKC, truncation, or with a table's rows
STEMS = ["acme", "Acme", "ACME", "ａｃｍｅ", "acme-2", "acme 2", "acme_2", "acme-row-1", "acme-row-2", "acme--row-1",
         "acme-2-row-1", "Acme.", "-acme-", "x" * 45, "x" * 41 + "y", "x" * 36 + "-2", "", "___", "ёлка", "ЁЛКА"]
COMPANIES = ["Acme", "ACME", "acme--x", "Acme -- X", "", "--", "=cmd", "x" * 80, "ООО «Ёлка»"]


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.sampled_from(STEMS), st.booleans(), st.integers(1, 3)), min_size=1, max_size=12),
       st.lists(st.sampled_from(COMPANIES), min_size=36, max_size=36))
def test_every_input_of_a_run_gets_its_own_names(inputs: list[tuple[str, bool, int]], companies: list[str]) -> None:
    parts = unique_parts([(stem, table) for stem, table, _ in inputs])
    names: list[str] = []
    company = iter(companies)
    for (_, table, rows), part in zip(inputs, parts, strict=True):
        for row in range(rows) if table else [None]:
            names.append(output_stem(next(company), row_part(part, row)))
    assert len({name_key(n) for n in names}) == len(names), names


def test_a_name_that_is_free_is_kept() -> None:
    assert unique_parts([("acme", False), ("other", True)]) == ["acme", "other"]
    assert unique_parts([("acme", False), ("sub-acme", False), ("Acme", False)]) == ["acme", "sub-acme", "acme-2"]
    # a table's rows are acme-row-N: the answer file of that shape is renamed, not the table
    assert unique_parts([("acme-row-1", False), ("acme", True)]) == ["acme-row-1-2", "acme"]
    assert unique_parts([("acme", False), ("acme-2", False), ("acme", False)]) == ["acme", "acme-2", "acme-3"]


def _answers(path: Path, company: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = (FIXTURES / "folder" / "alder.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("company: Alder & Sons Trading", f"company: {company}"), encoding="utf-8")


def test_colliding_inputs_each_get_their_own_report(tmp_path: Path, monkeypatch) -> None:
    """acme.yaml and sub/acme.yaml, Acme.yaml, a fullwidth ａｃｍｅ.yaml, acme-row-1.yaml, and
    acme.csv with two rows of one company, all of one company, with --force: each input
    its own report, and the summary names it."""
    monkeypatch.chdir(tmp_path)
    for name in ("in/acme.yaml", "in/sub/acme.yaml", "in/Acme.yaml", "in/ａｃｍｅ.yaml", "in/acme-row-1.yaml"):
        _answers(tmp_path / name, "Acme")
    shutil.copy(FIXTURES / "responses-en.csv", tmp_path / "in" / "acme.csv")
    table = (tmp_path / "in" / "acme.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "in" / "acme.csv").write_text("\n".join(table[:2] + table[1:2]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["batch", "in", "--out-dir", "out", "--format", "json", "-j", "1", "--force"])
    assert result.exit_code == 0, result.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    outputs = [r["outputs"] for r in summary["results"]]
    assert len(outputs) == 7 and all(len(o) == 1 for o in outputs)
    assert len({name_key(o[0]) for o in outputs}) == 7
    assert sorted(p.name for p in (tmp_path / "out").glob("*--*")) == sorted(Path(o[0]).name for o in outputs)
    for result_row in summary["results"]:
        report = json.loads(Path(result_row["outputs"][0]).read_text(encoding="utf-8"))
        assert report["company"]["company"] == result_row["company"]


def test_an_existing_report_is_a_located_refusal_not_a_shared_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    _answers(tmp_path / "in" / "acme.yaml", "Acme")
    _answers(tmp_path / "in" / "sub" / "acme.yaml", "Acme")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "acme--acme-2.json").write_text("kept\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["batch", "in", "--out-dir", "out", "--format", "json", "-j", "1"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "failed: out/acme--acme-2.json: already exists (the output of in/sub/acme.yaml); pass --force to overwrite it")
    assert (tmp_path / "out" / "acme--acme-2.json").read_text(encoding="utf-8") == "kept\n"
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert [(r["status"], r["outputs"]) for r in summary["results"]] == [
        ("ok", ["out/acme--acme.json"]), ("failed", [])]
