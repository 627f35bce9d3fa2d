"""The report's words (report_templates/texts.yaml), in Russian and English.

A consultancy's `--templates DIR` may hold its own texts.yaml: its entries replace the
bundled ones key by key, so it can reword one heading without copying the rest. Every
entry must give every language; a missing one is a located error, never an English word
in a Russian report.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from diagnose.errors import ProblemList
from diagnose.fastyaml import is_plain_data
from diagnose.locale import LANGUAGES
from diagnose.schema import Checker
from diagnose.yamlio import load_document, read_text

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


def _read_fast(path: Path) -> dict[str, dict[str, dict[str, str]]] | None:
    """The file through the fast loader, or None when it needs the located check.

    The round-trip loader that gives positions is slow (a tenth of a second for this
    file); a well-formed file does not need positions, so it is read with the safe
    loader, once `fastyaml` has found in it nothing the careful loader refuses (aliases,
    tags, control characters, sizes: what the safe loader would let through), and only
    a file with a problem goes through `_read` to say where the problem is.
    """
    text = read_text(path)
    if not is_plain_data(text, str(path)):
        return None
    from ruamel.yaml import YAML  # only when the kept texts are missing or stale

    try:
        data = YAML(typ="safe").load(text)
    except Exception:  # noqa: BLE001 - any problem: the located loader reports it properly
        return None
    if not isinstance(data, dict) or set(data) - {"kind", *GROUPS} or "kind" not in data:
        return None
    out: dict[str, dict[str, dict[str, str]]] = {group: {} for group in GROUPS}
    for group in GROUPS:
        entries = data.get(group) or {}
        if not isinstance(entries, dict):
            return None
        for key, text in entries.items():
            if not isinstance(text, dict) or set(text) != set(LANGUAGES):
                return None
            if not all(isinstance(v, str) and v.strip() for v in text.values()):
                return None
            out[group][str(key)] = {lang: text[lang].strip() for lang in LANGUAGES}
    return out


@functools.cache
def _load(path: Path, mtime: float) -> dict[str, dict[str, dict[str, str]]]:
    from diagnose.loadcache import kept_data

    return kept_data("texts", path, (), lambda: _checked(path))  # the bundled file: kept on disk


def _checked(path: Path) -> dict[str, dict[str, dict[str, str]]]:
    fast = _read_fast(path)
    if fast is not None:
        return fast
    problems = ProblemList()
    result = _read(path, problems)
    problems.raise_if_any()
    return result


def load_texts(folders: list[Path]) -> ReportTexts:
    """Merge texts.yaml from the bundled folder (last in `folders`) up to the user's (first)."""
    from diagnose.report.html import folder_file  # html imports what imports this module

    merged: dict[str, dict[str, dict[str, str]]] = {group: {} for group in GROUPS}
    for folder in reversed(folders):
        path = folder_file(folder, "texts.yaml")  # never a link out of the folder
        if path is not None:
            for group, entries in _load(path, path.stat().st_mtime).items():
                merged[group].update(entries)
    return ReportTexts(merged)
