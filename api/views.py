"""API v1 views: parse input, fetch through a selector, call one service, render."""

import base64
import binascii
import json
import re

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from api import serializers as api
from api.filters import CustomerFilter, ItemFilter, OrderFilter
from api.input_checks import request_nul_check
from api.pagination import NewestFirstPagination
from api.permissions import HasActionPermissions, HasScope, IsApiClient, request_client
from api.problems import BadRequest, Unprocessable, flatten_errors
from api.schema import (
    ETAG_HEADER,
    IDEMPOTENCY_KEY_PARAMETER,
    IF_MATCH_PARAMETER,
    responses,
)
from api.selectors import change_feed_after, webhook_subscription_list_for_client
from api.services import (
    IdempotencyKeyReusedError,
    idempotent_call,
    request_fingerprint,
    webhook_subscription_create,
    webhook_subscription_delete,
    webhook_subscription_update,
)
from api.webhook_topics import SIGNING_DESCRIPTION
from billing.documents.generate import document_get_or_create, document_spec_find
from catalog.models import Attribute, Item
from catalog.selectors import with_attribute_values
from catalog.services import attribute_upsert, item_create, item_update, item_upsert
from customers.models import Customer
from customers.services import customer_create, customer_update, customer_upsert
from orders.errors import OrderValidationError
from orders.ledger import advance_detail
from orders.models import Order, Quote
from orders.selectors import (
    order_available_transitions,
    order_get_created_for_user,
    order_get_for_user,
    order_list_for_user,
)
from orders.services import (
    delivery_update,
    order_amend,
    order_create,
    order_ship,
    order_transition,
    payment_record_or_get,
    quote_accept,
    quote_revise,
)


class ApiViewMixin:
    """Every v1 view: edge checks first, then scopes and the action's permissions."""

    permission_classes = [HasScope, HasActionPermissions]
    action_permissions: dict[str, tuple[str, ...]] = {}
    # Any segment reaches the view, so "/orders/0.5/" is the API's 404 problem, not an
    # HTML page from the URL resolver.
    lookup_value_regex = "[^/]+"
    # The contract is the OpenAPI schema; OPTIONS introspection would duplicate it.
    metadata_class = None

    def initial(self, request, *args, **kwargs):
        request_nul_check(request, kwargs)
        super().initial(request, *args, **kwargs)


def _external_id_argument(external_id: str) -> str:
    if len(external_id) > api.EXTERNAL_ID_MAX_LENGTH:
        raise Unprocessable(
            errors={"external_id": [str(_("At most 100 characters."))]},
        )
    return external_id


EXTERNAL_ID_PATH = OpenApiParameter(
    "external_id",
    str,
    OpenApiParameter.PATH,
    description=_("The object's ID in the accounting system (at most 100 characters)."),
)


class CatalogViewSet(ApiViewMixin, viewsets.GenericViewSet):
    """Shared shape of customers and items: list, read, create, update, upsert."""

    upsert_serializer_class = None

    def perform_service_create(self, fields):
        raise NotImplementedError

    def perform_service_update(self, instance, fields):
        raise NotImplementedError

    def perform_service_upsert(self, external_id, fields):
        raise NotImplementedError

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.perform_service_create(serializer.validated_data)
        return Response(self.get_serializer(instance).data, status=status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        instance = self.perform_service_update(instance, serializer.validated_data)
        return Response(self.get_serializer(instance).data)

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    @action(
        detail=False,
        methods=["put"],
        url_path=r"by-external-id/(?P<external_id>[^/]+)",
        url_name="upsert",
    )
    def upsert(self, request, external_id=None):
        external_id = _external_id_argument(external_id)
        serializer = self.upsert_serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance, created = self.perform_service_upsert(external_id, serializer.validated_data)
        return Response(
            self.get_serializer(instance).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


def _catalog_schema(serializer, upsert_serializer, noun):
    """The same documented operations for customers and items."""
    return extend_schema_view(
        list=extend_schema(
            summary=f"List {noun}s", responses=responses({200: serializer(many=True)})
        ),
        retrieve=extend_schema(
            summary=f"Read a {noun}", responses=responses({200: serializer}, 404)
        ),
        create=extend_schema(
            summary=f"Create a {noun}",
            request=serializer,
            responses=responses({201: serializer}, 422),
        ),
        update=extend_schema(
            summary=f"Update a {noun}",
            request=serializer,
            responses=responses({200: serializer}, 404, 422),
        ),
        partial_update=extend_schema(
            summary=f"Change some fields of a {noun}",
            request=serializer,
            responses=responses({200: serializer}, 404, 422),
        ),
        upsert=extend_schema(
            summary=f"Create or replace a {noun} by its external ID",
            description=_(
                "Idempotent sync from the accounting system: 201 when created, 200 when "
                "an existing one was updated. Fields left out keep their values (their "
                "defaults on creation)."
            ),
            parameters=[EXTERNAL_ID_PATH],
            request=upsert_serializer,
            responses=responses({200: serializer, 201: serializer}, 422),
        ),
    )


@_catalog_schema(api.CustomerSerializer, api.CustomerUpsertSerializer, "customer")
class CustomerViewSet(CatalogViewSet):
    """Customers (companies and persons), for staff keys and sessions with customer rights."""

    serializer_class = api.CustomerSerializer
    upsert_serializer_class = api.CustomerUpsertSerializer
    filterset_class = CustomerFilter
    action_permissions = {
        "list": ("customers.view_customer",),
        "retrieve": ("customers.view_customer",),
        "create": ("customers.add_customer",),
        "update": ("customers.change_customer",),
        "partial_update": ("customers.change_customer",),
        "upsert": ("customers.add_customer", "customers.change_customer"),
    }

    def get_queryset(self):
        return Customer.objects.all()

    def perform_service_create(self, fields):
        return customer_create(fields=fields, by=self.request.user)

    def perform_service_update(self, instance, fields):
        return customer_update(customer=instance, fields=fields, by=self.request.user)

    def perform_service_upsert(self, external_id, fields):
        return customer_upsert(external_id=external_id, fields=fields, by=self.request.user)


@_catalog_schema(api.ItemSerializer, api.ItemUpsertSerializer, "item")
class ItemViewSet(CatalogViewSet):
    """Catalog items (products and services); changing them needs catalog rights."""

    serializer_class = api.ItemSerializer
    upsert_serializer_class = api.ItemUpsertSerializer
    filterset_class = ItemFilter
    action_permissions = {
        "list": ("catalog.view_item",),
        "retrieve": ("catalog.view_item",),
        "create": ("catalog.add_item",),
        "update": ("catalog.change_item",),
        "partial_update": ("catalog.change_item",),
        "upsert": ("catalog.add_item", "catalog.change_item"),
    }

    def get_queryset(self):
        return with_attribute_values(Item.objects.all())

    def perform_service_create(self, fields):
        fields, attributes = _split_attributes(fields)
        return item_create(fields=fields, attributes=attributes, by=self.request.user)

    def perform_service_update(self, instance, fields):
        fields, attributes = _split_attributes(fields)
        return item_update(
            item=instance, fields=fields, attributes=attributes, by=self.request.user
        )

    def perform_service_upsert(self, external_id, fields):
        fields, attributes = _split_attributes(fields)
        return item_upsert(
            external_id=external_id, fields=fields, attributes=attributes, by=self.request.user
        )


def _split_attributes(fields: dict) -> tuple[dict, dict | None]:
    fields = dict(fields)
    return fields, fields.pop("attributes", None)


ATTRIBUTE_CODE_PATH = OpenApiParameter(
    "code",
    str,
    OpenApiParameter.PATH,
    description=_("The attribute's code: lowercase Latin letters, digits and underscores."),
)


@extend_schema_view(
    list=extend_schema(
        summary="List item attributes",
        responses=responses({200: api.AttributeSerializer(many=True)}),
    ),
    retrieve=extend_schema(
        summary="Read an item attribute",
        parameters=[ATTRIBUTE_CODE_PATH],
        responses=responses({200: api.AttributeSerializer}, 404),
    ),
    update=extend_schema(
        summary="Create or replace an item attribute by its code",
        description=_(
            "Idempotent: 201 when created, 200 when an existing one was updated. Items "
            "refer to attributes by code in their `attributes`."
        ),
        parameters=[ATTRIBUTE_CODE_PATH],
        request=api.AttributeSerializer,
        responses=responses({200: api.AttributeSerializer, 201: api.AttributeSerializer}, 422),
    ),
)
class AttributeViewSet(ApiViewMixin, viewsets.GenericViewSet):
    """The attributes items are described and filtered by (1C's properties)."""

    serializer_class = api.AttributeSerializer
    lookup_field = "code"
    action_permissions = {
        "list": ("catalog.view_attribute",),
        "retrieve": ("catalog.view_attribute",),
        "update": ("catalog.add_attribute", "catalog.change_attribute"),
    }

    def get_queryset(self):
        return Attribute.objects.all()

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, code=None):
        return Response(self.get_serializer(self.get_object()).data)

    def update(self, request, code=None):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attribute, created = attribute_upsert(
            code=code, fields=serializer.validated_data, by=request.user
        )
        return Response(
            self.get_serializer(attribute).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


# Orders

IDEMPOTENCY_KEY_MAX_LENGTH = 255
_ETAG = re.compile(r'^(?:W/)?"(\d+)"$')


def _json_ready(data):
    """Serializer output as plain JSON types, as stored for an idempotent replay."""
    return json.loads(JSONRenderer().render(data))


class OrderViewSet(ApiViewMixin, viewsets.GenericViewSet):
    """Orders as their user may see them (a client session: its own company's only)."""

    serializer_class = api.OrderSummarySerializer
    filterset_class = OrderFilter
    pagination_class = NewestFirstPagination
    action_permissions = {
        "create": ("orders.process_order",),
        "bulk": ("orders.process_order",),
        "payments": ("orders.process_order",),
        "amend": ("orders.process_order",),
        "quote_accept": ("orders.process_order",),
        "quote_revise": ("orders.process_order",),
    }

    def get_queryset(self):
        return order_list_for_user(user=self.request.user)

    def _order_for_write(self, pk) -> Order:
        return get_object_or_404(self.get_queryset(), pk=pk)

    def _detail(self, order_id, **kwargs) -> Response:
        order = order_get_for_user(user=self.request.user, order_id=order_id)
        return Response(
            api.OrderDetailSerializer(order).data, headers={"ETag": f'"{order.version}"'}, **kwargs
        )

    @extend_schema(
        summary="List orders",
        description=_(
            "Newest first, in keyset pages: follow `next`. A client portal session sees "
            "its own company's orders only. To sync changes, prefer `/changes/`."
        ),
        responses=responses({200: api.OrderSummarySerializer(many=True)}),
    )
    def list(self, request):
        orders = self.get_queryset().select_related(None).select_related("customer")
        page = self.paginate_queryset(self.filter_queryset(orders.only(*api.ORDER_SUMMARY_COLUMNS)))
        return self.get_paginated_response(api.OrderSummarySerializer(page, many=True).data)

    @extend_schema(
        summary="Read an order with its lines, payments, events and documents",
        parameters=[ETAG_HEADER],
        responses=responses({200: api.OrderDetailSerializer}, 404),
    )
    def retrieve(self, request, pk=None):
        return self._detail(pk)

    def _idempotent(self, request, work):
        """`work()` once per `Idempotency-Key` (when given): a repeat with the same key and
        body gets the first answer; with another body, 422. Returns (status, body, replayed)."""
        key = request.headers.get("Idempotency-Key")
        if key is None:
            status_code, body = work()
            return status_code, body, False
        if not 1 <= len(key) <= IDEMPOTENCY_KEY_MAX_LENGTH:
            raise BadRequest(errors={"Idempotency-Key": [str(_("Give 1 to 255 characters."))]})
        fingerprint = request_fingerprint(
            method=request.method, path=request.path, data=request.data
        )
        try:
            result = idempotent_call(
                client=request_client(request), key=key, fingerprint=fingerprint, work=work
            )
        except IdempotencyKeyReusedError as error:
            raise Unprocessable(
                errors={
                    "Idempotency-Key": [str(_("This key was already used with another request."))]
                },
                detail=_("Idempotency-Key reused with a different request."),
            ) from error
        return result.status, result.body, result.replayed

    def _create_one(self, data) -> Order:
        serializer = api.OrderCreateSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        try:
            return order_create(
                **serializer.service_arguments(), by=self.request.user, channel=Order.Channel.API
            )
        except OrderValidationError as error:
            raise Unprocessable(
                errors={api.api_field_path(k): [str(m) for m in v] for k, v in error.errors.items()}
            ) from error

    @extend_schema(
        summary="Create an order",
        description=_(
            "Validated as in the portals (order forms, active items, quantities). "
            'Customer and items are given as `{"id": n}` or `{"external_id": "…"}`.'
        ),
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request=api.OrderCreateSerializer,
        responses=responses({201: api.OrderDetailSerializer}, 422),
    )
    def create(self, request):
        def work():
            order = self._create_one(request.data)
            detail = order_get_created_for_user(user=request.user, order=order)
            return status.HTTP_201_CREATED, _json_ready(api.OrderDetailSerializer(detail).data)

        status_code, body, replayed = self._idempotent(request, work)
        headers = {"Location": reverse("api-v1:order-detail", args=[body["id"]], request=request)}
        if replayed:
            headers["Idempotent-Replayed"] = "true"
        return Response(body, status=status_code, headers=headers)

    @extend_schema(
        summary="Create up to 1,000 orders",
        description=_(
            "Each order is validated and created or rejected on its own, in its own "
            "transaction; the result lists every one in request order. Give each order an "
            "`external_id`: sending the batch again then rejects the ones already created "
            "instead of duplicating them."
        ),
        request=api.BulkOrderCreateSerializer,
        responses=responses({200: api.BulkResponseSerializer}, 422),
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        envelope = api.BulkOrderCreateSerializer(data=request.data)
        envelope.is_valid(raise_exception=True)
        results = []
        for index, data in enumerate(envelope.validated_data["orders"]):
            try:
                order = self._create_one(data)
            except Unprocessable as error:
                results.append({"index": index, "status": "rejected", "errors": error.errors})
            except ValidationError as error:
                results.append(
                    {"index": index, "status": "rejected", "errors": flatten_errors(error.detail)}
                )
            else:
                summary = api.OrderSummarySerializer(order).data
                results.append({"index": index, "status": "created", "order": summary})
        return Response({"results": results})

    @extend_schema(
        methods=["GET"],
        summary="What the caller may do with the order now",
        responses=responses({200: api.TransitionOptionSerializer(many=True)}, 404),
    )
    @extend_schema(
        methods=["POST"],
        summary="Move the order through its lifecycle",
        description=_(
            "200 with the order; 409 when the transition is not possible now (the "
            "problem's `detail` says why) or the order changed meanwhile (with "
            "`If-Match` or `expected_version`); 403 when the key's user lacks the "
            "permission; 422 for bad input, e.g. cancelling without a reason, or "
            "shipping without `carrier` and `tracking_number` where the workflow ships "
            "by carrier. `ship` takes the carrier (by name), tracking number and "
            "expected date with it, in one step."
        ),
        parameters=[IF_MATCH_PARAMETER, ETAG_HEADER],
        request=api.TransitionInputSerializer,
        responses=responses({200: api.OrderDetailSerializer}, 404, 409, 422),
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def transitions(self, request, pk=None):
        if request.method == "GET":
            order = get_object_or_404(self.get_queryset(), pk=pk)
            options = order_available_transitions(order=order, user=request.user)
            return Response(
                api.TransitionOptionSerializer(
                    [option.__dict__ for option in options], many=True
                ).data
            )
        serializer = api.TransitionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        expected_version = serializer.validated_data.get("expected_version")
        if_match = request.headers.get("If-Match")
        if if_match and if_match.strip() != "*":
            parsed = _ETAG.match(if_match.strip())
            if parsed is None:
                raise BadRequest(errors={"If-Match": [str(_('Give the ETag, e.g. "3".'))]})
            expected_version = int(parsed.group(1))
        order = self._order_for_write(pk)
        data = serializer.validated_data
        if data["transition"] == "ship":
            order_ship(
                order=order,
                by=request.user,
                carrier=data["carrier"],
                tracking_number=data["tracking_number"],
                expected_date=data.get("expected_date"),
                note=data["note"],
                expected_version=expected_version,
            )
        else:
            order_transition(
                order=order,
                transition=data["transition"],
                by=request.user,
                note=data["note"],
                reason=data["reason"],
                expected_version=expected_version,
            )
        return self._detail(pk)

    @extend_schema(
        summary="Record a payment received",
        description=_(
            "201 with the new payment; 200 with the payment already recorded under the "
            "same `reference` (nothing is recorded twice). Accepted in any state; an order "
            "waiting at `payment` whose terms this meets moves on at once (prepaid: to "
            "`production`, post-paid: to `closed`), and an overpayment is credited to the "
            "customer's balance. A payment for an order that has not reached its payment "
            "stage is recorded too, as an advance: `advance` is true and `detail` says what "
            "became of the money."
        ),
        request=api.PaymentInputSerializer,
        responses=responses(
            {200: api.PaymentRecordedSerializer, 201: api.PaymentRecordedSerializer}, 404, 422
        ),
    )
    @action(detail=True, methods=["post"])
    def payments(self, request, pk=None):
        serializer = api.PaymentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order = self._order_for_write(pk)
        data = serializer.validated_data
        # Created or found under the order's lock: of racing posts, one is told 201.
        payment, created = payment_record_or_get(
            order=order,
            amount=data["amount"],
            by=request.user,
            reference=data["reference"],
            paid_at=data.get("paid_at"),
            method=data["method"],
        )
        payment.detail = advance_detail(order, payment.overpayment) if payment.is_advance else ""
        return Response(
            api.PaymentRecordedSerializer(payment).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        summary="Record where the shipment is",
        description=_(
            "Carrier (by name), tracking number, expected date and delivery sub-status; "
            "fields left out stay as they are. Accepted in any state; 200 with the order. "
            "A changed sub-status notifies the client with the tracking link."
        ),
        request=api.ShipmentInputSerializer,
        responses=responses({200: api.OrderDetailSerializer}, 404, 422),
    )
    @action(detail=True, methods=["post"])
    def shipments(self, request, pk=None):
        serializer = api.ShipmentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order = self._order_for_write(pk)
        data = serializer.validated_data
        delivery_update(
            order=order,
            by=request.user,
            status=data.get("status"),
            carrier=data.get("carrier"),
            tracking_number=data.get("tracking_number"),
            expected_date=data.get("expected_date"),
            note=data["note"],
        )
        return self._detail(pk)

    @extend_schema(
        summary="Amend the order: new lines, back to quoting with the next quote version",
        description=_(
            "At the quote, contract, payment or production stage. The lines given replace "
            "the order's; the order goes back to `quote` with a new draft version (the "
            "history keeps the lines before), the contract is to be signed again, and "
            "payments already made stay: the difference becomes outstanding or the "
            "customer's credit. Send an `Idempotency-Key`: a repeated call with the same "
            "key and body returns the first answer and amends once. 409 at another stage."
        ),
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request=api.OrderAmendSerializer,
        responses=responses({200: api.OrderDetailSerializer}, 403, 404, 409, 422),
    )
    @action(detail=True, methods=["post"])
    def amend(self, request, pk=None):
        serializer = api.OrderAmendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order = self._order_for_write(pk)

        def work():
            try:
                order_amend(
                    order=order,
                    by=request.user,
                    lines=api.line_inputs(serializer.validated_data["lines"]),
                    note=serializer.validated_data["note"],
                )
            except OrderValidationError as error:
                raise Unprocessable(
                    errors={
                        api.api_field_path(k): [str(m) for m in v] for k, v in error.errors.items()
                    }
                ) from error
            detail = order_get_for_user(user=request.user, order_id=order.pk)
            return status.HTTP_200_OK, _json_ready(api.OrderDetailSerializer(detail).data)

        status_code, body, replayed = self._idempotent(request, work)
        return Response(
            body, status=status_code, headers={"Idempotent-Replayed": "true"} if replayed else {}
        )

    @extend_schema(
        summary="Accept a version of the quote",
        description=_(
            "Staff recording the client's acceptance (clients accept in their portal). 200 "
            "with the order; 409 when the version is not the one sent last (a newer version "
            "replaced it, or it is a draft) or the order has left the quote stage."
        ),
        request=None,
        responses=responses({200: api.OrderDetailSerializer}, 403, 404, 409),
    )
    @action(detail=True, methods=["post"], url_path=r"quotes/(?P<version>[0-9]+)/accept")
    def quote_accept(self, request, pk=None, version=None):
        order = self._order_for_write(pk)
        quote = get_object_or_404(Quote, order=order, version=int(version))
        quote_accept(quote=quote, by=request.user)
        return self._detail(pk)

    @extend_schema(
        summary="Revise the quote sent: open its next version as a draft",
        description=_(
            "While the order is at `quote` and its current version was sent or accepted. "
            "The earlier version is superseded at once (the client can no longer accept "
            "it). To change the lines as well, call `amend/` instead: it opens the next "
            "version with the new lines in one call."
        ),
        request=None,
        responses=responses({200: api.OrderDetailSerializer}, 403, 404, 409),
    )
    @action(detail=True, methods=["post"], url_path="quotes/revise")
    def quote_revise(self, request, pk=None):
        order = self._order_for_write(pk)
        quote_revise(order=order, by=request.user)
        return self._detail(pk)

    @extend_schema(
        summary="Download one of the order's documents as PDF",
        description=_(
            "The links are listed in the order's `documents`. The PDF is made on first "
            "request and kept: later downloads return the same file."
        ),
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **responses({}, 404, 409)},
    )
    @action(detail=True, methods=["get"], url_path=r"documents/(?P<slug>[a-z]+-[0-9]+)")
    def documents(self, request, pk=None, slug=None):
        order = order_get_for_user(user=request.user, order_id=pk)
        spec = document_spec_find(order, slug)
        if spec is None:
            raise NotFound(_("The order has no such document."))
        document = document_get_or_create(order=order, spec=spec, by=request.user)
        return FileResponse(
            document.file.open("rb"), as_attachment=True, filename=document.filename
        )


# Change feed

FEED_PAGE_SIZE = 100
FEED_MAX_PAGE_SIZE = 1000


def cursor_encode(position: int) -> str:
    return base64.urlsafe_b64encode(f"p{position}".encode()).decode().rstrip("=")


def cursor_decode(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = base64.b64decode(padded, altchars=b"-_", validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise _bad_cursor() from error
    if not raw.startswith("p") or not raw[1:].isdigit() or len(raw) > 20:
        raise _bad_cursor()
    return int(raw[1:])


def _bad_cursor():
    return BadRequest(
        errors={"after": [str(_("Invalid cursor: pass a `cursor` or `next` value as is."))]},
        detail=_("The change feed cursor is invalid."),
    )


class ChangeFeedView(ApiViewMixin, APIView):
    """Every order change in the order it became visible; poll with the last `next`."""

    # An APIView has no action name: its permissions are listed under None.
    action_permissions = {None: ("orders.view_all_orders",)}

    @extend_schema(
        summary="Order changes after a cursor",
        description=_(
            "Every order event (creation, transitions, payments, deliveries, …) in commit "
            "order. Start without `after`; then pass the `next` of the previous response. "
            "A change is never skipped or repeated, even one whose transaction committed "
            "late. An empty page returns the same cursor as `next`."
        ),
        parameters=[
            OpenApiParameter(
                "after",
                str,
                description=_("Opaque cursor; an invalid one is a 400 problem."),
            ),
            OpenApiParameter(
                "limit",
                OpenApiTypes.INT,
                description=_("Changes per page, 1 to 1000 (default 100)."),
            ),
        ],
        responses=responses({200: api.ChangesPageSerializer}),
    )
    def get(self, request):
        after = request.query_params.get("after")
        position = cursor_decode(after) if after else 0
        raw_limit = request.query_params.get("limit", str(FEED_PAGE_SIZE))
        if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= FEED_MAX_PAGE_SIZE:
            raise BadRequest(errors={"limit": [str(_("Give a whole number from 1 to 1000."))]})
        events = change_feed_after(position=position, limit=int(raw_limit))
        results = [
            {
                "cursor": cursor_encode(event.feed_position),
                "order_id": event.order_id,
                "order": event.order,
                "to_state": event.to_state or event.order.state,
                "action": event.action,
                "created_at": event.created_at,
            }
            for event in events
        ]
        next_cursor = results[-1]["cursor"] if results else cursor_encode(position)
        return Response(
            {"results": api.ChangeSerializer(results, many=True).data, "next": next_cursor}
        )


# Webhook subscriptions


@extend_schema_view(
    list=extend_schema(
        summary="List webhook subscriptions",
        description=SIGNING_DESCRIPTION,
        responses=responses({200: api.WebhookSubscriptionSerializer(many=True)}),
    ),
    retrieve=extend_schema(
        summary="Read a webhook subscription",
        responses=responses({200: api.WebhookSubscriptionSerializer}, 404),
    ),
    create=extend_schema(
        summary="Subscribe to order events",
        description=SIGNING_DESCRIPTION,
        responses=responses({201: api.WebhookSubscriptionSerializer}, 422),
    ),
    update=extend_schema(
        summary="Replace a webhook subscription",
        responses=responses({200: api.WebhookSubscriptionSerializer}, 404, 422),
    ),
    partial_update=extend_schema(
        summary="Change a webhook subscription",
        responses=responses({200: api.WebhookSubscriptionSerializer}, 404, 422),
    ),
    destroy=extend_schema(
        summary="Delete a webhook subscription", responses=responses({204: None}, 404)
    ),
)
class WebhookSubscriptionViewSet(ApiViewMixin, viewsets.ModelViewSet):
    """The calling API client's own webhook subscriptions."""

    serializer_class = api.WebhookSubscriptionSerializer
    permission_classes = [HasScope, IsApiClient]
    http_method_names = ["get", "post", "put", "patch", "delete"]

    def get_queryset(self):
        return webhook_subscription_list_for_client(client=request_client(self.request))

    def perform_create(self, serializer):
        serializer.instance = webhook_subscription_create(
            client=request_client(self.request), **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = webhook_subscription_update(
            subscription=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        webhook_subscription_delete(subscription=instance)


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """Any other path under /api/v1/: a 404 problem, not the portals' HTML page."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = []

    def handle_request(self, request, *args, **kwargs):
        raise NotFound()

    get = post = put = patch = delete = head = options = handle_request
