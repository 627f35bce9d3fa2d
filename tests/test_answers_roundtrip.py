"""Answer files survive load -> set_answer -> save; templates; the questionnaire as text.

A person's comments in an answer file (header, between keys, at line ends, after the
last key) are kept when the tool rewrites it; writes are atomic; the blank template is
exactly "everything still to answer" for `diagnose validate` and becomes valid once
filled in by hand; `diagnose questions` prints every section and question.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from diagnose.answers import load_answers, save_answers, set_answer
from diagnose.cli import cli
from diagnose.errors import UserError
from diagnose.questionnaire import load_questionnaire
from diagnose.resources import examples_dir, questionnaire_path
from diagnose.yamlio import load_document

FIXTURES = Path(__file__).parent / "fixtures"
COMMENTED = FIXTURES / "roundtrip" / "commented.yaml"


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def replace_line(text: str, old: str, new: str) -> str:
    assert text.count(old + "\n") == 1, old
    return text.replace(old + "\n", new + "\n")


# -- comments survive --------------------------------------------------------------


def test_unchanged_file_is_written_back_byte_for_byte(tmp_path: Path) -> None:
    for source in [COMMENTED, *sorted(examples_dir().glob("*.yaml"))]:
        answers = load_answers(source)
        target = tmp_path / source.name
        save_answers(answers, target)
        assert target.read_bytes() == source.read_bytes(), source.name


def test_changed_answers_keep_every_comment(tmp_path: Path) -> None:
    answers = load_answers(COMMENTED)
    questions = answers.questionnaire.questions
    set_answer(answers, "company_stage", questions["company_stage"].parse("mature"))  # eol comment
    set_answer(answers, "product_complexity", questions["product_complexity"].parse("high"))  # after a comment
    set_answer(answers, "minutes_per_order", questions["minutes_per_order"].parse("dont_know"))
    set_answer(answers, "specialist_help_needed", questions["specialist_help_needed"].parse(True))  # last key
    target = tmp_path / "out.yaml"
    save_answers(answers, target)

    expected = COMMENTED.read_text(encoding="utf-8")
    expected = replace_line(expected, "  company_stage: growth             # end-of-line comment",
                            "  company_stage: mature             # end-of-line comment")
    expected = replace_line(expected, "  product_complexity: simple", "  product_complexity: high")
    expected = replace_line(expected, "  minutes_per_order: 12", "  minutes_per_order: dont_know")
    expected = replace_line(expected, "  specialist_help_needed: 'no'      # the last answer, with a comment",
                            "  specialist_help_needed: 'yes'     # the last answer, with a comment")  # same column
    assert target.read_text(encoding="utf-8") == expected
    reloaded = load_answers(target, require_complete=False)
    assert reloaded.values["company_stage"] == "mature"
    assert reloaded.values["specialist_help_needed"] == "yes"


def test_new_answers_go_in_questionnaire_order_before_following_comments(tmp_path: Path) -> None:
    answers = load_answers(COMMENTED)
    questions = answers.questionnaire.questions
    # asked after product_complexity; the file has no line for it yet
    set_answer(answers, "managers_trainable", questions["managers_trainable"].parse("yes"))
    # asked after the last answer in the file, which is followed by the file's closing comment
    set_answer(answers, "specialists_needed", questions["specialists_needed"].parse(["lawyer", "customs"]))
    target = tmp_path / "out.yaml"
    save_answers(answers, target)

    expected = COMMENTED.read_text(encoding="utf-8")
    expected = replace_line(expected, "  product_complexity: simple",
                            "  product_complexity: simple\n  managers_trainable: 'yes'")
    expected = replace_line(expected, "  specialist_help_needed: 'no'      # the last answer, with a comment",
                            "  specialist_help_needed: 'no'      # the last answer, with a comment\n"
                            "  specialists_needed: [lawyer, customs]")
    assert target.read_text(encoding="utf-8") == expected
    assert target.read_text(encoding="utf-8").endswith("# A trailing comment at the end of the file.\n")


def test_replacing_a_block_list_keeps_the_comments_after_it(tmp_path: Path) -> None:
    source = examples_dir() / "engineering-equipment.yaml"
    answers = load_answers(source)
    set_answer(answers, "am_internal_stages", ["customs"])
    target = tmp_path / "out.yaml"
    save_answers(answers, target)
    text = target.read_text(encoding="utf-8")
    assert "  am_internal_stages: [customs]\n  # Генеральный директор считает" in text
    # everything else, comments included, is as it was
    original = source.read_text(encoding="utf-8")
    block = re.search(r"  am_internal_stages:\n(    - .*\n)+", original)
    assert block is not None
    assert text == original.replace(block.group(0), "  am_internal_stages: [customs]\n")


def test_unanswering_writes_an_empty_value(tmp_path: Path) -> None:
    from diagnose.expressions import UNANSWERED

    answers = load_answers(COMMENTED)
    set_answer(answers, "top20_revenue_share", UNANSWERED)
    assert "top20_revenue_share" not in answers.values
    save_answers(answers, tmp_path / "out.yaml")
    assert "\n  top20_revenue_share:\n" in (tmp_path / "out.yaml").read_text(encoding="utf-8")


# -- atomic writes -------------------------------------------------------------------


def test_save_leaves_no_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "answers.yaml"
    target.write_bytes(COMMENTED.read_bytes())
    answers = load_answers(target)
    set_answer(answers, "company_stage", "mature")
    save_answers(answers, target)
    assert [p.name for p in tmp_path.iterdir()] == ["answers.yaml"]


def test_failed_save_keeps_the_original_and_cleans_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "answers.yaml"
    target.write_bytes(COMMENTED.read_bytes())
    answers = load_answers(target)
    set_answer(answers, "company_stage", "mature")

    def disk_full(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(UserError) as caught:
        save_answers(answers, target)
    assert str(caught.value) == f"{target}: cannot write: No space left on device"
    assert target.read_bytes() == COMMENTED.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["answers.yaml"]


def test_save_keeps_the_file_permissions(tmp_path: Path) -> None:
    target = tmp_path / "answers.yaml"
    target.write_bytes(COMMENTED.read_bytes())
    target.chmod(0o640)
    save_answers(load_answers(target), target)
    assert target.stat().st_mode & 0o777 == 0o640


def test_writing_where_no_folder_can_be_is_a_located_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    result = invoke("template", "--lang", "en", "-o", str(tmp_path / "file" / "answers.yaml"))
    assert result.exit_code == 2
    assert result.stderr == f"{tmp_path / 'file' / 'answers.yaml'}: cannot write: Not a directory\n"
    assert "Traceback" not in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into read-only folders")
def test_read_only_folder_is_a_located_error_and_the_file_is_unchanged(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    target = folder / "answers.yaml"
    target.write_text("old\n")
    folder.chmod(0o555)
    try:
        result = invoke("template", "--lang", "en", "--force", "-o", str(target))
        assert result.exit_code == 2
        assert result.stderr == f"{target}: cannot write: permission denied\n"
        assert target.read_text() == "old\n"
        assert sorted(p.name for p in folder.iterdir()) == ["answers.yaml"]
    finally:
        folder.chmod(0o755)


def test_permission_denied_is_a_located_error_even_for_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a read-only folder does to a normal user, simulated so that it also runs as root."""
    import tempfile

    target = tmp_path / "answers.yaml"
    target.write_text("old\n")

    def read_only_folder(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", read_only_folder)
    result = invoke("template", "--lang", "en", "--force", "-o", str(target))
    assert result.exit_code == 2
    assert result.stderr == f"{target}: cannot write: permission denied\n"
    assert "Traceback" not in result.output
    assert target.read_text() == "old\n"


def test_missing_folder_is_a_located_error(tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "answers.yaml"
    result = invoke("template", "-o", str(target))
    assert result.exit_code == 2
    assert result.stderr == f"{target}: cannot write: the folder does not exist\n"


# -- diagnose template ---------------------------------------------------------------


def yaml_flow(value: Any) -> str:
    """A value as a person would type it after the colon."""
    if isinstance(value, list):
        return "[" + ", ".join(yaml_flow(v) for v in value) + "]"
    if isinstance(value, str) and value.lower() in ("yes", "no"):
        return f"'{value}'"
    return str(value)


def fill_in(template: str, example: Path) -> str:
    """Type an example's answers into a blank template, line by line, as in an editor."""
    data = load_document(example).data
    for key in ("company", "industry", "respondent"):
        template = replace_line(template, f"  {key}: ''", f"  {key}: {data['meta'][key]}")
    for qid, value in data["answers"].items():
        template = replace_line(template, f"  {qid}:", f"  {qid}: {yaml_flow(value)}")
    return template


@pytest.mark.parametrize("lang, example", [("en", "small-distributor.yaml"), ("ru", "engineering-equipment.yaml")])
def test_template_lists_exactly_what_is_left_to_answer(tmp_path: Path, lang: str, example: str) -> None:
    target = tmp_path / "answers.yaml"
    result = invoke("template", "--lang", lang, "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"Wrote {target}\n"
    text = target.read_text(encoding="utf-8")
    lines = text.splitlines()

    questionnaire = load_questionnaire(questionnaire_path())
    expected = [f"{target}:{lines.index('  company: ' + chr(39) * 2) + 1}:12: meta.company: "
                "expected the company's name, got nothing"]
    for question in questionnaire.iter_questions():
        assert f"  {question.id}:" in lines
        if question.required:
            expected.append(
                f"{target}:{lines.index(f'  {question.id}:') + 1}:3: answers.{question.id}: "
                f"missing required answer to '{question.text['en']}'; expected {question.expected()}"
            )
    validated = invoke("validate", str(target))
    assert validated.exit_code == 2
    assert validated.stderr.splitlines() == expected

    # the comments are in the chosen language
    first = next(questionnaire.iter_questions())
    assert f"  # {first.text[lang]}" in lines

    target.write_text(fill_in(text, examples_dir() / example), encoding="utf-8")
    validated = invoke("validate", str(target))
    assert (validated.exit_code, validated.stderr) == (0, "")
    assert validated.stdout == f"{target}: valid answers\n"


def test_template_to_stdout_is_the_same_text(tmp_path: Path) -> None:
    target = tmp_path / "answers.yaml"
    invoke("template", "--lang", "en", "-o", str(target))
    assert invoke("template", "--lang", "en").stdout == target.read_text(encoding="utf-8")


def test_template_does_not_overwrite_without_force(tmp_path: Path) -> None:
    target = tmp_path / "answers.yaml"
    target.write_text("my answers\n", encoding="utf-8")
    result = invoke("template", "-o", str(target))
    assert result.exit_code == 2
    assert result.stderr == f"{target}: already exists; pass --force to overwrite it\n"
    assert target.read_text(encoding="utf-8") == "my answers\n"

    result = invoke("template", "--lang", "en", "--force", "-o", str(target))
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("# Answer file for the questionnaire")
    assert [p.name for p in tmp_path.iterdir()] == ["answers.yaml"]


# -- diagnose questions --------------------------------------------------------------


def squeeze(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_questions_prints_every_section_and_question(lang: str) -> None:
    result = invoke("questions", "--lang", lang)
    assert result.exit_code == 0
    questionnaire = load_questionnaire(questionnaire_path())
    output = result.stdout
    flat = squeeze(output)
    assert output.startswith(questionnaire.title[lang] + "\n")
    number = 0
    for s_index, section in enumerate(questionnaire.sections, 1):
        assert f"\n{s_index}. {section.title[lang]}\n" in output
        for question in section.questions:
            number += 1
            assert f"{number}. {squeeze(question.text[lang])}" in flat, question.id
            assert f"[{question.id}]" in output
            for choice in question.choices:
                assert squeeze(f"[ ] {choice.text[lang]}") in flat
            if question.help:
                assert squeeze(question.help[lang]) in flat
    assert number == len(questionnaire.questions)


def test_questions_in_the_other_language_differ() -> None:
    assert invoke("questions", "--lang", "ru").stdout != invoke("questions", "--lang", "en").stdout
    assert invoke("questions").stdout == invoke("questions", "--lang", "ru").stdout


def test_notes_and_decisions_and_their_comments_survive_load_and_save(tmp_path: Path) -> None:
    from diagnose.interview.notes import add_note

    judged = FIXTURES / "judgement" / "logistics-judged.yaml"
    answers = load_answers(judged)
    target = tmp_path / "judged.yaml"
    save_answers(answers, target)
    assert target.read_bytes() == judged.read_bytes()
    add_note(answers, "team_clients", "Second paragraph.", "en")  # as the interview's `!` does
    add_note(answers, "growth", "A new section note.", "en")
    save_answers(answers, target)
    saved = target.read_text(encoding="utf-8")
    for comment in ("# why R3 is not taken up now", "# an end-of-line comment", "# The consultant's judgement"):
        assert comment in saved
    again = load_answers(target).judgement
    assert again.notes["team_clients"] == "The client list was exported from the CRM, not estimated.\n\nSecond paragraph."
    assert again.notes["growth"] == "A new section note."
    assert again.decisions == load_answers(judged).judgement.decisions
