"""Orders through the API: create (with idempotency), list, read, transitions, facts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.roles import Role
from api.models import IdempotencyKey
from billing.demo import seed_company
from notifications.models import OutboxMessage
from orders.lifecycle import DeliveryStatus, State
from orders.models import Invoice, Order, OrderEvent, Payment
from orders.services import invoice_issue
from tests.api.helpers import assert_problem, order_body
from tests.orders.factories import OrderFactory, QuoteFactory, WorkflowFactory

pytestmark = pytest.mark.django_db


# Create


def test_create_by_external_ids_maps_options_to_the_order_form(manager_api, catalog):
    response = manager_api.post("/api/v1/orders/", order_body(), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    order = Order.objects.get()
    assert body["id"] == order.pk
    assert response["Location"].endswith(f"/api/v1/orders/{order.pk}/")
    assert body["number"] == order.number
    assert body["state"] == "request"
    assert body["kind"] == "product"
    assert body["total"] == "90000.00"
    assert body["external_id"] == "1C-000123"
    assert body["customer"]["external_id"] == "C-1"
    assert body["lines"][0]["options"] == {"fabric": "Велюр"}
    assert body["lines"][0]["price"] == "45000.00"
    assert body["events"][0]["action"] == "created"
    assert body["documents"] == []
    assert order.channel == Order.Channel.API
    assert order.lines.get().custom_values == {"fabric": "Велюр"}
    assert OrderEvent.objects.get(order=order).actor == manager_api.api_client.user


def test_create_by_ids_with_price_and_discount(manager_api, catalog):
    body = order_body(
        customer={"id": catalog["customer"].pk},
        lines=[
            {
                "item": {"id": catalog["chair"].pk},
                "quantity": 3,
                "price": "900.00",
                "discount_percent": "10",
            }
        ],
        external_id="",
    )

    response = manager_api.post("/api/v1/orders/", body, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["total"] == "2430.00"


@pytest.mark.parametrize(
    ("change", "path", "fragment"),
    [
        ({"customer": {"external_id": "nope"}}, "customer", "No such customer"),
        ({"customer": {"id": 1, "external_id": "C-1"}}, "customer.non_field_errors", "exactly one"),
        ({"kind": "gift"}, "kind", "not a valid choice"),
        (
            {"lines": [{"item": {"external_id": "nope"}, "quantity": "1"}]},
            "lines.0.item",
            "No such item",
        ),
        (
            {"lines": [{"item": {"external_id": "SKU-1"}, "quantity": "0"}]},
            "lines.0.quantity",
            "greater than or equal",
        ),
        ({"lines": []}, "lines", "at least one item"),
        (
            {"lines": [{"item": {"external_id": "SKU-1"}, "quantity": "1"}]},
            "lines.0.options.fabric",
            "required",
        ),
        (
            {"lines": [{"item": {"external_id": "SKU-1"}, "quantity": "1", "options": {"x": "1"}}]},
            "lines.0.options.x",
            "Unknown field",
        ),
    ],
)
def test_invalid_orders_are_422_naming_the_field_and_save_nothing(
    manager_api, catalog, change, path, fragment
):
    response = manager_api.post("/api/v1/orders/", order_body(**change), format="json")

    assert_problem(response, 422, **{path.replace(".", "__"): fragment})
    assert Order.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_an_inactive_item_is_refused_as_in_the_portals(manager_api, catalog):
    catalog["chair"].is_active = False
    catalog["chair"].save()
    body = order_body(lines=[{"item": {"external_id": "SKU-2"}, "quantity": "1"}])

    response = manager_api.post("/api/v1/orders/", body, format="json")

    assert_problem(response, 422, lines__0__item="no longer sold")


def test_a_duplicate_external_id_is_422(manager_api, catalog):
    manager_api.post("/api/v1/orders/", order_body(), format="json")

    response = manager_api.post("/api/v1/orders/", order_body(), format="json")

    assert_problem(response, 422, external_id="already exists")
    assert Order.objects.count() == 1


def test_malformed_json_is_400(manager_api):
    response = manager_api.generic(
        "POST", "/api/v1/orders/", "{not json", content_type="application/json"
    )

    assert_problem(response, 400)


# Idempotency


def test_the_same_key_and_body_replays_the_first_response(manager_api, catalog):
    first = manager_api.post(
        "/api/v1/orders/", order_body(), format="json", HTTP_IDEMPOTENCY_KEY="key-1"
    )
    again = manager_api.post(
        "/api/v1/orders/", order_body(), format="json", HTTP_IDEMPOTENCY_KEY="key-1"
    )

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Order.objects.count() == 1
    assert OrderEvent.objects.count() == 1


def test_the_same_key_with_another_body_is_422(manager_api, catalog):
    manager_api.post("/api/v1/orders/", order_body(), format="json", HTTP_IDEMPOTENCY_KEY="k")

    response = manager_api.post(
        "/api/v1/orders/", order_body(comment="other"), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )

    assert_problem(response, 422, **{"Idempotency-Key": "another request"})
    assert Order.objects.count() == 1


def test_keys_are_per_client(keyed, catalog):
    first, second = keyed(), keyed()
    first.post("/api/v1/orders/", order_body(), format="json", HTTP_IDEMPOTENCY_KEY="k")

    response = second.post(
        "/api/v1/orders/", order_body(external_id="1C-2"), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )

    assert response.status_code == 201
    assert Order.objects.count() == 2


def test_a_failed_request_does_not_use_up_its_key(manager_api, catalog):
    bad = manager_api.post(
        "/api/v1/orders/", order_body(kind="gift"), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    good = manager_api.post(
        "/api/v1/orders/", order_body(), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )

    assert bad.status_code == 422
    assert good.status_code == 201
    assert IdempotencyKey.objects.get().response_status == 201


def test_an_overlong_idempotency_key_is_400(manager_api, catalog):
    response = manager_api.post(
        "/api/v1/orders/", order_body(), format="json", HTTP_IDEMPOTENCY_KEY="k" * 256
    )

    assert_problem(response, 400, **{"Idempotency-Key": "255"})
    assert Order.objects.count() == 0


# List and read


def test_list_filters_by_state_kind_customer_and_update_time(manager_api, catalog):
    customer = catalog["customer"]
    old = OrderFactory(state=State.QUOTE, customer=customer)
    Order.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timezone.timedelta(days=2))
    new = OrderFactory(state=State.REQUEST, customer=customer)
    ticket = OrderFactory(state=State.NEW, kind="support")

    def ids(**query):
        response = manager_api.get("/api/v1/orders/", query)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids() == [ticket.pk, new.pk, old.pk]
    assert ids(state="quote") == [old.pk]
    assert ids(state=["quote", "new"]) == [ticket.pk, old.pk]
    assert ids(kind="support") == [ticket.pk]
    assert ids(customer=customer.pk) == [new.pk, old.pk]
    assert ids(customer_external_id="C-1") == [new.pk, old.pk]
    since = (timezone.now() - timezone.timedelta(days=1)).isoformat()
    assert ids(updated_since=since) == [ticket.pk, new.pk]


@pytest.mark.parametrize(
    "query",
    [{"state": "lost"}, {"customer": "x"}, {"updated_since": "yesterday"}, {"limit": "0"}],
)
def test_bad_filters_are_400(manager_api, query):
    assert_problem(manager_api.get("/api/v1/orders/", query), 400)


def test_cursor_pages_cover_every_order_once_without_count(
    manager_api, catalog, django_assert_max_num_queries
):
    orders = OrderFactory.create_batch(7, customer=catalog["customer"])
    seen, url = [], "/api/v1/orders/?limit=3"
    while url:
        with django_assert_max_num_queries(6) as queries:
            page = manager_api.get(url).json()
        assert not any("COUNT(" in query["sql"].upper() for query in queries.captured_queries)
        seen += [row["id"] for row in page["results"]]
        url = page["next"]

    assert seen == sorted((order.pk for order in orders), reverse=True)


def test_list_query_count_does_not_grow_with_the_page(
    manager_api, catalog, django_assert_max_num_queries
):
    OrderFactory.create_batch(50, customer=catalog["customer"])

    with django_assert_max_num_queries(6):
        response = manager_api.get("/api/v1/orders/?limit=50")

    assert len(response.json()["results"]) == 50


def test_a_bad_cursor_is_a_400_problem(manager_api):
    response = manager_api.get("/api/v1/orders/?cursor=garbage")

    assert_problem(response, 400, cursor="Invalid cursor")


def test_detail_has_lines_payments_events_documents_and_an_etag(manager_api, catalog):
    created = manager_api.post("/api/v1/orders/", order_body(), format="json").json()
    manager_api.post(
        f"/api/v1/orders/{created['id']}/payments/", {"amount": "100.00"}, format="json"
    )

    response = manager_api.get(f"/api/v1/orders/{created['id']}/")

    body = response.json()
    assert response.status_code == 200
    assert response["ETag"] == f'"{body["version"]}"'
    assert len(body["lines"]) == 1
    assert body["amount_paid"] == "100.00"
    assert [event["action"] for event in body["events"]] == ["created", "payment_recorded"]
    assert body["documents"] == []


@pytest.mark.parametrize("order_id", ["999999", "0.5", "abc", "99999999999999999999"])
def test_an_unknown_order_is_a_404_problem(manager_api, order_id):
    assert_problem(manager_api.get(f"/api/v1/orders/{order_id}/"), 404)


def test_an_unknown_path_under_the_api_is_a_404_problem(manager_api):
    assert_problem(manager_api.get("/api/v1/nothing-here/"), 404)


# Transitions


def test_available_transitions_are_listed_for_the_caller(manager_api):
    order = OrderFactory(state=State.REQUEST, workflow=WorkflowFactory(uses_quote=True))

    response = manager_api.get(f"/api/v1/orders/{order.pk}/transitions/")

    assert response.status_code == 200
    names = {option["name"]: option for option in response.json()}
    assert names["start_quote"]["target"] == "quote"
    assert names["start_quote"]["label"] == "Start quoting"
    assert names["cancel"]["requires_reason"] is True


def test_a_transition_returns_the_moved_order(manager_api):
    order = OrderFactory(state=State.REQUEST)

    response = manager_api.post(
        f"/api/v1/orders/{order.pk}/transitions/",
        {"transition": "start_quote", "note": "из 1С"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "quote"
    event = OrderEvent.objects.get(order=order)
    assert (event.action, event.note, event.actor) == (
        "start_quote",
        "из 1С",
        manager_api.api_client.user,
    )


def test_a_transition_not_possible_now_is_409_saying_why(manager_api):
    order = OrderFactory(state=State.REQUEST)

    response = manager_api.post(
        f"/api/v1/orders/{order.pk}/transitions/", {"transition": "close"}, format="json"
    )

    body = assert_problem(response, 409)
    assert "not possible" in body["detail"]
    assert OrderEvent.objects.count() == 0


def test_unmet_conditions_are_409_listing_them(manager_api):
    order = OrderFactory(state=State.QUOTE, workflow=WorkflowFactory(uses_contract=True))

    response = manager_api.post(
        f"/api/v1/orders/{order.pk}/transitions/", {"transition": "prepare_contract"}, format="json"
    )

    assert "not accepted a quote" in assert_problem(response, 409)["detail"]


def test_a_stale_version_loses_with_409(manager_api):
    order = OrderFactory(state=State.REQUEST, version=3)

    by_field = manager_api.post(
        f"/api/v1/orders/{order.pk}/transitions/",
        {"transition": "start_quote", "expected_version": 2},
        format="json",
    )
    by_header = manager_api.post(
        f"/api/v1/orders/{order.pk}/transitions/",
        {"transition": "start_quote"},
        format="json",
        HTTP_IF_MATCH='"2"',
    )

    assert_problem(by_field, 409)
    assert_problem(by_header, 409)
    assert OrderEvent.objects.count() == 0
    matching = manager_api.post(
        f"/api/v1/orders/{order.pk}/transitions/",
        {"transition": "start_quote"},
        format="json",
        HTTP_IF_MATCH='"3"',
    )
    assert matching.status_code == 200


def test_a_malformed_if_match_is_400(manager_api):
    order = OrderFactory(state=State.REQUEST)

    response = manager_api.post(
        f"/api/v1/orders/{order.pk}/transitions/",
        {"transition": "start_quote"},
        format="json",
        HTTP_IF_MATCH="version three",
    )

    assert_problem(response, 400, **{"If-Match": "ETag"})


def test_a_transition_the_keys_user_may_not_take_is_403(keyed):
    courier = keyed(roles=[Role.COURIER])
    order = OrderFactory(state=State.REQUEST)

    response = courier.post(
        f"/api/v1/orders/{order.pk}/transitions/", {"transition": "start_quote"}, format="json"
    )

    assert_problem(response, 403)
    assert OrderEvent.objects.count() == 0


def test_cancelling_without_a_reason_is_422_naming_it(manager_api):
    order = OrderFactory(state=State.REQUEST)

    response = manager_api.post(
        f"/api/v1/orders/{order.pk}/transitions/", {"transition": "cancel"}, format="json"
    )

    assert_problem(response, 422, reason="reason")


def test_an_unknown_transition_is_422(manager_api):
    order = OrderFactory(state=State.REQUEST)

    response = manager_api.post(
        f"/api/v1/orders/{order.pk}/transitions/", {"transition": "amend"}, format="json"
    )

    assert_problem(response, 422, transition="not a valid choice")


# Payments and shipments


def test_a_payment_is_recorded_once_per_reference(manager_api):
    order = OrderFactory(state=State.PAYMENT)
    url = f"/api/v1/orders/{order.pk}/payments/"
    body = {"amount": "1000.00", "reference": "п/п 42", "paid_at": "2026-03-01T10:00:00+03:00"}

    first = manager_api.post(url, body, format="json")
    again = manager_api.post(url, body, format="json")

    assert first.status_code == 201, first.json()
    assert again.status_code == 200
    assert again.json() == first.json()
    assert first.json()["amount"] == "1000.00"
    assert Payment.objects.filter(order=order).count() == 1
    assert OrderEvent.objects.filter(order=order, action="payment_recorded").count() == 1


@pytest.mark.parametrize("amount", ["0", "-5", "abc", "1e1000000"])
def test_a_bad_amount_is_422(manager_api, amount):
    order = OrderFactory()

    response = manager_api.post(
        f"/api/v1/orders/{order.pk}/payments/", {"amount": amount}, format="json"
    )

    assert_problem(response, 422, amount="")
    assert Payment.objects.count() == 0


def test_a_shipment_update_records_carrier_tracking_date_and_status(manager_api):
    order = OrderFactory(state=State.DELIVERY)
    expected = (timezone.localdate() + timedelta(days=3)).isoformat()

    response = manager_api.post(
        f"/api/v1/orders/{order.pk}/shipments/",
        {
            "carrier": "СДЭК",
            "tracking_number": "1234567890",
            "expected_date": expected,
            "status": "in_transit",
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["delivery"] == {
        "method": "",
        "address": "",
        "status": "in_transit",
        "carrier": "СДЭК",
        "tracking_number": "1234567890",
        "tracking_url": "https://www.cdek.ru/ru/tracking?order_id=1234567890",
        "expected_date": expected,
    }
    order.refresh_from_db()
    assert order.delivery_status == DeliveryStatus.IN_TRANSIT
    assert OrderEvent.objects.get(order=order).action == "delivery_updated"


def test_a_bad_delivery_status_is_422(manager_api):
    order = OrderFactory(state=State.DELIVERY)

    response = manager_api.post(
        f"/api/v1/orders/{order.pk}/shipments/", {"status": "lost"}, format="json"
    )

    assert_problem(response, 422, status="not a valid choice")


def test_a_full_lifecycle_through_the_api(admin_api, catalog):
    """Request to closed for a B2B order, with every fact pushed by the accounting system."""
    order_id = admin_api.post("/api/v1/orders/", order_body(), format="json").json()["id"]
    order = Order.objects.get(pk=order_id)
    assert order.workflow is not None

    def move(name, **extra):
        response = admin_api.post(
            f"/api/v1/orders/{order_id}/transitions/", {"transition": name, **extra}, format="json"
        )
        assert response.status_code == 200, (name, response.json())
        return response.json()

    QuoteFactory(order=order, version=99, status="accepted")
    Order.objects.filter(pk=order_id).update(
        contract_signed_at=timezone.now(), workflow=WorkflowFactory(uses_contract=True)
    )
    move("request_payment")
    admin_api.post(f"/api/v1/orders/{order_id}/payments/", {"amount": "90000.00"}, format="json")
    # Paid in full on prepaid terms: the order went on to production by itself.
    assert admin_api.get(f"/api/v1/orders/{order_id}/").json()["state"] == "production"
    move("ship")
    admin_api.post(
        f"/api/v1/orders/{order_id}/shipments/", {"status": "handed_to_client"}, format="json"
    )
    closed = move("close")

    assert closed["state"] == "closed"
    assert closed["amount_paid"] == "90000.00"
    assert Decimal(closed["total"]) == Decimal("90000.00")


@pytest.mark.parametrize(
    "since", ["0183-02-11T11:06:20-22:55", "0001-01-01T00:00:00+10:00", "2026-01-01T00:00:00+23:59"]
)
def test_update_times_postgresql_cannot_store_are_400_or_normalised(manager_api, since):
    response = manager_api.get("/api/v1/orders/", {"updated_since": since})

    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert_problem(response, 400, updated_since="")


def test_the_documents_are_listed_and_downloadable_as_pdf(manager_api, catalog, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    seed_company()
    created = manager_api.post("/api/v1/orders/", order_body(), format="json").json()
    order = Order.objects.get(pk=created["id"])
    invoice = invoice_issue(order=order, kind=Invoice.Kind.FINAL, by=None)

    body = manager_api.get(f"/api/v1/orders/{order.pk}/").json()

    url = f"{settings.SITE_URL}/api/v1/orders/{order.pk}/documents/invoice-{invoice.pk}/"
    assert body["documents"] == [
        {"kind": "invoice", "title": f"Invoice {invoice.number}", "url": url}
    ]
    response = manager_api.get(url.removeprefix(settings.SITE_URL))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert_problem(manager_api.get(f"/api/v1/orders/{order.pk}/documents/act-1/"), 404)


def test_a_document_without_company_details_is_a_409_problem(
    manager_api, catalog, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    created = manager_api.post("/api/v1/orders/", order_body(), format="json").json()
    invoice = invoice_issue(order=Order.objects.get(pk=created["id"]), kind="final", by=None)

    response = manager_api.get(f"/api/v1/orders/{created['id']}/documents/invoice-{invoice.pk}/")

    body = assert_problem(response, 409)
    assert "Company details are not set up yet" in body["detail"]
