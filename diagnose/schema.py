"""Checking loaded YAML against the shape we expect.

A `Checker` walks a round-trip document and records every problem with its position
and key path instead of stopping at the first one, so `diagnose validate` can report
all of them in one pass. Questionnaires, rulebooks and brand files share it.

Below it, `Section`, `Field` and the `Option` classes declare a format's mappings as
data (which keys, which are required, how each value is read); the rulebook format is
declared with them in `diagnose/rules/format.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from diagnose.errors import Location, ProblemList, one_of, unknown
from diagnose.yamlio import Document, is_number, number_text, position, type_name, value_position

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_LISTED = 20  # unknown keys of one mapping reported one by one; the rest in one line
RULE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
DOTTED_ID = re.compile(r"^[a-z][a-z0-9_-]*$")


def join(path: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


class Checker:
    """Records located problems while reading a document."""

    def __init__(self, document: Document, problems: ProblemList | None = None):
        self.document = document
        self.problems = problems if problems is not None else ProblemList()

    def at(self, container: Any, key: Any, path: str, value: bool = True) -> Location:
        line, column = value_position(container, key) if value else position(container, key)
        return Location(self.document.path, line, column, path)

    def error(self, container: Any, key: Any, path: str, message: str, value: bool = True) -> None:
        self.problems.add(self.at(container, key, path, value), message)

    def keys(
        self, mapping: Any, path: str, allowed: Iterable[str], required: Iterable[str] = ()
    ) -> None:
        allowed = list(allowed)
        # a misspelled key is one problem: "unknown key 'metadata' (did you mean 'meta'?)",
        # not that plus "missing required key 'meta'"
        suggested: set[str] = set()
        unknown_keys = [key for key in mapping if key not in allowed]
        for key in unknown_keys[:MAX_LISTED]:
            import difflib  # only when suggesting a name: not at start-up

            suggested.update(difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6))
            self.error(
                mapping,
                key,
                join(path, key),
                unknown("key", key, allowed, limit=30),
                value=False,
            )
        if len(unknown_keys) > MAX_LISTED:
            self.error(mapping, unknown_keys[MAX_LISTED], path, f"{len(unknown_keys) - MAX_LISTED} more unknown keys "
                       f"({len(unknown_keys)} in all); expected only: {one_of(allowed, limit=30)}", value=False)
        for key in required:
            if key not in mapping and key not in suggested:
                self.problems.add(
                    Location(self.document.path, *position(mapping), path or ""),
                    f"missing required key '{key}'",
                )

    def mapping(self, container: Any, key: Any, path: str, required: bool = True) -> dict | None:
        if key not in container if isinstance(container, dict) else False:
            return None
        value = container[key]
        if isinstance(value, dict):
            return value
        if value is None and not required:
            return None
        self.error(container, key, path, f"expected a mapping, got {_describe(value)}")
        return None

    def sequence(self, container: Any, key: Any, path: str) -> list | None:
        value = container.get(key) if isinstance(container, dict) else None
        if value is None:
            return None
        if isinstance(value, list):
            return value
        self.error(container, key, path, f"expected a list, got {_describe(value)}")
        return None

    def identifier(self, container: Any, key: Any, path: str, pattern: re.Pattern = IDENTIFIER) -> str | None:
        value = container.get(key) if isinstance(container, dict) else None
        if value is None:
            return None
        if not isinstance(value, str) or not pattern.match(value):
            self.error(
                container,
                key,
                path,
                f"{_describe(value)} is not a valid id; expected lower-case letters, digits "
                "and '_', starting with a letter" if pattern is IDENTIFIER else
                f"{_describe(value)} is not a valid id; expected letters, digits, '-' and '_', "
                "starting with a letter",
            )
            return None
        return value

    def string(self, container: Any, key: Any, path: str) -> str | None:
        value = container.get(key) if isinstance(container, dict) else None
        if value is None:
            return None
        if not isinstance(value, str):
            self.error(container, key, path, f"expected text, got {_describe(value)}")
            return None
        return str(value)

    def integer(self, container: Any, key: Any, path: str) -> int | None:
        value = container.get(key) if isinstance(container, dict) else None
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(container, key, path, f"expected a whole number, got {_describe(value)}")
            return None
        return int(value)

    def number(self, container: Any, key: Any, path: str) -> float | int | None:
        value = container.get(key) if isinstance(container, dict) else None
        if value is None:
            return None
        if not is_number(value):
            self.error(container, key, path, f"expected a number, got {_describe(value)}")
            return None
        return value

    def boolean(self, container: Any, key: Any, path: str, default: bool) -> bool:
        if not isinstance(container, dict) or key not in container:
            return default
        value = container[key]
        if not isinstance(value, bool):
            self.error(container, key, path, f"expected true or false, got {_describe(value)}")
            return default
        return value

    def text(self, container: Any, key: Any, path: str, languages: list[str], required: bool = True) -> dict[str, str]:
        """A person-facing text: a mapping with one string per language."""
        if not isinstance(container, dict) or key not in container:
            if required:
                self.problems.add(
                    Location(self.document.path, *position(container), _parent(path)),
                    f"missing required key '{key}'",
                )
            return {}
        value = container[key]
        if not isinstance(value, dict):
            self.error(
                container,
                key,
                path,
                f"expected a text in each language ({', '.join(f'{lang}: ...' for lang in languages)}), "
                f"got {_describe(value)}",
            )
            return {}
        result: dict[str, str] = {}
        for lang in value:
            if lang not in languages:
                self.error(value, lang, join(path, lang), f"language '{lang}' is not one of the questionnaire's languages ({', '.join(languages)})", value=False)
        for lang in languages:
            if lang not in value:
                self.error(container, key, path, f"missing the '{lang}' text")
                continue
            if not isinstance(value[lang], str) or not value[lang].strip():
                self.error(value, lang, join(path, lang), f"expected non-empty text, got {_describe(value[lang])}")
                continue
            result[lang] = str(value[lang]).strip()
        return result


def _parent(path: str) -> str:
    return path.rsplit(".", 1)[0] if "." in path else ""


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"'{shown}'"
    if isinstance(value, (bool, int, float)):
        return f"{type_name(value)} {str(value).lower() if isinstance(value, bool) else number_text(value)}"
    return f"a {type_name(value)}"


describe = _describe


# ---------------------------------------------------------------------------- declared sections
#
# A format's mappings declared as data, in the manner of mkdocs' config options: a
# `Section` lists its keys as `Field`s, each with the `Option` that reads its value. Reading
# a section checks its keys (unknown, missing) and then reads every field in the order
# declared, each option recording its own located problems in the shared ProblemList and
# returning what it read (None when absent or wrong), so that one pass reports them all.


class Reader(Protocol):
    """What an option reads with: the checker and the languages texts are written in."""

    check: Checker
    languages: list[str]


class Option:
    """How the value under one key is checked and converted."""

    def read(self, reader: Any, container: Any, key: str, path: str, required: bool) -> Any:
        raise NotImplementedError


@dataclass(frozen=True)
class Field:
    key: str
    option: Option
    required: bool = False


@dataclass(frozen=True)
class Section:
    """A mapping of the format: its fields in reading order. `listed` is the order the keys
    are named in "expected one of" messages, when it is not the reading order."""

    fields: tuple[Field, ...]
    listed: tuple[str, ...] = ()

    @property
    def allowed(self) -> tuple[str, ...]:
        return self.listed or tuple(f.key for f in self.fields)

    @property
    def required(self) -> tuple[str, ...]:
        needed = {f.key for f in self.fields if f.required}
        return tuple(key for key in self.allowed if key in needed)

    def check_keys(self, reader: Reader, mapping: Any, path: str) -> None:
        reader.check.keys(mapping, path, self.allowed, self.required)

    def read(self, reader: Reader, mapping: Any, path: str, only: Iterable[str] | None = None) -> dict[str, Any]:
        """The fields' values (all of them, or those named in `only`), in declared order."""
        wanted = set(only) if only is not None else None
        return {
            f.key: f.option.read(reader, mapping, f.key, join(path, f.key), f.required)
            for f in self.fields
            if (wanted is None or f.key in wanted) and not isinstance(f.option, ReadBy)
        }


class ReadBy(Option):
    """A key the section's loader reads itself (its check needs more than the value)."""

    def __init__(self, what: str):
        self.what = what


class Text(Option):
    """A person-facing text: one non-empty string per language."""

    def read(self, reader: Any, container: Any, key: str, path: str, required: bool) -> dict[str, str]:
        return reader.check.text(container, key, path, reader.languages, required)


class Texts(Option):
    """A list of person-facing texts."""

    def read(self, reader: Any, container: Any, key: str, path: str, required: bool) -> list[dict[str, str]]:
        items = reader.check.sequence(container, key, path) or []
        result = []
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                reader.check.error(items, index, f"{path}[{index}]",
                                   f"expected a text in each language (ru: ..., en: ...), got {describe(item)}")
                continue
            text = reader.check.text({"t": item}, "t", f"{path}[{index}]", reader.languages)
            if text:
                result.append(text)
        return result


class String(Option):
    def read(self, reader: Any, container: Any, key: str, path: str, required: bool) -> str | None:
        return reader.check.string(container, key, path)


class StringOrText(Option):
    """A reference or source: one string for every language (the older form) or one
    string per language, like a Text; always read as {lang: str}."""

    def read(self, reader: Any, container: Any, key: str, path: str, required: bool) -> dict[str, str]:
        value = container.get(key) if isinstance(container, dict) else None
        if isinstance(value, dict):
            return reader.check.text(container, key, path, reader.languages, required)
        if value is not None and not isinstance(value, str):
            languages = ", ".join(f"{lang}: ..." for lang in reader.languages)
            reader.check.error(container, key, path, f"expected text, or a text in each language ({languages}), "
                                                     f"got {describe(value)}")
            return {}
        return {lang: value for lang in reader.languages} if value else {}


class Integer(Option):
    def read(self, reader: Any, container: Any, key: str, path: str, required: bool) -> int | None:
        return reader.check.integer(container, key, path)


class Number(Option):
    def read(self, reader: Any, container: Any, key: str, path: str, required: bool) -> float | int | None:
        return reader.check.number(container, key, path)


class Boolean(Option):
    def __init__(self, default: bool):
        self.default = default

    def read(self, reader: Any, container: Any, key: str, path: str, required: bool) -> bool:
        return reader.check.boolean(container, key, path, self.default)


class Identifier(Option):
    def __init__(self, pattern: re.Pattern = IDENTIFIER):
        self.pattern = pattern

    def read(self, reader: Any, container: Any, key: str, path: str, required: bool) -> str | None:
        return reader.check.identifier(container, key, path, self.pattern)


class Literal(Option):
    """A value that must be exactly this one (a file's `kind`)."""

    def __init__(self, value: str):
        self.value = value

    def read(self, reader: Any, container: Any, key: str, path: str, required: bool) -> Any:
        found = container.get(key)
        if found != self.value:
            reader.check.error(container, key, path, f"expected '{self.value}', got {describe(found)}")
        return found


class OneOf(Option):
    """One of a fixed vocabulary. The value is returned as written (the caller tests it);
    a wrong one is "unknown WHAT ... (did you mean ...); expected one of: ...", or with
    `what=None` "expected one of: ..., got ...". `when_absent`: a missing key is wrong too."""

    def __init__(self, values: Iterable[str], what: str | None, when_absent: bool = False):
        self.values = tuple(values)
        self.what = what
        self.when_absent = when_absent

    def read(self, reader: Any, container: Any, key: str, path: str, required: bool) -> Any:
        value = container.get(key)
        if (key in container or self.when_absent) and value not in self.values:
            message = (unknown(self.what, value, self.values, describe(value)) if self.what is not None
                       else f"expected one of: {one_of(self.values)}, got {describe(value)}")
            reader.check.error(container, key, path, message)
        return value
