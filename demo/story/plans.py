"""What happens to each story order, drawn once from a fixed seed before anything is written.

A plan says who orders what and when, and how the order ends: won, lost at a stage with a
reason, left waiting (late) at a stage, paid in parts, rated, revised. The dates are
relative to the moment of seeding, so the demo always shows the last six months.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from demo.story.customers import COMPANIES
from orders.lifecycle import OrderKind, State

SEED = 2026
COMPANY_COUNT = len(COMPANIES)  # the story's customers list the companies first
FIRST_NUMBER = 8  # DEMO-O-001..007 are the showcase orders of `orders/demo.py`
ORDER_COUNT = 270  # with the repeats and the showcase, about 300 orders
# Orders older than this are seeded with fewer steps (no revised quotes, no payments in
# parts, no SLA sweeps).
DETAILED_DAYS = 90
HISTORY_DAYS = 180

CANCEL_REASONS = {
    State.REQUEST: ["Клиент передумал", "Дубль заказа", "Не дозвонились до клиента"],
    State.QUOTE: ["Дорого: выбрали другого поставщика", "Не устроили сроки", "Клиент передумал"],
    State.CONTRACT: ["Не согласовали условия договора", "Заморозили бюджет"],
    State.PAYMENT: ["Не оплатил счёт", "Заморозили бюджет", "Выбрали другого поставщика"],
}
LOW_COMMENTS = [
    "Доставку перенесли дважды, никто не предупредил.",
    "Царапина на столешнице, ждали замену две недели.",
    "Собрали криво, пришлось вызывать мастера ещё раз.",
]
GOOD_COMMENTS = [
    "Всё привезли вовремя, спасибо!",
    "Хорошее качество, закажем ещё.",
    "",
    "Менеджер быстро ответил на все вопросы.",
    "Сборщики аккуратные, убрали за собой.",
]
TICKET_SUBJECTS = [
    ("Не закрывается дверца шкафа", "Дверца шкафа перекосилась после сборки."),
    ("Скрипит диван", "Диван скрипит при раскладывании."),
    ("Не пришли закрывающие документы", "Нужны акт и счёт-фактура по последнему заказу."),
    ("Сколы на столешнице", "При доставке повредили кромку стола."),
    ("Вопрос по гарантии", "Сколько действует гарантия на механизм дивана?"),
    ("Нужна инструкция по уходу", "Как ухаживать за столешницей с маслом?"),
]


@dataclass
class OrderPlan:
    number: int
    kind: str
    customer_index: int
    start: datetime
    seed: int
    # How the story ends: "won", "lost" (cancelled at `stage`), "waiting" (left at `stage`).
    outcome: str = "won"
    stage: str = ""
    revisions: int = 0
    payment_shares: list[float] = field(default_factory=lambda: [1.0])
    postpay: bool = False
    late_delivery: bool = False
    rating: int | None = None
    service: str = ""  # "", "done" (serviced and closed again) or "scheduled"
    service_in_days: int = 3  # a scheduled service: how many days after today
    by_client: bool = False

    @property
    def external_id(self) -> str:
        return f"DEMO-O-{self.number:03d}"


def _customer_index(rng: random.Random, customer_count: int) -> int:
    """Half the orders come from the private persons at the end of the customer list:
    a furniture business sells retail as much as to companies."""
    persons = customer_count - COMPANY_COUNT
    if rng.random() < 0.5:
        return COMPANY_COUNT + rng.randrange(persons)
    return rng.randrange(COMPANY_COUNT)


def _weighted(rng: random.Random, choices: list[tuple[object, int]]):
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


def _sales_plan(plan: OrderPlan, rng: random.Random, *, now: datetime) -> None:
    age = (now - plan.start).days
    plan.by_client = rng.random() < 0.35
    plan.revisions = _weighted(rng, [(0, 70), (1, 22), (2, 8)])
    plan.payment_shares = _weighted(
        rng, [([1.0], 60), ([0.5, 0.5], 20), ([0.3, 0.7], 12), ([0.3, 0.3, 0.4], 8)]
    )
    if age > DETAILED_DAYS:
        # Fewer steps to seed where nobody looks closely: one version, one payment.
        plan.revisions, plan.payment_shares = 0, [1.0]
    plan.postpay = rng.random() < 0.2
    plan.late_delivery = rng.random() < 0.15
    roll = rng.random()
    if roll < 0.17:
        plan.outcome = "lost"
        plan.stage = _weighted(
            rng, [(State.REQUEST, 15), (State.QUOTE, 45), (State.CONTRACT, 15), (State.PAYMENT, 25)]
        )
    elif roll < 0.25 and age < 45:
        # Stuck and overdue: the client does not answer or pay, or production is late.
        plan.outcome = "waiting"
        plan.stage = _weighted(
            rng,
            [(State.QUOTE, 30), (State.CONTRACT, 15), (State.PAYMENT, 35), (State.PRODUCTION, 20)],
        )
    else:
        plan.outcome = "won"
    plan.rating = _weighted(rng, [(None, 35), (5, 35), (4, 17), (3, 6), (2, 4), (1, 3)])
    if age > 60:
        plan.service = _weighted(rng, [("", 85), ("done", 15)])
    elif age > 20:
        plan.service = _weighted(rng, [("", 85), ("scheduled", 15)])
        plan.service_in_days = rng.randint(2, 14)


def _ticket_plan(plan: OrderPlan, rng: random.Random, *, now: datetime) -> None:
    plan.by_client = rng.random() < 0.7
    plan.outcome = _weighted(rng, [("won", 70), ("lost", 8), ("waiting", 22)])
    if plan.outcome == "waiting" and (now - plan.start).days > 20:
        plan.outcome = "won"  # an old ticket is long closed
    if plan.outcome == "waiting":
        plan.stage = _weighted(
            rng,
            [
                (State.NEW, 2),
                (State.IN_PROGRESS, 3),
                (State.WAITING_CLIENT, 3),
                (State.RESOLVED, 2),
            ],
        )
    plan.revisions = _weighted(rng, [(0, 60), (1, 35), (2, 5)])  # rounds of asking the client
    if plan.stage == State.WAITING_CLIENT:
        plan.revisions = max(plan.revisions, 1)


# Orders that make sure every state of every kind's workflow is on show whatever the dice
# say: (kind, outcome, stage, days ago). Each is old enough to have reached its stage.
SHOWCASE = [
    *(
        (kind, "waiting", stage, days)
        for kind in (OrderKind.PRODUCT, OrderKind.SERVICE)
        for stage, days in (
            (State.REQUEST, 4),
            (State.QUOTE, 12),
            (State.CONTRACT, 16),
            (State.PAYMENT, 22),
            (State.PRODUCTION, 28),
            (State.DELIVERY, 40),
        )
    ),
    (OrderKind.PRODUCT, "lost", State.QUOTE, 30),
    (OrderKind.SERVICE, "lost", State.PAYMENT, 30),
    (OrderKind.PRODUCT, "service", "", 70),
    (OrderKind.SERVICE, "service", "", 75),
    (OrderKind.SUPPORT, "waiting", State.NEW, 4),
    (OrderKind.SUPPORT, "waiting", State.IN_PROGRESS, 5),
    (OrderKind.SUPPORT, "waiting", State.WAITING_CLIENT, 6),
    (OrderKind.SUPPORT, "waiting", State.RESOLVED, 7),
    (OrderKind.SUPPORT, "lost", "", 10),
]


def _showcase_plan(number, row, rng: random.Random, *, now: datetime, customer_count: int):
    kind, outcome, stage, days = row
    plan = OrderPlan(
        number=number,
        kind=kind,
        customer_index=rng.randrange(customer_count // 2),  # companies: every stage applies
        start=now - timedelta(days=days, hours=rng.uniform(0, 8)),
        seed=rng.randrange(2**32),
        outcome=outcome,
        stage=stage,
    )
    if stage == State.WAITING_CLIENT:
        plan.revisions = 1
    if outcome == "service":
        # Won, then service booked for tomorrow: its reminder is due now.
        plan.outcome, plan.service, plan.service_in_days = "won", "scheduled", 1
    return plan


def story_plans(*, now: datetime, customer_count: int) -> list[OrderPlan]:
    """All story orders, oldest first; the same shape on every run (seeded), dated back from
    `now`. Recent orders are more frequent than old ones, as in a growing business."""
    rng = random.Random(SEED)  # noqa: S311 - demo data: the same shape on every run
    plans = [
        _showcase_plan(FIRST_NUMBER + offset, row, rng, now=now, customer_count=customer_count)
        for offset, row in enumerate(SHOWCASE)
    ]
    for offset in range(len(SHOWCASE), ORDER_COUNT):
        kind = _weighted(
            rng, [(OrderKind.PRODUCT, 68), (OrderKind.SERVICE, 14), (OrderKind.SUPPORT, 18)]
        )
        # Squaring the draw puts more orders in the recent months.
        age_days = HISTORY_DAYS * (1 - rng.random() ** 0.8)
        plan = OrderPlan(
            number=FIRST_NUMBER + offset,
            kind=kind,
            customer_index=_customer_index(rng, customer_count),
            start=now - timedelta(days=age_days),
            seed=rng.randrange(2**32),
        )
        if kind == OrderKind.SUPPORT:
            _ticket_plan(plan, rng, now=now)
        else:
            _sales_plan(plan, rng, now=now)
        plans.append(plan)
    plans.sort(key=lambda plan: plan.start)
    return plans
