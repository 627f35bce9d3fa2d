"""docs/diagnosis-schema.md documents every field of the JSON, and nothing else."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from diagnose import diagnosis as model

DOC = Path(__file__).parent.parent / "docs" / "diagnosis-schema.md"
SECTIONS = {
    "Top level": model.Diagnosis, "Parameter": model.Parameter, "Indicator": model.Indicator,
    "Role": model.Role, "TaskAssignment": model.TaskAssignment, "SupportPlacement": model.SupportPlacement,
    "Finding": model.Finding, "ConditionTrace": model.ConditionTrace, "Evidence": model.Evidence,
    "SizingLine": model.SizingLine, "Flip": model.Flip, "AnswerLine": model.AnswerLine, "Conflict": model.Conflict,
    "HeadcountTotal": model.HeadcountTotal, "CostChange": model.CostChange, "RoadmapStep": model.RoadmapStep,
}


def _documented() -> dict[str, set[str]]:
    fields: dict[str, set[str]] = {}
    current = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^#{2,3} (.+)$", line)
        if heading:
            current = heading.group(1).strip()
            continue
        row = re.match(r"^\| (`[^|]+`) \|", line)
        if row and current in SECTIONS:
            fields.setdefault(current, set()).update(re.findall(r"`([a-z_]+)`", row.group(1)))
    return fields


def test_schema_doc_matches_the_model() -> None:
    documented = _documented()
    for section, cls in SECTIONS.items():
        # fields marked NOT_IN_JSON (texts for a reader) are not part of the JSON
        assert documented.get(section) == {f.name for f in dataclasses.fields(cls) if f.metadata.get("json", True)}, section
    assert 'schema_version` | string | `"1.2"`' in DOC.read_text(encoding="utf-8")
    assert model.SCHEMA_VERSION == "1.2"
