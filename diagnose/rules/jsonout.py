"""The diagnosis as JSON text (schema: docs/diagnosis-schema.md, `schema_version` 1.0)."""

from __future__ import annotations

import json
from pathlib import Path

from diagnose.diagnosis import Diagnosis, to_json
from diagnose.yamlio import atomic_write_text


def diagnosis_json(diagnosis: Diagnosis) -> str:
    """Stable, readable JSON: UTF-8 text (Cyrillic kept), two-space indent, newline at the end."""
    return json.dumps(to_json(diagnosis), ensure_ascii=False, indent=2) + "\n"


def write_json(diagnosis: Diagnosis, output: str | Path) -> None:
    """Write the JSON atomically to a file (never half-written)."""
    atomic_write_text(output, diagnosis_json(diagnosis))
