"""Six months of business in a few seconds: every story order's steps, in time order.

Each order's story is a generator yielding the moment of its next step. The scheduler
always resumes the story whose step comes first, with the clock moved to that moment, so
events, payments and tasks of all orders are written in the order they happened (ids and
dates agree, as in a real database). A step that would fall after the present is not
taken: the order waits at its stage, as recent orders do.
"""

import heapq
import random
from collections.abc import Callable, Generator, Iterator
from datetime import datetime, timedelta
from itertools import count

from django.utils import timezone

from carts.models import Cart
from carts.services import cart_add_item, cart_reminders_sweep
from catalog.models import Item
from demo.story.clock import at, working_moment
from demo.story.customers import seed_story_customers
from demo.story.plans import SEED, OrderPlan, story_plans
from demo.story.sales import OrderStory, sales_story
from demo.story.tickets import ticket_story
from notifications.models import OutboxMessage
from notifications.services import outbox_history_settle
from orders.lifecycle import OrderKind
from orders.models import Order
from orders.services import recurring_order_create, recurring_order_run, reminders_sweep

Story = Generator[datetime, None, None]
HISTORY_SENT_BEFORE = timedelta(days=1)
MANAGERS = ["manager1", "manager2", "manager3", "manager1", "manager2"]
# Plans whose order becomes a monthly repeat once it is closed (the story's oldest won ones).
RECURRING_SOURCES = 2
ABANDONED_CARTS = [
    # customer index, days ago, lines (sku, quantity, answers)
    (0, 2, [("DEMO-SOFA-LOFT", 2, {})]),
    (3, 6, [("DEMO-TABLE-BEREZA", 4, {}), ("DEMO-CHAIR-VENA", 8, {})]),
    (22, 12, [("DEMO-SOFA-KOMFORT", 1, {"fabric": "Велюр"})]),
    (25, 25, [("DEMO-TABLE-DUB", 1, {"finish": "Лак"}), ("DEMO-CHAIR-VENA", 6, {})]),
]


class Scheduler:
    """Runs stories interleaved by the moments they yield, up to `now`."""

    def __init__(self, now: datetime):
        self.now = now
        self.queue: list[tuple[datetime, int, Iterator[datetime]]] = []
        self.sequence = count()

    def add(self, moment: datetime, story: Iterator[datetime]) -> bool:
        """Queue `story` to start at `moment`; False (and nothing queued) if that is future."""
        if moment >= self.now:
            return False
        heapq.heappush(self.queue, (moment, next(self.sequence), story))
        return True

    def run(self) -> None:
        while self.queue:
            moment, _sequence, story = heapq.heappop(self.queue)
            with at(moment):
                following = next(story, None)
            if following is not None:
                self.add(following, story)


def _recurring_story(
    source_plan: OrderPlan, *, spawn: Callable[[Order, datetime], None], now: datetime
) -> Story:
    """Once the order is closed, its client asks to repeat it monthly; each run makes a new
    order that then goes its own way."""
    for _week in range(8):
        source = Order.objects.filter(external_id=source_plan.external_id).first()
        if source is None or source.state == "cancelled" or source.recurring_schedules.exists():
            return
        if source.state == "closed":
            break
        yield working_moment(timezone.now() + timedelta(days=7))  # ask again next week
    else:
        return
    schedule = recurring_order_create(order=source, period="monthly", by=source.manager)
    while schedule.next_run_at < now:
        yield schedule.next_run_at
        order = recurring_order_run(schedule_id=schedule.pk)
        schedule.refresh_from_db()
        if order is not None:
            spawn(order, timezone.now())


def _seed_abandoned_carts(customers, items) -> None:
    for index, days_ago, lines in ABANDONED_CARTS:
        contact = customers[index].contacts.select_related("user").first()
        if Cart.objects.filter(contact=contact).exists():
            continue
        moment = working_moment(timezone.now() - timedelta(days=days_ago))
        for offset, (sku, quantity, answers) in enumerate(lines):
            with at(moment + timedelta(minutes=3 * offset)):
                cart_add_item(
                    by=contact.user, item=items[sku], quantity=quantity, custom_values=answers
                )


def seed_story(staff) -> int:
    """Create the story's customers, about 300 orders over six months, repeats and carts.

    Returns how many story orders were created now (0 when they all exist).
    """
    now = timezone.now()
    last_outbox_id = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first()
    rng = random.Random(SEED)  # noqa: S311 - demo data: the same shape on every run
    customers = seed_story_customers(staff, rng=rng, managers=MANAGERS)
    items = {item.sku: item for item in Item.objects.filter(sku__startswith="DEMO-")}
    plans = story_plans(now=now, customer_count=len(customers))
    existing = set(
        Order.objects.filter(external_id__startswith="DEMO-O-").values_list(
            "external_id", flat=True
        )
    )
    scheduler = Scheduler(now)

    def story_for(plan: OrderPlan) -> OrderStory:
        return OrderStory(
            plan, customer=customers[plan.customer_index], staff=staff, items=items, now=now
        )

    def spawn(order: Order, moment: datetime) -> None:
        plan = OrderPlan(number=0, kind=order.kind, customer_index=0, start=moment, seed=order.pk)
        story = OrderStory(plan, customer=order.customer, staff=staff, items=items, now=now)
        story.order = order
        scheduler.add(story.clock.later(hours=(1, 4)), sales_story(story))

    created = 0
    for plan in plans:
        if plan.external_id in existing:
            continue
        story = story_for(plan)
        run = ticket_story if plan.kind == OrderKind.SUPPORT else sales_story
        created += scheduler.add(story.clock.moment, run(story))
    if created:
        sources = [
            plan
            for plan in plans
            if plan.kind == OrderKind.PRODUCT
            and plan.outcome == "won"
            and customers[plan.customer_index].kind == "company"
        ][:RECURRING_SOURCES]
        for plan in sources:
            moment = working_moment(plan.start + timedelta(days=45))
            scheduler.add(moment, _recurring_story(plan, spawn=spawn, now=now))
    scheduler.run()
    # What happened more than a day ago was told then: the worker is not to send it now.
    outbox_history_settle(after_id=last_outbox_id or 0, before=now - HISTORY_SENT_BEFORE)
    _seed_abandoned_carts(customers, items)
    if created:
        # What beat would do at once: escalate what is overdue now, remind what is due.
        reminders_sweep()
        cart_reminders_sweep()
    return created
