"""`diagnose batch`: good inputs rendered, bad ones listed with located problems, exit codes,
no overwriting, response tables with Russian and English headers, the summary."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from diagnose.batch.runner import plan
from diagnose.cli import cli

FIXTURES = Path(__file__).parent / "fixtures" / "batch"
FOLDER = FIXTURES / "folder"
SUMMARY_HEADER = ["input", "row", "status", "company", "error", "roles_added",
                  "assortment_expansion", "support", "key_findings", "outputs"]


def _batch(*args: str):  # -> click Result
    return CliRunner().invoke(cli, ["batch", *args])


def _names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def _summary(out: Path) -> tuple[list[dict[str, str]], dict]:
    text = (out / "summary.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    return rows, json.loads((out / "summary.json").read_text(encoding="utf-8"))


def test_folder_of_good_and_bad_files_renders_exactly_the_good_ones(tmp_path: Path) -> None:
    # two worker processes, as in real use (a subprocess: the pool is not forked from pytest)
    out = tmp_path / "reports"
    result = subprocess.run(
        [sys.executable, "-m", "diagnose", "batch", str(FOLDER), "--out-dir", str(out), "--format", "json,html",
         "--jobs", "2"], capture_output=True, text=True, cwd=FIXTURES.parent.parent.parent,
    )
    assert result.returncode == 1, result.stderr
    assert _names(out) == {
        "alder-sons-trading--alder.json", "alder-sons-trading--alder.html",
        "ооо-трансвектор-логистик--logistics.json", "ооо-трансвектор-логистик--logistics.html",
        "summary.csv", "summary.json", "portfolio.html",
    }
    # one line per failure, with the located problem
    failures = [line for line in result.stderr.splitlines() if line.startswith("failed: ")]
    assert sorted(failures) == [
        "failed: tests/fixtures/batch/folder/malformed.yaml:8:16: YAML syntax error: expected ',' or ']', but got ':' "
        "(while parsing a flow sequence that starts at line 7, column 18)",
        "failed: tests/fixtures/batch/folder/wrong-version.yaml:8:10: version: this file answers version 7 of "
        "'sales-structure', but the questionnaire is version 1; check the answers against the current questions "
        "and update 'version'",
    ]  # sorted: the order of arrival depends on the workers
    assert "2 of 4 inputs written" in result.stderr
    assert "Traceback" not in result.stderr

    rows, data = _summary(out)
    assert list(rows[0]) == SUMMARY_HEADER
    by_input = {Path(r["input"]).name: r for r in rows}
    assert {k: v["status"] for k, v in by_input.items()} == {
        "alder.yaml": "ok", "logistics.yml": "ok", "malformed.yaml": "failed", "wrong-version.yaml": "failed",
    }
    assert by_input["wrong-version.yaml"]["error"].startswith("tests/fixtures/batch/folder/wrong-version.yaml:8:10: version:")
    assert by_input["malformed.yaml"]["outputs"] == ""
    logistics = by_input["logistics.yml"]
    assert logistics["company"] == "ООО «ТрансВектор Логистик»"
    assert logistics["roles_added"] == "operations; sales_support_specialist"
    assert logistics["assortment_expansion"] == "hunter"
    assert logistics["support"] == "hybrid"
    assert logistics["key_findings"].startswith("R1-assortment-owner; R2-temperament-fit; R3-separate-operations")
    assert [Path(p).name for p in logistics["outputs"].split("; ")] == [
        "ооо-трансвектор-логистик--logistics.json", "ооо-трансвектор-логистик--logistics.html"]
    assert (data["inputs"], data["ok"], data["failed"], data["not_run"]) == (4, 2, 2, 0)
    alder = next(r for r in data["results"] if r["input"].endswith("alder.yaml"))
    assert alder["key_findings"] == ["R4-time-study"]  # C2 confirms the small team as it is
    assert alder["roles_added"] == [] and alder["row"] is None
    report = json.loads((out / "alder-sons-trading--alder.json").read_text(encoding="utf-8"))
    assert report["company"]["company"] == "Alder & Sons Trading"


def test_russian_excel_table_one_report_per_row(tmp_path: Path) -> None:
    # ';'-separated, BOM, headers are the questions' Russian texts, cells are choice texts
    result = _batch(str(FIXTURES / "responses-ru.csv"), "--out-dir", str(tmp_path), "--format", "json", "-j", "1")
    assert result.exit_code == 0, result.stderr
    first = tmp_path / "ооо-теплосеть-маш--responses-ru-row-1.json"
    second = tmp_path / "ао-реактив-плюс--responses-ru-row-2.json"
    assert first.is_file() and second.is_file()
    report = json.loads(first.read_text(encoding="utf-8"))
    assert report["company"]["company"] == "ООО «Теплосеть-Маш»"
    owners = {t["task"]: t["owner"] for t in report["tasks"]}
    assert owners["assortment_expansion"] == "hunter"
    rows, _ = _summary(tmp_path)
    assert [(r["row"], r["status"], r["company"]) for r in rows] == [
        ("1", "ok", "ООО «Теплосеть-Маш»"), ("2", "ok", "АО «Реактив Плюс»")]


def test_english_table_by_question_id_with_a_bad_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)  # inputs are named in messages as they were given
    result = _batch("responses-en.csv", "--out-dir", str(tmp_path), "--format", "json", "-j", "1")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "failed: responses-en.csv:4:5: answers.offering_type: 'gadgets' is not a choice; "
        "expected one of: products, services, both (+1 more problem in the summary)"
    )
    assert {p.name for p in tmp_path.glob("*--*")} == {
        "northwind-wholesale--responses-en-row-1.json", "harbour-freight-ltd--responses-en-row-2.json"}
    rows, _ = _summary(tmp_path)
    bad = rows[2]
    assert (bad["row"], bad["status"], bad["outputs"]) == ("3", "failed", "")
    assert bad["error"].splitlines()[1] == (
        "responses-en.csv:4:20: answers.top20_revenue_share: 140 is above the maximum 100 (percent 0–100)")


def test_english_table_with_question_texts_as_headers(tmp_path: Path) -> None:
    result = _batch(str(FIXTURES / "responses-en-text.csv"), "--out-dir", str(tmp_path), "--format", "json", "-j", "1")
    assert result.exit_code == 0, result.stderr
    report = json.loads((tmp_path / "kestrel-supplies--responses-en-text-row-1.json").read_text(encoding="utf-8"))
    assert report["company"] == {"company": "Kestrel Supplies", "language": "en"}


def test_existing_outputs_are_not_overwritten_unless_force(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    answers = Path("folder/alder.yaml")
    assert _batch(str(answers), "--out-dir", str(tmp_path), "--format", "json", "-j", "1").exit_code == 0
    target = tmp_path / "alder-sons-trading--alder.json"
    target.write_text("kept\n", encoding="utf-8")

    # run again, the summary says the report is this input's: it is kept, untouched
    kept = _batch(str(answers), "--out-dir", str(tmp_path), "--format", "json", "-j", "1")
    assert kept.exit_code == 0, kept.stderr
    assert json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))["results"][0]["status"] == "kept"
    assert target.read_text(encoding="utf-8") == "kept\n"

    # without a summary that says so, a file at the report's name is not this input's
    (tmp_path / "summary.json").unlink()
    again = _batch(str(answers), "--out-dir", str(tmp_path), "--format", "json", "-j", "1")
    assert again.exit_code == 1
    assert again.stderr.splitlines()[0] == (
        f"failed: {target}: already exists (the output of {answers}); pass --force to overwrite it")
    assert target.read_text(encoding="utf-8") == "kept\n"

    forced = _batch(str(answers), "--out-dir", str(tmp_path), "--format", "json", "-j", "1", "--force")
    assert forced.exit_code == 0, forced.stderr
    assert json.loads(target.read_text(encoding="utf-8"))["company"]["company"] == "Alder & Sons Trading"


@pytest.mark.parametrize(("args", "message"), [
    (["missing.yaml"], "missing.yaml: no such file or folder"),
    (["*.nothing"], "*.nothing: the pattern matches no answer file or table"),
    ([str(FOLDER / "alder.yaml"), "--format", "pdf,odt"],
     "--format: 'pdf,odt' is not a list of formats; expected some of: pdf, html, json, docx, separated by commas"),
    ([str(FOLDER / "alder.yaml"), "--jobs", "0"], "--jobs: 0 is not a number of processes; expected 1 or more"),
    ([str(FOLDER / "alder.yaml"), "--set", "small_team_mx=3"], "did you mean 'small_team_max'?"),
    ([str(FOLDER / "alder.yaml"), "--summary", "no-such-folder/run"],
     "no-such-folder/run: --summary: the folder does not exist; expected FILE in an existing folder or in --out-dir"),
])
def test_usage_errors_exit_2_before_any_work(tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "out"
    result = _batch(*args, "--out-dir", str(out))
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_out_dir_that_is_a_file_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("", encoding="utf-8")
    result = _batch(str(FOLDER / "alder.yaml"), "--out-dir", str(tmp_path / "file"))
    assert result.exit_code == 2
    assert "Invalid value for '--out-dir'" in result.stderr and "is a file" in result.stderr


def test_same_file_name_in_two_folders_gets_two_output_names(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copy(FOLDER / "alder.yaml", tmp_path / folder / "answers.yaml")
    assert [s.part for s in plan([str(tmp_path)]).sources] == ["answers", "answers-2"]
    out = tmp_path / "out"
    result = _batch(str(tmp_path / "a"), str(tmp_path / "b"), "--out-dir", str(out), "--format", "json", "-j", "1")
    assert result.exit_code == 0, result.stderr
    assert {p.name for p in out.glob("*--*")} == {"alder-sons-trading--answers.json", "alder-sons-trading--answers-2.json"}


def test_summary_base_name_and_english_portfolio(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _batch(str(FIXTURES / "responses-en.csv"), "--out-dir", str(out), "--format", "json", "-j", "1",
                    "--summary", str(tmp_path / "run-1.csv"), "--lang", "en")
    assert result.exit_code == 1
    assert (tmp_path / "run-1.csv").is_file() and (tmp_path / "run-1.json").is_file()
    assert not (out / "summary.csv").exists()
    html = (out / "portfolio.html").read_text(encoding="utf-8")
    assert "<title>Portfolio overview</title>" in html
    assert "Companies diagnosed: <strong>2</strong>" in html
    assert "Failed (see the summary table): <strong>1</strong>" in html
    # the rule every company had, with its count and share
    assert '<td class="id">R4-time-study</td>' in html
    assert "Northwind Wholesale" in html and "Harbour Freight Ltd" in html


def test_progress_is_quiet_in_a_pipe(tmp_path: Path) -> None:
    env = dict(os.environ, CI="")
    result = subprocess.run(
        [sys.executable, "-m", "diagnose", "batch", str(FOLDER / "alder.yaml"), "--out-dir", str(tmp_path),
         "--format", "json"], capture_output=True, text=True, env=env,
    )
    assert result.returncode == 0
    assert "\r" not in result.stderr
    assert result.stdout == ""


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    import pexpect

    env = {k: v for k, v in os.environ.items() if k != "CI"}
    child = pexpect.spawn(sys.executable, ["-m", "diagnose", "batch", str(FOLDER / "alder.yaml"), str(FOLDER / "malformed.yaml"),
                                           "--out-dir", str(tmp_path), "--format", "json", "-j", "1"],
                          env=env, encoding="utf-8", timeout=120)
    output = child.read()
    child.close()
    assert child.exitstatus == 1
    # each redraw clears the line first (the times after the counts change length)
    assert "\r\033[K[###############...............] 1/2" in output
    assert "\r\033[K[##############################] 2/2, 1 failed · 0:" in output
    assert "failed: " in output and "malformed.yaml:8:16: YAML syntax error" in output


SETTINGS = FIXTURES / "settings"


def test_brand_templates_and_parameters_apply_to_every_report_and_the_portfolio(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _batch(str(FOLDER / "alder.yaml"), str(FOLDER / "sub" / "logistics.yml"), "--out-dir", str(out),
                    "--format", "html,json", "-j", "1", "--lang", "en", "--brand", str(SETTINGS / "brand.yaml"),
                    "--templates", str(SETTINGS / "templates"), "--params", str(SETTINGS / "params.yaml"),
                    "--set", "small_team_max=3")
    assert result.exit_code == 0, result.stderr
    for name in ("alder-sons-trading--alder", "ооо-трансвектор-логистик--logistics"):
        html = (out / f"{name}.html").read_text(encoding="utf-8")
        assert "Northern Lights Consulting" in html and "--primary: #0b5d4b;" in html
        assert "The short version" in html  # the folder's texts.yaml before the bundled one
        parameters = {p["id"]: p for p in json.loads((out / f"{name}.json").read_text(encoding="utf-8"))["parameters"]}
        assert parameters["am_operations_share_high"]["value"] == 45 and parameters["am_operations_share_high"]["overridden"]
        assert parameters["small_team_max"]["value"] == 3
        assert parameters["conveyor_min_team"]["overridden"] is False
    portfolio = (out / "portfolio.html").read_text(encoding="utf-8")
    assert '<p class="consultancy">Northern Lights Consulting</p>' in portfolio
    assert "<title>Northern Lights client overview</title>" in portfolio and "--primary: #0b5d4b;" in portfolio


def test_a_rulebook_of_ones_own_is_used_for_every_input(tmp_path: Path) -> None:
    from diagnose.resources import rulebook_path

    rules = tmp_path / "house.rules.yaml"
    text = rulebook_path("sales-structure").read_text(encoding="utf-8")
    rules.write_text(text.replace("id: sales-structure-rules", "id: house-rules", 1), encoding="utf-8")
    out = tmp_path / "out"
    result = _batch(str(FOLDER / "alder.yaml"), "--out-dir", str(out), "--format", "json", "-j", "1",
                    "--rules", str(rules))
    assert result.exit_code == 0, result.stderr
    diagnosis = json.loads((out / "alder-sons-trading--alder.json").read_text(encoding="utf-8"))
    assert diagnosis["rulebook"] == {"id": "house-rules", "version": 1}


@pytest.mark.parametrize(("args", "message"), [
    (["--brand", str(SETTINGS / "bad-brand.yaml")],
     f"{SETTINGS / 'bad-brand.yaml'}:4:12: colors.primary: 'green' is not a colour; expected a hex code such as '#1f3a5f'"),
    (["--params", str(SETTINGS / "bad-params.yaml")],
     f"{SETTINGS / 'bad-params.yaml'}:2:29: parameters.am_operations_share_hihg: unknown parameter"),
    (["--templates", str(SETTINGS / "missing")],
     f"{SETTINGS / 'missing'}: --templates: not a folder; expected a folder of report templates"),
    (["--rules", str(FOLDER / "alder.yaml")], f"{FOLDER / 'alder.yaml'}:"),
])
def test_bad_settings_are_usage_errors_before_any_work(tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "out"
    result = _batch(str(FOLDER / "alder.yaml"), "--out-dir", str(out), *args)
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_progress_line_shows_elapsed_and_remaining_time() -> None:
    from diagnose.batch.runner import Progress
    from diagnose.batch.worker import ItemResult

    now = [100.0]
    stream = io.StringIO()
    bar = Progress(4, stream, show=True, clock=lambda: now[0])
    now[0] += 10
    bar.update(0, ItemResult("a.yaml", None, "ok"))
    now[0] += 3590
    bar.update(1, ItemResult("b.yaml", None, "failed", errors=["b.yaml:1:1: broken"]))
    now[0] += 30
    bar.update(2, ItemResult("c.yaml", None, "ok"))
    bar.update(3, ItemResult("d.yaml", None, "ok"))
    lines = stream.getvalue().split("\r\033[K")
    assert "[#######.......................] 1/4 · 0:10 elapsed, about 0:30 left" in lines
    assert "failed: b.yaml:1:1: broken\n" in stream.getvalue()
    assert "[###############...............] 2/4, 1 failed · 1:00:00 elapsed, about 1:00:00 left" in lines
    assert "[##############################] 4/4, 1 failed · 1:00:30 elapsed" in lines


@pytest.mark.parametrize(("running", "line"), [
    (0, "Stopping: no input was in progress.\n"),
    (1, "Stopping: finishing the input in progress; press Ctrl-C again to stop at once.\n"),
    (2, "Stopping: finishing the 2 inputs in progress; press Ctrl-C again to stop at once.\n"),
])
def test_stopping_line_says_what_is_left_to_finish(running: int, line: str) -> None:
    """A signal that lands between two inputs has nothing to wait for: no "0 inputs" and
    no offer of a second Ctrl-C that would change nothing."""
    from diagnose.batch.runner import Progress

    stream = io.StringIO()
    Progress(4, stream, show=False).stopping(running)
    assert stream.getvalue() == line


# ----------------------------------------------------------------------------- tables, summary, walking

def _table(tmp_path: Path, lines: list[str], newline: str = "\n", name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(newline.join(lines).encode("utf-8") + newline.encode())
    return path


def _english_rows() -> list[str]:
    return (FIXTURES / "responses-en.csv").read_text(encoding="utf-8").splitlines()


def test_a_row_with_more_cells_than_the_header_is_a_located_refusal(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    header, first = _english_rows()[:2]
    width = len(header.split(","))
    _table(tmp_path, [header, first, first + ",extra,cells"])
    result = _batch("export.csv", "--out-dir", "out", "--format", "json", "-j", "1")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"failed: export.csv:3:{width + 1}: this row has {width + 2} cells but the header has {width}; expected one "
        "cell per column (is a ',' inside a cell that is not in quotes?)")
    rows, _ = _summary(tmp_path / "out")
    assert [(r["row"], r["status"]) for r in rows] == [("1", "ok"), ("2", "failed")]


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"])
def test_any_line_ending_is_read(tmp_path: Path, monkeypatch, newline: str) -> None:
    monkeypatch.chdir(tmp_path)
    _table(tmp_path, _english_rows()[:3], newline)
    result = _batch("export.csv", "--out-dir", "out", "--format", "json", "-j", "1")
    assert result.exit_code == 0, result.stderr
    assert {p.name for p in (tmp_path / "out").glob("*--*")} == {
        "northwind-wholesale--export-row-1.json", "harbour-freight-ltd--export-row-2.json"}


def test_bare_cr_table_locates_problems_by_line(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    _table(tmp_path, _english_rows(), "\r")
    result = _batch("export.csv", "--out-dir", "out", "--format", "json", "-j", "1")
    assert result.stderr.splitlines()[0].startswith("failed: export.csv:4:5: answers.offering_type:")


@pytest.mark.parametrize("delimiter", [";", ","])
def test_formulas_from_a_table_are_text_in_the_summary(tmp_path: Path, monkeypatch, delimiter: str) -> None:
    """A company named `=1+2`, `@SUM(A1)`, `-2+3` or `Acme;=HYPERLINK(...)` (which Excel in
    a Russian locale splits at ';') reaches summary.csv as text in every cell it could start."""
    monkeypatch.chdir(tmp_path)
    header, first = list(csv.reader(io.StringIO("\n".join(_english_rows()[:2]))))
    names = ["=1+2", "@SUM(A1)", "-2+3", "+1", 'Acme;=HYPERLINK("http://x")', "Acme, =1+1", "Acme\n=1+1"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([name, *first[1:]] for name in names)
    (tmp_path / "export.csv").write_text(buffer.getvalue(), encoding="utf-8")
    result = _batch("export.csv", "--out-dir", "out", "--format", "json", "-j", "1", "--force")
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "out" / "summary.csv").read_bytes().decode("utf-8-sig")
    companies = [r["company"] for r in csv.DictReader(io.StringIO(text, newline=""))]
    assert companies == ["'=1+2", "'@SUM(A1)", "'-2+3", "'+1", "Acme;'=HYPERLINK(\"http://x\")", "Acme, '=1+1",
                         "Acme\n'=1+1"]
    for cell in re.split(r"[,;\r\n]", text):  # however a spreadsheet splits the file
        assert not cell.strip().strip('"').startswith(("=", "+", "@")), cell
    _, data = _summary(tmp_path / "out")
    assert [r["company"] for r in data["results"]] == names  # the JSON keeps them as they were


def test_summary_never_overwrites_an_input(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    export = _table(tmp_path, _english_rows()[:2])
    before = export.read_bytes()
    for force in ([], ["--force"]):
        result = _batch("export.csv", "--out-dir", "out", "--summary", "export", "--format", "json", *force)
        assert result.exit_code == 2
        assert result.stderr.splitlines() == [
            "export: --summary: export.csv is an input of this run; expected another name, an input is never "
            "written over"]
        assert export.read_bytes() == before
        assert not (tmp_path / "out").exists()


def test_out_dir_inside_the_input_folder_is_not_read_back(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(FOLDER / "alder.yaml", inputs / "alder.yaml")
    for _ in range(2):
        result = _batch(str(inputs), "--out-dir", str(inputs / "reports"), "--format", "json", "-j", "1", "--force")
        assert result.exit_code == 0, result.stderr
        _, data = _summary(inputs / "reports")
        assert data["inputs"] == 1
    # nor is a summary copied anywhere else in the tree
    shutil.copy(inputs / "reports" / "summary.csv", inputs / "last-run.csv")
    result = _batch(str(inputs), "--out-dir", str(tmp_path / "elsewhere"), "--format", "json", "-j", "1")
    assert result.exit_code == 0, result.stderr
    assert _summary(tmp_path / "elsewhere")[1]["inputs"] == 1


def test_globs_and_folders_do_not_follow_links_out_of_or_back_into_the_tree(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    shutil.copy(FOLDER / "alder.yaml", tmp_path / "in" / "sub" / "alder.yaml")
    shutil.copy(FOLDER / "alder.yaml", tmp_path / "outside" / "stranger.yaml")
    (tmp_path / "in" / "sub" / "loop").symlink_to("..")  # in/sub/loop/sub/loop/...
    (tmp_path / "in" / "out-link").symlink_to(tmp_path / "outside")
    (tmp_path / "in" / "stranger.yaml").symlink_to(tmp_path / "outside" / "stranger.yaml")
    (tmp_path / "in" / "same.yaml").symlink_to(tmp_path / "in" / "sub" / "alder.yaml")
    for given in ("in/**/*.yaml", "in"):
        result = _batch(given, "--out-dir", "out", "--format", "json", "-j", "1", "--force")
        assert result.exit_code == 0, result.stderr
        _, data = _summary(tmp_path / "out")
        assert [r["input"] for r in data["results"]] == ["in/sub/alder.yaml"], given
