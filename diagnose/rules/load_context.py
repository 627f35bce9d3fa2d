"""What every part of loading a rulebook shares: the document, the problems found so far,
the names a condition may use, and the small readers the sections are built from.

The section loaders (`load_sections`, `load_indicators`, `load_rules`, `load_decisions`)
are plain functions of a `LoadContext`; `rulebook.rulebook_from_document` calls them in
order. A new section is one more such function and one more call there.
"""

from __future__ import annotations

from typing import Any

from diagnose.diagnosis import ROLE_IDS
from diagnose.errors import Location, ProblemList, unknown
from diagnose.expressions import Expression, ExpressionError, NameInfo, compile_expression
from diagnose.locale import LANGUAGES
from diagnose.rules.format import CLAUSE, CLAUSE_WHEN_OPTIONAL
from diagnose.schema import Checker, Section, describe
from diagnose.yamlio import Document, is_number, position


class LoadContext:
    """The state of one rulebook's loading (see the module docstring)."""

    def __init__(self, document: Document, problems: ProblemList):
        self.document = document
        self.problems = problems
        self.check = Checker(document, problems)
        self.languages: list[str] = list(LANGUAGES)
        self.names: dict[str, NameInfo] = {}  # what conditions may name, growing as sections load
        self.questions: dict[str, Any] = {}

    def error(self, container: Any, key: Any, path: str, message: str, value: bool = True) -> None:
        self.check.error(container, key, path, message, value)

    def loc(self, container: Any, key: Any = None, path: str = "") -> Location:
        return Location(self.document.path, *position(container, key), path)

    def read(self, section: Section, mapping: Any, path: str, only: tuple[str, ...] | None = None) -> dict[str, Any]:
        return section.read(self, mapping, path, only)

    def text(self, container: Any, key: str, path: str, required: bool = True) -> dict[str, str]:
        return self.check.text(container, key, path, self.languages, required)

    def compile(self, container: Any, key: Any, path: str, names: dict[str, NameInfo] | None = None) -> Expression | None:
        """`names`: what the expression may name, when not the sections loaded so far."""
        raw = container[key]
        if is_number(raw):
            raw = str(raw)
        try:
            return compile_expression(raw, names if names is not None else self.names)
        except ExpressionError as exc:
            self.error(container, key, path, str(exc))
            return None

    def role_id(self, container: Any, key: Any, path: str) -> str | None:
        value = container[key]
        if not isinstance(value, str) or value not in ROLE_IDS:
            self.error(container, key, path, unknown("role id", value, ROLE_IDS, describe(value)))
            return None
        return value

    def role_list(self, container: Any, key: str, path: str) -> list[str]:
        raw = container.get(key)
        if raw is None:
            return []
        if isinstance(raw, str):
            found = self.role_id(container, key, path)
            return [found] if found else []
        if not isinstance(raw, list):
            self.error(container, key, path, f"expected a list of role ids, got {describe(raw)}")
            return []
        return [r for i, r in enumerate(raw) if self.role_id(raw, i, f"{path}[{i}]")]

    def clauses(self, item: Any, key: str, path: str, when_required: bool = True) -> list[tuple[Expression | None, str]]:
        """A list of `{when: CONDITION, role: ROLE}` clauses (first true one wins)."""
        section = CLAUSE if when_required else CLAUSE_WHEN_OPTIONAL
        result: list[tuple[Expression | None, str]] = []
        for index, clause in enumerate(self.check.sequence(item, key, path) or []):
            cpath = f"{path}[{index}]"
            if not isinstance(clause, dict):
                self.error(item[key], index, cpath, f"expected a mapping with when and role, got {describe(clause)}")
                continue
            section.check_keys(self, clause, cpath)
            values = self.read(section, clause, cpath)
            expr, role = values["when"], values["role"]
            if role and (expr is not None or ("when" not in clause and not when_required)):
                result.append((expr, role))
        return result
