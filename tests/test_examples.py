"""Every bundled questionnaire, rulebook and example answer file is valid."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from diagnose.answers import load_answers
from diagnose.cli import cli
from diagnose.resources import examples_dir, questionnaires_dir

BUNDLED = sorted(questionnaires_dir().glob("*.yaml")) + sorted(examples_dir().glob("*.yaml"))


def test_the_bundle_is_there() -> None:
    names = {p.name for p in BUNDLED}
    assert "sales-structure.yaml" in names
    # the book's two worked examples, a small distributor and the demo company
    assert {"complex-logistics.yaml", "chemical-raw-materials.yaml", "small-distributor.yaml",
            "engineering-equipment.yaml"} <= names


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_bundled_file_validates(path: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(path)], catch_exceptions=False)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith(f"{path}: valid ")


@pytest.mark.parametrize("path", sorted(examples_dir().glob("*.yaml")), ids=lambda p: p.name)
def test_examples_are_complete_and_say_who_they_are(path: Path) -> None:
    answers = load_answers(path)
    assert answers.missing_required() == []
    assert answers.company
    assert answers.meta["language"] in ("ru", "en")
    # every answer given is to a question that is asked (nothing silently ignored)
    shown = answers.visibility()
    assert [qid for qid in answers.values if not shown[qid]] == []
