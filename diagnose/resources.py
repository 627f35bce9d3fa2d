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
    """The bundled questionnaire file for an id of ours (never an id read from a file:
    match those with `bundled_questionnaires`)."""
    return questionnaires_dir() / f"{questionnaire_id}.yaml"


def bundled_questionnaires() -> dict[str, Path]:
    """id -> file of every bundled questionnaire (each file is named after its id).

    An id an answer file or a rulebook gives is looked up here and nowhere else: it is a
    key to match, never a piece of a path, so `../../secret` or `/etc/passwd` finds
    nothing instead of a file to open.
    """
    return {p.name.removesuffix(".yaml"): p for p in sorted(questionnaires_dir().glob("*.yaml"))
            if not p.name.endswith(".rules.yaml")}


def rulebook_path(questionnaire_id: str = DEFAULT_QUESTIONNAIRE) -> Path:
    """The bundled rulebook that reads a questionnaire."""
    return questionnaires_dir() / f"{questionnaire_id}.rules.yaml"
