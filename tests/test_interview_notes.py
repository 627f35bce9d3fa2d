"""The consultant's note typed at any interview question: `!` and the text.

Plain numbered mode through click's CliRunner; the arrow-key front end is driven in a
terminal by test_interview_terminal.py's helpers (see test_note_in_the_arrow_key_interview).
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from diagnose.answers import load_answers
from diagnose.cli import cli

FIXTURES = Path(__file__).parent / "fixtures" / "interview"


def run(args: list[str], text: str):
    return CliRunner().invoke(cli, ["interview", *args], input=text)


def script(name: str) -> list[str]:
    return (FIXTURES / name).read_text(encoding="utf-8").splitlines()


def test_a_note_is_saved_for_the_questions_section_and_the_question_asked_again(tmp_path: Path) -> None:
    out = tmp_path / "a.yaml"
    lines = ["Acme", "", "", "2026-01-15", "2",
             "! The owner answered the first questions himself.",  # at company_stage
             "2",
             "!Second thought on the company.",  # at industry_type, same section: a new paragraph
             ]
    result = run(["-o", str(out), "--lang", "en"], "\n".join(lines) + "\n")
    assert 'Note saved for the section "Company".' in result.output
    assert "? = help, < = back, !text = consultant's note" in result.output
    # the question is asked again, briefly: its choices are not listed twice
    after = result.output.split('Note saved for the section "Company".')[1]
    assert after.lstrip("\n").startswith("(")
    answers = load_answers(out, require_complete=False)
    assert answers.judgement.notes == {
        "company": "The owner answered the first questions himself.\n\nSecond thought on the company."}
    assert answers.values == {"company_stage": "growth"}
    text = out.read_text(encoding="utf-8")
    assert "notes:\n  company: |-\n    The owner answered the first questions himself.\n\n    Second thought" in text


def test_a_note_at_the_details_goes_to_the_first_section_in_russian(tmp_path: Path) -> None:
    out = tmp_path / "a.yaml"
    result = run(["-o", str(out), "--lang", "ru"], "ООО Пример\n!Интервью по телефону\n")
    assert "Заметка сохранена к разделу «Компания»." in result.output
    assert "!текст — заметка консультанта" in result.output
    assert load_answers(out, require_complete=False).judgement.notes == {"company": "Интервью по телефону"}


def test_bad_notes_get_messages_and_nothing_is_saved(tmp_path: Path) -> None:
    out = tmp_path / "a.yaml"
    lines = ["Acme", "", "", "2026-01-15", "2", "!", "!a \u202eb", "!" + "x" * 2001, "2"]
    result = run(["-o", str(out), "--lang", "en"], "\n".join(lines) + "\n")
    assert "! type the note after the !" in result.output
    assert "! text holds U+202E (RIGHT-TO-LEFT OVERRIDE)" in result.output
    assert "! the section's notes together have 2001 characters, more than the 2000 allowed" in result.output
    answers = load_answers(out, require_complete=False)
    assert answers.judgement.notes == {} and answers.values == {"company_stage": "growth"}


def test_a_noted_interview_resumes_and_makes_its_report(tmp_path: Path) -> None:
    out = tmp_path / "a.yaml"
    lines = script("small-distributor.en.input")
    first = lines[:12] + ["!Clients counted from the CRM."]
    run(["-o", str(out), "--lang", "en"], "\n".join(first) + "\n")
    before = out.read_text(encoding="utf-8")
    assert "Clients counted from the CRM." in before
    result = run(["--resume", str(out)], "\n".join(lines[12:]) + "\n")
    assert result.exit_code == 0, result.output + result.stderr
    answers = load_answers(out)
    assert list(answers.judgement.notes.values()) == ["Clients counted from the CRM."]
    report = CliRunner().invoke(cli, ["report", str(out), "--format", "json", "-o", "-"])
    assert report.exit_code == 0, report.output
    assert "Clients counted from the CRM." in report.stdout


def test_note_in_the_arrow_key_interview(tmp_path: Path) -> None:
    import pytest

    pexpect = pytest.importorskip("pexpect")
    from test_interview_terminal import answer_details, spawn

    child = spawn(tmp_path, "-o", "a.yaml", "--lang", "en")
    child.expect("Interview details · 1/5")
    child.expect("Answer")
    child.send("!Met the owner and the head of sales\r")  # at a text prompt: typed as in --plain
    child.expect('Note saved for the section "Company".')
    child.expect("Interview details · 1/5")  # the same question again
    child.expect("Answer")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    # nothing is saved before the company's name (a file without one cannot be resumed)
    assert not (tmp_path / "a.yaml").exists()
    child = spawn(tmp_path, "-o", "b.yaml", "--lang", "en")
    child.expect("Interview details · 1/5")
    child.expect("Answer")
    child.send("!Met the owner\r")
    child.expect('Note saved for the section "Company".')
    answer_details(child)
    child.expect("Company · 1/47")
    child.expect(r"!\) Consultant's note")  # the list offers it, and the ! key opens it
    child.send("!")
    child.expect('Note on the section "Company"')
    child.send("Stage given by the finance director\r")
    child.expect('Note saved for the section "Company".')
    child.expect("Company · 1/47")
    child.expect("Restructuring")
    child.send("2\r")
    child.expect("Company · 2/47")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    answers = load_answers(tmp_path / "b.yaml", require_complete=False)
    assert answers.judgement.notes == {"company": "Met the owner\n\nStage given by the finance director"}
    assert answers.values == {"company_stage": "growth"}


def test_the_note_line_names_the_section_the_note_is_kept_under(tmp_path: Path) -> None:
    # at the details (here the language list) a note goes to the first section: the line
    # that asks for it says so, not "Interview details"
    import pytest

    pexpect = pytest.importorskip("pexpect")
    from test_interview_terminal import spawn

    child = spawn(tmp_path, "-o", "c.yaml", "--lang", "en")
    child.expect("Interview details · 1/5")
    child.expect("Answer")
    child.send("Acme Ltd\r")
    for number in range(2, 5):
        child.expect(f"Interview details · {number}/5")
        child.expect("Answer")
        child.send("\r")
    child.expect("Interview details · 5/5")
    child.expect(r"!\) Consultant's note")
    child.send("!")
    child.expect('Note on the section "Company"')
    child.send("Asked by phone\r")
    child.expect('Note saved for the section "Company".')
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert load_answers(tmp_path / "c.yaml", require_complete=False).judgement.notes == {"company": "Asked by phone"}
