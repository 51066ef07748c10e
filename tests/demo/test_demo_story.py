"""The demo's six months of history: seeded once for the package (tests/demo/conftest.py),
then read by each test inside its own rolled-back transaction."""

import random
from datetime import timedelta
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.db.models import Count, Max, Min
from django.utils import timezone
from stdnum.ru import inn as inn_number

from accounts.models import User
from carts.models import Cart
from conversations.models import Feedback
from customers.models import Customer
from demo.story.customers import company_inn, company_ogrn, person_inn
from notifications.models import Delivery, OutboxMessage
from orders.lifecycle import OrderKind, State
from orders.models import Order, OrderEvent, RecurringOrder
from orders.reports import ReportPeriod, report_stage_times

pytestmark = pytest.mark.django_db

# Every state an order of each kind can be in, as the default workflows allow.
SALES_STATES = {
    State.REQUEST,
    State.QUOTE,
    State.CONTRACT,
    State.PAYMENT,
    State.PRODUCTION,
    State.DELIVERY,
    State.CLOSED,
    State.SERVICE,
    State.CANCELLED,
}
REACHABLE_STATES = {
    OrderKind.PRODUCT: SALES_STATES,
    OrderKind.SERVICE: SALES_STATES,
    OrderKind.SUPPORT: {
        State.NEW,
        State.IN_PROGRESS,
        State.WAITING_CLIENT,
        State.RESOLVED,
        State.CLOSED,
        State.CANCELLED,
    },
}
SHOWCASE_ORDERS = [f"DEMO-O-{number:03d}" for number in range(1, 8)]


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (User, Customer, Order, OrderEvent, Feedback, Cart, RecurringOrder)
    }


def test_a_second_run_creates_nothing_and_prints_the_logins():
    before = _counts()
    output = StringIO()

    call_command("seed_demo", stdout=output)

    assert _counts() == before
    printed = output.getvalue()
    for login in ("manager1", "manager2", "manager3", "client1", "client4…client37"):
        assert login in printed
    assert "Demo orders created now: 0" in printed


def test_hundreds_of_orders_over_six_months_for_every_manager():
    span = Order.objects.aggregate(first=Min("created_at"), last=Max("created_at"))

    assert Order.objects.count() >= 250
    assert span["last"] - span["first"] >= timedelta(days=150)
    per_manager = dict(
        Order.objects.values_list("manager__username").annotate(n=Count("id")).order_by()
    )
    assert {"manager1", "manager2", "manager3"} <= {name for name, n in per_manager.items() if n}
    assert min(per_manager[name] for name in ("manager1", "manager2", "manager3")) >= 30


def test_every_state_of_every_kind_has_orders():
    present = set(Order.objects.values_list("kind", "state").distinct())

    for kind, states in REACHABLE_STATES.items():
        assert {(kind, state) for state in states} <= present, kind


def test_outcomes_lost_paid_in_parts_rated_revised_late_recurring():
    cancelled = Order.objects.filter(state=State.CANCELLED)
    assert cancelled.count() >= 10
    assert not cancelled.filter(cancel_reason="").exists()
    assert len(set(cancelled.values_list("cancel_reason", flat=True))) >= 4
    in_parts = Order.objects.annotate(payments_count=Count("payments")).filter(
        payments_count__gte=2
    )
    assert in_parts.count() >= 20
    ratings = set(Feedback.objects.values_list("rating", flat=True))
    assert {1, 2, 5} <= ratings
    assert Feedback.objects.filter(rating__lte=2).exclude(comment="").exists()
    assert Feedback.objects.filter(rating__lte=2, follow_up_task__isnull=False).exists()
    assert OrderEvent.objects.filter(action="quote_revised").count() >= 10
    assert Order.objects.filter(quotes__version=3).exists()
    assert OrderEvent.objects.filter(action="sla_breach").exists()
    assert Order.objects.filter(sla_level__gt=0).exclude(state__in=["closed", "cancelled"]).exists()
    assert RecurringOrder.objects.count() == 2
    assert Order.objects.filter(recurring_schedule__isnull=False).exists()


def test_service_orders_have_a_day_a_place_and_a_due_reminder():
    service = Order.objects.filter(kind=OrderKind.SERVICE)

    assert not service.filter(service_date__isnull=True).exists()
    assert not service.filter(service_place="").exists()
    assert OrderEvent.objects.filter(action="service_reminder").exists()


def test_open_carts_of_several_clients_are_left_for_days():
    stale = Cart.objects.filter(
        status=Cart.Status.OPEN, updated_at__lt=timezone.now() - timedelta(days=5)
    )

    assert Cart.objects.filter(status=Cart.Status.OPEN).count() >= 4
    assert stale.count() >= 2


def test_customers_have_valid_numbers_and_enough_for_two_pages():
    customers = Customer.objects.all()

    assert customers.count() >= 30
    assert customers.filter(kind=Customer.Kind.PERSON).count() >= 8
    for customer in customers:
        customer.full_clean()


def test_the_check_digits_are_what_python_stdnum_checks():
    rng = random.Random(1)  # noqa: S311 - any digits will do
    for _ in range(50):
        assert inn_number.is_valid(company_inn(rng, "77"))
        assert inn_number.is_valid(person_inn(rng, "50"))
        ogrn = company_ogrn(rng, "77")
        assert int(ogrn[:12]) % 11 % 10 == int(ogrn[12])


def test_events_happen_in_order_and_people_act_in_working_hours():
    events = OrderEvent.objects.order_by("id")
    times = list(events.values_list("order_id", "created_at"))
    by_order = sorted(times, key=lambda row: row[0])  # stable: by id within an order
    # The showcase orders (`orders/demo.py`) are made after the story, dated a day back.
    story = events.exclude(order__external_id__in=SHOWCASE_ORDERS)

    for (order_a, at_a), (order_b, at_b) in pairwise(by_order):
        assert order_a != order_b or at_a <= at_b
    # Across the story's orders too: their steps are interleaved in time, as in real use.
    story_times = list(story.values_list("created_at", flat=True))
    assert all(earlier <= later for earlier, later in pairwise(story_times))
    quoting = [
        timezone.localtime(at)
        for at in story.filter(
            action="start_quote", actor__username__startswith="manager"
        ).values_list("created_at", flat=True)
    ]
    assert len(quoting) >= 100
    assert all(at.weekday() < 5 and 9 <= at.hour < 18 for at in quoting)


def test_the_history_is_not_sent_now_but_todays_reminders_are():
    old = OutboxMessage.objects.filter(created_at__lt=timezone.now() - timedelta(days=5))

    assert old.count() > 1000
    assert not old.filter(status=OutboxMessage.Status.PENDING).exists()
    assert OutboxMessage.objects.filter(
        status=OutboxMessage.Status.PENDING, topic="order.sla_breach"
    ).exists()
    assert not Delivery.objects.exists()


def test_the_stage_time_report_has_real_durations():
    director = User.objects.get(username="director")
    today = timezone.localdate()

    rows = report_stage_times(
        user=director, period=ReportPeriod(date_from=today - timedelta(days=180), date_to=today)
    )

    averages = {row.state: row.average for row in rows}
    assert {State.QUOTE, State.CONTRACT, State.PAYMENT, State.PRODUCTION, State.DELIVERY} <= set(
        averages
    )
    assert all(average >= timedelta(hours=1) for average in averages.values())
    assert averages[State.PRODUCTION] >= timedelta(days=1)
