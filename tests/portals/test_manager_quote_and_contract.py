"""The quote builder and the signed contract on the manager's order page."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from billing.models import Document
from orders.errors import OrderTransitionError, OrderValidationError
from orders.lifecycle import OrderKind, State
from orders.models import Order, Quote
from orders.services import (
    LineInput,
    QuotePricing,
    order_create,
    order_transition,
    quote_accept,
    quote_price_draft,
    quote_send,
)
from tests.catalog.factories import ItemFactory
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(db):
    return UserFactory(role="manager")


@pytest.fixture
def manager_client(manager):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(manager)
    return client


@pytest.fixture
def quoting(manager):
    """An order at `quote` with a draft: a 20%-VAT table and two chairs; 5% customer discount."""
    contact = ContactFactory(customer__discount_percent=Decimal("5"))
    order = order_create(
        customer=contact.customer,
        kind=OrderKind.PRODUCT,
        channel=Order.Channel.MANAGER,
        by=manager,
        lines=[
            LineInput(ItemFactory(name="Стол", price=Decimal("10000.00"), vat_rate=20), 1),
            LineInput(ItemFactory(name="Стул", price=Decimal("2000.00"), vat_rate=20), 2),
        ],
    )
    order = order_transition(order=order, transition="start_quote", by=manager)
    return order, order.quotes.get(status=Quote.Status.DRAFT), contact


def test_pricing_the_draft_sets_discounts_extras_vat_and_the_frozen_lines(quoting, manager):
    order, draft, _contact = quoting
    table, chairs = order.lines.order_by("position")

    quote = quote_price_draft(
        quote=draft,
        pricing=QuotePricing(
            discounts={table.pk: "10", chairs.pk: "0"},
            delivery_cost="1500",
            service_cost="500.00",
            valid_until=date(2030, 1, 31),
            note="Гарантия 2 года",
        ),
        by=manager,
    )

    order.refresh_from_db()
    assert order.total == Decimal("9000.00") + Decimal("4000.00") + Decimal("2000.00")
    assert order.subtotal == Decimal("16000.00")
    assert order.discount_total == Decimal("1000.00")
    assert order.vat_total == (Decimal("15000.00") * 20 / 120).quantize(Decimal("0.01"))
    assert quote.total == order.total
    assert [line["line_total"] for line in quote.lines] == ["9000.00", "4000.00"]
    assert (quote.delivery_cost, quote.service_cost) == (Decimal("1500"), Decimal("500"))
    sent = quote_send(quote=quote, by=manager)
    assert sent.valid_until == date(2030, 1, 31)
    assert sent.note == "Гарантия 2 года"
    assert order.events.filter(action="quote_priced").count() == 1


def test_a_bad_discount_names_the_line_and_changes_nothing(quoting, manager):
    order, draft, _contact = quoting
    table = order.lines.order_by("position").first()

    with pytest.raises(OrderValidationError) as error:
        quote_price_draft(
            quote=draft,
            pricing=QuotePricing(discounts={table.pk: "150"}, delivery_cost="-1"),
            by=manager,
        )

    assert set(error.value.errors) == {f"discounts.{table.pk}", "delivery_cost"}
    assert Order.objects.get(pk=order.pk).total == Decimal("14000.00")


def test_only_the_draft_can_be_priced(quoting, manager):
    _order, draft, _contact = quoting
    quote_send(quote=draft, by=manager)

    with pytest.raises(OrderTransitionError):
        quote_price_draft(quote=draft, pricing=QuotePricing(), by=manager)


def builder_data(order, *, lines=None, free=(), valid_until=None, note="", send=False):
    """What the builder posts: each line's quantity, price, discount (or removed), the
    free rows, and the terms. `lines` maps a line to changed values."""
    lines = lines or {}
    data = {
        "qline-TOTAL_FORMS": str(order.lines.count()),
        "qline-INITIAL_FORMS": str(order.lines.count()),
        "qcat-TOTAL_FORMS": "1",
        "qcat-INITIAL_FORMS": "0",
        "qcat-0-quantity": "1",
        "qfree-TOTAL_FORMS": str(max(len(free), 2)),
        "qfree-INITIAL_FORMS": "0",
        "quote-valid_until": (valid_until or timezone.localdate() + timedelta(days=7)).isoformat(),
        "quote-note": note,
    }
    for index, line in enumerate(order.lines.order_by("position")):
        values = {
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "discount_percent": line.discount_percent,
            **lines.get(line.pk, {}),
        }
        data[f"qline-{index}-line"] = str(line.pk)
        for name, value in values.items():
            data[f"qline-{index}-{name}"] = str(value)
    for index, (name, price) in enumerate(free):
        data.update(
            {
                f"qfree-{index}-name": name,
                f"qfree-{index}-quantity": "1",
                f"qfree-{index}-unit_price": str(price),
                f"qfree-{index}-vat_rate": "20",
            }
        )
    if send:
        data["send"] = "1"
    return data


def test_the_builder_starts_from_the_customers_discount_and_sends(quoting, manager_client):
    order, draft, _contact = quoting
    table, chairs = order.lines.order_by("position")

    page = manager_client.get(f"/manager/orders/{order.pk}/").content.decode()
    response = manager_client.post(
        f"/manager/orders/{order.pk}/quotes/{draft.pk}/price/",
        builder_data(
            order,
            lines={table.pk: {"discount_percent": "5"}, chairs.pk: {"discount_percent": "5"}},
            send=True,
        ),
    )

    assert 'name="qline-0-discount_percent" value="5.00"' in page
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Quote.Status.SENT
    assert draft.total == Decimal("13300.00")


def test_the_builder_changes_quantities_prices_and_lines_and_they_add_up(quoting, manager_client):
    order, draft, _contact = quoting
    table, chairs = order.lines.order_by("position")

    response = manager_client.post(
        f"/manager/orders/{order.pk}/quotes/{draft.pk}/price/",
        builder_data(
            order,
            lines={
                table.pk: {"quantity": "2", "unit_price": "9500", "discount_percent": "0"},
                chairs.pk: {"remove": "on"},
            },
            free=[("Доставка", "3000"), ("Сборка", "2500")],
        ),
    )

    assert response.status_code == 302
    order.refresh_from_db()
    lines = list(order.lines.order_by("position").values_list("name", "line_total"))
    assert lines == [
        ("Стол", Decimal("19000.00")),
        ("Доставка", Decimal("3000.00")),
        ("Сборка", Decimal("2500.00")),
    ]
    assert order.total == sum(total for _name, total in lines) == Decimal("24500.00")
    assert (order.delivery_cost, order.service_cost) == (0, 0)
    draft.refresh_from_db()
    assert [line["name"] for line in draft.lines] == ["Стол", "Доставка", "Сборка"]
    assert draft.total == Decimal("24500.00")


def test_a_bad_builder_form_comes_back_marked(quoting, manager_client):
    order, draft, _contact = quoting
    table, chairs = order.lines.order_by("position")
    data = builder_data(order, lines={table.pk: {"discount_percent": "101"}})
    data["quote-valid_until"] = ""

    response = manager_client.post(f"/manager/orders/{order.pk}/quotes/{draft.pk}/price/", data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "is-invalid" in page
    assert "Ensure this value is less than or equal to 100." in page
    assert Quote.objects.get(pk=draft.pk).status == Quote.Status.DRAFT
    assert list(order.lines.values_list("pk", flat=True)) == [table.pk, chairs.pk]


def test_a_catalog_line_added_without_its_required_option_is_refused_on_its_row(
    quoting, manager_client
):
    from tests.catalog.factories import OrderFormFieldFactory

    order, draft, _contact = quoting
    sofa = ItemFactory(name="Диван", price=Decimal("90000.00"))
    OrderFormFieldFactory(item=sofa, name="fabric", label="Ткань", required=True)
    data = builder_data(order)
    data.update({"qcat-0-item": str(sofa.pk), "qcat-0-quantity": "1"})

    response = manager_client.post(f"/manager/orders/{order.pk}/quotes/{draft.pk}/price/", data)

    assert response.status_code == 200
    assert "Ткань" in response.content.decode()
    assert order.lines.count() == 2
    data["qcat-0-of-fabric"] = "Велюр"
    assert (
        manager_client.post(
            f"/manager/orders/{order.pk}/quotes/{draft.pk}/price/", data
        ).status_code
        == 302
    )
    assert order.lines.get(name="Диван").custom_values == {"fabric": "Велюр"}


def test_the_signed_contract_is_attached_and_listed(
    quoting, manager, manager_client, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    order, draft, contact = quoting
    quote_send(quote=draft, by=manager)
    quote_accept(quote=Quote.objects.get(pk=draft.pk), by=contact.user)
    order = order_transition(
        order=Order.objects.get(pk=order.pk), transition="prepare_contract", by=manager
    )

    wrong = manager_client.post(
        f"/manager/orders/{order.pk}/contract-signed/",
        {"contract-file": SimpleUploadedFile("contract.exe", b"MZ")},
    )
    right = manager_client.post(
        f"/manager/orders/{order.pk}/contract-signed/",
        {
            "contract-signed_on": "2026-11-20",
            "contract-file": SimpleUploadedFile("scan.pdf", b"%PDF-1.4 signed"),
        },
    )

    assert "Attach a PDF, JPG or PNG file." in wrong.content.decode()
    assert right.status_code == 302
    order.refresh_from_db()
    assert order.contract_signed_at.date() == date(2026, 11, 20)
    document = Document.objects.get(order=order)
    assert document.kind == Document.Kind.SIGNED
    page = manager_client.get(f"/manager/orders/{order.pk}/").content.decode()
    assert 'data-testid="document-signed-1"' in page
    download = manager_client.get(f"/billing/orders/{order.pk}/documents/signed-1/")
    assert b"".join(download.streaming_content) == b"%PDF-1.4 signed"
    assert order.state == State.CONTRACT
