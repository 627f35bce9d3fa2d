"""Question types: one class per `type:` a questionnaire may give a question.

A type knows, for the questions of its kind: the extra keys a questionnaire may give
them and how they are read (`read`), what a valid answer looks like (`expected`) and
how a raw answer is checked (`parse`), how a value reads to a person (`display`), the
interview's widget (`widget`, `options`, `hint_key`, `details`) and the shorthand
typed at its prompt (`typed`), its lines in the blank template (`template_lines`) and
in the printable questionnaire (`paper_lines`), the reading of a CSV cell (`cell`) and
the XLSForm row type (`xlsform_type`), and the JSON Schema of an answer in an answer file
(`json_schema`, for editors: diagnose/schemas/answers_schema.py).

The rest of the code asks `question.kind` and never branches on a type's name, so a
new type is one class here with `@register`, its words in locale/checks.yaml and
locale/ui.yaml, and tests. The registry's order is the order the loader's
"expected one of" lists the types in.
"""

from __future__ import annotations

import contextlib
import re
import textwrap
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from diagnose.errors import one_of
from diagnose.locale import LANGUAGES, locale
from diagnose.schema import Checker, describe
from diagnose.texts import catalogue, lookup, ui
from diagnose.yamlio import is_number, layout_character

if TYPE_CHECKING:
    from diagnose.questionnaire import Question

SPECIAL_ANSWERS_NAMES = ("dont_know", "not_applicable")
YES_NO = ("yes", "no")
LANGS = LANGUAGES  # the languages whose interface words the prompt accepts


@dataclass(frozen=True)
class Choice:
    id: str
    text: dict[str, str]


# Who reads the checker's messages: a file ("file", choices named by id), a person typing
# at the plain prompt ("typed": choice numbers, "don't know" spelled out) or ticking a
# list ("picked": no numbers, the list shows none). checks.yaml's `KEY_typed` and
# `KEY_picked` entries replace `KEY` for the last two where their wording differs.
VOICE: ContextVar[str] = ContextVar("VOICE", default="file")


@contextlib.contextmanager
def voice(name: str) -> Iterator[None]:
    """Give the checker's messages in `name`'s words ("file", "typed" or "picked")."""
    token = VOICE.set(name)
    try:
        yield
    finally:
        VOICE.reset(token)


def at_prompt() -> bool:
    return VOICE.get() != "file"


def say(key: str, lang: str, **fields: object) -> str:
    """A message of the answer checker (locale/checks.yaml) in `lang`, in the present voice."""
    name = VOICE.get()
    if name != "file":
        entries = catalogue("checks")
        for variant in (f"{key}_{name}", f"{key}_typed"):
            if variant in entries:
                key = variant
                break
    return lookup("checks", key, lang, **fields)


def format_number(value: Any, lang: str = "en") -> str:
    """A number as a message shows it: `Locale.exact` (no needless '.0'; a decimal comma in Russian)."""
    return locale(lang).exact(value)


def interface_words(key: str) -> set[str]:
    """Every spelling of an interface word, in all languages, lower-cased."""
    words: set[str] = set()
    for lang in LANGS:
        words.update(w.strip().lower() for w in ui(key, lang).split(","))
    return {w for w in words if w}


def wrap(text: str, width: int, **options: str) -> list[str]:
    """Wrap at spaces only: never split "из-за" or a choice id at its hyphen or underscore."""
    return textwrap.wrap(text, width, break_on_hyphens=False, break_long_words=False, **options)


class CellReading(Protocol):
    """What the CSV reader (batch/tables.py) lends a type to read a cell."""

    def choice_id(self, question: Question, cell: str) -> str:
        """The choice a cell names by id or by text in any language, else the cell."""
        ...  # pragma: no cover

    def without_unit(self, text: str, units: list[str]) -> str:
        """'12 h/day' -> '12' when the suffix is one of `units`, else the text."""
        ...  # pragma: no cover

    def known(self, question: Question, text: str) -> str | None:
        """The choice a text names by id or by text in any language, or None."""
        ...  # pragma: no cover


def wrong(question: Question, raw: Any, lang: str) -> ValueError:
    """"expected …, got …" for an answer of the wrong shape."""
    got = describe(raw) if (lang == "en" and not at_prompt()) or not isinstance(raw, str) else say("quoted", lang, text=raw)
    return ValueError(say("expected_got", lang, expected=question.expected(lang), got=got))


class QuestionType:
    """The behaviour shared by all types; each subclass overrides what differs."""

    name: ClassVar[str]
    keys: ClassVar[tuple[str, ...]] = ()  # the type's own keys, besides the common ones
    widget: ClassVar[str] = "text"  # the interview's widget: "select", "checkbox" or "text"
    has_choices: ClassVar[bool] = False  # lists choices of its own (numbered at the prompt)
    hint_key: ClassVar[str | None] = None  # the plain prompt's hint (locale/ui.yaml)
    xlsform: ClassVar[str] = "text"

    def read(self, check: Checker, raw: Any, path: str, languages: list[str], question: Question) -> None:
        """Read the type's own keys from the questionnaire into `question`."""

    def choice_ids(self, question: Question) -> tuple[str, ...]:
        return tuple(c.id for c in question.choices)

    def bounds(self, question: Question) -> tuple[float | None, float | None]:
        return question.min, question.max

    def expected(self, question: Question, lang: str, extra: str) -> str:
        raise NotImplementedError

    def parse(self, question: Question, raw: Any, lang: str) -> Any:
        raise NotImplementedError

    def display(self, question: Question, value: Any, lang: str) -> str:
        return str(value) if not isinstance(value, float) else format_number(value, lang)

    def typed(self, question: Question, text: str) -> Any:
        """The raw answer for `text` typed at the prompt (stripped; not checked)."""
        return text

    def options(self, question: Question, lang: str) -> list[tuple[str, str]]:
        """(value, title) of the entries a "select" widget lists."""
        return [(c.id, c.text.get(lang, c.id)) for c in question.choices]

    def details(self, question: Question, lang: str) -> list[str]:
        """Lines the prompt shows under the question's text (not the choices)."""
        return []

    def template_lines(self, question: Question, lang: str) -> list[str]:
        """The blank answer file's comment lines saying what to write."""
        return []

    def paper_lines(self, question: Question, lang: str, indent: str, width: int) -> list[str]:
        """The printable questionnaire's lines where the answer is written."""
        return [f"{indent}" + "_" * 40]

    def cell(self, question: Question, text: str, special: str | None, cells: CellReading) -> Any:
        """The raw answer a (non-empty, stripped) CSV cell holds; `special` is what the
        cell names among the special words (yes / no), if anything."""
        return text

    def xlsform_type(self, question: Question) -> str:
        """The `type` column of the question's row in an XLSForm survey sheet."""
        return self.xlsform

    def json_schema(self, question: Question) -> dict[str, Any]:
        """A JSON Schema for what `parse` accepts in an answer file (the special answers
        and a blank are the question's, added by the caller)."""
        raise NotImplementedError


TYPES: dict[str, QuestionType] = {}


def register(cls: type[QuestionType]) -> type[QuestionType]:
    """Make a type known to the loader under its `name`."""
    TYPES[cls.name] = cls()
    return cls


# ── choices ──────────────────────────────────────────────────────────────────────────
def _not_a_choice(question: Question, item: Any, lang: str, shown: str) -> ValueError:
    hint = ""
    if isinstance(item, str):
        import difflib  # only when suggesting a name: not at start-up

        matches = difflib.get_close_matches(item, question.choice_ids, n=1, cutoff=0.6)
        hint = say("did_you_mean", lang, word=matches[0]) if matches else ""
    if (lang != "en" or at_prompt()) and isinstance(item, str):
        shown = say("quoted", lang, text=item)
    return ValueError(say("not_a_choice", lang, shown=shown, hint=hint, expected=question.expected(lang)))


def _read_choices(check: Checker, raw: Any, path: str, languages: list[str]) -> tuple[Choice, ...]:
    items = check.sequence(raw, "choices", f"{path}.choices")
    if items is None:
        if "choices" not in raw:
            check.error(raw, "type", path, "a choice question needs 'choices'", value=False)
        return ()
    if len(items) < 2:
        check.error(raw, "choices", f"{path}.choices", f"expected at least 2 choices, got {len(items)}")
    choices: list[Choice] = []
    for index, item in enumerate(items):
        cpath = f"{path}.choices[{index}]"
        if not isinstance(item, dict):
            check.error(items, index, cpath, f"expected a mapping with id and text, got {describe(item)}")
            continue
        check.keys(item, cpath, ("id", "text"), ("id", "text"))
        cid = check.identifier(item, "id", f"{cpath}.id")
        if cid in SPECIAL_ANSWERS_NAMES:
            check.error(item, "id", f"{cpath}.id", f"'{cid}' is reserved; use allow_{cid}: true instead")
            continue
        if cid in [c.id for c in choices]:
            check.error(item, "id", f"{cpath}.id", f"choice id '{cid}' is used twice")
        if cid:
            choices.append(Choice(cid, check.text(item, "text", f"{cpath}.text", languages)))
    return tuple(choices)


class _ChoiceType(QuestionType):
    """Answered with choice ids the question lists; a typed number picks one (1-based)."""

    keys: ClassVar[tuple[str, ...]] = ("choices",)
    has_choices = True
    several: ClassVar[bool] = False  # the template says "choose several, [a, b]"

    def read(self, check: Checker, raw: Any, path: str, languages: list[str], question: Question) -> None:
        question.choices = _read_choices(check, raw, path, languages)

    def pick(self, question: Question, text: str) -> str:
        """A choice id for a number (1-based) or an id; anything else is returned unchanged."""
        ids = question.choice_ids
        if text.isdigit() and 1 <= int(text) <= len(ids):
            return ids[int(text) - 1]
        return text

    def typed(self, question: Question, text: str) -> Any:
        return self.pick(question, text)

    def display(self, question: Question, value: Any, lang: str) -> str:
        return question.choice_text(value, lang)

    def template_lines(self, question: Question, lang: str) -> list[str]:
        note = f" ({ui('choose_several', lang)}, [a, b])" if self.several else ""
        return [ui("choices", lang) + note + ":"] + [f"  {c.id}: {c.text[lang]}" for c in question.choices]

    def paper_lines(self, question: Question, lang: str, indent: str, width: int) -> list[str]:
        lines = [f"{indent}({ui('choose_several', lang)})"] if self.several else []
        for choice in question.choices:
            lines += wrap(f"[ ] {choice.text[lang]}", width, initial_indent=indent, subsequent_indent=indent + "    ")
        return lines

    def cell(self, question: Question, text: str, special: str | None, cells: CellReading) -> Any:
        return cells.choice_id(question, text)


@register
class Single(_ChoiceType):
    name = "single"
    widget = "select"
    hint_key = "iv_hint_choice"

    def expected(self, question: Question, lang: str, extra: str) -> str:
        choices = question.choice_ids
        return say("expect_one_of", lang, choices=one_of(choices), last=len(choices), extra=extra)

    def parse(self, question: Question, raw: Any, lang: str) -> str:
        if not isinstance(raw, str) or isinstance(raw, bool):
            raise wrong(question, raw, lang)
        if raw not in question.choice_ids:
            raise _not_a_choice(question, raw, lang, f"'{raw}'")
        return str(raw)

    def xlsform_type(self, question: Question) -> str:
        return f"select_one {question.id}"

    def json_schema(self, question: Question) -> dict[str, Any]:
        return {"enum": list(question.choice_ids)}


@register
class Multi(_ChoiceType):
    name = "multi"
    keys = ("choices", "min_selected", "max_selected")
    widget = "checkbox"
    hint_key = "iv_hint_multi"
    several = True
    cell_separators: ClassVar[tuple[str, ...]] = (";", "\n", ",")  # tried in this order

    def read(self, check: Checker, raw: Any, path: str, languages: list[str], question: Question) -> None:
        super().read(check, raw, path, languages, question)
        question.min_selected = check.integer(raw, "min_selected", f"{path}.min_selected")
        question.max_selected = check.integer(raw, "max_selected", f"{path}.max_selected")
        low, high, count = question.min_selected, question.max_selected, len(question.choices)
        if low is not None and not 0 <= low <= count:
            check.error(raw, "min_selected", f"{path}.min_selected",
                        f"expected a whole number from 0 to {count} (the number of choices), got {low}")
        elif high is not None and not max(low or 1, 1) <= high <= count:
            check.error(raw, "max_selected", f"{path}.max_selected",
                        f"expected a whole number from {max(low or 1, 1)} to {count} "
                        f"(min_selected to the number of choices), got {high}")

    def expected(self, question: Question, lang: str, extra: str) -> str:
        choices = question.choice_ids
        low, high = question.min_selected, question.max_selected
        count = (
            say("list_count_range", lang, low=low, high=high) if low is not None and high is not None
            else say("list_count_at_least", lang, low=low) if low is not None
            else say("list_count_at_most", lang, high=high) if high is not None
            else ""
        )
        return say("expect_list", lang, count=count, choices=one_of(choices), last=len(choices), extra=extra)

    def parse(self, question: Question, raw: Any, lang: str) -> list[str]:
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list):
            raise wrong(question, raw, lang)
        values: list[str] = []
        for item in raw:
            if not isinstance(item, str) or item not in question.choice_ids:
                raise _not_a_choice(question, item, lang, describe(item))
            if item in values:
                raise ValueError(say("listed_twice", lang, item=item, text=question.choice_text(item, lang)))
            values.append(str(item))
        too_few = question.min_selected is not None and len(values) < question.min_selected
        too_many = question.max_selected is not None and len(values) > question.max_selected
        if too_few or too_many:
            raise ValueError(say("count_chosen", lang, count=len(values), expected=question.expected(lang)))
        return values

    def display(self, question: Question, value: Any, lang: str) -> str:
        return "; ".join(question.choice_text(v, lang) for v in value) or "—"

    def typed(self, question: Question, text: str) -> Any:
        return [self.pick(question, part) for part in re.split(r"[,;\s]+", text) if part]

    def cell(self, question: Question, text: str, special: str | None, cells: CellReading) -> Any:
        # "a; b" splits at ';' even where a choice's text holds a comma; then Google Forms'
        # ", " (known texts matched longest first, so a text holding a comma stays whole);
        # then Kobo's space-separated choice ids; else ',' (unknown parts left to the check)
        whole = cells.known(question, text)
        if whole is not None:
            return [whole]
        for separator in self.cell_separators[:-1]:
            parts = [p for p in (x.strip() for x in text.split(separator)) if p]
            ids = [cells.known(question, p) for p in parts]
            if len(parts) > 1 and all(ids):
                return ids
        joined = _longest_first(question, text.split(","), cells)
        if joined is not None:
            return joined
        words = text.split()
        if len(words) > 1 and all(word in question.choice_ids for word in words):
            return words
        separator = ";" if ";" in text else self.cell_separators[-1]
        return [cells.choice_id(question, p) for p in (x.strip() for x in text.split(separator)) if p]

    def xlsform_type(self, question: Question) -> str:
        return f"select_multiple {question.id}"

    def json_schema(self, question: Question) -> dict[str, Any]:
        listed: dict[str, Any] = {"type": "array", "items": {"enum": list(question.choice_ids)}, "uniqueItems": True}
        if question.min_selected is not None:
            listed["minItems"] = question.min_selected
        if question.max_selected is not None:
            listed["maxItems"] = question.max_selected
        if question.min_selected is not None and question.min_selected > 1:
            return listed
        return {"anyOf": [listed, {"enum": list(question.choice_ids)}]}  # one id alone reads as a list of one


def _longest_first(question: Question, pieces: list[str], cells: CellReading) -> list[str] | None:
    """Choices for comma-separated pieces, each taking the most pieces that still name a
    choice ("Shipping, and delivery, Customs" -> two choices); None if a piece names none."""
    ids: list[str] = []
    start = 0
    while start < len(pieces):
        for end in range(len(pieces), start, -1):
            found = cells.known(question, ",".join(pieces[start:end]))
            if found is not None:
                ids.append(found)
                start = end
                break
        else:
            return None
    return ids


# ── numbers ──────────────────────────────────────────────────────────────────────────
class _NumberType(QuestionType):
    """Answered with a number within the question's bounds."""

    bounds_note: ClassVar[str | None] = None  # the checks.yaml words naming fixed bounds

    def whole(self, question: Question) -> bool:
        return question.integer

    def unit(self, question: Question, lang: str) -> str:
        return question.unit.get(lang, "")

    def expected(self, question: Question, lang: str, extra: str) -> str:
        kind = "expect_whole_number" if self.whole(question) else "expect_number"
        return say(kind, lang, range=question.range_text(lang), extra=extra)

    def parse(self, question: Question, raw: Any, lang: str) -> float | int:
        value = raw
        if isinstance(raw, str):
            try:
                value = float(raw.strip().replace(",", ".").replace(" ", ""))
            except ValueError:
                raise wrong(question, raw, lang) from None
            if value.is_integer():
                value = int(value)
        if not is_number(value):
            raise wrong(question, raw, lang)
        whole = self.whole(question)
        if whole and not float(value).is_integer():
            raise ValueError(say("not_whole", lang, value=format_number(value, lang), expected=question.expected(lang)))
        low, high = self.bounds(question)
        num = format_number
        note = say(self.bounds_note, lang, low=num(low, lang), high=num(high, lang)) if self.bounds_note else ""
        if low is not None and value < low:
            raise ValueError(say("below_minimum", lang, value=num(value, lang), low=num(low, lang), scale=note))
        if high is not None and value > high:
            raise ValueError(say("above_maximum", lang, value=num(value, lang), high=num(high, lang), scale=note))
        return int(value) if whole else value

    def json_schema(self, question: Question) -> dict[str, Any]:
        # an answer file holds the number itself; a number written as text ("12,5") is
        # read too, but an editor should suggest the plain form
        schema: dict[str, Any] = {"type": "integer" if self.whole(question) else "number"}
        low, high = self.bounds(question)
        if low is not None:
            schema["minimum"] = low
        if high is not None:
            schema["maximum"] = high
        return schema

    def details(self, question: Question, lang: str) -> list[str]:
        low, high = self.bounds(question)
        parts = []
        if low is not None and high is not None:
            parts.append(ui("iv_range", lang, low=format_number(low, lang), high=format_number(high, lang)))
        elif low is not None:
            parts.append(ui("iv_range_low", lang, low=format_number(low, lang)))
        elif high is not None:
            parts.append(ui("iv_range_high", lang, high=format_number(high, lang)))
        unit = self.unit(question, lang)
        if unit:
            parts.append(ui("iv_unit", lang, unit=unit))
        return ["; ".join(parts)] if parts else []

    def paper_lines(self, question: Question, lang: str, indent: str, width: int) -> list[str]:
        low, high = self.bounds(question)
        rng = f"{format_number(low, lang) if low is not None else ''}–{format_number(high, lang) if high is not None else ''}"
        return [f"{indent}______ {self.unit(question, lang)}   ({ui('range', lang)}: {rng})".rstrip()]

    def cell(self, question: Question, text: str, special: str | None, cells: CellReading) -> Any:
        return cells.without_unit(text, list(question.unit.values()))


@register
class Scale(_NumberType):
    name = "scale"
    keys = ("min", "max", "labels")
    bounds_note = "scale_bounds"
    xlsform = "range"

    def read(self, check: Checker, raw: Any, path: str, languages: list[str], question: Question) -> None:
        for key in ("min", "max"):
            if key not in raw:
                check.error(raw, "type", path, f"a scale needs '{key}'", value=False)
        question.min = check.integer(raw, "min", f"{path}.min")
        question.max = check.integer(raw, "max", f"{path}.max")
        labels = check.mapping(raw, "labels", f"{path}.labels")
        if labels is None:
            if "labels" not in raw:
                check.error(raw, "type", path, "a scale needs 'labels' with the meaning of its ends (min, max)", value=False)
            return
        check.keys(labels, f"{path}.labels", ("min", "max"), ("min", "max"))
        question.labels = {end: check.text(labels, end, f"{path}.labels.{end}", languages)
                           for end in ("min", "max") if end in labels}

    def whole(self, question: Question) -> bool:
        return True

    def details(self, question: Question, lang: str) -> list[str]:
        if not question.labels:
            return []
        return [ui(
            "iv_scale_ends", lang, min=format_number(question.min, lang), max=format_number(question.max, lang),
            min_label=question.labels["min"].get(lang, ""), max_label=question.labels["max"].get(lang, ""),
        )]

    def display(self, question: Question, value: Any, lang: str) -> str:
        """"5 из 5 — почти в каждой сделке": a bare 5 does not say which end is which."""
        if isinstance(value, bool) or not isinstance(value, (int, float)) or question.max is None:
            return super().display(question, value, lang)
        fields = {"value": format_number(value, lang), "max": format_number(question.max, lang)}
        end = "min" if value == question.min else "max" if value == question.max else None
        label = question.labels.get(end, {}).get(lang, "") if end else ""
        if not label:
            return ui("scale_value", lang, **fields)
        if label[1:2].islower():  # "Почти в каждой сделке" -> "почти …"; an acronym stays
            label = label[0].lower() + label[1:]
        return ui("scale_value_end", lang, label=label, **fields)

    def template_lines(self, question: Question, lang: str) -> list[str]:
        low, high = int(question.min), int(question.max)  # type: ignore[arg-type]  # a scale has both
        labels = question.labels
        return [f"{ui('scale', lang)} {low}–{high}: {low} = {labels['min'][lang]}, {high} = {labels['max'][lang]}"]

    def paper_lines(self, question: Question, lang: str, indent: str, width: int) -> list[str]:
        low, high = int(question.min or 1), int(question.max or 5)
        marks = "  ".join(str(i) for i in range(low, high + 1))
        return [f"{indent}{question.labels['min'][lang]}  {marks}  {question.labels['max'][lang]}"]


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


@register
class Number(_NumberType):
    name = "number"
    keys = ("min", "max", "integer", "unit")

    def read(self, check: Checker, raw: Any, path: str, languages: list[str], question: Question) -> None:
        question.min = check.number(raw, "min", f"{path}.min")
        question.max = check.number(raw, "max", f"{path}.max")
        question.integer = check.boolean(raw, "integer", f"{path}.integer", False)
        question.unit = check.text(raw, "unit", f"{path}.unit", languages, required=False)

    def display(self, question: Question, value: Any, lang: str) -> str:
        if question.unit:
            return locale(lang).with_unit(value, question.unit.get(lang, ""))
        return super().display(question, value, lang)

    def template_lines(self, question: Question, lang: str) -> list[str]:
        low, high = self.bounds(question)
        unit = f", {ui('unit', lang)}: {question.unit[lang]}" if question.unit else ""
        rng = f"{'' if low is None else _plain(low)}–{'' if high is None else _plain(high)}"
        return [f"{ui('range', lang)}: {rng}{unit}"]

    def xlsform_type(self, question: Question) -> str:
        return "integer" if question.integer else "decimal"


@register
class Percent(_NumberType):
    name = "percent"
    bounds_note = "percent_bounds"
    xlsform = "decimal"

    def bounds(self, question: Question) -> tuple[float | None, float | None]:
        return 0, 100

    def unit(self, question: Question, lang: str) -> str:
        return "%"

    def display(self, question: Question, value: Any, lang: str) -> str:
        return f"{format_number(value, lang)} %"

    def typed(self, question: Question, text: str) -> Any:
        return text.removesuffix("%").strip()

    def template_lines(self, question: Question, lang: str) -> list[str]:
        return [f"{ui('range', lang)}: 0–100 %"]

    def cell(self, question: Question, text: str, special: str | None, cells: CellReading) -> Any:
        return cells.without_unit(text, ["%"])


# ── yes / no and text ────────────────────────────────────────────────────────────────
@register
class YesNo(QuestionType):
    name = "yesno"
    widget = "select"
    hint_key = "iv_hint_yesno"
    xlsform = "select_one yes_no"

    def choice_ids(self, question: Question) -> tuple[str, ...]:
        return YES_NO

    def expected(self, question: Question, lang: str, extra: str) -> str:
        return say("expect_yes_no", lang, extra=extra)

    def parse(self, question: Question, raw: Any, lang: str) -> str:
        if isinstance(raw, bool):
            return "yes" if raw else "no"
        if isinstance(raw, str) and raw.strip().lower() in YES_NO:
            return raw.strip().lower()
        raise wrong(question, raw, lang)

    def display(self, question: Question, value: Any, lang: str) -> str:
        return ui(value, lang)

    def typed(self, question: Question, text: str) -> Any:
        lowered = text.lower()
        if lowered in interface_words("iv_yes_keys"):
            return "yes"
        if lowered in interface_words("iv_no_keys"):
            return "no"
        return text

    def options(self, question: Question, lang: str) -> list[tuple[str, str]]:
        return [(value, ui(value, lang)) for value in YES_NO]

    def template_lines(self, question: Question, lang: str) -> list[str]:
        return [f"{ui('choices', lang)}: yes / no"]

    def paper_lines(self, question: Question, lang: str, indent: str, width: int) -> list[str]:
        return [f"{indent}[ ] {ui('yes', lang)}   [ ] {ui('no', lang)}"]

    def cell(self, question: Question, text: str, special: str | None, cells: CellReading) -> Any:
        return special or text

    def json_schema(self, question: Question) -> dict[str, Any]:
        return {"anyOf": [{"enum": list(YES_NO)}, {"type": "boolean"}]}


@register
class Text(QuestionType):
    name = "text"
    keys = ("max_length",)

    def read(self, check: Checker, raw: Any, path: str, languages: list[str], question: Question) -> None:
        question.max_length = check.integer(raw, "max_length", f"{path}.max_length") or 2000

    def expected(self, question: Question, lang: str, extra: str) -> str:
        return say("expect_text", lang, max=question.max_length, extra=extra)

    def parse(self, question: Question, raw: Any, lang: str) -> str:
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            raw = str(raw)
        if not isinstance(raw, str):
            raise wrong(question, raw, lang)
        if len(raw) > question.max_length:
            raise ValueError(say("text_too_long", lang, length=len(raw), max=question.max_length))
        held = layout_character(raw)
        if held:
            raise ValueError(say("layout_character", lang, character=held))
        return str(raw)

    def json_schema(self, question: Question) -> dict[str, Any]:
        return {"anyOf": [{"type": "string", "maxLength": question.max_length}, {"type": "number"}]}


QUESTION_TYPES = tuple(TYPES)
ALL_TYPE_KEYS = tuple(key for kind in TYPES.values() for key in kind.keys)  # as listed for an unknown type
