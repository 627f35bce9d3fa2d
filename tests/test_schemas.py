"""The shipped JSON Schemas: what the code generates, and true to the files the tool reads and writes.

The diagnosis schema is checked against the real JSON of every bundled example, the
answers schema against every example answer file and, answer by answer, against what
the questionnaire itself accepts; the rulebook schema against the bundled rulebook.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from diagnose.cli import cli
from diagnose.questionnaire import load_questionnaire
from diagnose.resources import examples_dir, questionnaires_dir, rulebook_path
from diagnose.schemas import REGENERATE, SCHEMAS, generate, schema_text, shipped_path
from diagnose.schemas.answers_schema import answers_schema
from diagnose.schemas.diagnosis_schema import diagnosis_schema

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(examples_dir().glob("*.yaml"))
ALL_TYPES = Path(__file__).parent / "fixtures" / "valid" / "all-types.yaml"


def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads(shipped_path(name).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def yaml_as_json(path: Path) -> Any:
    """A YAML file as an editor's language server sees it: YAML 1.2, dates as text."""
    return json.loads(json.dumps(YAML(typ="safe").load(path.read_text(encoding="utf-8")), default=str))


def problems(check: jsonschema.Draft202012Validator, data: Any) -> list[tuple[str, str]]:
    return [(".".join(map(str, error.absolute_path)), error.message) for error in check.iter_errors(data)]


@pytest.mark.parametrize("name", SCHEMAS)
def test_shipped_schema_is_what_the_code_generates(name: str) -> None:
    shipped = shipped_path(name).read_text(encoding="utf-8")
    assert shipped == schema_text(generate(name)), (
        f"diagnose/schemas/{name}.json is stale: run `{REGENERATE}` in the checkout and commit the result")


@pytest.mark.parametrize("name", SCHEMAS)
def test_shipped_schema_is_a_valid_json_schema(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(json.loads(shipped_path(name).read_text(encoding="utf-8")))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_diagnosis_json_of_every_example_fits_the_schema(path: Path) -> None:
    result = CliRunner().invoke(cli, ["report", str(path), "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    check = validator("diagnosis")
    assert problems(check, data) == []
    # the schema can fail: a renamed field, a wrong status and an unknown language are caught
    data["findings"][0]["status"] = "maybe"
    data["proposed_structure"][0]["headcount"] = "two"
    data["tasks"][0]["title"]["de"] = "Aufgabe"
    data["extra"] = 1
    found = {path for path, _ in problems(check, data)}
    assert {"findings.0.status", "proposed_structure.0.headcount", "tasks.0.title", ""} <= found


def test_diagnosis_schema_names_every_json_field_with_its_meaning() -> None:
    schema = json.loads(shipped_path("diagnosis").read_text(encoding="utf-8"))
    assert schema["properties"]["schema_version"]["const"] == "1.2"
    assert schema["$defs"]["ClientDecision"]["properties"]["status"] == {
        "enum": ["accepted", "rejected", "deferred"], "description": "`accepted`, `rejected` or `deferred`"}
    assert schema["$defs"]["Role"]["properties"]["delta"] == {
        "type": ["number", "null"],
        "description": "in the proposal: proposed minus today's headcount (a new role counts 0 today); null "
                       "when either is unknown, and in today's structure"}
    # fields the JSON leaves out (words for a reader) are not in the schema
    assert "worded_summary" not in schema["$defs"]["Finding"]["properties"]
    assert "narrative" not in schema["properties"]


def test_an_undocumented_field_stops_the_generation(tmp_path: Path) -> None:
    doc = (ROOT / "docs" / "diagnosis-schema.md").read_text(encoding="utf-8")
    trimmed = tmp_path / "diagnosis-schema.md"
    trimmed.write_text(doc.replace("| `proposes` |", "| proposes |"), encoding="utf-8")
    with pytest.raises(ValueError, match=r"^docs/diagnosis-schema.md does not describe SizingLine.proposes: "
                                         r"add it to the SizingLine table$"):
        diagnosis_schema(trimmed)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_answer_file_fits_the_answers_schema(path: Path) -> None:
    assert problems(validator("answers"), yaml_as_json(path)) == []


def test_notes_and_decisions_are_optional_and_checked_for_shape() -> None:
    judged = yaml_as_json(Path(__file__).parent / "fixtures" / "judgement" / "logistics-judged.yaml")
    assert judged["notes"] and judged["decisions"]
    assert problems(validator("answers"), judged) == []
    rule = next(iter(judged["decisions"]))
    judged["decisions"][rule] = {"status": "maybe", "reason": ""}
    judged["notes"]["summary"] = 7
    found = {path for path, _ in problems(validator("answers"), judged)}
    assert found == {f"decisions.{rule}.status", f"decisions.{rule}.reason", "notes.summary"}


def test_answers_schema_catches_what_validate_catches(tmp_path: Path) -> None:
    data = yaml_as_json(examples_dir() / "small-distributor.yaml")
    data["answers"]["product_complexity"] = "trivial"  # not a choice
    data["answers"]["top20_revenue_share"] = 140  # a percent above 100
    data["answers"]["salespeople_totl"] = 4  # a misspelled question id
    data["meta"]["date"] = "5 November"
    data["version"] = 2
    del data["answers"]["industry_type"]  # required, asked always
    found = {path for path, _ in problems(validator("answers"), data)}
    assert found == {"answers.product_complexity", "answers.top20_revenue_share", "answers", "meta.date", "version"}


def test_answers_schema_describes_each_question() -> None:
    schema = json.loads(shipped_path("answers").read_text(encoding="utf-8"))
    answers = schema["properties"]["answers"]
    assert schema["properties"]["questionnaire"] == {"const": "sales-structure"}
    complexity = answers["properties"]["product_complexity"]
    assert complexity["title"] == "product_complexity (single)"  # the hover's heading
    assert complexity["description"].splitlines()[1] == "How complex is your main product or service for the client?"
    questionnaire = load_questionnaire(questionnaires_dir() / "sales-structure.yaml")
    hidden = [q.id for q in questionnaire.iter_questions() if q.show_if is not None]
    assert hidden and not set(hidden) & set(answers["required"])  # asked or not depends on other answers


# Raw answers of each kind, tried on every question of the all-types questionnaire.
RAW_ANSWERS = ["startup", "mature", "purchasing", ["purchasing"], ["purchasing", "shipping"],
               ["purchasing", "shipping", "invoicing"], [], ["shipping", "shipping"], ["nope"], 0, 1, 3, 5, 6, 0.5,
               0.25, 2.5, 24, 25, 100, 101, -1, 500, "yes", "no", True, False, "short", "much too long",
               "dont_know", "not_applicable", {"a": 1}, None]


def test_answers_schema_accepts_only_what_the_questionnaire_accepts() -> None:
    questionnaire = load_questionnaire(ALL_TYPES)
    check = jsonschema.Draft202012Validator(answers_schema(questionnaire))
    disagreements = []
    for question in questionnaire.iter_questions():
        for raw in RAW_ANSWERS:
            data = {"questionnaire": "all-types", "version": 3, "meta": {"company": "X"}, "answers": {question.id: raw}}
            by_schema = not [e for e in check.iter_errors(data) if list(e.absolute_path) == ["answers", question.id]]
            try:
                by_parse = raw is None or question.parse(raw) is not None
            except ValueError:
                by_parse = False
            if by_schema != by_parse:
                disagreements.append((question.id, raw, by_schema, by_parse))
    assert disagreements == []


def test_bundled_rulebook_fits_the_rulebook_schema() -> None:
    assert problems(validator("rulebook"), yaml_as_json(rulebook_path())) == []


def test_rulebook_schema_catches_a_misspelled_key_and_a_wrong_role() -> None:
    data = yaml_as_json(rulebook_path())
    data["rules"][0]["severty"] = data["rules"][0].pop("severity")
    data["roles"]["head_of_sales"]["reports_to"] = ["ceo"]
    data["rules"][1]["when"] = {"every": ["x > 1"]}
    found = {path for path, _ in problems(validator("rulebook"), data)}
    assert found == {"rules.0", "roles.head_of_sales.reports_to", "rules.1.when"}


@pytest.mark.parametrize("name", SCHEMAS)
def test_schema_command_prints_the_shipped_schema(name: str) -> None:
    result = CliRunner().invoke(cli, ["schema", name], catch_exceptions=False)
    assert (result.exit_code, result.stdout) == (0, shipped_path(name).read_text(encoding="utf-8"))


def test_schema_command_writes_a_file_and_never_overwrites_it(tmp_path: Path) -> None:
    target = tmp_path / "answers.schema.json"
    runner = CliRunner()
    first = runner.invoke(cli, ["schema", "answers", "--questionnaire", str(ALL_TYPES), "-o", str(target)])
    assert (first.exit_code, first.stderr) == (0, f"Wrote {target}\n")
    assert json.loads(target.read_text(encoding="utf-8"))["properties"]["questionnaire"] == {"const": "all-types"}
    again = runner.invoke(cli, ["schema", "rulebook", "-o", str(target)])
    assert (again.exit_code, again.stderr) == (2, f"{target}: already exists; pass --force to overwrite it\n")
    forced = runner.invoke(cli, ["schema", "rulebook", "-o", str(target), "--force"])
    assert forced.exit_code == 0
    assert target.read_text(encoding="utf-8") == shipped_path("rulebook").read_text(encoding="utf-8")


def test_schema_command_refuses_a_questionnaire_for_another_schema() -> None:
    result = CliRunner().invoke(cli, ["schema", "diagnosis", "--questionnaire", str(ALL_TYPES)])
    assert (result.exit_code, result.stderr) == (
        2, "--questionnaire: only the answers schema depends on the questionnaire, not the diagnosis schema\n")


def test_schema_command_reports_a_broken_questionnaire(tmp_path: Path) -> None:
    broken = tmp_path / "q.yaml"
    broken.write_text("kind: questionnaire\nid: q\nversion: one\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["schema", "answers", "--questionnaire", str(broken)])
    assert result.exit_code == 2
    assert f"{broken}:3:10: version: expected a whole number, got 'one'\n" in result.stderr


def test_the_schema_line_of_an_answer_file_survives_validate_and_a_save(tmp_path: Path) -> None:
    from diagnose.answers import load_answers, save_answers

    line = "# yaml-language-server: $schema=answers.schema.json\n"
    path = tmp_path / "acme.yaml"
    path.write_text(line + (examples_dir() / "small-distributor.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert (result.exit_code, result.stdout) == (0, f"{path}: valid answers\n")
    save_answers(load_answers(path), path)
    assert path.read_text(encoding="utf-8").startswith(line)


CASES = sorted(p for p in (Path(__file__).parent / "fixtures" / "cases").glob("*.yaml")
               if not p.name.endswith(".expect.yaml"))


def test_diagnosis_json_of_every_case_company_fits_the_schema() -> None:
    # the 50 companies reach statuses, nulls and costs the four examples do not
    from diagnose.method import diagnose, load_method, read_answers, render

    method = load_method()
    check = validator("diagnosis")
    answers = validator("answers")
    misfits = {}
    for path in CASES:
        data = json.loads(render(method, diagnose(method, read_answers(method, path)), "json").data)
        found = problems(check, data) + problems(answers, yaml_as_json(path))
        if found:
            misfits[path.name] = found[:3]
    assert len(CASES) == 50
    assert misfits == {}


def test_regenerating_outside_a_checkout_says_why_it_cannot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import diagnose.schemas as schemas

    missing = tmp_path / "docs" / "diagnosis-schema.md"
    monkeypatch.setattr(schemas, "DIAGNOSIS_DOC", missing)
    with pytest.raises(schemas.UserError) as raised:
        schemas.write_all()
    assert [str(p) for p in raised.value.problems] == [
        f"{missing}: not found: the schemas are made in a checkout of diagnose, whose docs/ folder describes the "
        "diagnosis"]
