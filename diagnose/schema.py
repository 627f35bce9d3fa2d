"""Small helpers for checking loaded YAML against the shape we expect.

A `Checker` walks a round-trip document and records every problem with its position
and key path instead of stopping at the first one, so `diagnose validate` can report
all of them in one pass. Questionnaires, rulebooks and brand files share it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Any

from diagnose.errors import Location, ProblemList, did_you_mean, one_of
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
        unknown = [key for key in mapping if key not in allowed]
        for key in unknown[:MAX_LISTED]:
            suggested.update(difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6))
            self.error(
                mapping,
                key,
                join(path, key),
                f"unknown key '{key}'{did_you_mean(str(key), allowed)}; "
                f"expected one of: {one_of(allowed, limit=30)}",
                value=False,
            )
        if len(unknown) > MAX_LISTED:
            self.error(mapping, unknown[MAX_LISTED], path, f"{len(unknown) - MAX_LISTED} more unknown keys "
                       f"({len(unknown)} in all); expected only: {one_of(allowed, limit=30)}", value=False)
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
