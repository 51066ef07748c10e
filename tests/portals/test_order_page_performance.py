"""Issue 19, the manager's order page: few statements whatever the order has, and the forms
and options it writes faster showing what they showed before."""

from decimal import Decimal

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import forms
from django.urls import reverse
from django.utils import translation

from billing.models import Document
from orders.lifecycle import State, quote_accepted_if_used
from orders.models import Order, Refund
from orders.selectors import order_get_for_user
from portals.manager.intake_forms import OrderDetailsForm
from portals.manager.money_forms import InvoiceForm
from portals.templatetags.form_html import crispy_once
from portals.widgets import Select
from tests.factories import CustomerFactory
from tests.orders.factories import OrderFactory, PaymentFactory, QuoteFactory, WorkflowFactory
from tests.tasks.factories import TaskFactory

pytestmark = pytest.mark.django_db


def test_refunds_documents_and_tasks_cost_a_statement_only_for_an_order_that_has_them(
    manager_client, django_assert_max_num_queries
):
    order = OrderFactory(state=State.CLOSED, workflow=WorkflowFactory(), total=Decimal("900.00"))
    QuoteFactory(order=order, status="accepted")
    payment = PaymentFactory(order=order, amount=Decimal("900.00"))
    url = reverse("portals_manager:order_page", args=[order.pk])
    manager_client.get(url)

    # Session, user, permissions; the order (with whether it has refunds, documents or
    # tasks), its lines, events, quotes, payments and invoices.
    with django_assert_max_num_queries(9):
        plain = manager_client.get(url).content.decode()

    Refund.objects.create(payment=payment, order=order, amount=Decimal("100.00"), reason="x")
    Document.objects.create(
        order=order, kind=Document.Kind.SIGNED, source="signed:1", number="S-1", version=1
    )
    TaskFactory(order=order, title="Позвонить клиенту", assignee=manager_client.manager)
    with django_assert_max_num_queries(12):
        full = manager_client.get(url).content.decode()

    assert "Позвонить клиенту" not in plain
    assert "Позвонить клиенту" in full
    assert 'data-testid="document-signed-1"' not in plain
    assert 'data-testid="document-signed-1"' in full
    assert "возвращено" not in plain
    assert "возвращено 100,00" in full


def test_the_conditions_read_prefetched_quotes_and_payments_as_the_queries_do(manager_client):
    order = OrderFactory(state=State.QUOTE, workflow=WorkflowFactory(), total=Decimal("500.00"))
    quote = QuoteFactory(order=order, status="sent")
    payment = PaymentFactory(order=order, amount=Decimal("500.00"))
    Refund.objects.create(payment=payment, order=order, amount=Decimal("50.00"), reason="x")

    for accepted in (False, True):
        if accepted:
            quote.status = "accepted"
            quote.save()
        loaded = order_get_for_user(user=manager_client.manager, order_id=order.pk)
        fresh = Order.objects.get(pk=order.pk)
        assert quote_accepted_if_used(loaded) == quote_accepted_if_used(fresh) == accepted
        assert loaded.amount_paid() == fresh.amount_paid() == Decimal("450.00")


@pytest.mark.parametrize(
    ("choices", "value"),
    [
        ([("", "---------"), (1, "A&B"), (2, "<x>"), (2, "again")], "2"),
        ([("", "---------"), (1, "a")], None),
        ([(None, "none"), ('"q', "'")], '"q'),
        ([], ""),
    ],
)
def test_the_fast_select_writes_what_djangos_select_writes(choices, value):
    attrs = {"class": "form-select", "required": True, "disabled": False, "id": 'i"d'}

    assert Select(choices=choices, attrs=attrs).render("f", value) == forms.Select(
        choices=choices, attrs=attrs
    ).render("f", value)


def test_related_order_options_are_the_customers_other_orders_as_django_wrote_them():
    customer = CustomerFactory()
    order, *others = OrderFactory.create_batch(4, customer=customer)
    OrderFactory()  # another customer's
    order.related_order = others[1]

    class DjangoDetailsForm(OrderDetailsForm):
        related_order = forms.ModelChoiceField(queryset=Order.objects.none(), required=False)

    ours = OrderDetailsForm(order=order, initial={"related_order": others[1].pk})
    djangos = DjangoDetailsForm(order=order, initial={"related_order": others[1].pk})

    html = str(ours["related_order"])
    assert html == str(djangos["related_order"])
    assert [line.strip() for line in html.splitlines() if "<option" in line] == [
        '<option value="">---------</option>',
        *(
            f'<option value="{other.pk}"{" selected" if other == others[1] else ""}>'
            f"{other.number}</option>"
            for other in sorted(others, key=lambda other: -other.pk)
        ),
    ]


def test_an_empty_form_kept_once_per_language_is_crispys_and_a_bound_one_shows_its_errors():
    for language in ("ru", "en", "ru"):
        with translation.override(language):
            assert crispy_once(InvoiceForm()) == as_crispy_form(InvoiceForm())
    with translation.override("en"):
        english = crispy_once(InvoiceForm())
    with translation.override("ru"):
        russian = crispy_once(InvoiceForm())
        bound = InvoiceForm(data={"invoice-kind": "nonsense", "invoice-amount": "-1"})
        with_errors = crispy_once(bound)

    assert "Invoice for" in english
    assert "Invoice for" not in russian
    assert with_errors == as_crispy_form(bound) != russian
    assert "invalid-feedback" in with_errors


def test_an_order_number_beyond_any_key_is_a_404(manager_client):
    response = manager_client.get(f"/manager/orders/{10**20}/")

    assert response.status_code == 404
