"""A realistic Diagnosis built by hand, for report tests that must not depend on the rules.

It describes the bundled demo company (questionnaires/examples/engineering-equipment.yaml):
the evidence and the appendix are read from the real answer file through the real
questionnaire, only the rule outcomes are written out here. The report tests use it to
check layout and escaping independently of the rulebook's current wording.
"""

from __future__ import annotations

from typing import Any

from diagnose.answers import AnswerSet, load_answers
from diagnose.diagnosis import (
    SCHEMA_VERSION,
    AnswerLine,
    ConditionTrace,
    CostChange,
    Diagnosis,
    Evidence,
    Finding,
    Flip,
    HeadcountTotal,
    Indicator,
    Narrative,
    Parameter,
    RoadmapStep,
    Role,
    SizingLine,
    SupportPlacement,
    TaskAssignment,
)
from diagnose.expressions import Missing
from diagnose.resources import examples_dir

CITE = "Erokhin & Klimov, Client Base Management (2024)"


def demo_answers() -> AnswerSet:
    return load_answers(examples_dir() / "engineering-equipment.yaml")


def _t(ru: str, en: str) -> dict[str, str]:
    return {"ru": ru, "en": en}


def evidence(answers: AnswerSet, *names: str) -> list[Evidence]:
    env = answers.environment()
    out = []
    for name in names:
        question = answers.questionnaire.questions[name]
        value = env[name]
        raw: Any = value.state if isinstance(value, Missing) else value
        out.append(Evidence(name, dict(question.text), raw,
                            {lang: question.display(value, lang) for lang in ("ru", "en")}))
    return out


def answer_lines(answers: AnswerSet) -> list[AnswerLine]:
    shown = answers.visibility()
    lines = []
    for section in answers.questionnaire.sections:
        for question in section.questions:
            if not shown[question.id]:
                state, display = "hidden", _t("не задавался", "not asked")
            elif question.id not in answers.values:
                state, display = "unanswered", _t("нет ответа", "no answer")
            else:
                value = answers.values[question.id]
                state = value.state if isinstance(value, Missing) else "answered"
                display = {lang: question.display(value, lang) for lang in ("ru", "en")}
            lines.append(AnswerLine(dict(section.title), question.id, dict(question.text), display, state))
    return lines


def role(id: str, ru: str, en: str, count: float | None, reports_to: str | None, change: str = "existing",
         rules: tuple[str, ...] = (), note: dict[str, str] | None = None) -> Role:
    return Role(id, _t(ru, en), count, reports_to, change, note or {}, list(rules))


def sample_diagnosis(answers: AnswerSet | None = None, company: str | None = None) -> Diagnosis:
    """The demo company's diagnosis; `company` replaces the company name (escaping tests)."""
    answers = answers or demo_answers()
    meta = dict(answers.meta)
    if company is not None:
        meta["company"] = company
    meta["date"] = str(meta.get("date") or "")
    current = [
        role("head_of_commercial", "Коммерческий директор", "Commercial director", 1, None),
        role("head_of_sales", "Руководитель отдела продаж", "Head of sales", 1, "head_of_commercial"),
        role("hunter", "Менеджер активных продаж", "Active-sales manager", 3, "head_of_sales"),
        role("senior_account_manager", "Старший клиентский менеджер", "Senior account manager", 1, "head_of_sales"),
        role("account_manager", "Клиентский менеджер", "Account manager", 6, "head_of_sales"),
        role("operations", "Администратор продаж", "Sales operations", 2, "head_of_sales"),
        role("specialist_department", "Проектно-конструкторский отдел", "Design engineering department", None, None,
             note=_t("подчиняется техническому директору", "reports to the technical director")),
    ]
    proposed = [
        role("head_of_commercial", "Коммерческий директор", "Commercial director", 1, None, "unchanged"),
        role("head_of_sales", "Руководитель отдела продаж", "Head of sales", 1, "head_of_commercial", "unchanged"),
        role("hunter", "Менеджер активных продаж", "Active-sales manager", 3, "head_of_sales", "unchanged",
             ("R1-assortment-owner", "R10-conveyor")),
        role("senior_account_manager", "Старший клиентский менеджер", "Senior account manager", 2, "head_of_sales",
             "grown", ("R1-assortment-owner",)),
        role("account_manager", "Клиентский менеджер", "Account manager", 5, "head_of_sales", "reduced",
             ("R3-separate-operations",)),
        role("operations", "Администратор продаж", "Sales operations", 3.5, "head_of_sales", "grown",
             ("R3-separate-operations",)),
        role("sales_support_specialist", "Технический специалист отдела продаж", "Sales engineer (inside sales)", 1,
             "head_of_commercial", "new", ("R7-support-inside-sales", "R9-hybrid-support")),
        role("specialist_department", "Проектно-конструкторский отдел", "Design engineering department", None, None,
             "existing", ("R8-support-controls",),
             _t("сервис для продаж по соглашению об уровне сервиса", "serves sales under a service-level agreement")),
    ]
    tasks = [
        TaskAssignment("new_client_acquisition", _t("Привлечение новых клиентов", "New client acquisition"), "hunter",
                       ["sales_support_specialist"], "R10-conveyor", "hunter"),
        TaskAssignment("assortment_expansion", _t("Расширение ассортимента у текущих клиентов", "Assortment expansion"),
                       "senior_account_manager", ["hunter", "sales_support_specialist"], "R1-assortment-owner", None),
        TaskAssignment("client_relationship", _t("Текущая коммуникация с клиентом", "Client relationship"),
                       "account_manager", [], None, "account_manager"),
        TaskAssignment("order_processing", _t("Обработка регулярных заказов", "Order processing"), "operations",
                       [], "R3-separate-operations", "account_manager"),
        TaskAssignment("order_fulfilment_control", _t("Контроль исполнения заказов", "Order fulfilment control"),
                       "operations", ["account_manager"], "R3-separate-operations", "account_manager"),
        TaskAssignment("solution_design", _t("Проработка технического решения", "Solution design"),
                       "sales_support_specialist", ["specialist_department"], "R9-hybrid-support", "specialist_department"),
    ]
    findings = [
        Finding(
            "R1-assortment-owner", "book", "fired", "important",
            _t("Расширение ассортимента — старшему КМ или охотнику", "Give assortment expansion to a senior AM or a hunter"),
            _t("Передать продажу новых линеек текущим клиентам старшему клиентскому менеджеру при поддержке охотника.",
               "Hand selling new lines to existing clients to a senior account manager, backed by a hunter."),
            _t("Продажа новой линейки здесь идёт через других лиц и тендер, то есть по сути это новая продажа. "
               "Ей нужен активный продавец с достаточным статусом и временем; у клиентских менеджеров нет ни того, ни другого.",
               "Here a new line is bought by other people through a tender, so it is in effect a new sale. It needs an "
               "outgoing seller with enough standing and time; account managers have neither."),
            f"{CITE}, R1",
            [_t("Закрепить задачу за старшим КМ; добавить вторую ставку старшего КМ.",
                "Make the senior account manager the owner; add a second senior position.")],
            [ConditionTrace("new_line_like_new_sale == 'like_new_sale'", True, ["new_line_like_new_sale"])],
            evidence(answers, "new_line_like_new_sale", "assortment_expansion_owner", "am_reaches_decision_makers"),
            priority=2,
        ),
        Finding(
            "R2-temperament-fit", "book", "fired", "advice",
            _t("Активные продажи — экстравертам", "Active selling needs extraverts"),
            _t("Не поручать продажу новых линеек клиентским менеджерам смешанного темперамента.",
               "Do not hand selling new lines to account managers of mixed temperament."),
            _t("Активные продажи требуют общительных людей; среди клиентских менеджеров больше интровертов.",
               "Active selling calls for outgoing people; account managers are mostly introverts."),
            f"{CITE}, R2", [],
            [ConditionTrace("am_temperament != 'mostly_extraverts'", True, ["am_temperament"])],
            evidence(answers, "am_temperament", "hunter_temperament"), priority=4,
        ),
        Finding(
            "R3-separate-operations", "book", "fired", "critical",
            _t("Выделить операционистов", "Separate order operations"),
            _t("Передать обработку регулярных заказов и контроль исполнения администраторам продаж.",
               "Move regular order processing and fulfilment control to sales operations staff."),
            _t("Пока клиентский менеджер сам проводит заказы по внутренним этапам, продажи клиенту растут только вместе "
               "с самим клиентом: на рост доли в закупках не остаётся времени.",
               "While an account manager pushes orders through internal stages, sales to a client grow only as the "
               "client grows: no time is left to win share of wallet."),
            f"{CITE}, R3",
            [_t("Передать операционистам запчасти, сервис и оформление оборудования.",
                "Give operations spare parts, service orders and equipment paperwork.")],
            [ConditionTrace("count(am_internal_stages) >= 2", True, ["am_internal_stages"])],
            evidence(answers, "am_internal_stages", "orders_per_month", "headcount_operations"), priority=1,
        ),
        Finding(
            "R4-time-study", "book", "fired", "important",
            _t("Доказать нагрузку фотографией рабочего дня", "Prove the load with a time study"),
            _t("Провести фотографию рабочего дня клиентских менеджеров до решения о штате.",
               "Run a one-day time study of account managers before deciding on headcount."),
            _t("Руководство сомневается в нагрузке, а данных о ней нет; замер одного дня снимает спор цифрами.",
               "Management doubts the load and there are no figures; measuring one day settles it with numbers."),
            f"{CITE}, R4", [],
            [ConditionTrace("management_doubts_am_load == 'yes'", True, ["management_doubts_am_load"])],
            evidence(answers, "time_study_done", "management_doubts_am_load", "am_operations_share_estimate"),
            priority=0,
        ),
        Finding(
            "R5-symptom", "book", "undetermined", "advice",
            _t("Растёт ли доля в закупках клиентов", "Is share of wallet growing"),
            _t("Неизвестно, растут ли продажи ключевым клиентам быстрее их собственного роста.",
               "It is not known whether sales to key clients grow faster than the clients themselves."),
            _t("Если выручка с клиента следует только за его ростом, это признак перегрузки клиентских менеджеров.",
               "Revenue per client that only follows the client's own growth points to overloaded account managers."),
            f"{CITE}, R5", [],
            [ConditionTrace("key_client_revenue_growth == 'same'", None, ["key_client_revenue_growth"],
                            ["key_client_revenue_growth (dont_know)"])],
            evidence(answers, "key_client_revenue_growth", "share_of_wallet_known"),
            [_t("Сравнить рост продаж 10 ключевым клиентам с их инвестпрограммами за 2 года.",
                "Compare sales growth at the 10 key clients with their own investment programmes over 2 years.")],
        ),
        Finding(
            "R6-specialist-support", "book", "fired", "important",
            _t("Нужна поддержка узких специалистов", "Managers need specialist support"),
            _t("Обеспечить всем менеджерам поддержку конструкторов и инженеров.",
               "Give every kind of manager the support of design engineers and engineers."),
            _t("Продукт сложный, и довести менеджеров до уровня конструкторов невозможно: решение должны формировать специалисты.",
               "The product is complex and managers cannot be raised to the level of designers: specialists must shape the solution."),
            f"{CITE}, R6", [],
            [ConditionTrace("product_complexity in ['medium', 'high']", True, ["product_complexity"])],
            evidence(answers, "product_complexity", "managers_trainable", "specialists_needed"), priority=3,
        ),
        Finding(
            "R7-support-inside-sales", "book", "fired", "critical",
            _t("Поддержка внутри продаж: скорость важна", "Support inside sales: speed matters"),
            _t("Разместить технического специалиста в коммерческом блоке.",
               "Place a sales engineer inside the commercial block."),
            _t("Рынку нужен ответ в тот же день, а отдельный отдел отвечает за 5–10 дней: поддержка должна быть в системе продаж.",
               "The market needs a same-day answer while the separate department takes 5–10 days: support belongs inside sales."),
            f"{CITE}, R7", [],
            [ConditionTrace("specialist_response_time in ['within_hour', 'same_day']", True, ["specialist_response_time"])],
            evidence(answers, "specialist_response_time", "deals_delayed_by_specialists"), priority=1,
        ),
        Finding(
            "R8-support-controls", "book", "fired", "important",
            _t("Договориться об уровне сервиса с проектным отделом", "Agree service levels with the design department"),
            _t("Установить сроки ответа и порядок эскалации для проектного отдела.",
               "Set response times and an escalation path for the design department."),
            _t("Для проектного отдела продажи — не главная задача, поэтому скорость и качество его работы с продажами надо контролировать.",
               "Sales support is not the design department's first duty, so its speed and quality for sales must be controlled."),
            f"{CITE}, R8", [],
            [ConditionTrace("specialist_service_levels == 'no'", True, ["specialist_service_levels"])],
            evidence(answers, "specialists_location", "specialists_sales_first_duty", "specialist_service_levels"),
            priority=5,
        ),
        Finding(
            "R9-hybrid-support", "book", "fired", "advice",
            _t("Гибрид: свой специалист плюс отдел", "Hybrid: own specialist plus the department"),
            _t("Технический специалист подчиняется коммерческому директору и работает только на продажи.",
               "A sales engineer reports to the commercial director and works only for sales."),
            _t("Лучший вариант — минимальная собственная поддержка продаж, а отдел специалистов занят своими задачами.",
               "The best arrangement is a minimal support role of sales' own, while the department keeps its own work."),
            f"{CITE}, R9", [], [], evidence(answers, "head_of_commercial_exists"), priority=6,
        ),
        Finding(
            "R10-conveyor", "book", "fired", "info",
            _t("Конвейер продаж", "The sales conveyor"),
            _t("Выстроить цепочку: охотник → КМ → операционист, специалисты поддерживают всех.",
               "Build the chain hunter → account manager → operations, with specialists serving all."),
            _t("Каждое звено делает свою часть работы и передаёт клиента дальше.",
               "Each link does its part and hands the client on."),
            f"{CITE}, R10", [], [], evidence(answers, "salespeople_total"), priority=7,
        ),
        Finding(
            "C1-predictable-revenue-split", "complementary", "not_fired", "info",
            _t("Выделение функции при доле более 20 %", "Split a function above a 20 % share"),
            _t("Не применимо: доля операционной работы неизвестна.", "Not applicable: the operational share is unknown."),
            _t("Если команда тратит на побочную функцию больше пятой части времени, её выделяют в отдельную роль.",
               "When a team spends over a fifth of its time on a secondary function, that function becomes a role."),
            "Ross, Predictable Revenue (2011)", [], [], [],
        ),
    ]
    indicators = [
        Indicator("complexity", _t("Сложность продукта", "Product complexity"), "complexity", "high",
                  _t("высокая", "high"), "high"),
        Indicator("sales_cycle", _t("Цикл сделки, мес.", "Sales cycle, months"), "complexity", 7,
                  _t("7 мес.", "7 months"), "high", 12, 3),
        Indicator("am_ops_share", _t("Доля операционной работы КМ", "AM operational share"), "operational_load", None,
                  _t("не знаю", "don't know"), "unknown", 100, 30),
        Indicator("internal_stages", _t("Внутренние этапы на КМ", "Internal stages on AMs"), "operational_load", 4,
                  _t("4 из 7", "4 of 7"), "high", 7, 2),
        Indicator("orders_per_am", _t("Заказов в месяц на КМ", "Orders a month per AM"), "operational_load", 20,
                  _t("20", "20"), "medium", 60, 30),
        Indicator("response", _t("Ответ специалистов", "Specialist response"), "support_speed", 7.5,
                  _t("5–10 дней при нужном «в тот же день»", "5–10 days where same day is needed"), "high", 10, 1),
        Indicator("delayed", _t("Сделок ждут специалистов", "Deals waiting for specialists"), "support_speed", 40,
                  _t("40 %", "40 %"), "high", 100, 20),
        Indicator("am_temperament", _t("Темперамент КМ", "AM temperament"), "temperament", "mixed",
                  _t("смешанный", "mixed"), "medium"),
        Indicator("share_of_wallet", _t("Доля в закупках известна", "Share of wallet known"), "share_of_wallet", "no",
                  _t("нет", "no"), "low"),
        Indicator("top20", _t("Выручка топ-20 % клиентов", "Revenue of top 20 % clients"), "share_of_wallet", 68,
                  _t("68 %", "68 %"), "medium", 100, 75),
    ]
    sizing = [
        SizingLine("operations", _t("Администраторы продаж", "Sales operations"),
                   "140 × 25 min ÷ 60 ÷ 120 h × 1.2", 3.5, {"orders_per_month": 140, "minutes_per_order": 25},
                   _t("25 минут на заказ — допущение до фотографии рабочего дня.",
                      "25 minutes per order is an assumption until the time study.")),
        SizingLine("account_manager", _t("Клиентские менеджеры", "Account managers"),
                   "85 clients × 7 h ÷ 120 h", 5.0, {"active_clients": 85},
                   _t("7 часов в месяц на клиента без операционной работы.",
                      "7 hours a month per client once operations are moved.")),
        SizingLine("senior_account_manager", _t("Старшие КМ", "Senior account managers"),
                   "10 A-clients × 20 h ÷ 120 h", 1.7, {},
                   _t("Клиенты группы A по ABC: первые ~75 % выручки.", "ABC group A clients: the first ~75 % of revenue."),
                   proposes=True),
    ]
    # the changes by role, as the proposal above implies: senior AMs 1 → 2, AMs 6 → 5,
    # operations 2 → 3.5, the sales engineer new
    for line, delta in zip(proposed, (0, 0, 0, 1, -1, 1.5, 1, None), strict=True):
        line.delta = delta
    steps = [
        (_t("Фотография рабочего дня клиентских менеджеров (2 недели).", "Time study of account managers (2 weeks)."),
         "find_out", "R4-time-study", "first_month", _t("Первый месяц", "First month"), "head_of_sales", []),
        (_t("Выделение операционистов и передача им заказов.", "Set up operations and hand them the orders."),
         "change", "R3-separate-operations", "first_quarter", _t("Первый квартал", "First quarter"), "head_of_commercial", [1]),
        (_t("Найм технического специалиста в продажи.", "Hire a sales engineer into sales."),
         "change", "R9-hybrid-support", "half_year", _t("Первое полугодие", "First half-year"), "head_of_commercial", []),
        (_t("Соглашение об уровне сервиса с проектным отделом.", "Service-level agreement with the design department."),
         "change", "R8-support-controls", "half_year", _t("Первое полугодие", "First half-year"), "head_of_commercial", [3]),
    ]
    return Diagnosis(
        schema_version=SCHEMA_VERSION,
        questionnaire={"id": "sales-structure", "version": 1},
        rulebook={"id": "sales-structure", "version": 1},
        company=meta,
        parameters=[
            Parameter("am_operations_share_high", 30, 30, CITE,
                      _t("Доля операционной работы КМ, выше которой нагрузка считается высокой.",
                         "AM operational share above which the load counts as high.")),
            Parameter("hours_per_month", 120, 120, "Alexander Group",
                      _t("Рабочих часов в месяц на клиентскую работу.", "Working hours a month for client work.")),
        ],
        indicators=indicators,
        current_structure=current,
        proposed_structure=proposed,
        tasks=tasks,
        support=SupportPlacement(
            "hybrid", _t("Гибрид: технический специалист в продажах + проектный отдел по SLA",
                         "Hybrid: a sales engineer in sales + the design department under an SLA"),
            _t("Скорость критична, поэтому минимальная поддержка — внутри продаж; сложные расчёты остаются за проектным отделом.",
               "Speed is critical, so minimal support sits inside sales; complex design stays with the department."),
            ["R7-support-inside-sales", "R8-support-controls", "R9-hybrid-support"],
            [_t("Предварительный расчёт — 1 рабочий день", "Preliminary calculation within 1 working day"),
             _t("Эскалация к техническому директору через 2 дня", "Escalation to the technical director after 2 days")],
        ),
        findings=findings,
        sizing=sizing,
        what_would_change=[
            Flip("assortment_expansion_owner", _t("Кто расширяет ассортимент", "Who expands the assortment"),
                 _t("старший КМ", "senior account manager"), _t("клиентский менеджер", "account manager"),
                 _t("если новая линейка продаётся тем же людям без тендера",
                    "if a new line were sold to the same people without a tender")),
            Flip("support_placement", _t("Где поддержка", "Where support sits"),
                 _t("гибрид", "hybrid"), _t("отдельный отдел с SLA", "separate department with an SLA"),
                 _t("если ответ в течение недели устраивал бы клиентов", "if an answer within a week satisfied clients")),
        ],
        changes=[
            _t("Обработка заказов переходит от КМ к администраторам продаж.", "Order processing moves from AMs to operations."),
            _t("Появляется технический специалист в коммерческом блоке.", "A sales engineer joins the commercial block."),
        ],
        answers=answer_lines(answers),
        roadmap=[step[0] for step in steps],
        # 14 today (the design department is not counted), 16.5 proposed
        headcount_total=HeadcountTotal(14, 16.5, ["specialist_department"]),
        # senior AM +1 × 180 000, AM −1 × 120 000, operations +1.5 × 90 000, engineer +1 × 160 000
        monthly_cost=CostChange("RUB", {"senior_account_manager": 180000, "account_manager": -120000,
                                        "operations": 135000, "sales_support_specialist": 160000}, 355000),
        roadmap_steps=[RoadmapStep(*step) for step in steps],
        narrative=Narrative(
            _t("Мы предлагаем выстроить продажи как конвейер.", "We propose to run sales as a conveyor."),
            [_t("Обработку заказов с КМ снимают операционисты.", "Operations staff take order processing off the AMs.")],
            [],
        ),
    )
