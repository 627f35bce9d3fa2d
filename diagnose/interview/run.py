"""`diagnose interview`: open or resume an answer file, run the loop, offer the report.

The answer file is written after every answer, so an interruption loses at most the
answer being typed. For the length of the interview the answer file is locked
(`diagnose.locks`): a second interview on the same file, from another terminal, is
refused with the first one's process id instead of each saving over the other's answers. Ctrl-C, SIGTERM, SIGHUP (a closed terminal) and the end of input all
end the loop the same way: the file on disk already holds everything answered, and the
person is told how to continue. A signal that arrives while the file is being written
waits until the write is finished.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from diagnose.answers import AnswerSet, answers_from_document
from diagnose.errors import Location, Problem, ProblemList, UserError
from diagnose.interview.background import INTERVIEW_SIGNALS
from diagnose.interview.prerender import Prerender, report_available, warm_report_import
from diagnose.interview.prompts import PlainFrontEnd, RichFrontEnd, _isatty
from diagnose.interview.review import PREVIOUS, navigate, normalise, page_of
from diagnose.interview.session import Session, new_answer_set
from diagnose.method import Method, load_method, report_file
from diagnose.questionnaire import Questionnaire
from diagnose.resources import questionnaire_path
from diagnose.texts import ui
from diagnose.yamlio import load_document

EXIT_INTERRUPTED = 130
EXIT_END_OF_INPUT = 1


class Interrupted(BaseException):
    """SIGTERM or SIGHUP arrived; like KeyboardInterrupt, it is not an error to catch."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


class SignalGuard:
    """Turns SIGINT/SIGTERM/SIGHUP into exceptions, but never in the middle of a save."""

    SIGNALS = INTERVIEW_SIGNALS

    def __init__(self) -> None:
        self.depth = 0
        self.pending: int | None = None
        self.previous: dict[int, Any] = {}
        self.mask_before: set[int] | None = None

    def install(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        for signum in self.SIGNALS:
            self.previous[signum] = signal.signal(signum, self._handle)
        if hasattr(signal, "pthread_sigmask"):
            # a mask is inherited through exec: a program that started us while holding
            # these signals back would leave Ctrl-C and SIGTERM pending for ever
            self.mask_before = signal.pthread_sigmask(signal.SIG_UNBLOCK, self.SIGNALS)

    def restore(self) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)
        self.previous.clear()
        if self.mask_before is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, self.mask_before)
            self.mask_before = None

    @staticmethod
    def _exception(signum: int) -> BaseException:
        return KeyboardInterrupt() if signum == signal.SIGINT else Interrupted(signum)

    def _handle(self, signum: int, frame: Any) -> None:
        # remembered even when raised at once: a handler that runs inside a finaliser
        # (garbage collection between two bytecodes) has its exception swallowed by
        # Python, and `checkpoint` then raises it before the next question
        self.pending = signum
        if self.depth:
            return
        exc = self._exception(signum)
        app = _running_prompt()
        if app is not None:
            # let prompt_toolkit leave the terminal as it found it, then raise
            with contextlib.suppress(Exception):
                app.exit(exception=exc)
                return
        raise exc

    def checkpoint(self) -> None:
        """Raise a signal whose exception was lost (see `_handle`); outside a save only."""
        if not self.depth and self.pending is not None:
            signum, self.pending = self.pending, None
            raise self._exception(signum)

    @contextlib.contextmanager
    def critical(self) -> Iterator[None]:
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1
            if not self.depth and self.pending is not None:
                signum, self.pending = self.pending, None
                raise self._exception(signum)


def _running_prompt() -> Any:
    if "prompt_toolkit" not in sys.modules:
        return None
    from prompt_toolkit.application.current import get_app_or_none

    app = get_app_or_none()
    return app if app is not None and app.is_running else None


# ── opening the file ─────────────────────────────────────────────────────────────────
def open_answers(
    output: Path | None, resume: Path | None, lang: str | None, method: Method
) -> tuple[AnswerSet, Path, str, bool]:
    """(answers, the file to save to, interview language, resumed?) or a UserError; the
    answers are of the method's questionnaire when one was given (--questionnaire)."""
    questionnaire = method.questionnaire if method.pinned else None
    if resume is not None:
        path = output or resume
        if output is not None and output.resolve() != resume.resolve() and output.exists():
            raise UserError(Problem(Location(str(output)), ui("iv_exists", lang or "ru", path=output)))
        if path.exists() and not path.is_file():
            # saved after every answer and read back: a device or a pipe cannot be that file
            raise UserError(Problem(Location(str(path)), ui("iv_not_a_file", lang or "ru")))
        answers = _load_for_resume(resume, questionnaire)
        lang = lang or answers.meta.get("language") or answers.questionnaire.languages[0]
        return answers, path, str(lang), True
    path = output or Path("answers.yaml")
    lang = lang or "ru"
    if path.exists():
        raise UserError(Problem(Location(str(path)), ui("iv_exists", lang, path=path)))
    if not path.parent.is_dir():
        raise UserError(Problem(Location(str(path)), "cannot write: the folder does not exist"))
    questionnaire = questionnaire or method.questionnaire
    return new_answer_set(questionnaire, path, lang), path, lang, False


def _load_for_resume(path: Path, questionnaire: Questionnaire | None) -> AnswerSet:
    """Load an answer file that may be unfinished; a blank company means "not asked yet"."""
    document = load_document(path)
    meta = document.data.get("meta") if isinstance(document.data, dict) else None
    blank_company = isinstance(meta, dict) and "company" in meta and not str(meta["company"] or "").strip()
    if blank_company:
        meta["company"] = "?"  # passes the check; asked again below
    problems = ProblemList()
    answers = answers_from_document(document, problems, questionnaire, require_complete=False)
    problems.raise_if_any()
    assert answers is not None
    if blank_company:
        meta["company"] = None
        answers.meta.pop("company", None)
    return answers


# ── the loop ─────────────────────────────────────────────────────────────────────────
def interview_loop(
    session: Session, front: Any, resumed: bool, on_complete: Callable[[], None] | None = None
) -> None:
    """Ask until the person finishes the review; every answer is saved as it is given.

    `on_complete` runs each time the review is shown and after every answer saved while
    the answers are complete (an edit made from the review), so a background render can
    follow the file."""
    lang = session.lang
    questionnaire = session.questionnaire
    front.intro(questionnaire.title.get(lang, questionnaire.id), questionnaire.intro.get(lang, ""))
    first = session.start()
    if resumed:
        if first is None:
            front.say(ui("iv_complete_reopened", lang))
        elif not first.is_meta:
            view = session.view()
            front.say(ui("iv_resuming", lang, number=view.number, total=view.total))
    page, error = 0, None
    while True:
        session.checkpoint()
        if session.current is None:
            if on_complete is not None and not session.missing():
                on_complete()
            sections = session.review()
            pages = front.pages(sections)
            page = min(page, len(pages) - 1)
            choice = front.review(sections, pages, page, error)
            error = None
            if choice is None:
                raise EOFError
            goto = navigate(choice, pages, sections, page)
            if goto is not None:
                page = goto.page
                continue
            if normalise(choice) in PREVIOUS:  # on the first page: back to the last question
                session.back()
                continue
            target = session.choose(choice)
            if target is None:
                missing = session.missing()
                if not missing:
                    return
                item = missing[0]
                front.error(ui("iv_review_missing", lang, number=item.label, text=item.text))
                session.edit(item.step)
                continue
            if isinstance(target, str):
                error = target
                continue
            page = page_of(pages, sections, normalise(choice))
            session.edit(target)
            continue
        view = session.view()
        reply = front.ask(view)
        if reply.kind == "help":
            front.help(view)
            continue
        if reply.kind == "back":
            if not session.back():
                front.say(ui("iv_at_first", lang))
            continue
        if reply.kind == "note":
            try:
                front.noted(view, session.note(reply.value))
            except ValueError as exc:
                front.error(str(exc))
            continue
        edited = session.editing and view.step.key == session.edit_target
        error = session.submit(reply.value, reply.typed)
        if error is not None:
            front.error(error)
            continue
        for notice in session.notices:
            front.error(notice)
        if on_complete is not None and not session.missing():
            on_complete()
        if edited and session.editing and session.current is not None:
            pending = [s for s in session.shown_questions() if session.pending(s)]
            front.say(ui("iv_newly_relevant", lang, count=len(pending)))


def offer_report(session: Session, front: Any, prerender: Prerender | None = None,
                 method: Method | None = None) -> None:
    """Offer the PDF when the report module is installed; otherwise say how to make it.
    The report is made with the session's method (default: its questionnaire and the
    rulebook bundled beside it)."""
    lang, path = session.lang, session.path
    method = method or load_method(session.questionnaire)
    later = ui("iv_report_later", lang, path=path)
    if not report_available():
        front.say(later)
        return
    try:
        wanted = front.confirm(ui("iv_offer_report", lang))
    except EOFError:
        wanted = False
    if not wanted:
        front.say(later)
        return
    pdf = path.with_suffix(".pdf")
    front.say(ui("iv_report_making", lang))
    try:
        if prerender is None or not prerender.take(pdf, session.checkpoint):
            # the report's own language default: the one in the file, as `diagnose report` does
            report_file(method, path, pdf)
    except UserError as exc:
        for problem in exc.problems:
            front.error(str(problem))
        front.say(later)
        return
    except Exception as exc:  # the answers are safe on disk; the report can be retried
        front.error(ui("iv_report_failed", lang, reason=f"{type(exc).__name__}: {exc}"))
        front.say(later)
        return
    front.say(ui("iv_report_written", lang, path=pdf))


def use_plain(plain: bool) -> bool:
    if plain or os.environ.get("ACCESSIBLE") or os.environ.get("TERM") == "dumb":
        return True
    return not (_isatty(sys.stdin) and _isatty(sys.stdout))


def lock_answers(path: Path, lang: str) -> Any:
    """The answer file's lock, held until the interview ends; UserError (exit 2) naming the
    other interview's process if it is open there."""
    from diagnose.locks import Busy, Lock, beside
    from diagnose.outputs import remove_leftovers

    try:
        lock = Lock(beside(path)).acquire()
    except Busy as busy:
        raise UserError(Problem(Location(str(path)), ui("iv_locked", lang, pid=busy.pid or "?"))) from None
    # a save cut short by SIGKILL or a power cut leaves its temporary file: with the lock
    # held no other interview is writing, so it can go
    remove_leftovers(path)
    return lock


def run_interview(
    output: Path | None = None,
    resume: Path | None = None,
    lang: str | None = None,
    questionnaire_file: Path | None = None,
    plain: bool = False,
) -> int:
    """Run the interview; return the exit code (0, 130 interrupted, 1 end of input)."""
    lock = lock_answers(output or resume or Path("answers.yaml"), lang or "ru")
    try:
        return _run_interview(output, resume, lang, questionnaire_file, plain)
    finally:
        lock.release()


def _run_interview(output: Path | None, resume: Path | None, lang: str | None, questionnaire_file: Path | None,
                   plain: bool) -> int:
    method = load_method(questionnaire_file)
    answers, path, lang, resumed = open_answers(output, resume, lang, method)
    method = method.for_questionnaire(answers.questionnaire)  # the report's, as the session's
    session = Session(answers, path, lang)
    guard = SignalGuard()
    session.critical = guard.critical
    session.checkpoint = guard.checkpoint
    prerender: Prerender | None = None
    front: Any = PlainFrontEnd(lang) if use_plain(plain) else RichFrontEnd(lang, session.preview)
    front.checkpoint = guard.checkpoint
    if warm_report_import() is not None:
        prerender = Prerender(path, lambda answers_path, pdf: report_file(method, answers_path, pdf))
    guard.install()
    try:
        try:
            interview_loop(session, front, resumed, prerender.start if prerender else None)
        except (KeyboardInterrupt, Interrupted, EOFError) as exc:
            return _stopped(session, exc, plain)
        front.say(ui("iv_saved", lang, path=path))
        offer_report(session, front, prerender, method)
    except (KeyboardInterrupt, Interrupted, EOFError):
        return EXIT_INTERRUPTED  # at the report offer: every answer is already saved
    finally:
        guard.restore()
        if prerender is not None:
            prerender.close()
    return 0


def resume_command(session: Session, plain: bool = False) -> str:
    """The command that continues this interview; it names the language until the file
    does, and keeps `--plain` (a screen reader's user wants it again)."""
    command = f"diagnose interview --resume {session.path}"
    if session.answers.meta.get("language") != session.lang:
        command += f" --lang {session.lang}"
    if session.questionnaire.path != str(questionnaire_path(session.questionnaire.id)):
        command += f" --questionnaire {session.questionnaire.path}"
    if plain:
        command += " --plain"
    return command


def _stopped(session: Session, exc: BaseException, plain: bool = False) -> int:
    """Say what is on disk and how to continue; the exit code for how it stopped."""
    lang = session.lang
    lines = [ui("iv_end_of_input" if isinstance(exc, EOFError) else "iv_interrupted", lang)]
    if session.has_answers():
        lines.append(ui("iv_resume_hint", lang, path=session.path, command=resume_command(session, plain)))
    else:
        lines.append(ui("iv_nothing_saved", lang))
    with contextlib.suppress(OSError, ValueError):  # the terminal may be gone (SIGHUP)
        click.echo("\n" + "\n".join(lines), err=True)
    if isinstance(exc, Interrupted):
        return 128 + exc.signum
    return EXIT_END_OF_INPUT if isinstance(exc, EOFError) else EXIT_INTERRUPTED
