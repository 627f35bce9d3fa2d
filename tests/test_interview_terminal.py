"""The interview in a real terminal (pexpect): arrow keys, signals, and SIGKILL at random
points while a scripted interview runs."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sys
from pathlib import Path

import pytest

from diagnose.answers import load_answers
from diagnose.resources import examples_dir

pexpect = pytest.importorskip("pexpect")

FIXTURES = Path(__file__).parent / "fixtures" / "interview"
SCRIPT = (FIXTURES / "small-distributor.en.input").read_text(encoding="utf-8").splitlines()
DOWN = "\x1b[B"
TIMEOUT = 60  # seconds: generous, the suite may share a busy machine (two workers, other work)


def spawn(tmp_path: Path, *args: str, env: dict | None = None, dimensions: tuple[int, int] = (40, 120)):
    # pexpect does not answer cursor-position requests; without this prompt_toolkit waits for them
    environment = {**os.environ, "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1", **(env or {})}
    environment.pop("ACCESSIBLE", None)
    child = pexpect.spawn(
        sys.executable, ["-m", "diagnose", "interview", *args], cwd=str(tmp_path), env=environment,
        encoding="utf-8", timeout=TIMEOUT, dimensions=dimensions, echo=False,
    )
    child.delaybeforesend = None  # the default 50 ms per send would dominate the run
    return child


def answer_details(child) -> None:
    """Company, respondent, consultant, date, language in the questionary mode."""
    child.expect("Interview details · 1/5")
    child.expect("Answer")
    child.send("Acme Ltd\r")
    for number in range(2, 6):
        child.expect(f"Interview details · {number}/5")
        child.expect("Answer")
        child.send("\r")


def test_arrow_keys_select_a_choice(tmp_path):
    child = spawn(tmp_path, "-o", "a.yaml", "--lang", "en")
    answer_details(child)
    child.expect("Company · 1/47")
    child.expect("Restructuring")  # the list is drawn
    child.send(DOWN + DOWN)
    child.send("\r")
    child.expect("Company · 2/47")
    child.expect("Other")
    child.send("?")  # the ? key shows help where the question has some
    child.expect("This question has no help text.")
    child.expect("Company · 2/47")
    child.expect("Other")
    child.send("3")  # a digit moves to that choice
    child.send("\r")
    child.expect("Company · 3/47")
    child.expect("Both")
    child.send("<")  # back to the industry, the pointer on the answer given
    child.expect("Company · 2/47")
    child.expect("Other")
    child.send(DOWN + "\r")
    child.expect("Company · 3/47")
    child.expect("Both")
    child.sendcontrol("c")
    child.expect("diagnose interview --resume a.yaml")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    answers = load_answers(tmp_path / "a.yaml", require_complete=False)
    assert answers.meta["company"] == "Acme Ltd"
    assert answers.values == {"company_stage": "mature", "industry_type": "engineering_construction"}


def test_checkbox_for_several_choices(tmp_path):
    path = tmp_path / "a.yaml"
    text = (examples_dir() / "small-distributor.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("am_internal_stages: [shipping_logistics, invoicing_payments]", "am_internal_stages:"),
                    encoding="utf-8")
    assert "am_internal_stages:\n" in path.read_text(encoding="utf-8")
    child = spawn(tmp_path, "--resume", "a.yaml")
    child.expect("Which internal stages")
    child.expect("None")
    child.send(" " + DOWN + DOWN + " \r")  # tick the first and the third
    child.expect("Review of the answers")
    child.expect("Enter to finish")
    child.send("\r")
    child.expect("Answers saved to a.yaml")
    child.expect("PDF report now")
    child.send("n\r")  # a typed answer, as in --plain: the Russian one takes д/н
    child.expect("diagnose report a.yaml")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert load_answers(path).values["am_internal_stages"] == ["purchasing", "production_scheduling"]


def test_a_pasted_control_character_is_refused_and_the_prompt_stays(tmp_path):
    """Coloured text pasted from another terminal (bracketed paste keeps its ESC): the
    answer is refused in the file check's words, and the same prompt takes the next try."""
    child = spawn(tmp_path, "-o", "a.yaml", "--lang", "en")
    child.expect("Interview details · 1/5")
    child.expect("Answer")
    child.send("\x1b[200~Acme \x1b[31mLtd\x1b[201~")
    child.send("\r")
    child.expect("text holds the control character U\\+001B; expected printable text")
    child.send("\x15Acme Ltd\r")  # Ctrl-U clears the line
    child.expect("Interview details · 2/5")
    child.expect("Answer")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert load_answers(tmp_path / "a.yaml", require_complete=False).meta["company"] == "Acme Ltd"


STOP_SIGNALS = [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)]


@pytest.mark.parametrize(("signum", "code"), STOP_SIGNALS)
def test_signals_keep_the_answers_and_say_how_to_resume(tmp_path, signum, code):
    # at an arrow-key list: a SIGINT there once became a key the list ignores
    child = spawn(tmp_path, "-o", "a.yaml", "--lang", "en")
    answer_details(child)
    child.expect("Company · 1/47")
    child.expect("Restructuring")
    child.kill(signum)
    child.expect("The interview was interrupted.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == code
    assert load_answers(tmp_path / "a.yaml", require_complete=False).meta["company"] == "Acme Ltd"


@pytest.mark.parametrize(("signum", "code"), STOP_SIGNALS)
def test_signals_at_a_text_prompt_end_the_interview(tmp_path, signum, code):
    child = spawn(tmp_path, "-o", "a.yaml", "--lang", "en")
    child.expect("Interview details · 1/5")
    child.expect("Answer")
    child.send("Acme Ltd\r")
    child.expect("Interview details · 2/5")
    child.expect("Answer")
    child.kill(signum)
    child.expect("The interview was interrupted.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == code
    assert load_answers(tmp_path / "a.yaml", require_complete=False).meta["company"] == "Acme Ltd"


def test_sigkill_at_random_points_never_loses_a_given_answer(tmp_path):
    """Kill a scripted interview at seeded random points, sometimes while an answer is being
    saved, and resume it after each kill: the file is always valid and holds every answer
    given before the one being typed."""
    expected = load_answers(examples_dir() / "small-distributor.yaml")
    details = ("company", "respondent", "consultant", "date", "language")
    rng = random.Random(20261126)
    points = sorted(rng.sample(range(1, len(SCRIPT) - 2), 10))
    path = tmp_path / "a.yaml"
    on_disk = 0  # script lines whose answers the file holds
    for round_, kill_at in enumerate(points):
        racing = round_ % 2 == 1  # kill right after Enter, racing the save
        args = ("--resume", path.name) if path.exists() else ("-o", path.name)
        child = spawn(tmp_path, *args, "--lang", "en", "--plain")
        for line in SCRIPT[on_disk:kill_at]:
            child.expect("Answer: ")
            child.send(line + "\n")
        if not racing:
            child.expect("Answer: ")
            child.send("4")  # the next answer, half typed
        child.kill(signal.SIGKILL)
        child.close(force=True)
        answers = load_answers(path, require_complete=False)  # valid YAML, a valid answer file
        on_disk = sum(key in answers.meta for key in details) + len(answers.values)
        assert on_disk in ((kill_at - 1, kill_at) if racing else (kill_at,)), (kill_at, on_disk)
        for key, value in answers.values.items():
            assert value == expected.values[key], key
        for key in details:
            if key in answers.meta:
                assert answers.meta[key] == expected.meta[key], key
        if not racing:
            # no temporary file (one a racing kill left is removed when the next interview
            # takes the lock); the lock file may stay (the kernel released the lock with the
            # process, and the next interview takes the same file)
            assert not [p.name for p in tmp_path.iterdir()
                        if p.name.startswith(f".{path.name}.") and p.name != f".{path.name}.lock"]


def test_the_report_question_speaks_russian_and_takes_d_and_n(tmp_path):
    shutil.copy(FIXTURES / "complete.en.yaml", tmp_path / "a.yaml")
    child = spawn(tmp_path, "--resume", "a.yaml", "--lang", "ru")
    child.expect("Enter — завершить")
    child.send("\r")
    child.expect(r"Сделать PDF-отчёт сейчас\? \[Д/н\]")
    child.send("x\r")
    child.expect("! ответьте д \\(да\\) или н \\(нет\\); Enter — да")
    child.send("н\r")
    child.expect("Отчёт можно сделать командой: diagnose report a.yaml")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "(Y/n)" not in child.before and not (tmp_path / "a.pdf").exists()


def example_without(tmp_path: Path, *keys: str) -> Path:
    """small-distributor.yaml with the answers to `keys` blanked, as a.yaml."""
    text = (examples_dir() / "small-distributor.yaml").read_text(encoding="utf-8")
    lines = [f"  {line.split(':')[0].strip()}:" if line.strip().split(":")[0] in keys and line.startswith("  ")
             else line for line in text.splitlines()]
    path = tmp_path / "a.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_review_pages_in_an_80x24_window_keep_the_error_on_screen(tmp_path):
    shutil.copy(FIXTURES / "complete.en.yaml", tmp_path / "a.yaml")
    child = spawn(tmp_path, "--resume", "a.yaml", dimensions=(24, 80))
    child.expect("Review of the answers · Interview details · 1/8")
    child.expect("Item")
    child.send(">\r")
    child.expect("Review of the answers · Company · 2/8")
    child.expect("Item")
    child.send("9.9\r")
    # the page is drawn again on a cleared screen, the message under it, then the prompt
    child.expect("Review of the answers · Company · 2/8")
    child.expect('! There is no item "9.9"')
    child.expect("Item")
    child.send("с\r")  # a Cyrillic с: the consultant
    child.expect("Consultant")
    child.expect("Answer")
    child.send("\r")
    child.expect("Review of the answers · Interview details · 1/8")
    child.expect("Item")
    child.send("\r")
    child.expect("PDF report now")
    child.send("n\r")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_russian_lists_take_d_and_n_and_say_how_many_were_ticked(tmp_path):
    path = example_without(tmp_path, "time_study_done", "am_internal_stages")
    child = spawn(tmp_path, "--resume", "a.yaml", "--lang", "ru")
    child.expect("Делали ли вы фотографию рабочего дня КМ")
    child.expect("Назад")
    child.send("н")  # picks "нет" as typing it does in --plain
    child.expect("Закупка сырья или товара")
    child.expect("Ни через какие")
    child.send(" " + DOWN + DOWN + " \r")
    child.expect("выбрано: 2")
    child.expect("Проверка ответов")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert "done (" not in child.before
    answers = load_answers(path, require_complete=False)
    assert answers.values["time_study_done"] == "no"
    assert answers.values["am_internal_stages"] == ["purchasing", "production_scheduling"]


def test_a_list_taller_than_the_window_is_asked_as_numbered_text(tmp_path):
    path = example_without(tmp_path, "industry_type")
    child = spawn(tmp_path, "--resume", "a.yaml", dimensions=(9, 60))
    child.expect("Which industry is the company's main business in")
    child.expect("  7. Other")
    child.expect("Answer: ")
    child.send("9\r")
    child.expect("! ")
    child.expect("Answer: ")
    child.send("4\r")
    child.expect("Review of the answers")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert load_answers(path).values["industry_type"] == "engineering_construction"
