"""The terminal interview in plain numbered mode, driven through click's CliRunner."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from diagnose.answers import load_answers
from diagnose.cli import cli
from diagnose.expressions import DONT_KNOW, NOT_APPLICABLE
from diagnose.resources import examples_dir

FIXTURES = Path(__file__).parent / "fixtures" / "interview"
HIDDEN_EN = "# not asked given current answers"


def run(args: list[str], text: str, env: dict | None = None):
    return CliRunner().invoke(cli, ["interview", *args], input=text, env=env or {})


def script(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def asked_values(path: Path) -> dict:
    answers = load_answers(path)
    shown = answers.visibility()
    return {key: value for key, value in answers.values.items() if shown[key]}


@pytest.mark.parametrize(
    ("example", "lang", "words"),
    [
        ("engineering-equipment", "ru", ["Проверка ответов", "Компания · 1/", "Ответы сохранены"]),
        ("small-distributor", "en", ["Review of the answers", "Company · 1/", "Answers saved to"]),
    ],
)
def test_full_interview_gives_the_example_answers(tmp_path, example, lang, words):
    out = tmp_path / "answers.yaml"
    result = run(["-o", str(out), "--lang", lang], script(f"{example}.{lang}.input"))
    assert result.exit_code == 0, result.output + result.stderr
    for word in words:
        assert word in result.output
    expected = load_answers(examples_dir() / f"{example}.yaml")
    written = load_answers(out)  # complete: require_complete is on
    assert written.values == asked_values(examples_dir() / f"{example}.yaml")
    for key in ("company", "respondent", "consultant", "date", "language"):
        assert written.meta[key] == expected.meta[key]
    # the file explains itself in the interview's language
    text = out.read_text(encoding="utf-8")
    assert ("# Варианты:" if lang == "ru" else "# Choices:") in text


def test_position_counts_only_questions_that_will_be_asked(tmp_path):
    out = tmp_path / "a.yaml"
    result = run(["-o", str(out), "--lang", "en"], script("small-distributor.en.input"))
    # 47 questions exist; at the start every show-if is still open
    assert "Company · 1/47" in result.output
    # no hunters, no time study: their questions leave the count as soon as that is known
    assert "Account managers' time · 19/38" in result.output
    # the specialists' questions still count until the answer "no" hides them
    assert "Specialist support · 30/38" in result.output


def test_back_and_help(tmp_path):
    out = tmp_path / "a.yaml"
    lines = ["Acme", "", "", "2026-01-15", "2",
             "?",      # help for company_stage
             "2",      # growth
             "<",      # back to company_stage
             "3",      # change to mature
             "<", "<", "<", "<", "<", "<",  # back through the details to the first
             "<",      # nothing before the first
             ]
    result = run(["-o", str(out), "--lang", "en"], "\n".join(lines) + "\n")
    assert "Help: The stage affects how far roles can be specialised" in result.output
    assert "This is the first question: there is nothing before it." in result.output
    assert 'Enter = keep "Growth' in flat(result.output)
    answers = load_answers(out, require_complete=False)
    assert answers.values == {"company_stage": "mature"}
    assert result.exit_code == 1


def test_invalid_answers_get_the_batch_message(tmp_path):
    out = tmp_path / "a.yaml"
    lines = ["Acme", "", "", "", "", "2", "2", "1", "1",
             "61",      # sales_cycle_months: max 60
             "dk"]      # don't know is allowed here
    result = run(["-o", str(out), "--lang", "en"], "\n".join(lines) + "\n")
    assert "! 61 is above the maximum 60" in result.output
    values = load_answers(out, require_complete=False).values
    assert values["sales_cycle_months"] is DONT_KNOW


def test_dont_know_where_not_allowed_is_refused_with_the_batch_message(tmp_path):
    out = tmp_path / "a.yaml"
    result = run(["-o", str(out), "--lang", "ru"], "Acme\n\n\n\n\nнз\n")
    assert "! ответ «не знаю» для этого вопроса не предусмотрен; ожидается номер варианта от 1 до 4" in flat(
        result.output)


def test_a_russian_interview_explains_bad_answers_in_russian(tmp_path):
    out = tmp_path / "a.yaml"
    lines = ["Acme", "", "", "", "",
             "7", "2",              # company_stage: only 4 choices
             "1", "1", "3", "1",
             "61", "полгода", "7",  # sales_cycle_months: 0 to 60, don't know allowed
             "1", "5", "3",
             "2,5", "2"]            # headcount_account_managers: a whole number
    result = run(["-o", str(out), "--lang", "ru"], "\n".join(lines) + "\n")
    assert "! «7» — нет такого варианта; ожидается номер варианта от 1 до 4" in result.output
    assert "! 61 больше максимума 60" in result.output
    assert "! ожидается число от 0 до 60, или «не знаю», получено «полгода»" in result.output
    assert "! 2,5 — не целое число; ожидается целое число не меньше 0" in result.output
    values = load_answers(out, require_complete=False).values
    assert values["sales_cycle_months"] == 7 and values["headcount_account_managers"] == 2


def test_required_question_needs_an_answer(tmp_path):
    out = tmp_path / "a.yaml"
    result = run(["-o", str(out), "--lang", "en"], "\nAcme\n\n\n\n\n\n")
    assert "! expected the company's name, got nothing" in result.output
    assert "! an answer is needed; expected the number of a choice from 1 to 4" in result.output


def test_end_of_input_keeps_answers_and_says_how_to_resume(tmp_path):
    out = tmp_path / "a.yaml"
    lines = script("small-distributor.en.input").splitlines()[:12]
    result = run(["-o", str(out), "--lang", "en"], "\n".join(lines) + "\n")
    assert result.exit_code == 1
    assert "The input ended before the interview was finished." in result.stderr
    assert f"Continue with: diagnose interview --resume {out}" in result.stderr
    answers = load_answers(out, require_complete=False)
    assert answers.meta["company"] == "Brightline Supplies Ltd"
    assert list(answers.values) == [
        "company_stage", "industry_type", "offering_type", "product_complexity",
        "sales_cycle_months", "lifetime_value_after_first_sale", "salespeople_total",
    ]


def test_resume_continues_at_the_first_unanswered_question(tmp_path):
    out = tmp_path / "a.yaml"
    lines = script("small-distributor.en.input").splitlines()
    run(["-o", str(out), "--lang", "en"], "\n".join(lines[:12]) + "\n")
    result = run(["--resume", str(out)], "\n".join(lines[12:]) + "\n")
    assert result.exit_code == 0, result.output + result.stderr
    assert "Continuing at question 8 of" in result.output
    assert "How many of them are hunters" in result.output.split("Continuing")[1].split("\n\n")[1]
    assert load_answers(out).values == asked_values(examples_dir() / "small-distributor.yaml")


def test_nothing_saved_before_the_first_answer(tmp_path):
    out = tmp_path / "a.yaml"
    result = run(["-o", str(out)], "")
    assert result.exit_code == 1
    assert not out.exists()
    assert "Ничего не сохранено" in result.stderr


def test_existing_output_is_never_overwritten(tmp_path):
    out = tmp_path / "a.yaml"
    out.write_text("keep me", encoding="utf-8")
    result = run(["-o", str(out), "--lang", "en"], "Acme\n")
    assert result.exit_code == 2
    assert f"{out}: already exists; continue it with: diagnose interview --resume {out}" in result.stderr
    assert f"{out}: {out}" not in result.stderr  # the file is named once
    assert out.read_text(encoding="utf-8") == "keep me"


def complete_copy(tmp_path: Path) -> Path:
    path = tmp_path / "complete.yaml"
    shutil.copy(FIXTURES / "complete.en.yaml", path)
    return path


def test_complete_file_reopens_at_the_review_and_edits_by_number(tmp_path):
    path = complete_copy(tmp_path)
    result = run(["--resume", str(path)], "3.8\n170\n\n")
    assert result.exit_code == 0, result.output + result.stderr
    assert "Every question is answered" in result.output
    assert "   3.8  How many active clients do you have" in result.output
    assert load_answers(path).values["active_clients"] == 170


def test_a_hidden_question_never_answered_is_named_hidden_not_missing(tmp_path):
    # no operations staff: "who processes regular orders" (3.11) is not asked; its number
    # is still that question's, so the review says why it cannot be edited
    path = complete_copy(tmp_path)
    result = run(["--resume", str(path)], "3.11\n\n")
    assert result.exit_code == 0, result.output + result.stderr
    said = " ".join(result.output.split())
    assert "! Item 3.11 is not asked given the current answers: change the answer that hides it first." in said
    assert 'There is no item "3.11"' not in said


def test_editing_meta_by_letter(tmp_path):
    path = complete_copy(tmp_path)
    result = run(["--resume", str(path)], "a\nBrightline Group\nz\n\n")
    assert result.exit_code == 0, result.output + result.stderr
    assert 'There is no item "z"' in result.output
    assert load_answers(path).meta["company"] == "Brightline Group"


def test_changed_answer_asks_new_questions_and_marks_hidden_ones(tmp_path):
    path = complete_copy(tmp_path)
    # 18 = time study done? no -> yes: six hour questions become relevant and the
    # estimate asked instead of them becomes hidden
    hours = ["4", "3", "5", "1", "2", "na"]
    result = run(["--resume", str(path)], "\n".join(["4.1", "y", *hours, ">", ""]) + "\n")
    assert result.exit_code == 0, result.output + result.stderr
    assert result.output.count("Questions added by this change: 6.") == 1
    assert "Questions added" not in result.output.split("Questions added by this change: 6.", 1)[1]
    assert "not asked given current answers; the report ignores it" in flat(result.output)
    answers = load_answers(path)
    assert answers.values["time_study_done"] == "yes"
    assert answers.values["am_hours_travel"] is NOT_APPLICABLE
    assert answers.values["am_operations_share_estimate"] == 45  # kept in the file ...
    assert answers.environment()["am_operations_share_estimate"] is NOT_APPLICABLE  # ... ignored
    lines = path.read_text(encoding="utf-8").splitlines()
    marked = [line.strip() for line in lines if HIDDEN_EN in line]
    assert marked == [f"am_operations_share_estimate: 45 {HIDDEN_EN}"]

    # changing it back un-hides the estimate and hides the hours instead
    # the estimate, shown again, is asked with its old answer offered: Enter keeps it
    result = run(["--resume", str(path)], "4.1\nn\n\n\n")
    assert result.exit_code == 0, result.output + result.stderr
    assert 'Enter = keep "45 %"' in flat(result.output.split("Answer: n")[1])
    assert "Questions added by this change: 1." in result.output
    text = path.read_text(encoding="utf-8")
    assert "am_operations_share_estimate: 45\n" in text
    assert f"am_hours_orders: 4 {HIDDEN_EN}" in text
    assert load_answers(path).values["am_hours_orders"] == 4


def test_going_back_over_a_changed_answer_asks_what_became_relevant(tmp_path):
    out = tmp_path / "a.yaml"
    lines = script("small-distributor.en.input").splitlines()
    # up to headcount_account_managers = 4, then time_study_done asked; go back and
    # set account managers to 0: time_study_done is then skipped
    head = lines[:14]
    result = run(["-o", str(out), "--lang", "en"], "\n".join([*head, "<", "0", ""]) + "\n")
    assert "How many are senior account managers?" in result.output.split("Answer: 0")[-1]
    answers = load_answers(out, require_complete=False)
    assert answers.values["headcount_account_managers"] == 0
    assert answers.visibility()["time_study_done"] is False


def test_comments_in_a_resumed_file_survive(tmp_path):
    path = tmp_path / "a.yaml"
    text = (examples_dir() / "engineering-equipment.yaml").read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    result = run(["--resume", str(path)], "3.8\n90\n\n")
    assert result.exit_code == 0, result.output + result.stderr
    after = path.read_text(encoding="utf-8")
    assert "active_clients: 90" in after
    assert "# от опросного листа до аванса; у теплосетей — через тендер" in after


def test_resume_of_a_file_with_a_bad_answer_is_reported_located(tmp_path):
    path = tmp_path / "a.yaml"
    text = (FIXTURES / "complete.en.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("top20_revenue_share: 55", "top20_revenue_share: 155"), encoding="utf-8")
    result = run(["--resume", str(path)], "\n")
    assert result.exit_code == 2
    assert "answers.top20_revenue_share: 155 is above the maximum 100" in result.stderr


def test_plain_mode_is_chosen_for_screen_readers(monkeypatch):
    from diagnose.interview.run import use_plain

    monkeypatch.setenv("ACCESSIBLE", "1")
    assert use_plain(False)
    monkeypatch.delenv("ACCESSIBLE")
    assert use_plain(True)
    assert use_plain(False)  # pytest's stdin is not a terminal


def test_declining_the_report_says_how_to_make_it(tmp_path):
    out = tmp_path / "answers.yaml"
    result = run(["-o", str(out), "--lang", "en"], script("small-distributor.en.input"))
    assert result.exit_code == 0, result.output + result.stderr
    assert f"The report can be made with: diagnose report {out}" in result.output


def test_report_import_is_warmed_in_the_background():
    from diagnose.interview.prerender import report_available, warm_report_import

    if not report_available():
        assert warm_report_import() is None
        return
    thread = warm_report_import()
    assert thread is not None and thread.daemon
    thread.join(timeout=60)
    import sys

    assert "weasyprint" in sys.modules


def test_prerendered_pdf_is_used_only_while_the_answers_are_unchanged(tmp_path):
    from diagnose.interview.prerender import Prerender, report_available

    if not report_available():
        pytest.skip("the report module is not installed")
    path = complete_copy(tmp_path)
    prerender = Prerender(path)
    try:
        prerender.start()
        assert prerender.take(tmp_path / "a.pdf")
        assert (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF")
        path.write_text(path.read_text(encoding="utf-8").replace("active_clients: 160", "active_clients: 170"),
                        encoding="utf-8")
        # the file moved on: `take` renders the content now on disk, never the stale PDF
        assert prerender.take(tmp_path / "b.pdf")
        assert (tmp_path / "b.pdf").read_bytes().startswith(b"%PDF")
        assert prerender.renders == 2
    finally:
        prerender.close()
    assert prerender.folder is not None and not prerender.folder.exists()


MINI = str(FIXTURES / "mini.questionnaire.yaml")


def test_defaults_optional_questions_and_messages_of_other_types(tmp_path):
    out = tmp_path / "mini.yaml"
    lines = ["Acme", "", "", "", "",
             "",          # plan: the default, b
             "",          # budget: optional, skipped
             "7", "4",    # scale 1–5
             "this is far too long", "short", ""]
    result = run(["-o", str(out), "--lang", "en", "--questionnaire", MINI], "\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output + result.stderr
    assert "Enter = Plan B" in result.output
    assert "Enter = skip" in result.output
    assert "! 7 is above the maximum 5 (scale 1–5)" in result.output
    assert "! text has 20 characters, more than the 10 allowed" in result.output
    answers = load_answers(out, load_questionnaire_file())
    assert answers.values == {"plan": "b", "satisfaction": 4, "note": "short"}


def load_questionnaire_file():
    from diagnose.questionnaire import load_questionnaire

    return load_questionnaire(MINI)


def test_resume_with_another_questionnaire_and_a_new_output(tmp_path):
    first = tmp_path / "first.yaml"
    run(["-o", str(first), "--lang", "en", "--questionnaire", MINI], "Acme\n\n\n\n\n1\n")
    # without the questionnaire the file's id is unknown: a located message says what to do
    result = run(["--resume", str(first)], "")
    assert result.exit_code == 2
    assert "unknown questionnaire 'interview-mini'" in result.stderr
    second = tmp_path / "second.yaml"
    result = run(["--resume", str(first), "-o", str(second), "--questionnaire", MINI], "12,5\nok\n\n")
    assert result.exit_code == 0, result.output + result.stderr
    assert "Continuing at question 2 of 3." in result.output  # plan a: no satisfaction question
    assert load_answers(second, load_questionnaire_file()).values == {"plan": "a", "budget": 12.5, "note": "ok"}
    assert load_answers(first, load_questionnaire_file(), require_complete=False).values == {"plan": "a"}


def test_a_blank_template_file_can_be_filled_by_interview(tmp_path):
    path = tmp_path / "t.yaml"
    assert CliRunner().invoke(cli, ["template", "--lang", "en", "-o", str(path)]).exit_code == 0
    result = run(["--resume", str(path)], "Acme\n2\n")
    assert "Client company name" in result.output  # blank company: asked first
    answers = load_answers(path, require_complete=False)
    assert answers.meta["company"] == "Acme"
    assert answers.values == {"company_stage": "growth"}
    assert "# Which industry is the company's main business in?" in path.read_text(encoding="utf-8")


def test_resume_hint_names_what_the_file_does_not_hold_yet(tmp_path):
    out = tmp_path / "a.yaml"
    result = run(["-o", str(out), "--lang", "en", "--questionnaire", MINI], "Acme\n")
    assert result.exit_code == 1
    # the language detail was not answered yet, and the questionnaire is not a bundled one
    assert f"Continue with: diagnose interview --resume {out} --lang en --questionnaire {MINI}" in result.stderr


def file_check(path: Path, replace: str, by: str) -> str:
    """The message loading `path` gives once `replace` is `by` in it (after its position)."""
    from diagnose.errors import UserError

    broken = path.with_name("broken.yaml")
    broken.write_text(path.read_text(encoding="utf-8").replace(replace, by), encoding="utf-8")
    with pytest.raises(UserError) as caught:
        load_answers(broken, load_questionnaire_file())
    (problem,) = caught.value.problems
    return problem.message


def test_a_control_character_typed_is_refused_as_the_file_check_refuses_it(tmp_path):
    """ESC (a terminal's colour code pasted in, Ctrl-V Esc) in a text answer, a number and
    the review: refused at the prompt, and the file keeps resuming."""
    out = tmp_path / "mini.yaml"
    lines = ["Acme", "", "", "", "", "", "", "4",
             "sh\x1b[31m",   # note: the text question
             "short", "\x1b[2J", ""]
    result = run(["-o", str(out), "--lang", "en", "--questionnaire", MINI], "\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output + result.stderr
    refused = "text holds the control character U+001B; expected printable text"
    assert result.output.count(f"! {refused}\n") == 2  # the note, the review choice
    assert "\x1b" not in result.output  # nor echoed back in the transcript or a message
    assert load_answers(out, load_questionnaire_file()).values["note"] == "short"
    assert file_check(out, "note: short", 'note: "sh\\e[31m"') == refused
    # the skipped budget is asked first, then the review: 1.3 = the scale question
    result = run(["--resume", str(out), "--questionnaire", MINI], "12\n1.3\n5\x1b\n2\n\n")
    assert "How satisfied are you?\n  1 = poor, 5 = excellent\n" in result.output.split("Answer: 12")[1]
    assert f"! {refused}" in result.output.split("How satisfied are you?\n  1 = poor")[1]
    assert load_answers(out, load_questionnaire_file()).values["satisfaction"] == 2


def test_bytes_that_are_not_utf8_typed_are_refused_as_the_file_check_refuses_them(tmp_path):
    out = tmp_path / "mini.yaml"
    typed = b"Acme \xff\xfe Ltd\nAcme\n\n\n\n\n\n\n4\nshort\n\n"
    result = CliRunner().invoke(cli, ["interview", "-o", str(out), "--lang", "en", "--questionnaire", MINI],
                                input=typed)
    assert result.exit_code == 0, result.output + result.stderr
    refused = "text holds U+DCFF, half of a surrogate pair and not a character; expected valid Unicode text"
    assert f"Ltd ! {refused} (" in flat(result.output)
    assert "Answer: Acme \ufffd\ufffd Ltd" in result.output  # the transcript shows what came in
    assert load_answers(out, load_questionnaire_file()).meta["company"] == "Acme"
    assert file_check(out, "company: Acme", 'company: "Acme \\uDCFF\\uDCFE Ltd"') == refused


def test_a_control_character_in_a_russian_interview_is_explained_in_russian(tmp_path):
    out = tmp_path / "a.yaml"
    # BEL as the respondent, then ESC in the date
    result = run(["-o", str(out), "--lang", "ru"], "Acme\n\x07\n\n\n2026-01-0\x1b1\n2026-01-01\n")
    assert result.output.count("! в тексте управляющий символ U+0007; ожидается печатный текст\n") == 1
    assert result.output.count("! в тексте управляющий символ U+001B; ожидается печатный текст\n") == 1
    meta = load_answers(out, require_complete=False).meta
    assert meta["respondent"] == "" and str(meta["date"]) == "2026-01-01"


def test_the_report_offered_after_the_interview_is_made_with_its_questionnaire(tmp_path):
    """The session's --questionnaire, not the bundled one, makes the report it offers."""
    from report_helpers import pdf_text

    from diagnose.resources import questionnaire_path

    custom = tmp_path / "custom.yaml"
    bundled = questionnaire_path().read_text(encoding="utf-8")
    assert "What stage is the company at now?" in bundled
    custom.write_text(bundled.replace("What stage is the company at now?", "Which XQZCUSTOM stage?"), encoding="utf-8")
    lines = script("small-distributor.en.input").splitlines()
    assert lines[-1] == "n"  # the report declined at the end: accept it here
    out = tmp_path / "answers.yaml"
    result = run(["-o", str(out), "--lang", "en", "--questionnaire", str(custom)], "\n".join([*lines[:-1], "y"]) + "\n")
    assert result.exit_code == 0, result.output + result.stderr
    assert "XQZCUSTOM" in pdf_text(out.with_suffix(".pdf").read_bytes())


def test_a_prerender_restarts_on_every_change_and_discards_the_stale_render(tmp_path):
    import threading

    from diagnose.interview.prerender import Prerender

    path = complete_copy(tmp_path)
    original = path.read_text(encoding="utf-8")
    first_started, release = threading.Event(), threading.Event()
    made: list[bytes] = []

    def write(answers_path: Path, pdf: Path) -> None:
        data = answers_path.read_bytes()
        made.append(data)
        if len(made) == 1:
            first_started.set()
            assert release.wait(timeout=60)
        pdf.write_bytes(b"%PDF-" + hashlib.sha256(data).hexdigest().encode())

    prerender = Prerender(path, write)
    try:
        prerender.start()
        assert first_started.wait(timeout=60)
        # two edits while the first render runs: the middle one is never rendered
        path.write_text(original.replace("active_clients: 160", "active_clients: 170"), encoding="utf-8")
        prerender.start()
        path.write_text(original.replace("active_clients: 160", "active_clients: 180"), encoding="utf-8")
        prerender.start()
        release.set()
        assert prerender.take(tmp_path / "a.pdf")
        final = path.read_bytes()
        assert prerender.folder is not None
        # the stale render's PDF is discarded; only the current content's is kept
        assert [p.name for p in prerender.folder.glob("*.pdf")] == [f"{hashlib.sha256(final).hexdigest()}.pdf"]
    finally:
        prerender.close()
    assert made == [original.encode("utf-8"), final]
    assert (tmp_path / "a.pdf").read_bytes() == b"%PDF-" + hashlib.sha256(final).hexdigest().encode()


def test_a_prerender_makes_the_report_with_the_callable_it_is_given(tmp_path):
    from diagnose.interview.prerender import Prerender

    path = complete_copy(tmp_path)
    made = []

    def write(answers_path: Path, pdf: Path) -> None:
        made.append(answers_path.read_bytes())
        pdf.write_bytes(b"%PDF-made-here")

    prerender = Prerender(path, write)
    try:
        prerender.start()
        assert prerender.take(tmp_path / "a.pdf")
    finally:
        prerender.close()
    assert made == [path.read_bytes()]
    assert (tmp_path / "a.pdf").read_bytes() == b"%PDF-made-here"


@pytest.mark.parametrize("lang, making, written", [
    ("en", "Making the PDF report…", "Report written to"),
    ("ru", "Делаю PDF-отчёт…", "Отчёт записан:"),
])
def test_plain_mode_says_the_pdf_is_being_made_and_writes_the_edited_answers(tmp_path, lang, making, written):
    from diagnose.interview.prerender import report_available

    if not report_available():
        pytest.skip("the report module is not installed")
    path = complete_copy(tmp_path)
    result = run(["--resume", str(path), "--lang", lang, "--plain"], "3.8\n170\n\ny\n")
    assert result.exit_code == 0, result.output + result.stderr
    lines = result.output.splitlines()
    assert lines[-2:] == [making, f"{written} {path.with_suffix('.pdf')}"]
    assert load_answers(path).values["active_clients"] == 170
    from report_helpers import pdf_text

    text = pdf_text(path.with_suffix(".pdf").read_bytes())
    assert "170" in text and "160" not in text  # the edited answer, never the pre-edit render


# ── the review: pages, stable numbers, errors (issue 15) ──────────────────────────────
def flat(output: str) -> str:
    """The output with its line breaks (wrapping) read as spaces."""
    return " ".join(output.split())


def review_pages(output: str) -> list[list[str]]:
    """The lines of each review page shown, from its title to the prompt."""
    pages = []
    for chunk in output.split("Review of the answers · ")[1:]:
        pages.append(("Review of the answers · " + chunk.split("\nItem: ", 1)[0]).splitlines())
    return pages


@pytest.mark.parametrize(("rows", "columns", "count"), [(24, 80, 9), (40, 120, 8)])
def test_review_pages_fit_the_screen_and_turn_with_the_keys(tmp_path, rows, columns, count):
    path = complete_copy(tmp_path)
    env = {"LINES": str(rows), "COLUMNS": str(columns)}
    result = run(["--resume", str(path)], ">\n" * count + "<\n3\n\n", env=env)
    assert result.exit_code == 0, result.output + result.stderr
    pages = review_pages(result.output)
    titles = [page[0] for page in pages]
    assert titles[0] == f"Review of the answers · Interview details · 1/{count}"
    assert titles[count - 1].endswith(f" · {count}/{count}")
    assert titles[count] == titles[count - 1]  # > on the last page stays there
    assert titles[count + 1].endswith(f" · {count - 1}/{count}")  # < turns back
    assert titles[count + 2] == f"Review of the answers · Team and clients · 4/{count}"  # a section's number
    for page in pages:
        assert len(page) + 2 <= rows  # with the error line and the prompt
        assert max(len(line) for line in page) < columns


def test_review_numbers_never_shift_when_an_edit_hides_questions(tmp_path):
    path = complete_copy(tmp_path)
    hours = ["4", "3", "5", "1", "2", "na"]
    result = run(["--resume", str(path)], "\n".join(["4", "4.1", "y", *hours, "4.8", ""]) + "\n",
                 env={"LINES": "40"})
    assert result.exit_code == 0, result.output + result.stderr
    before, after = review_pages(result.output)[1:3]
    assert "   4.8  By your estimate, what share of their working time do account managers" in before
    assert "   4.8  By your estimate, what share of their working time do account managers" in after
    assert "   4.2  According to the time study, how many hours a day does a typical" in after
    assert flat(result.output).count("(not asked given current answers; the report ignores it)") == 1
    assert "! Item 4.8 is not asked given the current answers: change the answer that hides it first." in flat(
        result.output)


def test_a_bad_item_number_stays_above_the_prompt(tmp_path):
    path = complete_copy(tmp_path)
    result = run(["--resume", str(path)], "9.9\nz\n\n")
    assert result.exit_code == 0, result.output + result.stderr
    assert len(review_pages(result.output)) == 1  # not reprinted over the message
    assert ('Item: 9.9 ! There is no item "9.9": type an item number (such as 1.1), a letter from a to e, '
            'or press Enter. Item: z ! There is no item "z"') in flat(result.output)


def test_review_takes_cyrillic_lookalike_letters_and_a_decimal_comma(tmp_path):
    path = complete_copy(tmp_path)
    result = run(["--resume", str(path)], "с\nRavi Raman\nе\n\n3,8\n170\n\n")  # Cyrillic с and е
    assert result.exit_code == 0, result.output + result.stderr
    answers = load_answers(path)
    assert answers.meta["consultant"] == "Ravi Raman"
    assert answers.values["active_clients"] == 170


def test_an_empty_optional_detail_is_left_out_of_the_review_and_its_letter_still_works(tmp_path):
    out = tmp_path / "mini.yaml"
    lines = ["Acme", "", "", "", "", "1", "4", "3", "ok", "c", "Priya", ""]
    result = run(["-o", str(out), "--lang", "en", "--questionnaire", MINI], "\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output + result.stderr
    first = review_pages(result.output)[0]
    assert not any("Consultant" in line for line in first)
    assert "     c  Consultant — Priya" in review_pages(result.output)[1]
    # the detail was empty: Enter skips it, there is no "—" to keep
    edit = result.output.split("Consultant", 2)[-1]
    assert 'keep "—"' not in result.output and "Enter = skip" in edit


def test_resume_hint_keeps_plain(tmp_path):
    out = tmp_path / "a.yaml"
    result = run(["-o", str(out), "--lang", "en", "--plain"], "Acme\n")
    assert f"Continue with: diagnose interview --resume {out} --lang en --plain" in result.stderr


def test_help_is_offered_only_where_a_question_has_some(tmp_path):
    out = tmp_path / "a.yaml"
    result = run(["-o", str(out), "--lang", "en"], "Acme\n\n\n\n\n2\n")
    stage = result.output.split("Company · 1/47")[1].split("Company · 2/47")[0]
    industry = flat(result.output.split("Company · 2/47")[1])
    assert "? = help, < = back" in stage
    assert "(the number of a choice; < = back, !text = consultant's note)" in industry and "? = help" not in industry


def test_plain_mode_wraps_at_word_boundaries(tmp_path):
    path = complete_copy(tmp_path)
    result = run(["--resume", str(path)], "3.9\nxx\n\n\n", env={"COLUMNS": "60"})
    assert result.exit_code == 0, result.output + result.stderr
    assert "How many orders from existing clients does the department\nprocess in an average month?\n" in result.output
    for line in result.output.splitlines():
        # the prompts with what was typed, and a line naming a path (kept whole, to be copied)
        if not line.startswith(("Item: ", "Answer: ")) and str(path) not in line:
            assert len(line) <= 59, line


def test_english_prompt_errors_say_what_to_type():
    """At the prompt the checker names choice numbers and "don't know", as the Russian
    interview does; a ticked list (no numbers on screen) names ticked choices."""
    from diagnose.method import load_method
    from diagnose.question_types import voice

    question = next(q for q in load_method(None).questionnaire.iter_questions() if q.id == "am_internal_stages")
    with voice("typed"):
        with pytest.raises(ValueError) as typed:
            question.parse(["x"], "en")
    with voice("picked"):
        expected = question.expected("en")
    assert str(typed.value).startswith(
        f'"x" is not a choice; expected numbers of choices from 1 to {len(question.choices)} separated by commas')
    assert expected.startswith("ticked choices")
    assert "purchasing" not in str(typed.value) and "purchasing" not in expected
    # files keep their ids
    with pytest.raises(ValueError) as in_file:
        question.parse(["x"], "en")
    assert "purchasing" in str(in_file.value)
