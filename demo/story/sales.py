"""One sales order's story (product or service), step by step through the services.

A story is a generator: it takes a step with the clock where the scheduler moved it, then
yields when its next step happens (`demo.story.run` moves the clock there and resumes it,
interleaving every order's steps in time order). The stages the order goes through are
its workflow's, read from the order itself.
"""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from conversations.services import feedback_leave
from demo.story.clock import StoryClock
from demo.story.plans import (
    CANCEL_REASONS,
    DETAILED_DAYS,
    GOOD_COMMENTS,
    LOW_COMMENTS,
    OrderPlan,
)
from orders.lifecycle import DeliveryStatus, OrderKind, PaymentTerms, State
from orders.models import Invoice, Order, Quote
from orders.services import (
    LineInput,
    QuotePricing,
    contract_mark_signed,
    delivery_update,
    invoice_issue,
    order_create,
    order_details_update,
    order_ship,
    order_sla_escalate,
    order_transition,
    payment_record,
    quote_accept,
    quote_price_draft,
    quote_revise,
    quote_send,
)

CARRIERS = ["СДЭК", "Деловые Линии", "ПЭК", "Собственная доставка"]
INVOICES_SINCE = timedelta(days=60)
SERVICE_PLACES = ["офис клиента", "склад клиента", "зал ресторана", "квартира клиента"]


class OrderStory:
    """What every story needs: the order, its people, its clock and the SLA sweep."""

    def __init__(self, plan: OrderPlan, *, customer, staff, items, now: datetime):
        self.plan = plan
        self.rng = random.Random(plan.seed)  # noqa: S311 - demo data, seeded on purpose
        self.clock = StoryClock(plan.start, rng=self.rng, now=now)
        self.customer = customer
        self.contact = customer.contacts.select_related("user").first()
        self.client = self.contact.user
        self.manager = customer.manager
        self.staff = staff
        self.items = items
        self.order: Order | None = None
        # Set after a step that may have moved the order without returning it (a payment).
        self.is_stale = False
        self.is_detailed = now - plan.start < timedelta(days=DETAILED_DAYS)

    def fresh(self) -> Order:
        self.order = Order.objects.select_related("workflow").get(pk=self.order.pk)
        self.is_stale = False
        return self.order

    def later(self, **span):
        """Yield the next step's moment. An SLA running out before it is escalated then,
        as the beat's sweep would."""
        previous = self.clock.moment
        moment = self.clock.later(**span)
        # The deadline moves only with the state, which `current()` follows without a query.
        # Old orders skip the sweep: fewer steps to seed where nobody looks closely.
        while self.is_detailed and (due := self.current().sla_due_at) is not None and due < moment:
            swept = due + timedelta(minutes=self.rng.randint(1, 10))  # beat's next tick
            previous = max(min(swept, moment), previous)
            yield previous
            order_sla_escalate(order_id=self.order.pk)
            self.is_stale = True  # the escalation set the next deadline
        yield moment

    def current(self) -> Order:
        """The order as it stands: read again only if a payment may have moved it."""
        return self.fresh() if self.is_stale else self.order

    def transition(self, name: str, *, by, **details) -> Order:
        self.order = order_transition(order=self.current(), transition=name, by=by, **details)
        return self.order


def _product_lines(story: OrderStory) -> list[LineInput]:
    rng, items = story.rng, story.items
    lines = []
    for sku in rng.sample(
        [
            "DEMO-SOFA-KOMFORT",
            "DEMO-SOFA-LOFT",
            "DEMO-TABLE-DUB",
            "DEMO-TABLE-BEREZA",
            "DEMO-CHAIR-VENA",
        ],
        k=rng.choice([1, 1, 2, 2, 3]),
    ):
        answers = {}
        if sku == "DEMO-SOFA-KOMFORT":
            answers["fabric"] = rng.choice(["Велюр", "Рогожка", "Экокожа"])
        if sku == "DEMO-TABLE-DUB":
            answers["finish"] = rng.choice(["Лак", "Масло", "Без покрытия"])
        quantity = rng.choice([4, 6, 8, 12, 20]) if sku == "DEMO-CHAIR-VENA" else rng.randint(1, 3)
        if story.customer.kind == "company" and sku != "DEMO-CHAIR-VENA":
            quantity *= rng.choice([1, 2, 5])
        lines.append(LineInput(item=items[sku], quantity=quantity, custom_values=answers))
    return lines


def _service_lines(story: OrderStory, service_date, place: str) -> list[LineInput]:
    rng, items = story.rng, story.items
    lines = [
        LineInput(
            item=items["DEMO-SRV-ASSEMBLY"],
            quantity=rng.randint(1, 6),
            custom_values={"address": place, "date": service_date.isoformat()},
        )
    ]
    if rng.random() < 0.5:
        lines.append(
            LineInput(
                item=items["DEMO-SRV-MAINTENANCE"],
                quantity=1,
                custom_values={"date": service_date.isoformat()},
            )
        )
    return lines


def _create(story: OrderStory) -> Order:
    plan, rng = story.plan, story.rng
    extra = {}
    if plan.kind == OrderKind.SERVICE:
        service_date = (plan.start + timedelta(days=rng.randint(7, 20))).date()
        place = f"{story.customer.address or 'Москва'}, {rng.choice(SERVICE_PLACES)}"
        lines = _service_lines(story, service_date, place)
        extra = {"service_date": service_date, "service_place": place}
    else:
        lines = _product_lines(story)
        if story.customer.address:
            extra = {"delivery_method": "courier", "delivery_address": story.customer.address}
    if plan.postpay and story.customer.kind == "company":
        extra["payment_terms"] = PaymentTerms.POSTPAY
    by_client = plan.by_client
    return order_create(
        customer=story.customer,
        contact=story.contact,
        kind=plan.kind,
        lines=lines,
        by=story.client if by_client else story.manager,
        channel=Order.Channel.PORTAL
        if by_client
        else rng.choice([Order.Channel.MANAGER, Order.Channel.PHONE, Order.Channel.EMAIL]),
        external_id=plan.external_id,
        **extra,
    )


def _cancel(story: OrderStory):
    reason = story.rng.choice(CANCEL_REASONS[story.order.state])
    yield from story.later(days=(1, 6))
    story.transition("cancel", by=story.manager, reason=reason)


def _stops_at(story: OrderStory, state: str):
    """Whether the plan ends at `state`: cancelled there (after a while), or left there."""
    plan = story.plan
    return plan.stage == state and plan.outcome in ("lost", "waiting")


def _quote(story: OrderStory):
    manager = story.manager
    yield from story.later(minutes=(10, 90))
    story.transition("start_quote", by=manager)
    for version in range(story.plan.revisions + 1):
        if version:
            yield from story.later(days=(0.5, 1.5))
            quote_revise(order=story.order, by=manager, note="Клиент просит скидку и другой срок")
            yield from story.later(hours=(1, 5))
            draft = story.order.quotes.get(status=Quote.Status.DRAFT)
            quote_price_draft(
                quote=draft,
                by=manager,
                pricing=QuotePricing(
                    discounts={line.pk: Decimal(3 * version) for line in story.order.lines.all()},
                    valid_until=timezone.localdate() + timedelta(days=14),
                    note="Скидка за объём",
                ),
            )
        else:
            yield from story.later(hours=(1, 20))
        quote_send(
            quote=story.order.quotes.get(status=Quote.Status.DRAFT),
            by=manager,
            valid_until=timezone.localdate() + timedelta(days=14),
        )
    if _stops_at(story, State.QUOTE):
        return
    yield from story.later(days=(0.2, 1.5))
    quote_accept(quote=story.order.quotes.get(status=Quote.Status.SENT), by=story.client)


def _contract(story: OrderStory):
    yield from story.later(hours=(1, 6))
    story.transition("prepare_contract", by=story.manager)
    if _stops_at(story, State.CONTRACT):
        return
    yield from story.later(days=(1, 4))
    story.order = contract_mark_signed(order=story.order, by=story.manager)


def _payment(story: OrderStory, *, kind: str):
    """Ask for the money and receive it in the plan's shares; the last one moves the order."""
    manager = story.manager
    yield from story.later(hours=(0.5, 4))
    story.transition("request_payment", by=manager)
    shares = story.plan.payment_shares
    if len(shares) > 1 or story.clock.now - story.clock.moment < INVOICES_SINCE:
        # Older orders paid at once skip the invoice document: fewer steps to seed.
        yield from story.later(minutes=(5, 60))
        invoice_issue(order=story.order, kind=kind, by=manager)
    if _stops_at(story, State.PAYMENT):
        return
    total = story.order.total  # as `request_payment` returned it: the last version's price
    paid = Decimal("0")
    for index, share in enumerate(shares):
        yield from story.later(days=(0.3, 2.5))
        last = index == len(shares) - 1
        amount = total - paid if last else (total * Decimal(str(share))).quantize(Decimal("1"))
        paid += amount
        method = "card" if story.customer.kind == "person" else "bank_transfer"
        payment_record(
            order=story.order,
            amount=amount,
            by=manager if method == "bank_transfer" else None,
            method=method,
            reference=f"{story.order.number}-P{index + 1}",
        )
        story.is_stale = True


def _delivery(story: OrderStory):
    """Shipped with the carrier's tracking number and a promised date; a late one is
    promised again later, then handed to the client."""
    rng, warehouse = story.rng, story.staff["warehouse"]
    yield from story.later(days=(1, 6))
    story.order = order_ship(
        order=story.current(),
        by=warehouse,
        carrier=rng.choice(CARRIERS),
        tracking_number=str(rng.randrange(10**9, 10**10)),
        expected_date=timezone.localdate() + timedelta(days=rng.randint(2, 4)),
    )
    if _stops_at(story, State.DELIVERY):
        return  # lost by the carrier: late, the manager's board shows it overdue
    if story.plan.late_delivery:
        yield from story.later(days=(2, 4))
        delivery_update(
            order=story.order,
            by=warehouse,
            status=DeliveryStatus.IN_TRANSIT,
            expected_date=timezone.localdate() + timedelta(days=rng.randint(2, 5)),
            note="Перевозчик задерживает доставку",
        )
        yield from story.later(days=(3, 6))
    else:
        yield from story.later(days=(0.5, 3))
    delivery_update(
        order=story.order, by=story.staff["courier"], status=DeliveryStatus.HANDED_TO_CLIENT
    )


def _after_sale(story: OrderStory):
    plan, rng = story.plan, story.rng
    if plan.rating is not None:
        yield from story.later(days=(0.2, 5))
        low = plan.rating <= 2
        feedback_leave(
            order=story.order,
            author=story.client,
            rating=plan.rating,
            comment=rng.choice(LOW_COMMENTS if low else GOOD_COMMENTS),
        )
    if plan.service and story.order.workflow.uses_service:
        yield from _service_visit(story)


def _service_visit(story: OrderStory):
    """After-sales service: scheduled on a day and at a place, then done (or still ahead,
    its reminder due the day before)."""
    plan, rng = story.plan, story.rng
    yield from story.later(days=(20, 50) if plan.service == "done" else (5, 15))
    story.transition("schedule_service", by=story.manager, note="Плановое обслуживание")
    yield from story.later(minutes=(5, 60))
    if plan.service == "done":
        day = story.clock.moment.date() + timedelta(days=rng.randint(2, 7))
    else:
        day = story.clock.now.date() + timedelta(days=plan.service_in_days)
    place = f"{story.customer.address or 'Москва'}, {rng.choice(SERVICE_PLACES)}"
    story.order = order_details_update(
        order=story.order, by=story.manager, changes={"service_date": day, "service_place": place}
    )
    if plan.service == "done":
        days = (day - story.clock.moment.date()).days
        yield from story.later(days=(days, days + 0.3))
        story.transition("complete_service", by=story.manager, note="Обслуживание выполнено")


def sales_story(story: OrderStory):
    """The order from request to close (or to where its plan stops it), then its feedback
    and after-sales service."""
    plan = story.plan
    if story.order is None:  # a repeat made by its schedule exists already
        story.order = _create(story)
    workflow = story.order.workflow
    if _stops_at(story, State.REQUEST):
        if plan.outcome == "lost":
            yield from _cancel(story)
        return
    steps = []
    if workflow.uses_quote:
        steps.append((State.QUOTE, _quote))
    if workflow.uses_contract:
        steps.append((State.CONTRACT, _contract))
    prepaid = story.order.payment_terms == PaymentTerms.PREPAY
    for state, step in steps:
        yield from step(story)
        if _stops_at(story, state):
            if plan.outcome == "lost":
                yield from _cancel(story)
            return
    if prepaid:
        yield from _payment(story, kind=Invoice.Kind.PREPAYMENT)
        if _stops_at(story, State.PAYMENT):
            if plan.outcome == "lost":
                yield from _cancel(story)
            return
    else:
        if _stops_at(story, State.PAYMENT) and plan.outcome == "lost":
            yield from _cancel(story)
            return
        yield from story.later(hours=(2, 24))
        story.transition("start_production", by=story.staff["warehouse"])
    if _stops_at(story, State.PRODUCTION):
        return
    if workflow.uses_delivery:
        yield from _delivery(story)
        if _stops_at(story, State.DELIVERY):
            return
    if prepaid:
        yield from story.later(hours=(1, 24))
        story.transition("close", by=story.manager, note="Закрывающие документы подписаны")
    else:
        yield from _payment(story, kind=Invoice.Kind.FINAL)
    if story.current().state != State.CLOSED:  # a post-paid order closes on its last payment
        return
    yield from _after_sale(story)
