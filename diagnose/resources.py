"""Finds the bundled questionnaires, rulebooks and report templates.

In a built wheel they live inside the package (`diagnose/_bundled/...`, mapped there by
`pyproject.toml`); in a source checkout or editable install they are the top-level
`questionnaires/` and `report_templates/` folders beside the package.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from diagnose.errors import Location, Problem, UserError

_PACKAGE_DIR = Path(__file__).resolve().parent


def bundled_dir(name: str) -> Path:
    """The folder `name` (questionnaires or report_templates), wheel first, checkout second."""
    inside = resources.files("diagnose").joinpath("_bundled", name)
    if inside.is_dir():
        return Path(str(inside))
    checkout = _PACKAGE_DIR.parent / name
    if checkout.is_dir():
        return checkout
    raise UserError(
        Problem(Location("diagnose"), f"the bundled '{name}' folder is missing; reinstall diagnose")
    )


def questionnaires_dir() -> Path:
    return bundled_dir("questionnaires")


def templates_dir() -> Path:
    return bundled_dir("report_templates")


def examples_dir() -> Path:
    return questionnaires_dir() / "examples"


DEFAULT_QUESTIONNAIRE = "sales-structure"


def questionnaire_path(questionnaire_id: str = DEFAULT_QUESTIONNAIRE) -> Path:
    """The bundled questionnaire file for an id."""
    return questionnaires_dir() / f"{questionnaire_id}.yaml"


def rulebook_path(questionnaire_id: str = DEFAULT_QUESTIONNAIRE) -> Path:
    """The bundled rulebook that reads a questionnaire."""
    return questionnaires_dir() / f"{questionnaire_id}.rules.yaml"
