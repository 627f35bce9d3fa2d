"""`diagnose explain` and `diagnose report --format json`, with parameter overrides."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from diagnose.cli import cli
from diagnose.resources import examples_dir

SMALL = str(examples_dir() / "small-distributor.yaml")
LOGISTICS = str(examples_dir() / "complex-logistics.yaml")
FIXTURES = Path(__file__).parent / "fixtures" / "rules"


def _json(*args: str) -> dict:
    result = CliRunner().invoke(cli, ["report", *args, "--format", "json", "-o", "-"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_explain_shows_structure_owners_findings_and_evidence() -> None:
    result = CliRunner().invoke(cli, ["explain", LOGISTICS, "--lang", "en"])
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert text.startswith("Sales structure diagnosis: ООО «ТрансВектор Логистик»\n")
    assert "      Order operations — 3 FTE  [new]  (R3-separate-operations)\n" in text
    assert "  Selling new lines to existing clients: Hunter (active-sales manager)  [R1-assortment-owner]" in text
    assert "  [important] R1-assortment-owner — Who sells new lines to existing clients: FIRED\n" in text
    assert "        ✓ new_line_like_new_sale == 'like_new_sale'   [new_line_like_new_sale = like_new_sale]\n" in text
    assert "(Erokhin & Klimov, Client Base Management (2024), R1-assortment-owner)" in text.replace("\n      ", " ")
    assert "What would change the decision" in text


def test_explain_shows_an_assignment_that_is_not_made_and_why() -> None:
    # R2 moves new-client work off introverted account managers; a simple upsell to the
    # buyer they already serve is not active selling, so new lines stay where they are
    case = str(Path(__file__).parent / "fixtures" / "cases" / "18-r2-introverts-hunting.yaml")
    result = CliRunner().invoke(cli, ["explain", case, "--lang", "en"])
    assert result.exit_code == 0, result.stderr
    assert ("    A task is handed over only when:\n"
            "      ✗ assortment_expansion: new_line_like_new_sale in ['like_new_sale', 'partly']\n"
            "        [new_line_like_new_sale = simple_upsell]\n") in result.stdout


def test_explain_in_russian_is_the_default_for_a_russian_file() -> None:
    result = CliRunner().invoke(cli, ["explain", LOGISTICS])
    assert result.exit_code == 0
    assert "Предлагаемая структура" in result.stdout
    assert "R1-assortment-owner — Кто расширяет ассортимент у действующих клиентов: СРАБОТАЛО" in result.stdout


def test_set_override_flips_an_outcome() -> None:
    # a team of four with a simple product keeps everyone doing everything (C2) ...
    before = _json(SMALL)
    owners = {t["task"]: t["owner"] for t in before["tasks"]}
    assert owners["order_processing"] == "account_manager"
    # ... unless the consultant says "everyone does everything" stops at three
    after = _json(SMALL, "--set", "small_team_max=3")
    owners = {t["task"]: t["owner"] for t in after["tasks"]}
    assert owners["order_processing"] == "operations"
    parameter = next(p for p in after["parameters"] if p["id"] == "small_team_max")
    assert (parameter["value"], parameter["default"], parameter["overridden"]) == (3, 4, True)


def test_params_file_overrides(tmp_path: Path) -> None:
    params = tmp_path / "params.yaml"
    params.write_text("parameters:\n  small_team_max: 3\n", encoding="utf-8")
    data = _json(SMALL, "--params", str(params))
    assert {t["task"]: t["owner"] for t in data["tasks"]}["order_processing"] == "operations"


def test_bad_set_name_gets_did_you_mean_and_exit_2() -> None:
    result = CliRunner().invoke(cli, ["explain", SMALL, "--set", "small_team=3"])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "--set: small_team: unknown parameter 'small_team' (did you mean 'small_team_max'?); expected one of: "
    )


def test_bad_set_value_and_format() -> None:
    result = CliRunner().invoke(cli, ["explain", SMALL, "--set", "small_team_max=few", "--set", "oops"])
    assert result.exit_code == 2
    assert result.stderr == (
        "--set: small_team_max: expected a number (people), got 'few'\n"
        "--set: expected NAME=VALUE, got 'oops'\n"
    )


def test_bad_params_file_is_located(tmp_path: Path) -> None:
    params = tmp_path / "params.yaml"
    params.write_text("small_team_max: 3\nconveyor_min: 6\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["explain", SMALL, "--params", str(params)])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"{params}:2:15: conveyor_min: unknown parameter 'conveyor_min' (did you mean 'conveyor_min_team'?)"
    )


def test_report_json_to_file(tmp_path: Path) -> None:
    out = tmp_path / "d.json"
    result = CliRunner().invoke(cli, ["report", LOGISTICS, "--format", "json", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema_version"] == "1.2"
    finding = next(f for f in data["findings"] if f["rule_id"] == "R1-assortment-owner")
    assert finding["status"] == "fired"
    premise, condition = (c for c in finding["conditions"] if c["depth"] == 0 and c["part"] != "choice")
    assert premise == {
        "source": "all", "result": True, "reads": [], "undetermined_by": [], "depth": 0, "values": {}, "part": "premise",
    }
    assert condition == {
        "source": "any", "result": True, "reads": [], "undetermined_by": [], "depth": 0, "values": {}, "part": "condition",
    }


def test_custom_rulebook_option(tmp_path: Path) -> None:
    rules = FIXTURES / "lint" / "minimal.rules.yaml"
    data = _json(str(FIXTURES / "time-study.yaml"), "--rules", str(rules))
    assert data["rulebook"] == {"id": "minimal", "version": 1}
    assert [f["rule_id"] for f in data["findings"]] == ["R3-separate-operations"]
    assert {t["task"]: t["owner"] for t in data["tasks"]}["order_processing"] == "operations"
