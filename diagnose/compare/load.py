"""Two answer files → two diagnoses, for `diagnose compare`.

Each file is read and checked like any answer file (against the questionnaire it names,
among those given with --questionnaire and the bundled ones), so a first audit made with
an earlier version of the questionnaire reads against that version. Each is then
diagnosed by the rulebook written for its questionnaire's version (among those given
with --rules, else the bundled one), both with the same parameter overrides; the
pipeline's own `diagnose` runs the rules.
Two files of different questionnaires cannot be compared: that is a located problem at
the later file's `questionnaire` key.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from diagnose.answers import AnswerSet, answers_from_document
from diagnose.diagnosis import Diagnosis
from diagnose.errors import Location, Problem, ProblemList, UserError
from diagnose.method import diagnose, load_method
from diagnose.questionnaire import Questionnaire
from diagnose.yamlio import load_document, value_position


def read_audit(path: str | Path, offered: Sequence[Questionnaire] = ()) -> AnswerSet:
    """One finished answer file, checked against the questionnaire it names."""
    document = load_document(path)
    problems = ProblemList()
    answers = answers_from_document(document, problems, None, True, offered)
    problems.raise_if_any()
    assert answers is not None
    return answers


def same_questionnaire(before: AnswerSet, after: AnswerSet) -> None:
    """A located problem unless both files answer one questionnaire (versions may differ)."""
    if before.questionnaire.id == after.questionnaire.id:
        return
    data = after.document.data if after.document is not None else {}
    line, column = value_position(data, "questionnaire")
    raise UserError(Problem(
        Location(after.path, line, column, "questionnaire"),
        f"this file answers the questionnaire '{after.questionnaire.id}', but {before.path} answers "
        f"'{before.questionnaire.id}'; compare needs two audits of the same questionnaire"))


def swapped_warning(before: Diagnosis, after: Diagnosis, before_path: str | Path, after_path: str | Path) -> str | None:
    """A warning when the follow-up is dated before the first audit (the files swapped?)."""
    import datetime as dt

    try:
        first = dt.date.fromisoformat(str(before.company.get("date")))
        follow_up = dt.date.fromisoformat(str(after.company.get("date")))
    except ValueError:
        return None  # a date not given, or not a calendar date: nothing to say
    if follow_up >= first:
        return None
    return (f"warning: {after_path} (AFTER) is dated {follow_up.isoformat()}, before {before_path} (BEFORE, "
            f"{first.isoformat()}); give the first audit first")


def rulebook_for(questionnaire: Questionnaire, rules_files: Sequence[str | Path]) -> str | Path | None:
    """The given rulebook written for this questionnaire and version (a rulebook that
    names no version fits any); None: the bundled one."""
    if len(rules_files) == 1:
        return rules_files[0]  # one rulebook for both: a mismatch is its loader's located error
    for path in rules_files:
        data = load_document(path).data
        if not isinstance(data, dict) or data.get("questionnaire") != questionnaire.id:
            continue
        if data.get("questionnaire_version") in (None, questionnaire.version):
            return path
    return None


def diagnose_pair(before_path: str | Path, after_path: str | Path, offered: Sequence[Questionnaire] = (),
                  rules_files: Sequence[str | Path] = (), sets: Sequence[str] = (),
                  params_file: str | Path | None = None) -> tuple[Diagnosis, Diagnosis]:
    """The diagnoses of the first audit and the follow-up, each by the rulebook for its
    questionnaire's version, with the same parameters."""
    problems: list[Problem] = []
    audits: list[AnswerSet] = []
    for path in (before_path, after_path):  # both files' problems at once
        try:
            audits.append(read_audit(path, offered))
        except UserError as exc:
            problems += exc.problems
    if problems:
        raise UserError(problems)
    before, after = audits
    same_questionnaire(before, after)
    diagnoses = []
    for answers in audits:
        method = load_method(answers.questionnaire, rulebook_for(answers.questionnaire, rules_files), tuple(sets),
                             params_file)
        diagnoses.append(diagnose(method, answers, whatif=False))
    return diagnoses[0], diagnoses[1]
