"""Issue 19, the desk and the order page: bounded statements whatever the data, and the
labels, links and options worked out once per page showing what they showed before."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.http import HttpResponse
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from accounts.permission_cache import PermissionsInOneQueryMiddleware, all_permissions
from accounts.roles import Role
from core.choice_labels import choice_label, choice_labels
from orders.lifecycle import State
from orders.models import Invoice, Order, OrderEvent, OrderLine, Refund
from orders.selectors import DESK_ROW_FIELDS, order_desk_list, order_get_for_user
from portals.manager.money_forms import PaymentForm
from tests.factories import ContactFactory, CustomerFactory, UserFactory
from tests.orders.factories import OrderFactory, PaymentFactory, QuoteFactory, WorkflowFactory

pytestmark = pytest.mark.django_db

DESK = reverse("portals_manager:order_desk")


def test_choice_labels_are_what_get_display_shows_in_each_language():
    order = Order(kind="product", channel="portal", delivery_method="", state=State.PAYMENT)
    for language in ("ru", "en"):
        with translation.override(language):
            for field in ("kind", "channel", "state"):
                labels = choice_labels(Order, field)
                assert (
                    choice_label(labels, getattr(order, field))
                    == getattr(order, f"get_{field}_display")()
                )
            assert choice_label(choice_labels(Order, "kind"), "no-such") == "no-such"
    with translation.override("ru"):
        russian = choice_labels(Order, "state")[State.PAYMENT]
    with translation.override("en"):
        english = choice_labels(Order, "state")[State.PAYMENT]
    assert russian != english


def test_desk_rows_show_labels_and_links_in_few_statements(
    manager_client, django_assert_max_num_queries
):
    workflow = WorkflowFactory()
    OrderFactory.create_batch(57, workflow=workflow, customer=CustomerFactory(name="ООО «Гамма»"))
    orders = [
        OrderFactory(workflow=workflow, manager=manager_client.manager, state=state)
        for state in (State.REQUEST, State.PAYMENT, State.CLOSED)
    ]

    # Session, user, permissions (one), the page of orders, the bulk form's managers.
    with django_assert_max_num_queries(5):
        response = manager_client.get(DESK)

    html = response.content.decode()
    assert len(response.context["orders"]) == 50
    for order in orders:
        assert f'href="{reverse("portals_manager:order_page", args=[order.pk])}"' in html
        assert order.get_state_display() in html
        assert order.get_kind_display() in html
        assert order.get_channel_display() in html
    assert '<select class="form-select form-select-sm" name="manager"' in html
    assert str(manager_client.manager) in html


def test_desk_search_reads_its_look_ups_in_one_statement(
    manager_client, django_assert_max_num_queries
):
    customer = CustomerFactory(name="ООО «Ромашка»")
    found = OrderFactory.create_batch(3, customer=customer)
    OrderFactory.create_batch(5)

    # Session, user, permissions, the customers/contacts/items named, the orders, managers.
    with django_assert_max_num_queries(6):
        response = manager_client.get(DESK, {"q": "ромаш"})

    assert [order.pk for order in response.context["orders"]] == sorted(
        (order.pk for order in found), reverse=True
    )


def _grow(order, n):
    for position in range(n):
        OrderLine.objects.create(
            order=order,
            position=order.lines.count() + 1,
            name=f"Позиция {position}",
            quantity=Decimal("1"),
            unit="шт",
            unit_price=Decimal("10.00"),
            vat_rate=20,
            line_total=Decimal("10.00"),
        )
        OrderEvent.objects.create(order=order, action="note", note=f"note {position}")
        invoice = Invoice.objects.create(
            number=f"INV-{order.pk}-{order.invoices.count()}",
            order=order,
            kind=Invoice.Kind.PREPAYMENT,
            amount=Decimal("100.00"),
            due_date=timezone.localdate() + timedelta(days=3),
        )
        payment = PaymentFactory(order=order, invoice=invoice, amount=Decimal("10.00"))
        Refund.objects.create(payment=payment, order=order, amount=Decimal("1.00"), reason="x")
        QuoteFactory(order=order, status="superseded")


def test_order_page_statements_do_not_grow_with_lines_events_invoices_payments(
    manager_client, django_assert_max_num_queries
):
    order = OrderFactory(state=State.PAYMENT, workflow=WorkflowFactory())
    url = reverse("portals_manager:order_page", args=[order.pk])
    _grow(order, 1)
    manager_client.get(url)
    # Session, user, permissions; the order (with whether it has refunds, documents or
    # tasks), its lines, events, quotes, payments, invoices and, as it has some, refunds;
    # the details form's options, the customer's other orders.
    with django_assert_max_num_queries(11) as few:
        manager_client.get(url)
    _grow(order, 4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = manager_client.get(url)
    assert response.status_code == 200


def test_payment_form_invoice_options_from_the_prefetch_match_the_query(staff_user):
    order = OrderFactory(state=State.PAYMENT)
    for n, status in enumerate((Invoice.Status.ISSUED, Invoice.Status.CANCELLED) * 2):
        Invoice.objects.create(
            number=f"INV-P-{n}",
            order=order,
            kind=Invoice.Kind.PREPAYMENT,
            amount=Decimal("100.00"),
            due_date=timezone.localdate(),
            status=status,
        )
    from_prefetch = PaymentForm(order=order_get_for_user(user=staff_user, order_id=order.pk))
    from_query = PaymentForm(order=Order.objects.get(pk=order.pk))
    assert [(str(value), label) for value, label in from_prefetch.fields["invoice"].choices] == [
        (str(value), label) for value, label in from_query.fields["invoice"].choices
    ]
    assert len(from_prefetch.fields["invoice"].choices) == 3


@pytest.fixture
def staff_user():
    return UserFactory(role=Role.MANAGER)


@pytest.mark.parametrize("kind", ["group", "direct", "both", "superuser", "none"])
def test_permissions_in_one_query_are_the_model_backends(kind, django_assert_num_queries):
    user = UserFactory(is_superuser=kind == "superuser")
    group = Group.objects.create(name=f"g-{kind}")
    if kind in ("group", "both"):
        group.permissions.add(Permission.objects.get(codename="view_order"))
        user.groups.add(group)
    if kind in ("direct", "both"):
        user.user_permissions.add(Permission.objects.get(codename="change_order"))

    with django_assert_num_queries(1):
        mine = all_permissions(user)
    fresh = type(user).objects.get(pk=user.pk)
    assert mine == ModelBackend().get_all_permissions(fresh)


def test_the_middleware_fills_the_backends_cache_for_signed_in_users_only():
    user = UserFactory(role=Role.MANAGER)
    seen = {}

    def view(request):
        seen["has"] = request.user.has_perm("orders.view_all_orders")
        return HttpResponse()

    request = RequestFactory().get("/")
    request.user = user
    PermissionsInOneQueryMiddleware(view)(request)
    assert user._perm_cache == ModelBackend().get_all_permissions(
        type(user).objects.get(pk=user.pk)
    )
    assert seen["has"] is True

    inactive = UserFactory(is_active=False)
    request.user = inactive
    PermissionsInOneQueryMiddleware(view)(request)
    assert not hasattr(inactive, "_perm_cache")
    assert seen["has"] is False


def test_templates_are_compiled_once_per_process():
    loaders = engines["django"].engine.template_loaders
    assert [type(loader).__module__ for loader in loaders] == ["django.template.loaders.cached"]


def test_client_orders_rows_show_labels_links_and_money_in_few_statements(
    client, django_assert_max_num_queries
):
    contact = ContactFactory()
    client.force_login(contact.user)
    OrderFactory.create_batch(25, customer=contact.customer)
    shown = OrderFactory(customer=contact.customer, state=State.PAYMENT, total=Decimal("1234.50"))
    OrderFactory(total=Decimal("99.00"))  # another company's

    # Session, user, permissions, the contact, the count, the page.
    with django_assert_max_num_queries(6):
        response = client.get(reverse("portals_client:order_list"))

    html = response.content.decode()
    assert len(response.context["orders"]) == 20
    assert f'href="{reverse("portals_client:order_page", args=[shown.pk])}"' in html
    assert shown.get_state_display() in html
    assert shown.get_kind_display() in html
    assert "1\xa0234,50&nbsp;₽" in html or "1,234.50&nbsp;₽" in html


def test_desk_rows_escape_and_format_what_they_show(manager_client):
    """The rows written in Python (portals/manager/desk_rows.py) escape names and write money,
    dates, labels and the overdue badge as the template language did."""
    customer = CustomerFactory(name='ООО «<b>Альфа</b>» & "Ко"')
    named = UserFactory(role=Role.MANAGER, first_name="Анна", last_name="<Петрова>")
    order = OrderFactory(
        customer=customer,
        manager=named,
        state=State.PAYMENT,
        total=Decimal("1234567.50"),
        delivery_method="courier",
        sla_level=1,
    )
    unassigned = OrderFactory(customer=customer, manager=None, total=Decimal("0.00"))

    with translation.override("ru"):
        html = manager_client.get(DESK, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
        labels = (order.get_state_display(), order.get_delivery_method_display())

    assert "&lt;b&gt;Альфа&lt;/b&gt;» &amp; &quot;Ко&quot;" in html
    assert "<b>Альфа" not in html
    assert "Анна &lt;Петрова&gt;" in html
    assert "1\xa0234\xa0567,50&nbsp;₽" in html
    assert "0,00&nbsp;₽" in html
    assert timezone.localtime(order.created_at).strftime("%d.%m.%Y %H:%M") in html
    assert all(label in html for label in labels)
    row = html.split(f'value="{order.pk}"', 1)[1].split("</tr>", 1)[0]
    assert '<span class="badge bg-danger">просрочен</span>' in row
    assert f'aria-label="Выбрать заказ {order.number}"' in html
    other = html.split(f'value="{unassigned.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "<td>—</td>" in other
    assert "просрочен" not in other


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL plan")
def test_a_managers_orders_are_read_from_their_index_newest_first(manager_client):

    OrderFactory.create_batch(3, manager=manager_client.manager)
    rows = order_desk_list(user=manager_client.manager, manager=manager_client.manager.pk)
    query = rows.values_list(*DESK_ROW_FIELDS, named=True)[:51]
    with connection.cursor() as cursor:
        # A handful of rows: told to avoid the table, bitmaps and sorts, the planner shows
        # whether an index reads them in the desk's order.
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")
        plan = query.explain()

    assert "order_manager_id_desc_idx" in plan
    assert "Sort" not in plan
