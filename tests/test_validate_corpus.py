"""The malformed-file corpus: each file gives exactly the located messages a user sees.

Every fixture under tests/fixtures/invalid/ is run through `diagnose validate`; the
command must exit 2, print exactly the expected `file:line:col: key.path: message`
lines on stderr (one per problem) and no traceback. Paths are relative to
tests/fixtures, the folder the command runs in.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from diagnose.cli import cli
from diagnose.errors import UserError
from diagnose.yamlio import load_document

FIXTURES = Path(__file__).parent / "fixtures"

EXPECTED: dict[str, list[str]] = {
    "invalid/alias.yaml": [
        "invalid/alias.yaml:21:25: alias '*zero' is not allowed in this file; write the value out in full",
    ],
    "invalid/answers-not-mapping.yaml": [
        "invalid/answers-not-mapping.yaml:7:3: answers: expected a mapping of question id to answer, got a list",
    ],
    "invalid/bad-date-text.yaml": [
        "invalid/bad-date-text.yaml:8:9: meta.date: expected a date as YYYY-MM-DD, got '5 November 2026'",
    ],
    "invalid/bad-date.yaml": [
        "invalid/bad-date.yaml:8:9: meta.date: expected a date as YYYY-MM-DD, got '2026-13-45'",
    ],
    "invalid/billion-laughs.yaml": [
        "invalid/billion-laughs.yaml:5:8: alias '*a' is not allowed in this file; write the value out in full",
    ],
    "invalid/binary.yaml": [
        "invalid/binary.yaml:3:7: file contains a NUL byte (binary data?); expected a UTF-8 text file",
    ],
    "invalid/comment-only.yaml": [
        "invalid/comment-only.yaml:1:1: file holds only comments, expected a YAML mapping",
    ],
    "invalid/cp1251.yaml": [
        "invalid/cp1251.yaml:1:3: byte 0xd1 is not valid UTF-8 (it looks like Windows-1251); expected a UTF-8 text file, re-save it as UTF-8",
    ],
    "invalid/deep-nesting.yaml": [
        "invalid/deep-nesting.yaml:44:81: nesting is deeper than the 40 levels allowed",
    ],
    "invalid/dont-know-not-allowed.yaml": [
        "invalid/dont-know-not-allowed.yaml:11:18: answers.company_stage: 'dont_know' (don't know) is not allowed for this question; expected one of: startup, growth, mature, restructuring",
    ],
    "invalid/duplicate-key.yaml": [
        "invalid/duplicate-key.yaml:26:3: duplicate key 'active_clients': each key may appear only once in a mapping",
    ],
    "invalid/empty.yaml": [
        "invalid/empty.yaml:1:1: file is empty, expected a YAML mapping",
    ],
    "invalid/folder.yaml": [
        "invalid/folder.yaml: is a folder, expected a YAML file",
    ],
    "invalid/meta-language.yaml": [
        "invalid/meta-language.yaml:9:13: meta.language: expected one of: ru, en, got 'de'",
    ],
    "invalid/missing-company.yaml": [
        "invalid/missing-company.yaml:5:3: meta: missing required key 'company'",
    ],
    "invalid/missing-required-answer.yaml": [
        "invalid/missing-required-answer.yaml:11:3: answers.orders_per_month: missing required answer to 'How many orders from existing clients does the department process in an average month?'; expected a number of at least 0",
    ],
    "invalid/multi-duplicate-choice.yaml": [
        "invalid/multi-duplicate-choice.yaml:30:23: answers.am_internal_stages: 'shipping_logistics' is listed twice; list each choice once",
    ],
    "invalid/multi-unknown-choice.yaml": [
        "invalid/multi-unknown-choice.yaml:30:23: answers.am_internal_stages: 'invoicing_paymnts' is not a choice (did you mean 'invoicing_payments'?); expected a list of at least 1 of: purchasing, in_plant_transport, production_scheduling, quality_testing, shipping_logistics, customs, invoicing_payments, none",
    ],
    "invalid/not-applicable-not-allowed.yaml": [
        "invalid/not-applicable-not-allowed.yaml:25:21: answers.orders_per_month: 'not_applicable' (not applicable) is not allowed for this question; expected a number of at least 0",
    ],
    "invalid/number-below-minimum.yaml": [
        "invalid/number-below-minimum.yaml:18:22: answers.headcount_hunters: -2 is below the minimum 0",
    ],
    "invalid/number-not-whole.yaml": [
        "invalid/number-not-whole.yaml:18:22: answers.headcount_hunters: 1.5 is not a whole number; expected a whole number of at least 0",
    ],
    "invalid/other-version.yaml": [
        "invalid/other-version.yaml:3:10: version: this file answers version 2 of 'sales-structure', but the questionnaire is version 1; check the answers against the current questions and update 'version'",
    ],
    "invalid/percent-above-100.yaml": [
        "invalid/percent-above-100.yaml:27:24: answers.top20_revenue_share: 100.5 is above the maximum 100 (percent 0–100)",
    ],
    "invalid/python-tag.yaml": [
        "invalid/python-tag.yaml:5:12: tag '!!python/object/apply:os.system' is not allowed: files hold plain data only",
    ],
    "invalid/questionnaire/bad-default.yaml": [
        "invalid/questionnaire/bad-default.yaml:21:18: sections[0].questions[2].default: 'medium' is not a choice; expected one of: simple, complex",
    ],
    "invalid/questionnaire/billion-laughs.yaml": [
        "invalid/questionnaire/billion-laughs.yaml:40:12: alias '*l0' is not allowed in this file; write the value out in full",
    ],
    "invalid/questionnaire/computed-unknown-name.yaml": [
        "invalid/questionnaire/computed-unknown-name.yaml:43:11: computed[0].expr: unknown name 'team_sise' in condition 'hunter_count / team_sise * 100' (did you mean 'team_size'?)",
    ],
    "invalid/questionnaire/condition-python.yaml": [
        "invalid/questionnaire/condition-python.yaml:29:18: sections[0].questions[3].show_if: attribute access '.__bases__' is not allowed in condition '().__class__.__bases__'; a condition may use answers, numbers, 'texts', [lists], comparisons, and/or/not, + - * / and the functions min, max, count, abs, round",
    ],
    "invalid/questionnaire/condition-syntax.yaml": [
        "invalid/questionnaire/condition-syntax.yaml:29:18: sections[0].questions[3].show_if: cannot parse condition 'has_hunters == 'yes' and': unexpected 'end of condition'",
    ],
    "invalid/questionnaire/condition-unknown-choice.yaml": [
        "invalid/questionnaire/condition-unknown-choice.yaml:29:18: sections[0].questions[3].show_if: 'complx' is not a choice of 'product_complexity' in condition 'product_complexity == 'complx''; expected one of: simple, complex (did you mean 'complex'?)",
    ],
    "invalid/questionnaire/duplicate-question-id.yaml": [
        "invalid/questionnaire/duplicate-question-id.yaml:31:13: sections[0].questions[4].id: question id 'team_size' is used twice; ids must be unique in the questionnaire",
    ],
    "invalid/questionnaire/min-not-below-max.yaml": [
        "invalid/questionnaire/min-not-below-max.yaml:34:14: sections[0].questions[4].max: max 1 must be greater than min 5",
    ],
    "invalid/questionnaire/missing-language.yaml": [
        "invalid/questionnaire/missing-language.yaml:30:15: sections[0].questions[3].text: missing the 'en' text",
    ],
    "invalid/questionnaire/multi-max-selected.yaml": [
        "invalid/questionnaire/multi-max-selected.yaml:22:23: sections[0].questions[2].max_selected: expected a whole number from 1 to 2 (min_selected to the number of choices), got 3",
    ],
    "invalid/questionnaire/reserved-choice-id.yaml": [
        "invalid/questionnaire/reserved-choice-id.yaml:25:18: sections[0].questions[2].choices[2].id: 'dont_know' is reserved; use allow_dont_know: true instead",
    ],
    "invalid/questionnaire/scale-without-labels.yaml": [
        "invalid/questionnaire/scale-without-labels.yaml:32:9: sections[0].questions[4]: a scale needs 'labels' with the meaning of its ends (min, max)",
    ],
    "invalid/questionnaire/show-if-circular.yaml": [
        "invalid/questionnaire/show-if-circular.yaml:18:18: sections[0].questions[1].show_if: show_if names 'hunter_count', which is asked later; a condition may only read earlier questions (this also rules out circular show-if)",
    ],
    "invalid/questionnaire/show-if-forward-reference.yaml": [
        "invalid/questionnaire/show-if-forward-reference.yaml:18:18: sections[0].questions[1].show_if: show_if names 'load', which is asked later; a condition may only read earlier questions (this also rules out circular show-if)",
    ],
    "invalid/questionnaire/show-if-self.yaml": [
        "invalid/questionnaire/show-if-self.yaml:29:18: sections[0].questions[3].show_if: show_if of 'hunter_count' names the question itself: a question cannot depend on its own answer",
    ],
    "invalid/questionnaire/show-if-unknown-question.yaml": [
        "invalid/questionnaire/show-if-unknown-question.yaml:29:18: sections[0].questions[3].show_if: unknown name 'has_huntrs' in condition 'has_huntrs == 'yes'' (did you mean 'has_hunters'?)",
    ],
    "invalid/questionnaire/unknown-kind.yaml": [
        "invalid/questionnaire/unknown-kind.yaml:2:7: kind: unknown kind 'questionaire' (did you mean 'questionnaire'?); expected one of: questionnaire, rulebook, brand",
    ],
    "invalid/questionnaire/unknown-question-key.yaml": [
        "invalid/questionnaire/unknown-question-key.yaml:29:9: sections[0].questions[3].show_iff: unknown key 'show_iff' (did you mean 'show_if'?); expected one of: id, type, text, help, required, default, show_if, allow_dont_know, allow_not_applicable, context, min, max, integer, unit",
    ],
    "invalid/questionnaire/unknown-question-type.yaml": [
        "invalid/questionnaire/unknown-question-type.yaml:17:15: sections[0].questions[1].type: unknown question type 'yes_no' (did you mean 'yesno'?); expected one of: single, multi, scale, number, percent, yesno, text",
    ],
    "invalid/scale-above-maximum.yaml": [
        "invalid/scale-above-maximum.yaml:42:33: answers.specialist_request_frequency: 7 is above the maximum 5 (scale 1–5)",
    ],
    "invalid/scale-not-whole.yaml": [
        "invalid/scale-not-whole.yaml:42:33: answers.specialist_request_frequency: 3.5 is not a whole number; expected a whole number from 1 to 5",
    ],
    "invalid/several-problems.yaml": [
        "invalid/several-problems.yaml:11:18: answers.company_stage: 'grwoth' is not a choice (did you mean 'growth'?); expected one of: startup, growth, mature, restructuring",
        "invalid/several-problems.yaml:18:22: answers.headcount_hunters: expected a whole number of at least 0, got 'two'",
        "invalid/several-problems.yaml:27:24: answers.top20_revenue_share: 120 is above the maximum 100 (percent 0–100)",
    ],
    "invalid/tab-indentation.yaml": [
        "invalid/tab-indentation.yaml:13:1: YAML syntax error: a tab character cannot be used for indentation in YAML; use spaces",
    ],
    "invalid/top-level-list.yaml": [
        "invalid/top-level-list.yaml:1:1: file holds a list, expected a YAML mapping of 'key: value' lines",
    ],
    "invalid/unknown-choice.yaml": [
        "invalid/unknown-choice.yaml:11:18: answers.company_stage: 'grwoth' is not a choice (did you mean 'growth'?); expected one of: startup, growth, mature, restructuring",
    ],
    "invalid/unknown-meta-key.yaml": [
        "invalid/unknown-meta-key.yaml:7:3: meta.respondant: unknown key 'respondant' (did you mean 'respondent'?); expected one of: company, industry, respondent, consultant, consultancy, date, language",
    ],
    "invalid/unknown-question-id.yaml": [
        "invalid/unknown-question-id.yaml:27:3: answers.top20_revenue_shar: unknown question id 'top20_revenue_shar' (did you mean 'top20_revenue_share'?)",
    ],
    "invalid/unknown-questionnaire.yaml": [
        "invalid/unknown-questionnaire.yaml:2:16: questionnaire: unknown questionnaire 'sales-structur' (did you mean 'sales-structure'?); expected one of the bundled questionnaires: sales-structure",
    ],
    "invalid/unknown-top-key.yaml": [
        "invalid/unknown-top-key.yaml:4:1: metadata: unknown key 'metadata' (did you mean 'meta'?); expected one of: questionnaire, version, meta, answers, notes, decisions",
    ],
    "invalid/utf16.yaml": [
        "invalid/utf16.yaml:1:1: file is UTF-16 encoded; expected a UTF-8 text file, re-save it as UTF-8",
    ],
    "invalid/version-not-number.yaml": [
        "invalid/version-not-number.yaml:3:10: version: this file answers version yes/no value true of 'sales-structure', but the questionnaire is version 1; check the answers against the current questions and update 'version'",
    ],
    "invalid/wrong-type.yaml": [
        "invalid/wrong-type.yaml:24:19: answers.active_clients: expected a whole number of at least 0, got 'about a hundred and sixty'",
    ],
    "invalid/yaml-syntax-error.yaml": [
        "invalid/yaml-syntax-error.yaml:31:28: YAML syntax error: expected ',' or ']', but got ':' (while parsing a flow sequence that starts at line 30, column 23)",
    ],
    "invalid/yesno-wrong.yaml": [
        "invalid/yesno-wrong.yaml:31:30: answers.management_doubts_am_load: expected yes or no, or dont_know, got 'maybe'",
    ],
    "invalid/no-such-file.yaml": [
        "invalid/no-such-file.yaml: no such file",
    ],
}


def run_validate(*paths: str):
    return CliRunner().invoke(cli, ["validate", *paths], catch_exceptions=False)


@pytest.fixture(autouse=True)
def in_fixtures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)


def test_corpus_is_large_and_complete() -> None:
    on_disk = {
        str(p.relative_to(FIXTURES))
        for p in (FIXTURES / "invalid").rglob("*.yaml")
        if p.name != "valid.yaml" and "folder.yaml" not in p.parts[:-1]
    }
    assert on_disk - set(EXPECTED) == set(), "every invalid fixture needs its expected messages"
    assert len(EXPECTED) >= 30


@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_each_problem_is_reported_once_with_its_location(fixture: str) -> None:
    result = run_validate(fixture)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == EXPECTED[fixture]
    assert "Traceback" not in result.output + result.stderr
    assert result.stdout == ""


def test_several_files_report_every_problem_and_the_valid_ones() -> None:
    files = ["valid/minimal-answers.yaml", "invalid/unknown-choice.yaml", "invalid/empty.yaml"]
    result = run_validate(*files)
    assert result.exit_code == 2
    assert result.stdout == "valid/minimal-answers.yaml: valid answers\n"
    assert result.stderr.splitlines() == EXPECTED[files[1]] + EXPECTED[files[2]]


@pytest.mark.parametrize(
    "fixture, kind",
    [
        ("valid/minimal-answers.yaml", "answers"),
        ("valid/bom-utf8.yaml", "answers"),
        ("invalid/questionnaire/valid.yaml", "questionnaire"),
    ],
)
def test_the_files_the_corpus_is_made_from_are_valid(fixture: str, kind: str) -> None:
    result = run_validate(fixture)
    assert (result.exit_code, result.stdout, result.stderr) == (0, f"{fixture}: valid {kind}\n", "")


def test_bom_fixture_really_starts_with_a_bom() -> None:
    raw = (FIXTURES / "valid/bom-utf8.yaml").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw[3:] == (FIXTURES / "valid/minimal-answers.yaml").read_bytes()


def test_binary_fixtures_are_what_their_script_makes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The committed bytes match the generator, so neither drifts from the other."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_binary", FIXTURES / "invalid/make_binary_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    (tmp_path / "invalid").mkdir()
    (tmp_path / "valid").mkdir()
    (tmp_path / "valid/minimal-answers.yaml").write_bytes((FIXTURES / "valid/minimal-answers.yaml").read_bytes())
    monkeypatch.setattr(module, "HERE", tmp_path / "invalid")
    monkeypatch.setattr(module, "VALID", tmp_path / "valid")
    module.main()
    for name in ("invalid/binary.yaml", "invalid/cp1251.yaml", "invalid/utf16.yaml", "valid/bom-utf8.yaml"):
        assert (tmp_path / name).read_bytes() == (FIXTURES / name).read_bytes(), name


def test_python_tag_runs_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tag would run `touch pwned-by-yaml` if anything constructed it."""
    from diagnose.answers import load_answers

    source = (FIXTURES / "invalid/python-tag.yaml").read_text(encoding="utf-8")
    assert "os.system ['touch pwned-by-yaml']" in source
    (tmp_path / "answers.yaml").write_text(source, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run_validate("answers.yaml")
    assert result.exit_code == 2
    with pytest.raises(UserError):
        load_answers("answers.yaml")
    with pytest.raises(UserError):
        load_document("answers.yaml", allow_aliases=True)
    assert not (tmp_path / "pwned-by-yaml").exists()


@pytest.mark.parametrize(
    "fixture, line",
    [("invalid/billion-laughs.yaml", 9), ("invalid/questionnaire/billion-laughs.yaml", 44)],
)
def test_alias_bomb_is_refused_even_where_aliases_are_allowed(
    fixture: str, line: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refused while scanning events, before any data is built: the time is bounded by
    the file's size, not by the billion values it would expand to."""

    def never_build():
        raise AssertionError("the document was built before the bomb was noticed")

    monkeypatch.setattr("diagnose.yamlio._roundtrip_yaml", never_build)
    with pytest.raises(UserError) as caught:
        load_document(fixture, allow_aliases=True)
    (problem,) = caught.value.problems
    assert problem.location.line == line
    assert problem.message == (
        "aliases here expand to more than 100000 values (an alias bomb?); write the values out"
    )


def test_a_few_aliases_load_where_allowed(tmp_path: Path) -> None:
    path = tmp_path / "aliases.yaml"
    path.write_text("base: &b {ru: Да, en: 'Yes'}\ncopy: *b\nlist: [*b, *b]\n", encoding="utf-8")
    document = load_document(path, allow_aliases=True)
    assert document.data["list"][1]["en"] == "Yes"
