"""The board page and the roadmap's plan: headcount today → proposed per role with deltas
and totals, the monthly cost of the change when costs are given, why a sizing line and
the headcount kept differ, and each roadmap step's horizon, owner and order; in the JSON,
the HTML and the PDF, in both languages.

The figures are worked out from the bundled answer files by hand (comments below), not
copied from the tool's output.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from report_helpers import no_weasyprint_warnings, pdf_text

from diagnose.cli import cli
from diagnose.method import load_method
from diagnose.report.render import build_html, diagnosis_for, report_bytes
from diagnose.resources import examples_dir

DOMAIN = Path(__file__).parent / "fixtures" / "rules" / "domain"
NNBSP, NBSP, MINUS = "\u202f", "\u00a0", "\u2212"
COSTS = ("--set", "monthly_cost_operations=95000", "--set", "monthly_cost_sales_support_specialist=160000")

# (today, proposed, the roles whose headcount changes, the roles left out of the totals)
EXPECTED = {
    # 1 head of the commercial block + 1 head of sales + 3 hunters + 8 AMs = 13; orders:
    # 900 × 25 min ÷ 60 = 375 h ÷ 140 h = 2.68 → 3 operations; support from a separate
    # department where speed matters → the hybrid's 1 sales support specialist: 17
    "complex-logistics": (13, 17, {"operations": 3, "sales_support_specialist": 1}, ["specialist_department"]),
    # 1 + 1 + 2 hunters + 14 AMs + 2 specialists in sales = 20; 1300 × 40 ÷ 60 = 866.67 h
    # ÷ 140 = 6.19 → 6.5 operations: 26.5
    "chemical-raw-materials": (20, 26.5, {"operations": 6.5}, ["specialist_department"]),
    # 1 + 1 + 3 hunters + 6 AMs + 1 senior AM + 2 operations = 14; operations kept (sizing
    # never cuts), the hybrid's specialist added: 15
    "engineering-equipment": (14, 15, {"sales_support_specialist": 1}, ["specialist_department"]),
    # 1 head of sales + 4 AMs, everyone doing everything: no change
    "small-distributor": (5, 5, {}, []),
}


def _json(name: str, *options: str) -> dict:
    result = CliRunner().invoke(cli, ["report", str(examples_dir() / f"{name}.yaml"), "--format", "json", "-o", "-",
                                      *options])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _diagnosis(name: str, *sets: str):
    return diagnosis_for(examples_dir() / f"{name}.yaml", load_method(sets=sets) if sets else None)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_json_carries_the_totals_and_each_roles_delta(name: str) -> None:
    today, proposed, changes, left_out = EXPECTED[name]
    data = _json(name)
    assert data["headcount_total"] == {"today": today, "proposed": proposed, "left_out": left_out}
    deltas = {role["id"]: role["delta"] for role in data["proposed_structure"]}
    expected = {role: (None if role in left_out else changes.get(role, 0)) for role in deltas}
    assert deltas == expected
    assert all(role["delta"] is None for role in data["current_structure"])
    assert data["monthly_cost"] is None  # no cost given


def test_the_cost_of_the_change_with_every_cost_given() -> None:
    # 3 operations × 95 000 + 1 specialist × 160 000
    assert _json("complex-logistics", *COSTS)["monthly_cost"] == {
        "currency": "RUB", "roles": {"operations": 285000, "sales_support_specialist": 160000},
        "total": 445000, "without_cost": []}


def test_the_cost_of_the_change_with_one_cost_given_counts_that_role_and_names_the_other() -> None:
    data = _json("complex-logistics", "--set", "monthly_cost_operations=95000", "--set", "cost_currency=EUR")
    assert data["monthly_cost"] == {"currency": "EUR", "roles": {"operations": 285000}, "total": 285000,
                                    "without_cost": ["sales_support_specialist"]}


def test_a_cost_of_a_role_that_does_not_change_gives_no_cost_line() -> None:
    assert _json("small-distributor", "--set", "monthly_cost_account_manager=120000")["monthly_cost"] is None


def test_costs_from_a_params_file(tmp_path: Path) -> None:
    params = tmp_path / "costs.yaml"
    params.write_text("parameters:\n  monthly_cost_operations: 95000  # the client's payroll\n", encoding="utf-8")
    assert _json("chemical-raw-materials", "--params", str(params))["monthly_cost"]["total"] == 617500  # 6.5 × 95 000


@pytest.mark.parametrize(("item", "message"), [
    ("cost_currency=roubles", "--set: cost_currency: expected a currency code such as RUB, EUR or USD, got 'roubles'"),
    ("monthly_cost_hunter=a lot", "--set: monthly_cost_hunter: expected a number (money a month), got 'a lot'"),
    ("monthly_cost_hunter=-5", "--set: monthly_cost_hunter: expected a number of at least 0 (money a month), got -5"),
])
def test_a_wrong_cost_or_currency_is_refused(item: str, message: str) -> None:
    result = CliRunner().invoke(cli, ["report", str(examples_dir() / "small-distributor.yaml"), "--format", "json",
                                      "-o", "-", "--set", item])
    assert result.exit_code == 2
    assert message in result.stderr


def test_the_board_page_in_russian_with_costs() -> None:
    html, *_ = build_html(_diagnosis("complex-logistics", *COSTS[1::2]), "ru", inline_css=False)
    board = html.split('<section class="chapter board" id="board">')[1].split("</section>")[0]
    assert f"<strong>+4{NBSP}чел. (13 → 17)</strong>" in board
    assert (f"Отдел продаж растёт: +4{NBSP}чел. (13 → 17). Новые роли: Операционист (администратор продаж) — 3{NBSP}чел., "
            f"Технический специалист в отделе продаж — 1{NBSP}чел. Изменение численности обходится в "
            f"445{NNBSP}000{NBSP}₽ в месяц.") in board
    assert f'<td class="num delta">+3</td><td class="num">+285{NNBSP}000{NBSP}₽</td>' in board
    assert f'<td class="num delta">+4</td><td class="num">+445{NNBSP}000{NBSP}₽</td></tr></tfoot>' in board
    assert board.count('<span class="new-mark">новая</span>') == 2
    # the book of business: 120 clients × 2 h ÷ (140 h × 80 %) = 2.14 FTE, 8 kept
    assert ("Клиентский менеджер (КМ): расчёт «КМ по клиентской базе, ставок» даёт 2,14, а сохраняется 8: "
            "предложение эту роль не сокращает") in board


def test_the_board_page_in_english_without_costs_has_no_cost_column() -> None:
    html, *_ = build_html(_diagnosis("complex-logistics"), "en", inline_css=False)
    board = html.split('<section class="chapter board" id="board">')[1].split("</section>")[0]
    assert f"The sales department grows: +4{NBSP}FTE (13 → 17). New roles: Order operations, 3{NBSP}FTE, " \
           f"Sales support specialist, 1{NBSP}FTE.</p>" in board
    assert "Cost a month" not in board and "costs" not in board
    assert "Not in the totals: Specialist department" in board


def _board(name: str, lang: str, *sets: str) -> str:
    html, *_ = build_html(_diagnosis(name, *sets), lang, inline_css=False)
    return html.split('<section class="chapter board" id="board">')[1].split("</section>")[0]


@pytest.mark.parametrize(("lang", "headline", "new_role"), [
    # 20 → 26.5: half a post is not half a person
    ("ru", f"+6,5{NBSP}ставки (20 → 26,5)", f"Операционист (администратор продаж) — 6,5{NBSP}ставки"),
    ("en", f"+6.5{NBSP}FTE (20 → 26.5)", f"Order operations, 6.5{NBSP}FTE"),
])
def test_a_fraction_of_a_person_is_counted_in_posts(lang: str, headline: str, new_role: str) -> None:
    board = _board("chemical-raw-materials", lang)
    assert f"<strong>{headline}</strong>" in board and new_role in board


@pytest.mark.parametrize(("lang", "headline", "title"), [
    ("ru", f"Без изменений (5{NBSP}чел.)", "Численность"), ("en", f"No change (5{NBSP}FTE)", "Headcount"),
])
def test_an_unchanged_headcount_says_so_and_no_cost_means_no_cost_in_the_title(lang: str, headline: str,
                                                                                title: str) -> None:
    board = _board("small-distributor", lang)
    assert f"<strong>{headline}</strong>" in board
    assert f"<h1>{title}</h1>" in board
    assert "→" not in board.split("</strong>")[0]


def test_a_partial_cost_says_which_roles_it_leaves_out() -> None:
    html, *_ = build_html(_diagnosis("complex-logistics", "monthly_cost_operations=95000", "cost_currency=EUR"),
                          "en", inline_css=False)
    assert "The change in headcount costs €285,000 a month, counting the roles whose cost is given." in html
    assert "No cost is given for: Sales support specialist." in html
    assert '<td class="num">cost not given</td>' in html


def test_a_cost_parameter_nobody_gave_is_left_out_of_the_reports_parameter_table() -> None:
    html, *_ = build_html(_diagnosis("complex-logistics", "monthly_cost_operations=95000"), "en", inline_css=False,
                          audience="consultant")  # the consultant's copy names the parameters
    table = html.split('<table class="parameters">')[1].split("</table>")[0]
    assert "<code>monthly_cost_operations</code>" in table and "<code>cost_currency</code>" in table
    assert "monthly_cost_hunter" not in table
    assert table.count("not given") == 1  # the one given says it has no default
    assert "changed by the consultant; default not given" in table


def test_no_change_reads_as_such_and_explains_the_sizing() -> None:
    html, *_ = build_html(_diagnosis("small-distributor"), "en", inline_css=False)
    assert "+0" not in html
    assert f"The sales department keeps its headcount (5{NBSP}FTE): what changes is who does which work." in html
    # 160 clients × 2 h ÷ 112 h = 2.86 FTE of account managers; 4 are kept
    assert "Account manager: the sizing line “Account managers from the book of business, FTE” gives 2.86, " \
           "yet 4 are kept" in html
    # operations are not in the proposal, so their sizing line explains nothing here
    assert "Operations staff" not in html.split('id="board"')[1].split("</section>")[0]


@pytest.fixture(scope="module")
def board_pdfs():
    diagnosis = _diagnosis("complex-logistics", *COSTS[1::2])
    with no_weasyprint_warnings():
        return {lang: report_bytes(diagnosis, "pdf", lang).data for lang in ("ru", "en")}


@pytest.mark.parametrize(("lang", "lines"), [
    ("ru", ["Численность и затраты", "+4 чел. (13 → 17)", "Итого 13 17 +4 +445 000 ₽",
            "Затраты в месяц", "В итог не входят: Отдел узких специалистов"]),
    ("en", ["Headcount and cost", "+4 FTE (13 → 17)", "Total 13 17 +4 +RUB 445,000",
            "Cost a month", "Not in the totals: Specialist department"]),
])
def test_the_pdf_has_the_board_page_after_the_summary(board_pdfs, lang: str, lines: list[str]) -> None:
    text = pdf_text(board_pdfs[lang])
    for line in lines:
        assert line in text, line
    summary = {"ru": "Резюме", "en": "Summary"}[lang]
    dimensions = {"ru": "Диагностика по направлениям", "en": "Diagnosis by dimension"}[lang]
    board = text.index(lines[1])
    assert text.rindex(summary, 0, board) < board < text.index(dimensions, board)


def test_the_russian_pdf_groups_thousands_and_keeps_the_rouble_sign_with_its_figure(board_pdfs) -> None:
    raw = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(board_pdfs["ru"])).pages)
    # the narrow no-break space is drawn from PT Sans's space, so the text layer has U+0020
    assert f"+445 000{NBSP}₽" in raw and "445000" not in raw


# ---------------------------------------------------------------------------- the roadmap


@pytest.mark.parametrize(("name", "steps"), [
    # the time study first; splitting off operations and the symptom wait for it, new lines
    # for the hunters wait for the split, temperament for new lines; the hybrid support
    # waits for R6, which is not a step of this company's roadmap
    ("complex-logistics", [
        ("change", "R4-time-study", "first_month", "head_of_sales", []),
        ("change", "R3-separate-operations", "first_quarter", "head_of_commercial", [1]),
        ("change", "R5-share-of-wallet-symptom", "first_quarter", "head_of_sales", [1]),
        ("change", "R1-assortment-owner", "half_year", "head_of_sales", [2]),
        ("change", "R2-temperament-fit", "half_year", "head_of_sales", [4]),
        ("change", "R9-hybrid-support", "half_year", "head_of_commercial", []),
        # no operations today, so the conveyor is not yet in place: ordering it comes last,
        # once operations (step 2) and the new lines' owner (step 4) are there
        ("change", "R10-conveyor-order", "year", "head_of_commercial", [2, 4]),
    ]),
    # no head of the commercial block: the owner is the head of sales
    ("small-distributor", [("change", "R4-time-study", "first_month", "head_of_sales", [])]),
])
def test_roadmap_steps_have_horizon_owner_and_what_they_wait_for(name: str, steps: list) -> None:
    data = _json(name)
    assert [(s["kind"], s["rule_id"], s["horizon"], s["owner"], s["after"]) for s in data["roadmap_steps"]] == steps
    assert [s["text"] for s in data["roadmap_steps"]] == data["roadmap"]


def test_the_find_out_steps_come_first_and_a_change_waits_for_them() -> None:
    steps = _json("engineering-equipment")["roadmap_steps"]
    # the internal stages (R3) and key-client growth (R5) are "don't know": what to find
    # out, within the first month, by the head of sales; new lines (R1) wait for R3's step
    assert [(s["kind"], s["rule_id"], s["horizon"], s["owner"]) for s in steps[:2]] == [
        ("find_out", "R3-separate-operations", "first_month", "head_of_sales"),
        ("find_out", "R5-share-of-wallet-symptom", "first_month", "head_of_sales"),
    ]
    assert next(s for s in steps if s["rule_id"] == "R1-assortment-owner")["after"] == [1]
    assert steps[0]["horizon_title"] == {"ru": "Первый месяц", "en": "First month"}


def test_the_roadmap_table_in_both_languages() -> None:
    diagnosis = _diagnosis("complex-logistics")
    html, *_ = build_html(diagnosis, "ru", inline_css=False)
    assert ('<tr><td class="num step-no">2</td><td class="step-text">Передать оформление регулярных заказов и контроль '
            'их исполнения операционистам, освободив КМ для роста доли у клиентов.</td><td>Первый квартал</td>'
            '<td>Руководитель коммерческого блока</td><td>1</td></tr>') in html
    html, *_ = build_html(diagnosis, "en", inline_css=False)
    assert "<th>When</th><th>Owner</th><th>After step</th>" in html
    assert "<td>First half-year</td><td>Head of sales</td><td>4</td>" in html


def test_the_pdf_roadmap_shows_horizons_and_owners(board_pdfs) -> None:
    text = pdf_text(board_pdfs["en"])
    roadmap = text[text.index("Implementation roadmap The steps come"):]
    for word in ("When", "Owner", "After step", "First month", "First quarter", "First half-year", "Head of sales"):
        assert word in roadmap, word


# ---------------------------------------------------------------------------- the rulebook format

CASES = {
    "roadmap-horizon": ["74:14: rules[1].horizon: unknown horizon 'first_quartr' (did you mean 'first_quarter'?); "
                        "expected one of: first_month, first_quarter"],
    "roadmap-after-later": ["76:13: rules[1].after[0]: the step of 'R3-separate-operations' (first_month) cannot wait "
                            "for 'R4-time-study', which is later (first_quarter)"],
    "roadmap-cycle": ["63:12: rules[0].after: roadmap steps wait for each other in a cycle: "
                      "R4-time-study -> R3-separate-operations -> R4-time-study"],
    "roadmap-no-step": ["60:5: rules[0].horizon: 'horizon' needs a 'roadmap_step': only a step of the roadmap has one",
                        "61:5: rules[0].owner: 'owner' needs a 'roadmap_step': only a step of the roadmap has one"],
    "roadmap-owner": ["62:13: rules[0].owner[0]: unknown role id 'head_of_sale' (did you mean 'head_of_sales'?); "
                      "expected one of: head_of_commercial, head_of_sales, hunter, account_manager, "
                      "senior_account_manager, operations, sales_support_specialist, specialist_department"],
    "board-currency": ["88:13: board.currency: parameter 'cost_currency' must default to a currency code such as "
                       "RUB, EUR or USD, got 'roubles'"],
    "board-role": ["90:5: board.monthly_cost.operation: unknown role id 'operation' (did you mean 'operations'?); "
                   "expected one of: head_of_commercial, head_of_sales, hunter, account_manager, "
                   "senior_account_manager, operations, sales_support_specialist, specialist_department"],
    "board-cost-text": ["90:17: board.monthly_cost.operations: parameter 'monthly_cost_operations' must be a number "
                        "or have no default (null), got 'a lot'"],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_board_or_roadmap_mistake_is_located(name: str) -> None:
    path = DOMAIN / f"{name}.rules.yaml"
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr == "".join(f"{path}:{line}\n" for line in CASES[name])


def test_the_valid_roadmap_rulebook_loads() -> None:
    result = CliRunner().invoke(cli, ["validate", str(DOMAIN / "roadmap.rules.yaml")])
    assert result.exit_code == 0, result.output
