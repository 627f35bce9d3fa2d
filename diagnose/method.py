"""The method in use: questionnaire, rulebook, parameter overrides, brand and report
templates, each loaded and checked once, when first needed.

Every command, the interview and each batch worker get theirs from `load_method`; below
it the pipeline is plain functions of the method and the data:

    method = load_method(questionnaire, rules, sets, params, brand, templates)
    answers = read_answers(method, path)         # -> AnswerSet
    diagnosis = diagnose(method, answers)        # -> Diagnosis
    rendered = render(method, diagnosis, "pdf")  # -> Rendered (its bytes in .data)

Nothing here keeps anything between methods: what a `Method` loaded lives on it, and the
only cache behind it is the loader's (`diagnose.loadcache`). A loading error is kept too,
so asking again raises the same located problems without reading the file again (a
batch worker fails every input that needs a broken file alike).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from diagnose.errors import UserError

if TYPE_CHECKING:
    from diagnose.answers import AnswerSet
    from diagnose.diagnosis import Diagnosis
    from diagnose.questionnaire import Questionnaire
    from diagnose.report.brand import Brand
    from diagnose.report.render import Rendered
    from diagnose.rules.rulebook import Rulebook
    from diagnose.rules.whatif import Search

T = TypeVar("T")
PathLike = str | Path


class _Failed:
    """A UserError met while loading, kept in place of the value."""

    def __init__(self, error: UserError) -> None:
        self.error = error


class loaded(Generic[T]):  # noqa: N801 - used like functools.cached_property
    """`functools.cached_property` that also keeps a UserError, raised again when asked.
    The value lives in the instance's `__dict__` under the same name; being a data
    descriptor (`__set__`), this is asked every time, so a kept error is seen."""

    def __init__(self, load: Callable[[Any], T]) -> None:
        self.load = load
        self.__doc__ = load.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, method: Any, owner: type | None = None) -> T:
        if method is None:
            return self  # type: ignore[return-value]
        kept = method.__dict__
        if self.name not in kept:
            try:
                kept[self.name] = self.load(method)
            except UserError as exc:
                kept[self.name] = _Failed(exc)
        value = kept[self.name]
        if isinstance(value, _Failed):
            raise value.error
        return value

    def __set__(self, method: Any, value: T) -> None:
        method.__dict__[self.name] = value


# what depends on the questionnaire: a method for another questionnaire loads these again
_BOUND_TO_QUESTIONNAIRE = ("questionnaire", "rulebook", "overrides", "whatif_search")
_OTHERS_KEPT = 4  # methods for other questionnaires one method remembers (a batch meets few)


class Method:
    """What a diagnosis and its report are made with. Files are named, not read, until
    something asks for what they hold; `questionnaire` and `overrides` may be given
    already loaded and checked (a batch worker gets the overrides its parent checked)."""

    def __init__(self, questionnaire_file: PathLike | None = None, rules_file: PathLike | None = None,
                 sets: tuple[str, ...] | list[str] = (), params_file: PathLike | None = None,
                 brand_file: PathLike | None = None, templates: PathLike | None = None, *,
                 questionnaire: Questionnaire | None = None, overrides: dict[str, Any] | None = None,
                 pdf_variant: str | None = None, audience: str | None = None) -> None:
        self.questionnaire_file = questionnaire_file
        self.rules_file = rules_file
        self.sets = tuple(sets)
        self.params_file = params_file
        self.brand_file = brand_file
        self.templates = templates
        self.given_overrides = overrides
        self.pdf_variant = pdf_variant  # --pdf-variant (report.PDF_VARIANTS); None: a plain PDF
        self.audience = audience  # --audience (report.AUDIENCES); None: the default, the client's report
        # parsed stylesheets kept between PDFs (report.pdf.KeptStylesheets), set by a
        # long-lived owner such as a batch worker; None: each PDF parses its own
        self.kept_stylesheets: Any = None
        self._others: list[Method] = []
        self._questionnaire_given = questionnaire is not None
        if questionnaire is not None:
            self.__dict__["questionnaire"] = questionnaire

    @property
    def pinned(self) -> bool:
        """Whether answers must answer this method's questionnaire (one was given), rather
        than the one they name by id among the bundled questionnaires."""
        return self.questionnaire_file is not None or self._questionnaire_given

    @loaded
    def questionnaire(self) -> Questionnaire:
        """The questionnaire given, else the bundled one."""
        from diagnose.questionnaire import load_questionnaire
        from diagnose.resources import questionnaire_path

        return load_questionnaire(self.questionnaire_file or questionnaire_path())

    @loaded
    def rulebook(self) -> Rulebook:
        """The rulebook given, else the one bundled beside the questionnaire, bound to it."""
        from diagnose.resources import rulebook_path
        from diagnose.rules.rulebook import load_rulebook

        return load_rulebook(self.rules_file or rulebook_path(self.questionnaire.id), self.questionnaire)

    @loaded
    def overrides(self) -> dict[str, Any]:
        """The parameters --set and --params change (name -> value), checked against the rulebook."""
        if self.given_overrides is not None:
            return dict(self.given_overrides)
        if not self.sets and self.params_file is None:
            return {}  # nothing to check: the rulebook is not needed for it
        from diagnose.rules.params import parameter_values

        return parameter_values(self.rulebook, self.sets, self.params_file)

    @loaded
    def brand(self) -> Brand:
        """The brand file given, else the bundled brand."""
        from diagnose.report.brand import load_brand

        return load_brand(self.brand_file)

    @loaded
    def template_folders(self) -> list[Path]:
        """The report template folders, the user's (--templates) before the bundled one."""
        from diagnose.report.html import template_folders

        return template_folders(self.templates)

    @loaded
    def whatif_search(self) -> Search:
        """The what-if search prepared for this rulebook once, reused by every diagnosis."""
        from diagnose.rules.whatif import prepare_search

        rulebook = self.rulebook
        return prepare_search(rulebook, self.questionnaire, dict.fromkeys(rulebook.parameters))

    def for_questionnaire(self, questionnaire: Questionnaire) -> Method:
        """This method for answers of `questionnaire`: itself when that is its questionnaire
        (or it has none loaded yet and none was given), else one like it for that one."""
        loaded_already = self.__dict__.get("questionnaire")
        if loaded_already is questionnaire:
            return self
        if loaded_already is None and not self.pinned:
            self.__dict__["questionnaire"] = questionnaire  # the one the answers named
            return self
        for other in self._others:
            if other.__dict__.get("questionnaire") is questionnaire:
                return other
        other = copy.copy(self)
        for name in _BOUND_TO_QUESTIONNAIRE:
            other.__dict__.pop(name, None)
        other.__dict__["questionnaire"] = questionnaire
        other._questionnaire_given = True
        other._others = []
        self._others = [other, *self._others[: _OTHERS_KEPT - 1]]
        return other


def load_method(questionnaire: PathLike | Questionnaire | None = None, rules: PathLike | None = None,
                sets: tuple[str, ...] | list[str] = (), params: PathLike | None = None,
                brand: PathLike | None = None, templates: PathLike | None = None,
                overrides: dict[str, Any] | None = None, pdf_variant: str | None = None,
                audience: str | None = None) -> Method:
    """The method the options name (None: the bundled file); nothing is read until used.
    `questionnaire` may be a file or one already loaded (the interview's)."""
    from diagnose.questionnaire import Questionnaire

    if isinstance(questionnaire, Questionnaire):
        return Method(None, rules, sets, params, brand, templates, questionnaire=questionnaire, overrides=overrides,
                      pdf_variant=pdf_variant, audience=audience)
    return Method(questionnaire, rules, sets, params, brand, templates, overrides=overrides, pdf_variant=pdf_variant,
                  audience=audience)


# ---------------------------------------------------------------------------- the stages


def read_answers(method: Method, path: PathLike) -> AnswerSet:
    """A finished answer file, checked against the method's questionnaire when one was
    given, else against the one it names."""
    from diagnose.answers import load_answers

    return load_answers(path, method.questionnaire if method.pinned else None, keep_comments=False)


def diagnose(method: Method, answers: AnswerSet, whatif: bool = True) -> Diagnosis:
    """The traced diagnosis of one company's answers."""
    from diagnose.rules.evaluate import evaluate

    bound = method.for_questionnaire(answers.questionnaire)
    rulebook, overrides = bound.rulebook, bound.overrides
    if answers.judgement:  # notes and decisions name rules and sections: known only now
        from diagnose.judgement import check_ids, section_ids

        check_ids(answers.judgement, [rule.id for rule in rulebook.rules], section_ids(answers.questionnaire),
                  answers.document, answers.path)
    search = bound.whatif_search if whatif else None
    return evaluate(answers, rulebook, overrides, whatif=whatif, search=search)


def render(method: Method, diagnosis: Diagnosis, fmt: str = "pdf", lang: str | None = None) -> Rendered:
    """One report of the diagnosis in the method's brand, templates, PDF variant and audience."""
    from diagnose.report.render import report_bytes

    brand = method.brand if fmt != "json" else None  # JSON carries no brand: none is read
    return report_bytes(diagnosis, fmt, lang, brand, method.templates, method.kept_stylesheets, method.pdf_variant,
                        method.audience)


def write(method: Method, diagnosis: Diagnosis, output: PathLike, fmt: str = "pdf",
          lang: str | None = None) -> Rendered:
    """Render, then write to `output` atomically ('-': standard output)."""
    from diagnose.report.render import write_output

    rendered = render(method, diagnosis, fmt, lang)
    write_output(rendered.data, output)
    return rendered


def report_file(method: Method, answers_path: PathLike, output: PathLike, fmt: str = "pdf",
                lang: str | None = None) -> Rendered:
    """The whole pipeline for one answer file: read, diagnose, render, write."""
    return write(method, diagnose(method, read_answers(method, answers_path)), output, fmt, lang)
