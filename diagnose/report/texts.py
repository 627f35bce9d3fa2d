"""The report's words (report_templates/texts.yaml), in Russian and English.

A consultancy's `--templates DIR` may hold its own texts.yaml: its entries replace the
bundled ones key by key, so it can reword one heading without copying the rest. Every
entry must give every language; a missing one is a located error, never an English word
in a Russian report.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from diagnose.errors import ProblemList
from diagnose.schema import Checker
from diagnose.yamlio import load_document

LANGUAGES = ("ru", "en")
GROUPS = ("texts", "roles", "tasks")


@dataclass
class ReportTexts:
    """group -> key -> {lang: text}."""

    groups: dict[str, dict[str, dict[str, str]]]

    def words(self, lang: str) -> dict[str, str]:
        return {key: value[lang] for key, value in self.groups["texts"].items()}

    def role(self, role_id: str, lang: str) -> str:
        entry = self.groups["roles"].get(role_id)
        return entry[lang] if entry else role_id

    def task(self, task_id: str, lang: str) -> str:
        entry = self.groups["tasks"].get(task_id)
        return entry[lang] if entry else task_id


def _read(path: Path, problems: ProblemList) -> dict[str, dict[str, dict[str, str]]]:
    document = load_document(path)
    check = Checker(document, problems)
    data = document.data
    check.keys(data, "", ("kind", *GROUPS), ("kind",))
    out: dict[str, dict[str, dict[str, str]]] = {group: {} for group in GROUPS}
    for group in GROUPS:
        entries = check.mapping(data, group, group, required=False)
        for key in entries or {}:
            text = check.text(entries, key, f"{group}.{key}", list(LANGUAGES))
            if len(text) == len(LANGUAGES):
                out[group][str(key)] = text
    return out


def load_texts(folders: list[Path]) -> ReportTexts:
    """Merge texts.yaml from the bundled folder (last in `folders`) up to the user's (first)."""
    problems = ProblemList()
    merged: dict[str, dict[str, dict[str, str]]] = {group: {} for group in GROUPS}
    for folder in reversed(folders):
        path = folder / "texts.yaml"
        if path.is_file():
            for group, entries in _read(path, problems).items():
                merged[group].update(entries)
    problems.raise_if_any()
    return ReportTexts(merged)
