"""Terminal front ends for the interview loop.

`PlainFrontEnd` prints numbered choices and reads whole lines: it works with piped
input, under click's CliRunner and with screen readers (no cursor movement, no colour).
`RichFrontEnd` uses questionary: arrow keys and a digit for a choice, a checkbox list for
several, inline error messages. Both return a `Reply`; the session checks it, so the
two front ends accept the same answers and show the same messages.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import click

from diagnose.interview.notes import NOTE, is_note, note_text
from diagnose.interview.review import Page, page_lines, paginate, wrapped
from diagnose.interview.session import ReviewSection, View
from diagnose.interview.stdin_lines import StdinLines
from diagnose.question_types import YES_NO, interface_words
from diagnose.questionnaire import format_number
from diagnose.texts import ui
from diagnose.yamlio import BAD_CHARACTER

BACK = "<"
HELP = "?"


@dataclass
class Reply:
    """What the person did: answered (`value`), asked for help, or went back."""

    kind: str  # "answer" | "help" | "back" | "note" (the consultant's note: `value` is its text)
    value: Any = None
    typed: bool = True


def classify(text: str) -> Reply:
    stripped = text.strip()
    if stripped == BACK:
        return Reply("back")
    if stripped == HELP:
        return Reply("help")
    if is_note(stripped):
        return Reply("note", note_text(stripped))
    return Reply("answer", text)


# ── texts shared by both front ends ──────────────────────────────────────────────────
def details(view: View) -> list[str]:
    """Lines under a question's text: scale ends, range and unit (not the choices)."""
    return view.question.kind.details(view.question, view.lang)


def special_hints(view: View) -> list[str]:
    return [
        ui("iv_hint_special", view.lang, shortcut=ui(f"iv_{state}_key", view.lang), word=ui(state, view.lang))
        for state in view.question.special_answers()
    ]


def enter_hint(view: View) -> str:
    if view.current is not None and view.current != "":  # an empty detail has nothing to keep
        return ui("iv_hint_enter_keep", view.lang, value=view.shown(view.current))
    if view.default is not None:
        return ui("iv_hint_enter", view.lang, value=view.shown(view.default))
    if not view.question.required:
        return ui("iv_hint_enter_skip", view.lang)
    return ""


def has_help(view: View) -> bool:
    return bool(view.question.help.get(view.lang))


def keys_hint(view: View) -> str:
    """"? = help, < = back", or only "< = back" where the question has no help."""
    return ui("iv_hint_keys" if has_help(view) else "iv_hint_back", view.lang)


def help_text(view: View) -> str:
    return view.question.help.get(view.lang) or ui("iv_no_help", view.lang)


def header(view: View) -> str:
    return f"{view.section} · {view.number}/{view.total}"


def wrap_line(line: str, width: int) -> str:
    """One line wrapped at spaces; continuation lines indented under the text after a
    leading "1.", "!", "*" or "(", so a list stays readable. A line holding a word wider
    than half the screen (a path, so a command naming it) is left whole, to be copied."""
    if len(line) <= width or any(len(word) > width // 2 for word in line.split()):
        return line
    lead = re.match(r"\s*(?:\d+\.\s|[!*(]\s?)?\s*", line)
    indent = " " * min(len(lead.group()) if lead else 0, width // 2)
    return "\n".join(textwrap.wrap(line, width, subsequent_indent=indent, break_on_hyphens=False,
                                   break_long_words=False)) or line


def screen_width() -> int:
    """The width lines are wrapped or cut to: the terminal's, within 40 to 120 columns."""
    return max(40, min(shutil.get_terminal_size((80, 24)).columns, 120) - 1)


# ── plain numbered front end ─────────────────────────────────────────────────────────
class PlainFrontEnd:
    """Numbered text prompts, one line in and plain lines out."""

    def __init__(self, lang: str):
        self.lang = lang
        self.echo_input = not _isatty(sys.stdin)
        # bytes that are not UTF-8 arrive as lone surrogates (as prompt_toolkit reads them)
        # for Question.parse to refuse, instead of a UnicodeDecodeError under a strict locale
        with contextlib.suppress(AttributeError, ValueError, OSError):
            sys.stdin.reconfigure(errors="surrogateescape")
        # after help or an error the same question is asked again without repeating it
        self.brief_for: str | None = None
        # raises a signal whose exception was swallowed (`run.SignalGuard.checkpoint`)
        self.checkpoint: Callable[[], None] = lambda: None
        self.lines: StdinLines | None = None

    def say(self, text: str = "") -> None:
        """Print text wrapped at word boundaries to the screen's width (a word, a path
        or a number is never split at the edge)."""
        click.echo("\n".join(wrap_line(line, screen_width()) for line in text.split("\n")))

    def error(self, text: str) -> None:
        self.say(f"! {text}")
        self.brief_for = self.last_key

    last_key: str | None = None

    def read(self, prompt: str) -> str:
        click.echo(prompt, nl=False)
        sys.stdout.flush()
        if self.lines is None or self.lines.stream is not sys.stdin:
            # one reader for the whole interview: it keeps lines piped in ahead of time
            self.lines = StdinLines(sys.stdin, lambda: self.checkpoint())
        line = self.lines.readline()
        if not line:
            click.echo()
            raise EOFError
        line = line.rstrip("\r\n")
        if self.echo_input:
            # keep a transcript readable when input is piped; a control character or a
            # byte that is not UTF-8 is shown as '�' (the answer itself is refused)
            click.echo(BAD_CHARACTER.sub("\ufffd", line))
        return line

    def intro(self, title: str, text: str) -> None:
        self.say(title)
        if text:
            self.say(text)
        self.say(ui("iv_intro_keys", self.lang))

    def ask(self, view: View) -> Reply:
        question, lang = view.question, view.lang
        brief = self.brief_for == view.step.key
        self.brief_for, self.last_key = None, view.step.key
        if not brief:
            self.say()
            self.say(header(view))
            self.say(question.text.get(lang, question.id))
            for line in details(view):
                self.say(f"  {line}")
        hints = []
        kind = question.kind
        if kind.has_choices and not brief:
            for number, choice in enumerate(question.choices, 1):
                self.say(f"  {number}. {choice.text.get(lang, choice.id)}")
        if kind.hint_key:
            hints.append(ui(kind.hint_key, lang))
        hints += special_hints(view)
        hints.append(keys_hint(view))
        enter = enter_hint(view)
        if enter:
            hints.append(enter)
        self.say(f"({'; '.join(hints)})")
        return classify(self.read(f"{ui('iv_answer_prompt', lang)}: "))

    def help(self, view: View) -> None:
        self.say(f"{ui('help', view.lang)}: {help_text(view)}")
        self.brief_for = view.step.key

    def pages(self, sections: list[ReviewSection]) -> list[Page]:
        rows, width = shutil.get_terminal_size((80, 24)).lines, screen_width()
        return paginate(sections, rows, lambda item: len(wrapped(item, self.lang, width)))

    def review(self, sections: list[ReviewSection], pages: list[Page], page: int, error: str | None = None) -> str:
        if error is None:
            self.say()
            width = screen_width()
            for _style, line in page_lines(sections, pages, page, self.lang, width, wrap_at=width):
                self.say(line)
            self.say(ui("iv_review_prompt", self.lang))
        else:  # right above the prompt, not scrolled away by a reprint of the page
            self.error(error)
        return self.read(f"{ui('iv_review_ask', self.lang)}: ")
    def noted(self, view: View, text: str) -> None:
        """The note was saved: say so, and ask the same question again briefly."""
        self.say(text)
        self.brief_for = view.step.key


    def confirm(self, text: str) -> bool:
        while True:
            answer = yes_or_no(self.read(f"{text} {ui('iv_yes_no_suffix', self.lang)}: "))
            if answer is not None:
                return answer
            self.error(ui("iv_hint_confirm", self.lang))


def yes_or_no(reply: str) -> bool | None:
    """A typed reply to a [Y/n] question: Enter is yes; the yes/no shorthand of the
    questionnaire's yesno type in any language (y, yes, д, да, 1 …); None if it is neither."""
    reply = reply.strip().lower()
    if not reply:
        return True
    from diagnose.interview.typed import typed_to_raw
    from diagnose.questionnaire import Question

    raw = typed_to_raw(Question("confirm", "yesno", {}, ""), reply)
    return raw == "yes" if raw in ("yes", "no") else None


def ask_now(question: Any) -> Any:
    """Ask a questionary question, leaving SIGINT to the interview's own handler.

    By default prompt_toolkit turns a SIGINT that arrives while a prompt runs into a
    `<sigint>` key, which questionary's lists and yes/no prompts do not bind: a
    `kill -INT`, or a Ctrl-C typed in the instant before the prompt puts the terminal
    into raw mode, was dropped and the interview went on waiting. Left to
    `run.SignalGuard`, the signal ends the prompt and the interview as Ctrl-C does (a
    Ctrl-C typed into a running prompt is a key, which questionary handles itself)."""
    return question.application.run(handle_sigint=False)


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


# ── questionary front end ────────────────────────────────────────────────────────────
class RichFrontEnd:
    """Arrow keys, digits and checkboxes, through questionary (prompt_toolkit)."""

    def __init__(self, lang: str, check: Callable[[Any, bool], str | None]):
        import questionary

        self.q = questionary
        self.lang = lang
        self.check = check  # session.preview: the message an answer would get, or None
        self.plain = PlainFrontEnd(lang)  # for a list that does not fit the window
        self.fell_back = False  # the last question was asked by `plain`
        self.style = questionary.Style([
            ("qmark", "fg:ansicyan bold"),
            ("question", "bold"),
            ("answer", "fg:ansigreen bold"),
            ("pointer", "fg:ansicyan bold"),
            ("highlighted", "fg:ansicyan bold"),
            ("selected", "fg:ansigreen"),
            ("instruction", "fg:ansibrightblack"),
            ("separator", "fg:ansibrightblack"),
        ])

    def say(self, text: str = "", style: str = "") -> None:
        self.q.print(text, style=style or None)

    def wrapped(self, text: str, style: str = "", indent: str = "") -> None:
        """Print a paragraph wrapped at word boundaries to the terminal's width."""
        width = max(40, min(shutil.get_terminal_size((100, 24)).columns, 100) - 1)
        for paragraph in text.splitlines() or [""]:
            self.say(textwrap.fill(paragraph, width, initial_indent=indent, subsequent_indent=indent) or "", style)

    def error(self, text: str) -> None:
        self.wrapped(f"! {text}", "fg:ansired")
        if self.fell_back:  # asked again under the message, not repeated above it
            self.plain.brief_for = self.plain.last_key

    def intro(self, title: str, text: str) -> None:
        self.say(title, "bold")
        if text:
            self.wrapped(text)
        self.wrapped(ui("iv_intro_keys", self.lang), "fg:ansibrightblack")

    def _header(self, view: View, hints: list[str]) -> None:
        self.say()
        self.say(header(view), "fg:ansicyan")
        self.wrapped(view.question.text.get(view.lang, view.question.id), "bold")
        for line in details(view) + (["; ".join(hints)] if hints else []):
            self.wrapped(line, "fg:ansibrightblack", "  ")

    def ask(self, view: View) -> Reply:
        widget = view.question.kind.widget
        if widget != "text" and not self._list_fits(view):
            # a list taller than the window is redrawn over itself by prompt_toolkit and
            # garbles; numbered plain input reads the same in any window
            self.fell_back = True
            return self.plain.ask(view)
        self.fell_back = False
        if widget == "select":
            self._header(view, [])
            return self._select(view)
        if widget == "checkbox":
            self._header(view, [])
            return self._checkbox(view)
        hints = special_hints(view) + [keys_hint(view)]
        enter = enter_hint(view) if view.current is None and view.default is None else ""
        self._header(view, hints + ([enter] if enter else []))
        return self._text(view)

    def _list_fits(self, view: View) -> bool:
        """Whether the question, its list and the answer line fit the window's height."""
        size = shutil.get_terminal_size((100, 24))
        width = screen_width()
        text = view.question.text.get(view.lang, view.question.id)
        heading = 2 + len(textwrap.wrap(text, width) or [""]) + len(details(view))
        entries = len(view.question.kind.options(view.question, view.lang)) + len(view.question.special_answers()) + 3
        return heading + entries + 2 <= size.lines

    def _extras(self, view: View) -> list:
        q = self.q
        items: list = [q.Separator(" ")]
        items += [q.Choice(ui(state, view.lang), value=state) for state in view.question.special_answers()]
        if has_help(view):
            items.append(_key_choice(ui("iv_help_item", view.lang), HELP))
        items.append(_key_choice(ui("iv_back", view.lang), BACK))
        items.append(_key_choice(ui("iv_note_item", view.lang), NOTE))
        return items

    def _bind_keys(self, prompt: Any, exit_with: Callable[[str], Any], letters: dict[str, str] | None = None) -> None:
        """`?`, `<` and `!` work in lists as they do in text answers; each of `letters`
        (y, д …) picks its value, as typing it does at the plain prompt."""
        from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
        from questionary.prompts.common import InquirerControl

        app = prompt.application
        control = next((c for c in app.layout.find_all_controls() if isinstance(c, InquirerControl)), None)

        def leave(event: Any, key: str) -> None:
            # in a single-choice list, point at the entry and show it as the answer, so
            # the line left on screen reads "Answer Help" rather than the instructions
            if control is not None:
                values = [getattr(c, "value", None) for c in control.choices]
                if key in values:  # lists of several choices have no such entry
                    control.pointed_at = values.index(key)
                    control.is_answered = True
            event.app.exit(result=exit_with(key))

        extra = KeyBindings()
        for key in (HELP, BACK, NOTE):
            extra.add(key, eager=True)(lambda event, key=key: leave(event, key))
        for letter, value in (letters or {}).items():
            for typed in {letter, letter.upper()}:
                extra.add(typed, eager=True)(lambda event, value=value: leave(event, value))
        app.key_bindings = merge_key_bindings([app.key_bindings, extra]) if app.key_bindings else extra

    def _select(self, view: View) -> Reply:
        q, question, lang = self.q, view.question, view.lang
        options = question.kind.options(question, lang)
        choices = [q.Choice(title, value=value) for value, title in options] + self._extras(view)
        preset = view.current if view.current is not None else view.default
        preset = getattr(preset, "state", preset)
        hint = "; ".join([ui("iv_tty_single", lang), keys_hint(view)])
        prompt = q.select(
            ui("iv_answer_prompt", lang), choices=choices, default=preset if preset is not None else None,
            use_shortcuts=True, use_jk_keys=False, instruction=f"({hint})", qmark="?", style=self.style,
        )
        values = {value for value, _title in options}
        letters = {word: answer for answer in YES_NO if answer in values
                   for word in interface_words(f"iv_{answer}_keys") if len(word) == 1 and not word.isdigit()}
        self._bind_keys(prompt, lambda key: key, letters)
        value = ask_now(prompt)
        if value == NOTE:
            return self._note(view)
        if value in (HELP, BACK):
            return Reply("help" if value == HELP else "back")
        return Reply("answer", value, typed=False)

    def _note(self, view: View) -> Reply:
        """`!` in a list: the note is typed on a line of its own."""
        text = ask_now(self.q.text(ui("iv_note_prompt", view.lang, section=view.note_section), qmark=NOTE, style=self.style))
        return Reply("note", (text or "").strip())

    def _checkbox(self, view: View) -> Reply:
        q, question, lang = self.q, view.question, view.lang
        current = view.current if view.current is not None else view.default
        ticked = set(current) if isinstance(current, list) else {getattr(current, "state", None)}
        choices = [q.Choice(c.text.get(lang, c.id), value=c.id, checked=c.id in ticked) for c in question.choices]
        # help and back are the ? and < keys here: a tickable "Back" would only confuse
        specials = question.special_answers()
        extras = [q.Separator(" ")] + [q.Choice(ui(s, lang), value=s, checked=s in ticked) for s in specials] if specials else []
        hint = "; ".join([ui("iv_tty_multi", lang), keys_hint(view)])

        def validate(selected: list) -> bool | str:
            reply = self._checkbox_reply(selected)
            if reply.kind != "answer":
                return True
            return self._inline(self.check(reply.value, False))

        prompt = q.checkbox(
            ui("iv_answer_prompt", lang), choices=choices + extras, validate=validate,
            instruction=f"({hint})", qmark="?", style=self.style, use_jk_keys=False,
        )
        self._bind_keys(prompt, lambda key: [key])
        self._localise_answer_line(prompt, choices + extras)
        selected = ask_now(prompt)
        if NOTE in selected:
            return self._note(view)
        return self._checkbox_reply(selected)

    def _localise_answer_line(self, prompt: Any, choices: list) -> None:
        """The line a ticked list leaves on screen, in the interview's language: questionary
        writes "done (3 selections)" in English whatever the language."""
        from prompt_toolkit.layout.controls import FormattedTextControl
        from prompt_toolkit.shortcuts import PromptSession
        from questionary.prompts.common import InquirerControl

        controls = list(prompt.application.layout.find_all_controls())
        ic = next((c for c in controls if isinstance(c, InquirerControl)), None)
        # the answer line is the message of the PromptSession inside questionary's layout,
        # reachable through the closure of the control that draws the prompt
        session = None
        for control in controls:
            text = getattr(control, "text", None) if isinstance(control, FormattedTextControl) else None
            for cell in getattr(text, "__closure__", None) or ():
                owner = getattr(cell.cell_contents, "__self__", None)
                # the question's session, not the one of the error toolbar
                if isinstance(owner, PromptSession) and getattr(owner.message, "__name__", "") == "get_prompt_tokens":
                    session = owner
        if ic is None or session is None:
            return
        original = session.message
        titles = {getattr(c, "value", None): getattr(c, "title", "") for c in choices}

        def tokens() -> Any:
            shown = original()
            if not ic.is_answered:
                return shown
            count = len(ic.selected_options)
            if count == 1:
                answer = f"[{titles.get(ic.get_selected_values()[0].value, '')}]"
            else:
                answer = ui("iv_tty_done", self.lang, count=count) if count else ui("iv_tty_done_none", self.lang)
            return [token for token in shown if token[0] != "class:answer"] + [("class:answer", answer)]

        session.message = tokens

    @staticmethod
    def _inline(message: str | None) -> bool | str:
        """A message short enough for the one-line toolbar is shown there while typing;
        a longer one would be cut, so the answer goes through and the loop prints it whole."""
        if message is None:
            return True
        width = shutil.get_terminal_size((100, 24)).columns
        return f"! {message}" if len(message) < width - 3 else True

    def _checkbox_reply(self, selected: list) -> Reply:
        if HELP in selected:
            return Reply("help")
        if BACK in selected:
            return Reply("back")
        specials = [s for s in selected if s in ("dont_know", "not_applicable")]
        if specials and len(selected) > 1:
            return Reply("answer", selected, typed=False)  # parse names the problem
        if specials:
            return Reply("answer", specials[0], typed=False)
        return Reply("answer", list(selected), typed=False)

    def _text(self, view: View) -> Reply:
        q, lang = self.q, view.lang
        shown = view.current if view.current is not None else view.default
        if shown is None:
            prefill = ""
        elif hasattr(shown, "state"):
            prefill = ui(f"iv_{shown.state}_key", lang)
        else:
            prefill = str(shown) if view.step.is_meta else _plain(shown)

        def validate(text: str) -> bool | str:
            reply = classify(text)
            if reply.kind != "answer":
                return True
            return self._inline(self.check(text, True))

        prompt = q.text(ui("iv_answer_prompt", lang), default=prefill, validate=validate, qmark="?", style=self.style)
        return classify(ask_now(prompt))

    def help(self, view: View) -> None:
        self.wrapped(f"{ui('help', view.lang)}: {help_text(view)}", "fg:ansiyellow")
        if self.fell_back:
            self.plain.brief_for = view.step.key

    def pages(self, sections: list[ReviewSection]) -> list[Page]:
        return paginate(sections, shutil.get_terminal_size((100, 24)).lines)

    def review(self, sections: list[ReviewSection], pages: list[Page], page: int, error: str | None = None) -> str:
        """One page on a cleared screen, the error (if any) under it, then the prompt."""
        from prompt_toolkit.shortcuts import clear

        styles = {"title": "bold", "item": "", "hidden": "fg:ansibrightblack", "missing": "fg:ansired",
                  "hint": "fg:ansibrightblack"}
        clear()
        for style, line in page_lines(sections, pages, page, self.lang, screen_width()):
            if style == "hint":
                self.wrapped(line, styles[style])
            else:
                self.say(line, styles[style])
        self.wrapped(ui("iv_review_prompt", self.lang))
        if error is not None:
            self.error(error)
        return ask_now(self.q.text(ui("iv_review_ask", self.lang), qmark="?", style=self.style))
    def noted(self, view: View, text: str) -> None:
        self.wrapped(text, "fg:ansigreen")


    def confirm(self, text: str) -> bool:
        # a text prompt, not questionary's confirm: that one shows "(Y/n)" and "Yes" in English
        # and takes only y/n, where a Russian interview shows [Д/н] and takes д/н, да/нет
        prompt = f"{text} {ui('iv_yes_no_suffix', self.lang)}"
        while True:
            answer = yes_or_no(ask_now(self.q.text(prompt, qmark="?", style=self.style)))
            if answer is not None:
                return answer
            self.error(ui("iv_hint_confirm", self.lang))


def _key_choice(title: str, key: str) -> Any:
    """A list entry labelled with its key ("?) Help"); `_bind_keys` makes the key work."""
    from questionary import Choice

    class KeyChoice(Choice):
        def get_shortcut_title(self) -> str:
            return f"{key}) "

    return KeyChoice(title, value=key, shortcut_key=False)


def _plain(value: Any) -> str:
    """A number or text as it would be typed (no unit, no thousands separator)."""
    return format_number(value) if isinstance(value, (int, float)) else str(value)
