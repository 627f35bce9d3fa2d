"""What would change it: the smallest change of answers that flips each key decision.

Key decisions: who sells new lines to existing clients, who processes regular orders
(is operations split off), where specialist support sits. For every question we try
other answers — every other choice; for numbers the thresholds (parameters) of the
expressions the answer reaches, the bounds
and nearby values, then a bisection towards the current value — re-evaluate the
rulebook, and keep the change that flips a decision at the smallest cost (a changed
choice costs 1, a number its relative distance). Only single-answer changes are tried,
so "no single answer changes it" is a finding too. Answers that would reveal hidden
questions are evaluated as they stand: the newly shown questions count as unanswered. A change
that would remove a role the company has today (say, no account managers at all) is not
counted: it describes another company, not a circumstance of this one.

The key decisions are the rulebook's `key_decisions`. The search is kept small without
changing its result: only questions the decisions can read are tried (names in the
rulebook's conditions, indicators and today's-structure tests, and through them computed
values and show-if conditions); each distinct (question, answer) pair is decided once; an
answer whose signature (rules/ripple.py) is the current answer's gives today's decisions,
and one whose signature was seen before gives what that gave, without a run; conditions
remember their results (rules/memo.py); a trial's visibility is recomputed only from the
show-ifs its answer reaches (rules/reshow.py); the runs left re-evaluate only the rules
a changed name reaches (rules/rerun.py) and remember decisions by what they are made
from (each rule's condition, today's roles and task owners: `decide.key_decisions`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from diagnose.answers import AnswerSet
from diagnose.diagnosis import Flip
from diagnose.expressions import NOT_APPLICABLE, UNANSWERED, Missing
from diagnose.questionnaire import Question, Questionnaire
from diagnose.rules.decide import Basis, Outcome, key_decisions
from diagnose.rules.domain import KeyDecision
from diagnose.rules.memo import Memoised, reads
from diagnose.rules.rerun import Rerun
from diagnose.rules.reshow import Reshow
from diagnose.rules.ripple import Ripple, expressions_in
from diagnose.rules.rulebook import Rulebook
from diagnose.rules.words import LANGS, both, word
from diagnose.yamlio import is_number


@dataclass
class _Best:
    cost: float
    question: Question
    old: Any
    new: Any
    becomes: str


def what_would_change(answers: AnswerSet, rulebook: Rulebook, params: dict[str, Any], outcome: Outcome,
                      search: Search | None = None) -> list[Flip]:
    """`search`: one prepared earlier for this rulebook (the method in use keeps it)."""
    if search is None or not search.fits(rulebook, answers.questionnaire, params):
        search = prepare_search(rulebook, answers.questionnaire, params)
    trials = _Trials(answers, search, params, outcome)
    best: dict[str, _Best] = {}

    decisions = list(trials.base)  # the rulebook's key decisions, in their declared order

    def consider(question: Question, old: Any, new: Any, cost: float, result: dict[str, str]) -> None:
        for decision in decisions:
            # "undetermined" is not another decision, only a lack of one
            if result[decision] != trials.base[decision] and result[decision] != "undetermined":
                current = best.get(decision)
                if current is None or cost < current.cost:
                    best[decision] = _Best(cost, question, old, new, result[decision])

    for question in answers.questionnaire.iter_questions():
        if not trials.shown[question.id] or question.type == "text" or question.id not in trials.prepared.influencing:
            # a question no decision reads, even through a computed value or a show-if,
            # cannot flip one: evaluating its other answers would only repeat the decisions
            continue
        old = answers.values.get(question.id)
        if question.type in ("single", "yesno", "multi"):
            for new in _other_choices(question, old):
                consider(question, old, new, 1.0, trials.decide(question, new))
        else:
            relevant = {name: params[name] for name in trials.prepared.thresholds.get(question.id, ()) if name in params}
            _numeric(question, old, relevant, decisions, trials.decide, consider)
    return [_flip(rulebook, decision, trials.base[decision.id], best.get(decision.id)) for decision in rulebook.domain.decisions]


def _other_choices(question: Question, old: Any) -> list[Any]:
    """Every other answer of a choice question: each other choice, or for a multiple
    choice each choice ticked or unticked ('none' excludes the others)."""
    if question.type in ("single", "yesno"):
        return [choice for choice in question.choice_ids if choice != old]
    current = list(old) if isinstance(old, list) else []
    result = []
    for choice in question.choice_ids:
        trial = [c for c in current if c != choice] if choice in current else current + [choice]
        if choice == "none":
            trial = ["none"] if choice not in current else [c for c in current if c != "none"]
        elif "none" in trial and len(trial) > 1:
            trial = [c for c in trial if c != "none"]
        if not trial or (question.min_selected and len(trial) < question.min_selected):
            continue
        result.append(trial)
    return result


def _flip(rulebook: Rulebook, decision: KeyDecision, now_value: str, found: _Best | None) -> Flip:
    title = both(decision.title)
    now = _decision_text(rulebook, decision, now_value)
    if found is None:
        return Flip(decision.id, title, now, now, both("flip_none"))
    question = found.question
    change = {
        lang: word("flip_change", lang, question=question.text[lang], new=_display(question, found.new, lang),
                   old=_display(question, found.old, lang))
        for lang in LANGS
    }
    return Flip(decision.id, title, now, _decision_text(rulebook, decision, found.becomes), change)


class _Trials:
    """The key decisions of one company with one answer changed, each change decided once.

    In order of cost: an answer that changes nothing the rulebook reads gives today's
    decisions (rules/ripple.py); an answer whose signature (what every expression it
    reaches gives the decisions) was seen before for the same question gives what that
    one gave; only the rest run the rulebook, and those too are remembered by what the
    decisions are made from (`decide.key_decisions`)."""

    def __init__(self, answers: AnswerSet, prepared: Search, params: dict[str, Any], outcome: Outcome):
        self.answers = answers
        self.prepared = prepared
        self.params = params
        self.base = outcome.decisions()
        self.shown = answers.visibility()
        self.roles_today = set(outcome.today_roles)
        self.decided: dict[tuple[str, Any], dict[str, str]] = {}
        self.known: dict[Basis, tuple[dict[str, str], frozenset[str]]] = {}  # decisions by what they are made from
        self.alike: dict[tuple[str, Any], dict[str, str]] = {}  # decisions by (question, signature)
        prepared.memo.forget()
        self.ripple = prepared.ripple.at(outcome.env)
        self.reshow = prepared.reshow.at(answers.values) if prepared.reshow is not None else None
        # trial runs re-evaluate only the rules a changed name reaches (the outcome's params are these)
        self.conditions = prepared.rerun.at(outcome).conditions if prepared.rerun is not None else None
        # what a trial run's answers start from (`_environment`): the company's own
        own = AnswerSet(prepared.trial_questionnaire, answers.meta, answers.values)
        own.visibility = lambda: dict(self.shown)  # type: ignore[method-assign]
        self.own_env = own.environment()

    def decide(self, question: Question, value: Any) -> dict[str, str]:
        key = (question.id, _hashable(value))
        if key not in self.decided:
            self.decided[key] = self._decide(question, value)
        return self.decided[key]

    def _decide(self, question: Question, value: Any) -> dict[str, str]:
        values = dict(self.answers.values)
        values[question.id] = value
        trial = AnswerSet(self.prepared.trial_questionnaire, self.answers.meta, values)
        visible = self.shown
        if question.id in self.prepared.ripple.visible_inputs:
            # this answer may show or hide other questions
            visible = self.reshow.shown_with(question.id, value) if self.reshow is not None else trial.visibility()
        trial.visibility = lambda: dict(visible)  # type: ignore[method-assign]
        signature = self.ripple.signature(question.id, value, visibility_kept=visible == self.shown)
        if signature is None:
            return self._run(self._environment(trial, question.id, visible))
        if signature == self.ripple.base_signature(question.id):
            return self.base  # nothing any rule, indicator or today's test reads has changed
        key = (question.id, signature)
        if key not in self.alike:
            self.alike[key] = self._run(self._environment(trial, question.id, visible))
        return self.alike[key]

    def _environment(self, trial: AnswerSet, question_id: str, visible: dict[str, bool]) -> dict[str, Any]:
        """`trial.environment()`: the company's own with the changed answer, the questions
        it shows or hides, and only the computed values that read any of them (directly
        or through another) evaluated again. Where the computed values do not each read
        only names before them (`Ripple.usable`), the whole environment is evaluated."""
        if not self.prepared.ripple.usable:
            return trial.environment()
        env = dict(self.own_env)
        changed = {question_id}
        if visible != self.shown:
            changed.update(q for q, shown in visible.items() if shown != self.shown.get(q))
        for name in changed:
            env[name] = trial.values.get(name, UNANSWERED) if visible[name] else NOT_APPLICABLE
        for name, expression, inputs in self.prepared.ripple.computed:
            if not inputs.isdisjoint(changed):
                env[name] = expression.evaluate(env)
                changed.add(name)
        return env

    def _run(self, env: dict[str, Any]) -> dict[str, str]:
        decisions, roles = key_decisions(self.prepared.memo.rulebook, env, self.params, self.known,
                                         self.conditions)
        if not self.roles_today <= roles:
            # abolishing a role the company has is not a circumstance that "would change"
            # the advice: such answers flip nothing
            return self.base
        return decisions


def _numeric(question: Question, old: Any, params: dict[str, Any], decisions: list[str], decide: Any, consider: Any) -> None:
    """`params`: the parameters an expression reached by this question reads (its thresholds)."""
    low, high = question.bounds()
    whole = question.integer or question.type == "scale"
    known = is_number(old)
    points: set[float] = {float(p) for p in params.values() if is_number(p)}
    points |= {p + d for p in list(points) for d in (-1, 1)}
    if known:
        points |= {0.0, old * 0.5, old * 2, old - 1, old + 1}
    for bound in (low, high):
        if bound is not None:
            points.add(float(bound))
    candidates = sorted(p for p in points if (low is None or p >= low) and (high is None or p <= high) and (not known or p != old))
    if whole:
        candidates = sorted({round(p) for p in candidates if not known or round(p) != old})
    flipping: list[tuple[float, dict[str, str]]] = []
    for value in candidates:
        result = decide(question, _as(value, whole))
        flipping.append((value, result))
    if not known:
        for value, result in flipping:
            consider(question, old, _as(value, whole), 1.01, result)
        return
    base = decide(question, old)
    for decision in decisions:
        # the flipping candidate nearest to the current value on each side, refined by bisection
        for side in (-1, 1):
            nearest = [v for v, r in flipping if (v - old) * side > 0 and r[decision] != base[decision]]
            if not nearest:
                continue
            target = min(nearest, key=lambda v: abs(v - old))
            inside, outside = float(old), target  # decision unchanged at `inside`, flipped at `outside`
            for _ in range(14):
                middle = (inside + outside) / 2
                if whole:
                    middle = round(middle)
                    if middle in (inside, outside):
                        break
                if decide(question, _as(middle, whole))[decision] != base[decision]:
                    outside = middle
                else:
                    inside = middle
                if not whole and abs(outside - inside) < 0.05:
                    break
            value = _nice(outside, inside, whole)
            result = decide(question, _as(value, whole))
            if result[decision] != base[decision]:
                # a small surcharge: at equal distance a changed choice reads more naturally
                consider(question, old, _as(value, whole), abs(value - old) / max(abs(old), 1.0) + 0.01, result)


@dataclass
class Search:
    """What the search needs from a rulebook, built once for it and reused (the method in
    use keeps it, so a batch worker prepares it once)."""

    rulebook: Rulebook
    questionnaire: Questionnaire
    params: frozenset[str]
    influencing: set[str]
    memo: Memoised
    ripple: Ripple
    trial_questionnaire: Questionnaire  # what trial answers are checked against
    thresholds: dict[str, frozenset[str]]  # question id -> the parameters its changes can meet
    reshow: Reshow | None = None  # visibility with one answer changed, for the trial questionnaire
    rerun: Rerun | None = None  # the trial runs' rule conditions, only where a change reaches

    def fits(self, rulebook: Rulebook, questionnaire: Questionnaire, params: dict[str, Any]) -> bool:
        return self.rulebook is rulebook and self.questionnaire is questionnaire and self.params == frozenset(params)


def prepare_search(rulebook: Rulebook, questionnaire: Questionnaire, params: dict[str, Any]) -> Search:
    names = frozenset(params)
    memo = Memoised(rulebook)
    # the answers' questionnaire is normally the rulebook's own: then its memoised copy
    trial = memo.rulebook.questionnaire if questionnaire is rulebook.questionnaire else questionnaire
    # the ripple check evaluates the memoised expressions too: the full runs reuse its results
    return Search(rulebook, questionnaire, names, _influencing(rulebook, questionnaire), memo,
                  Ripple(memo.rulebook, trial, names), trial, _thresholds(rulebook, questionnaire, names), Reshow(trial),
                  Rerun(memo.rulebook))


def _influencing(rulebook: Rulebook, questionnaire: Questionnaire) -> set[str]:
    """Every name whose value can reach a decision.

    Starts from the names read by any expression held in the rulebook, then adds what
    computed values read and, for each question reached, what its show-if reads (a hidden
    question reads as not_applicable, so whatever decides its visibility matters too).
    """
    names: set[str] = set()
    for expression in expressions_in(rulebook, set()):
        names.update(reads(expression))
    computed = {c.id: c.expr for c in questionnaire.computed}
    questions = questionnaire.questions
    pending = list(names)
    while pending:
        name = pending.pop()
        expression = computed.get(name) or (questions[name].show_if if name in questions else None)
        for read in reads(expression) if expression is not None else ():
            if read not in names:
                names.add(read)
                pending.append(read)
    return names


def _thresholds(rulebook: Rulebook, questionnaire: Questionnaire, params: frozenset[str]) -> dict[str, frozenset[str]]:
    """For each question, the parameters read by an expression its answer can reach.

    An answer reaches the expressions that read it, and through a computed value, an
    indicator or a show-if whatever reads those in turn. Only these parameters can be a
    threshold the answer crosses, so only their values are tried as numbers: another
    parameter's value is just some number, which the bisection towards the nearest
    flipping value makes redundant.
    """
    defines: dict[int, str] = {}  # an expression -> the name whose value it gives
    expressions: list[Any] = list(expressions_in(rulebook, set()))
    for computed in questionnaire.computed:
        defines[id(computed.expr)] = computed.id
        expressions.append(computed.expr)
    for indicator in rulebook.indicators:
        defines[id(indicator.expr)] = indicator.id
    for question in questionnaire.iter_questions():
        if question.show_if is not None:
            defines[id(question.show_if)] = question.id  # it decides what that question reads as
            expressions.append(question.show_if)
    readers: dict[str, list[Any]] = {}
    for expression in expressions:
        for name in reads(expression):
            readers.setdefault(name, []).append(expression)
    result: dict[str, frozenset[str]] = {}
    for question in questionnaire.iter_questions():
        reached, pending, found = {question.id}, [question.id], set()
        while pending:
            for expression in readers.get(pending.pop(), ()):
                found.update(name for name in reads(expression) if name in params)
                defined = defines.get(id(expression))
                if defined is not None and defined not in reached:
                    reached.add(defined)
                    pending.append(defined)
        result[question.id] = frozenset(found)
    return result


def _hashable(value: Any) -> Any:
    """A memo key that tells 5 from 5.0 and keeps a list's order."""
    if isinstance(value, list):
        return ("list", tuple(_hashable(v) for v in value))
    return (type(value).__name__, value)


def _nice(outside: float, inside: float, whole: bool) -> float:
    """A round number on the flipped side, as close to the boundary as one decimal allows."""
    if whole:
        return float(round(outside))
    rounded = round(outside, 1)
    return rounded if (rounded - inside) * (outside - inside) > 0 else outside


def _as(value: float, whole: bool) -> float | int:
    if whole or float(value).is_integer():
        return int(round(value))
    return round(value, 2)


def _display(question: Question, value: Any, lang: str) -> str:
    if value is None:
        return word("undetermined_value", lang)
    if isinstance(value, Missing):
        return question.display(value, lang)
    return question.display(value, lang)


def _decision_text(rulebook: Rulebook, decision: KeyDecision, value: str) -> dict[str, str]:
    if decision.task is None:  # the support placement
        return dict(rulebook.support_modes.get(value, {}).get("title", {lang: value for lang in LANGS}))
    role = rulebook.roles.get(value)
    return dict(role.title) if role else {lang: value for lang in LANGS}
