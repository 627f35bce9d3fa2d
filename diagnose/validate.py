"""`diagnose validate`: recognise what a YAML file is and check all of it.

Questionnaires and rulebooks say what they are with `kind:`; answer files are
recognised by their `questionnaire:` key. Every checker reports into one ProblemList,
so a file's problems come out together. An answer file or rulebook names its
questionnaire by id (and version): it is matched against the questionnaires given with
`--questionnaire` and the bundled ones, never opened as a path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from diagnose.errors import Location, Problem, ProblemList, UserError, unknown
from diagnose.yamlio import Document, load_document

Offered = Sequence[Any]  # questionnaires given with --questionnaire
Checker = Callable[[Document, ProblemList, Offered], object]


def _check_questionnaire(document: Document, problems: ProblemList, offered: Offered) -> object:
    from diagnose.questionnaire import questionnaire_from_document

    return questionnaire_from_document(document, problems)


def _check_answers(document: Document, problems: ProblemList, offered: Offered) -> object:
    from diagnose.answers import answers_from_document

    answers = answers_from_document(document, problems, offered=offered)
    if answers is not None and answers.judgement and not problems:
        _check_judgement_ids(answers, problems)
    return answers


def _check_judgement_ids(answers: Any, problems: ProblemList) -> None:
    """Notes and decisions name rules of the rulebook bundled beside the questionnaire
    (a questionnaire of one's own without one: only the section ids can be checked)."""
    from diagnose.judgement import check_ids, section_ids
    from diagnose.resources import rulebook_path
    from diagnose.rules.rulebook import load_rulebook

    try:
        rule_ids = [rule.id for rule in load_rulebook(rulebook_path(answers.questionnaire.id), answers.questionnaire).rules]
    except (UserError, OSError):
        return  # no rulebook to check against: `diagnose report --rules` checks them
    try:
        check_ids(answers.judgement, rule_ids, section_ids(answers.questionnaire), answers.document, answers.path)
    except UserError as exc:
        problems.extend(exc.problems)


def _check_rulebook(document: Document, problems: ProblemList, offered: Offered) -> object:
    from diagnose.questionnaire import find_questionnaire
    from diagnose.rules.rulebook import rulebook_from_document

    data = document.data
    given = [q for q in offered if q.id == data.get("questionnaire")]
    questionnaire = find_questionnaire(data["questionnaire"], data.get("questionnaire_version"), given) if given \
        else None  # not one given: the rulebook's loader looks among the bundled ones
    return rulebook_from_document(document, problems, questionnaire)


def _check_brand(document: Document, problems: ProblemList, offered: Offered) -> object:
    from diagnose.report.brand import brand_from_document

    return brand_from_document(document, problems)


KINDS: dict[str, Checker] = {
    "questionnaire": _check_questionnaire,
    "rulebook": _check_rulebook,
    "brand": _check_brand,
}


def kind_of(document: Document) -> str:
    data = document.data
    if "kind" in data:
        kind = data["kind"]
        if not isinstance(kind, str) or kind not in KINDS:
            from diagnose.schema import describe
            from diagnose.yamlio import value_position

            line, column = value_position(data, "kind")
            raise UserError(
                Problem(
                    Location(document.path, line, column, "kind"),
                    unknown("kind", kind, KINDS, describe(kind))
                    if isinstance(kind, str)
                    else f"expected one of: {', '.join(KINDS)}, got {describe(kind)}",
                )
            )
        return str(kind)
    if "questionnaire" in data:
        return "answers"
    raise UserError(
        Problem(
            Location(document.path, 1, 1),
            "cannot tell what this file is: expected 'kind: questionnaire', 'kind: rulebook', "
            "'kind: brand' or an answer file with a 'questionnaire:' key",
        )
    )


def validate_file(path: str | Path, offered: Offered = ()) -> tuple[str, list[Problem]]:
    """Return (kind, problems) for one file; problems is empty when the file is valid.
    `offered`: questionnaires given with --questionnaire, matched by id as the bundled ones are."""
    try:
        document = load_document(path)
        kind = kind_of(document)
        problems = ProblemList()
        checker = _check_answers if kind == "answers" else KINDS[kind]
        checker(document, problems, offered)
        return kind, problems.items
    except UserError as exc:
        return "file", exc.problems


def check_warnings(path: str | Path, kind: str, offered: Offered = ()) -> list[Problem]:
    """The broken warning checks of a valid answer file (questionnaire `checks:`),
    each located at the later answer it involves; they do not make the file invalid."""
    if kind != "answers":
        return []
    from diagnose.answers import answers_from_document

    problems = ProblemList()
    answer_set = answers_from_document(load_document(path), problems, offered=offered)
    return answer_set.warnings if answer_set is not None and not problems else []


def lint_warnings(path: str | Path, kind: str, offered: Offered = ()) -> list[str]:
    """What a valid file may still get wrong: for a rulebook, the questions it never reads.
    `offered` are the questionnaires given with --questionnaire (a rulebook may read one)."""
    if kind != "rulebook":
        return []
    from diagnose.rules.coverage import missing_sections, unread_questions
    from diagnose.rules.rulebook import load_rulebook

    rulebook = None
    for questionnaire in (*offered, None):
        try:
            rulebook = load_rulebook(path, questionnaire)
            break
        except UserError:
            continue
    if rulebook is None:
        return []
    warnings = missing_sections(rulebook)
    unread = unread_questions(rulebook)
    if unread:
        warnings.append(f"no rule, indicator or today's-structure test reads these questions: {', '.join(unread)} "
                        "(give each a reader, mark it 'context: true' in the questionnaire, or remove it)")
    return warnings
