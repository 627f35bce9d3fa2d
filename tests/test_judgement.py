"""The consultant's judgement in an answer file: `notes:` and `decisions:`.

Checked with located messages (shape with the answers, ids against the rulebook), kept
by the fast and the careful reader alike, carried into the JSON diagnosis, printed in
the report and by `explain`, accepted by batch, and kept with comments on save.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from diagnose.answers import load_answers, save_answers, set_answer
from diagnose.cli import cli
from diagnose.judgement import Decision

FIXTURES = Path(__file__).parent / "fixtures" / "judgement"
JUDGED = FIXTURES / "logistics-judged.yaml"
RULES = "the id of one of the rulebook's 15 rules (diagnose explain shows them)"
SECTIONS = ("summary, board, dimensions, orgchart, matrix, recommendations, workload, roadmap, appendix, "
            "methodology, company, product, team_clients, am_time, growth, people, specialist_support")


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(autouse=True)
def in_fixtures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)


def test_a_judged_file_is_valid() -> None:
    result = invoke("validate", JUDGED.name)
    assert result.exit_code == 0, result.output
    assert result.output == "logistics-judged.yaml: valid answers\n"


def test_every_shape_problem_is_located() -> None:
    result = invoke("validate", "bad-shapes.yaml")
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "bad-shapes.yaml:42:27: notes.R3-separate-operations: expected the note, got nothing",
        "bad-shapes.yaml:43:10: notes.board: expected the note as text, got a list",
        "bad-shapes.yaml:46:13: decisions.R1-assortment-owner.status: unknown status 'refused'; "
        "expected one of: accepted, rejected, deferred",
        "bad-shapes.yaml:50:13: decisions.R3-separate-operations.reason: expected the reason for the decision, got nothing",
        "bad-shapes.yaml:51:28: decisions.R7-support-inside-sales: expected a mapping with 'status' and 'reason', "
        "got 'deferred'",
        "bad-shapes.yaml:54:5: decisions.R10-conveyor-order.why: unknown key 'why'; expected one of: status, reason",
        "bad-shapes.yaml:53:5: decisions.R10-conveyor-order: missing required key 'reason'",
    ]


UNKNOWN_IDS = [
    "unknown-ids.yaml:42:3: notes.R3-separate-operation: unknown rule or section id 'R3-separate-operation' "
    f"(did you mean 'R3-separate-operations'?); expected {RULES} or a section: {SECTIONS}",
    f"unknown-ids.yaml:43:3: notes.boards: unknown rule or section id 'boards' (did you mean 'board'?); "
    f"expected {RULES} or a section: {SECTIONS}",
    f"unknown-ids.yaml:46:3: decisions.R11-new-rule: unknown rule id 'R11-new-rule'; expected {RULES}",
    f"unknown-ids.yaml:49:3: decisions.board: unknown rule id 'board'; expected {RULES}",
]


@pytest.mark.parametrize("command", [("validate",), ("report", "--format", "json", "-o", "-"), ("explain",)])
def test_unknown_ids_are_located_by_every_command(command: tuple[str, ...]) -> None:
    # report and explain read the file with libyaml first (no positions): the ids are
    # found there and the positions come from reading it again the careful way
    result = invoke(*command[:1], "unknown-ids.yaml", *command[1:])
    assert result.exit_code == 2
    assert [line for line in result.output.splitlines() if line.startswith("unknown-ids")] == UNKNOWN_IDS


def test_too_long_text_and_layout_characters_are_refused() -> None:
    result = invoke("validate", "too-long.yaml")
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "too-long.yaml:42:12: notes.summary: text has 2001 characters, more than the 2000 allowed",
        "too-long.yaml:46:13: decisions.R3-separate-operations.reason: text holds U+202E (RIGHT-TO-LEFT OVERRIDE), "
        "an invisible character that changes how the text reads (its order or its lines); expected plain text",
    ]


def test_notes_that_are_not_a_mapping(tmp_path: Path) -> None:
    text = (FIXTURES / "bad-shapes.yaml").read_text(encoding="utf-8").split("\nnotes:")[0]
    (tmp_path / "a.yaml").write_text(text + "\nnotes: just text\ndecisions: [R1]\n", encoding="utf-8")
    result = invoke("validate", str(tmp_path / "a.yaml"))
    assert result.exit_code == 2
    assert [line.split(": ", 1)[1] for line in result.output.splitlines()] == [
        "notes: expected a mapping of rule or section id to a note, got 'just text'",
        "decisions: expected a mapping of rule id to a decision (status, reason), got a list",
    ]


def test_fast_and_careful_readings_agree() -> None:
    careful = load_answers(JUDGED).judgement
    fast = load_answers(JUDGED, keep_comments=False).judgement
    assert careful == fast
    assert careful.decisions["R3-separate-operations"] == Decision(
        "rejected", "The owner keeps order processing with the account managers this year.")
    assert careful.notes["R1-assortment-owner"] == (
        "The two hunters already sell the customs line to three existing clients.\n\nStart with the customs line.")
    assert list(careful.notes) == ["R1-assortment-owner", "board", "team_clients"]


def test_json_diagnosis_carries_notes_and_decisions() -> None:
    result = invoke("report", JUDGED.name, "--format", "json", "-o", "-")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    findings = {f["rule_id"]: f for f in data["findings"]}
    assert findings["R3-separate-operations"]["decision"] == {
        "status": "rejected", "reason": "The owner keeps order processing with the account managers this year."}
    assert findings["R3-separate-operations"]["status"] == "fired"  # the book's verdict is unchanged
    assert findings["R7-support-inside-sales"]["decision"]["status"] == "deferred"
    assert findings["R1-assortment-owner"]["note"].startswith("The two hunters")
    assert findings["R2-temperament-fit"]["note"] is None and findings["R2-temperament-fit"]["decision"] is None
    assert data["section_notes"] == {"board": "Headcount was discussed with the owner on 20 November.",
                                     "team_clients": "The client list was exported from the CRM, not estimated."}


def test_a_rejected_rule_still_counts_in_the_proposed_headcount(tmp_path: Path) -> None:
    # the proposal stays the book's whole (docs/formats.md); the decision is shown beside it
    text = JUDGED.read_text(encoding="utf-8")
    plain = tmp_path / "plain.yaml"
    plain.write_text(text.split("# The consultant's judgement")[0] + "answers:" + text.split("\nanswers:", 1)[1],
                     encoding="utf-8")
    judged = json.loads(invoke("report", JUDGED.name, "--format", "json", "-o", "-").stdout)
    unjudged = json.loads(invoke("report", str(plain), "--format", "json", "-o", "-").stdout)
    assert judged["headcount_total"] == unjudged["headcount_total"]
    assert judged["proposed_structure"] == unjudged["proposed_structure"]
    assert unjudged["section_notes"] == {}


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ["The company's decision: rejected", "Reason:", "The owner keeps order processing",
            "The book's recommendation is given unchanged", "Consultant's note",
            "The company rejected recommendations whose changes the figures above still include",
            "The client list was exported from the CRM"]),
    ("ru", ["Решение компании: отклонено", "Решение компании: отложено", "Причина:",
            "Рекомендация книги приведена без изменений", "Комментарий консультанта",
            "Компания отклонила рекомендации"]),
])
def test_html_report_marks_decisions_and_shows_notes(lang: str, words: list[str]) -> None:
    result = invoke("report", JUDGED.name, "--format", "html", "--lang", lang, "-o", "-")
    assert result.exit_code == 0, result.output
    html = result.stdout.replace("&#39;", "'")
    for text in words:
        assert text in html, text
    assert 'class="rec status-fired severity-critical decision-rejected"' in html
    assert html.count('<aside class="consultant-note">') == 3  # R1, the board chapter, a questionnaire section


def test_pdf_report_prints_the_decision_and_its_reason(tmp_path: Path) -> None:
    from report_helpers import pdf_text

    out = tmp_path / "r.pdf"
    result = invoke("report", JUDGED.name, "--lang", "en", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = pdf_text(out.read_bytes())
    assert "The company's decision: rejected Reason: The owner keeps order processing with the account managers" \
        " this year." in text
    assert "The company's decision: deferred Reason: To be decided after the budget review in Q1." in text
    assert "CONSULTANT'S NOTE Headcount was discussed with the owner on 20 November." in text


def test_explain_prints_decisions_and_notes() -> None:
    result = invoke("explain", JUDGED.name, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "    The company's decision: rejected. Reason: The owner keeps order processing with the account\n" \
        "      managers this year.\n" in result.stdout
    assert "  board: Headcount was discussed with the owner on 20 November.\n" in result.stdout
    ru = invoke("explain", JUDGED.name, "--lang", "ru").stdout
    assert "Решение компании: отложено. Причина: To be decided after the budget review in Q1." in ru


def test_batch_accepts_and_refuses_judged_files(tmp_path: Path) -> None:
    result = invoke("batch", JUDGED.name, "unknown-ids.yaml", "--out-dir", str(tmp_path / "out"), "--format", "json",
                    "--jobs", "1")
    assert result.exit_code != 0  # one input is refused
    data = json.loads((tmp_path / "out" / next(p.name for p in (tmp_path / "out").glob("*.json")
                                               if p.name != "summary.json")).read_text(encoding="utf-8"))
    assert {f["rule_id"]: f["decision"] for f in data["findings"]}["R3-separate-operations"]["status"] == "rejected"
    assert UNKNOWN_IDS[0] in result.output


def test_judgement_and_its_comments_survive_a_save(tmp_path: Path) -> None:
    answers = load_answers(JUDGED)
    target = tmp_path / "same.yaml"
    save_answers(answers, target)
    assert target.read_bytes() == JUDGED.read_bytes()
    question = answers.questionnaire.questions["company_stage"]
    set_answer(answers, "company_stage", question.parse("growth"))
    save_answers(answers, target)
    saved = target.read_text(encoding="utf-8")
    assert saved == JUDGED.read_text(encoding="utf-8").replace("company_stage: mature", "company_stage: growth")
    assert load_answers(target).judgement == load_answers(JUDGED).judgement


def test_a_note_and_decision_on_a_rule_that_does_not_apply_are_shown_too(tmp_path: Path) -> None:
    text = JUDGED.read_text(encoding="utf-8").replace(
        "  board: Headcount", "  R8-support-controls: Checked with the owner.\n  board: Headcount").replace(
        "decisions:\n", "decisions:\n  C5-am-sizing: {status: deferred, reason: Sizing waits for the CRM export.}\n")
    path = tmp_path / "j.yaml"
    path.write_text(text, encoding="utf-8")
    result = invoke("report", str(path), "--format", "html", "--lang", "en", "-o", "-")
    assert result.exit_code == 0, result.output
    html = result.stdout.replace("&#39;", "'")
    statuses = {f["rule_id"]: f["status"] for f in json.loads(
        invoke("report", str(path), "--format", "json", "-o", "-").stdout)["findings"]}
    assert statuses["R8-support-controls"] == "not_fired" and statuses["C5-am-sizing"] == "not_fired"
    assert "Consultant's note: Checked with the owner." in html
    assert "The company's decision: deferred" in html
    assert "Reason: Sizing waits for the CRM export." in html
