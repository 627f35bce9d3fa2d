"""JSON Schemas of the formats a person or a program reads and writes, shipped as files.

`answers.json` (an answer file to the bundled questionnaire), `rulebook.json` and
`diagnosis.json` (what `diagnose report --format json` writes) live beside this module
and are made from the code by `generate`: from the questionnaire, the rulebook format
(`diagnose/rules/format.py`) and the `Diagnosis` dataclasses with the meanings of
docs/diagnosis-schema.md. `python -m diagnose.schemas` writes them again; a test checks
that the shipped files are what the code generates, byte for byte.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from diagnose.errors import Location, Problem, UserError

SCHEMAS = ("answers", "rulebook", "diagnosis")
SCHEMA_DIR = Path(__file__).resolve().parent
REGENERATE = "python -m diagnose.schemas"  # the command that writes the shipped schemas again
DIAGNOSIS_DOC = SCHEMA_DIR.parent.parent / "docs" / "diagnosis-schema.md"  # in a checkout, not in a wheel


def shipped_path(name: str) -> Path:
    return SCHEMA_DIR / f"{name}.json"


def shipped_text(name: str) -> str:
    """The shipped schema `name` as text (what `diagnose schema NAME` prints)."""
    try:
        return shipped_path(name).read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(Problem(Location(str(shipped_path(name))),
                                f"the shipped schema cannot be read ({exc.strerror}); reinstall diagnose")) from None


def generate(name: str, questionnaire_file: Path | None = None) -> dict[str, Any]:
    """The schema `name` made from the code (answers: for `questionnaire_file`, else the
    bundled questionnaire). The diagnosis schema needs the checkout's docs folder."""
    if name == "answers":
        from diagnose.method import load_method
        from diagnose.schemas.answers_schema import answers_schema

        return answers_schema(load_method(questionnaire_file).questionnaire)
    if name == "rulebook":
        from diagnose.schemas.rulebook_schema import rulebook_schema

        return rulebook_schema()
    if name == "diagnosis":
        from diagnose.schemas.diagnosis_schema import diagnosis_schema

        return diagnosis_schema(DIAGNOSIS_DOC)
    raise ValueError(f"unknown schema {name!r}")


def schema_text(schema: dict[str, Any]) -> str:
    """One stable spelling: two-space indent, keys in the order made, UTF-8, a final newline."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write_all() -> list[Path]:
    """Write every shipped schema again from the code (run in a checkout)."""
    from diagnose.outputs import atomic_write_text

    if not DIAGNOSIS_DOC.is_file():
        raise UserError(Problem(Location(str(DIAGNOSIS_DOC)), "not found: the schemas are made in a checkout of "
                                                              "diagnose, whose docs/ folder describes the diagnosis"))

    written = []
    for name in SCHEMAS:
        atomic_write_text(shipped_path(name), schema_text(generate(name)))
        written.append(shipped_path(name))
    return written
