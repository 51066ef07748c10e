"""Translation between JSON and the services' arguments; no business rules here."""

from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers

from api.inputs import (
    ApiModelSerializer,
    ApiSerializer,
    SupportedDateField,
    SupportedDateTimeField,
    column_digits,
    overflow_threshold,
)
from api.models import WebhookSubscription
from api.output import FastOutputMixin
from api.webhook_topics import ORDER_ALL_TOPICS, SIGNING_DESCRIPTION, order_topics
from billing.documents.generate import documents_available
from catalog.models import Attribute, Category, Item
from catalog.order_forms import items_for_ordering_by
from core.money import line_amount
from customers.models import Customer
from customers.selectors import customer_for_reference
from orders.actions import OrderAction
from orders.lifecycle import DeliveryStatus, OrderKind, PaymentTerms, State
from orders.models import Invoice, Order, OrderEvent, OrderLine, Payment, Quote
from orders.money_summary import MoneySummary, money_summary
from orders.services import LineInput

EXTERNAL_ID_MAX_LENGTH = 100

# Customers and items


class PhoneField(PhoneNumberField):
    """Takes a phone as people type it (a number without +7 is Russian); gives E.164."""

    def to_representation(self, value):
        return value.as_e164 if value and value.is_valid() else str(value or "")


class CustomerSerializer(ApiModelSerializer):
    phone = PhoneField(
        required=False,
        allow_blank=True,
        help_text=_("E.164, for example +74951234567; accepted as typed, e.g. 8 495 123-45-67."),
    )

    class Meta:
        model = Customer
        fields = [
            "id",
            "external_id",
            "kind",
            "name",
            "inn",
            "kpp",
            "email",
            "phone",
            "address",
            "discount_percent",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        # Uniqueness is the service's check (with the database constraint behind it).
        validators = []


class CustomerUpsertSerializer(CustomerSerializer):
    """The external ID comes from the URL."""

    class Meta(CustomerSerializer.Meta):
        read_only_fields = [*CustomerSerializer.Meta.read_only_fields, "external_id"]


class AttributeSerializer(ApiModelSerializer):
    class Meta:
        model = Attribute
        fields = ["code", "name", "position", "is_filterable"]
        read_only_fields = ["code"]


class ItemAttributesField(serializers.DictField):
    """The item's characteristics as {attribute code: value}; writing replaces them all."""

    def __init__(self, **kwargs):
        super().__init__(
            child=serializers.CharField(allow_blank=True, max_length=200, trim_whitespace=True),
            **kwargs,
        )

    def get_attribute(self, instance):
        return {entry.attribute.code: entry.value for entry in instance.attribute_values.all()}


class ItemSerializer(ApiModelSerializer):
    attributes = ItemAttributesField(
        required=False,
        help_text=_(
            "Characteristics, {attribute code: value}. Given, it replaces all of the item's; "
            "an empty value removes one. Unknown codes are refused."
        ),
    )
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("Catalog category ID."),
    )

    class Meta:
        model = Item
        fields = [
            "id",
            "external_id",
            "sku",
            "kind",
            "name",
            "description",
            "category",
            "unit",
            "price",
            "vat_rate",
            "is_active",
            "in_stock",
            "attributes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        validators = []
        extra_kwargs = {"sku": {"validators": []}}


class ItemUpsertSerializer(ItemSerializer):
    class Meta(ItemSerializer.Meta):
        read_only_fields = [*ItemSerializer.Meta.read_only_fields, "external_id"]


# Orders, as read


class CustomerBriefSerializer(FastOutputMixin, ApiModelSerializer):
    class Meta:
        model = Customer
        fields = ["id", "external_id", "name", "kind"]


class ItemBriefSerializer(FastOutputMixin, ApiModelSerializer):
    class Meta:
        model = Item
        fields = ["id", "external_id", "sku"]


class OrderLineSerializer(FastOutputMixin, ApiModelSerializer):
    item = ItemBriefSerializer(
        allow_null=True, help_text=_("Null for a position outside the catalog.")
    )
    price = serializers.DecimalField(source="unit_price", **column_digits(OrderLine, "unit_price"))
    total = serializers.DecimalField(source="line_total", **column_digits(OrderLine, "line_total"))
    options = serializers.DictField(
        source="custom_values", help_text=_("Answers to the item's order form.")
    )

    class Meta:
        model = OrderLine
        fields = [
            "position",
            "item",
            "name",
            "quantity",
            "unit",
            "price",
            "discount_percent",
            "vat_rate",
            "total",
            "options",
        ]


class OrderEventSerializer(FastOutputMixin, ApiModelSerializer):
    actor = serializers.SerializerMethodField(help_text=_("Who acted; null for the system."))

    class Meta:
        model = OrderEvent
        fields = ["id", "action", "from_state", "to_state", "note", "actor", "created_at"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor(self, event) -> str | None:
        return str(event.actor) if event.actor_id else None


class PaymentSerializer(FastOutputMixin, ApiModelSerializer):
    class Meta:
        model = Payment
        fields = ["id", "amount", "method", "reference", "paid_at", "created_at"]


class DeliverySerializer(FastOutputMixin, serializers.Serializer):
    method = serializers.ChoiceField(
        source="delivery_method", choices=Order.DeliveryMethod.choices, allow_blank=True
    )
    address = serializers.CharField(source="delivery_address")
    status = serializers.ChoiceField(
        source="delivery_status", choices=DeliveryStatus.choices, allow_blank=True
    )
    carrier = serializers.CharField(help_text=_("The carrier's name."))
    tracking_number = serializers.CharField()
    tracking_url = serializers.CharField(
        help_text=_(
            "The carrier's tracking page of the tracking number; empty when the carrier is "
            "not one of the carriers configured with a tracking link."
        )
    )
    expected_date = SupportedDateField(source="expected_delivery_date", allow_null=True)


class DocumentLinkSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=_("Document kind, e.g. invoice or contract."))
    title = serializers.CharField()
    url = serializers.URLField()


class OrderSummarySerializer(FastOutputMixin, ApiModelSerializer):
    customer = CustomerBriefSerializer()
    state = serializers.ChoiceField(choices=State.choices)

    class Meta:
        model = Order
        fields = [
            "id",
            "number",
            "kind",
            "state",
            "customer",
            "external_id",
            "payment_terms",
            "currency",
            "total",
            "version",
            "created_at",
            "updated_at",
        ]


# What a page of summaries reads: its columns and its customer's, no other relation (the
# contact's and customer's phones would be parsed for every row).
ORDER_SUMMARY_COLUMNS = (
    *(name for name in OrderSummarySerializer.Meta.fields if name != "customer"),
    *(f"customer__{name}" for name in CustomerBriefSerializer.Meta.fields),
)


class QuoteLineSerializer(ApiSerializer):
    """A line as the quote version froze it."""

    item_id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    quantity = serializers.DecimalField(**column_digits(OrderLine, "quantity"))
    unit = serializers.CharField()
    price = serializers.DecimalField(source="unit_price", **column_digits(OrderLine, "unit_price"))
    discount_percent = serializers.DecimalField(**column_digits(OrderLine, "discount_percent"))
    vat_rate = serializers.IntegerField()
    total = serializers.DecimalField(source="line_total", **column_digits(OrderLine, "line_total"))


class QuoteSerializer(FastOutputMixin, ApiModelSerializer):
    lines = QuoteLineSerializer(many=True)

    class Meta:
        model = Quote
        fields = [
            "version",
            "status",
            "total",
            "valid_until",
            "note",
            "sent_at",
            "accepted_at",
            "lines",
        ]


class InvoiceSerializer(FastOutputMixin, serializers.Serializer):
    """An invoice as the order's money summary names it (`orders.money_summary`)."""

    id = serializers.IntegerField(source="invoice.pk")
    number = serializers.CharField(source="invoice.number")
    kind = serializers.ChoiceField(source="invoice.kind", choices=Invoice.Kind.choices)
    status = serializers.ChoiceField(source="invoice.status", choices=Invoice.Status.choices)
    amount = serializers.DecimalField(source="invoice.amount", **column_digits(Invoice, "amount"))
    due_date = SupportedDateField(source="invoice.due_date")
    label = serializers.CharField(
        help_text=_(
            "What the invoice asks for, as the pages and the PDF name it: a prepayment "
            "named by its share of the order's total, or the final payment."
        )
    )


class OrderDetailSerializer(OrderSummarySerializer):
    lines = OrderLineSerializer(many=True)
    quotes = serializers.SerializerMethodField(
        help_text=_(
            "Every version of the quote, newest first; only the one `sent` last may be accepted."
        )
    )
    events = OrderEventSerializer(many=True)
    payments = PaymentSerializer(many=True)
    amount_paid = serializers.SerializerMethodField(help_text=_("Received minus refunded."))
    balance = serializers.SerializerMethodField(
        help_text=_("What the order still owes: its total less what was paid (0 if cancelled).")
    )
    amount_due_now = serializers.SerializerMethodField(
        help_text=_(
            "What the client is asked to pay now: what the open invoices still ask for "
            "when there are any, else what the payment terms ask at the order's stage "
            "(the agreed prepayment, or the rest). The same figure the portals show."
        )
    )
    invoices = serializers.SerializerMethodField()
    delivery = DeliverySerializer(source="*")
    documents = serializers.SerializerMethodField(
        help_text=_("Links to the order's documents (quotes, contracts, invoices).")
    )

    class Meta(OrderSummarySerializer.Meta):
        fields = [
            *OrderSummarySerializer.Meta.fields,
            "channel",
            "priority",
            "subtotal",
            "discount_total",
            "vat_total",
            "amount_paid",
            "balance",
            "amount_due_now",
            "comment",
            "service_date",
            "service_place",
            "delivery",
            "cancel_reason",
            "state_changed_at",
            "lines",
            "quotes",
            "payments",
            "invoices",
            "events",
            "documents",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._money_summaries: dict[int, MoneySummary] = {}

    def _money(self, order) -> MoneySummary:
        # One summary per order for the four fields that show it.
        if order.pk not in self._money_summaries:
            self._money_summaries[order.pk] = money_summary(order)
        return self._money_summaries[order.pk]

    @extend_schema_field(QuoteSerializer(many=True))
    def get_quotes(self, order) -> list:
        # From the prefetched quotes: no query per order.
        quotes = sorted(order.quotes.all(), key=lambda quote: -quote.version)
        return QuoteSerializer(quotes, many=True).data

    @extend_schema_field(serializers.DecimalField(**column_digits(Payment, "amount")))
    def get_amount_paid(self, order) -> str:
        # From the prefetched payments, refunds and invoices: no query per order.
        return str(self._money(order).paid)

    @extend_schema_field(serializers.DecimalField(**column_digits(Order, "total")))
    def get_balance(self, order) -> str:
        return str(self._money(order).balance)

    @extend_schema_field(serializers.DecimalField(**column_digits(Order, "total")))
    def get_amount_due_now(self, order) -> str:
        return str(self._money(order).due_now)

    @extend_schema_field(InvoiceSerializer(many=True))
    def get_invoices(self, order) -> list:
        return InvoiceSerializer(self._money(order).invoices, many=True).data

    @extend_schema_field(DocumentLinkSerializer(many=True))
    def get_documents(self, order) -> list:
        return [
            {
                "kind": spec.kind,
                "title": str(spec.title),
                "url": settings.SITE_URL
                + reverse("api-v1:order-documents", args=[order.pk, spec.slug]),
            }
            for spec in documents_available(order)
        ]


# Orders, as written


class ReferenceSerializer(ApiSerializer):
    """An object given by our ID or by its ID in the accounting system: exactly one of them."""

    # Within a 64-bit key: a larger number is a 422 naming the field, not a database error.
    id = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    external_id = serializers.CharField(max_length=EXTERNAL_ID_MAX_LENGTH, required=False)

    def validate(self, attrs):
        if len(attrs) != 1:
            raise serializers.ValidationError(_("Give exactly one of “id” and “external_id”."))
        return attrs


# Each quantity and price fits its column, yet their product may not fit the amount columns
# (PostgreSQL: "numeric field overflow"); the quantity is what the client got wrong.
LINE_AMOUNT_LIMIT = overflow_threshold(OrderLine, "line_total")
ORDER_AMOUNT_LIMIT = overflow_threshold(Order, "subtotal")


def _line_gross(line: dict) -> Decimal:
    """The line's amount before discount; `line["item"]` is the catalog item or None."""
    price = line["item"].price if line.get("price") is None else line["price"]
    return line_amount(line["quantity"], price)


def _free_line_errors(line: dict) -> dict:
    errors = {}
    if not line.get("name", "").strip():
        errors["name"] = [_("Name a position outside the catalog, or give its item.")]
    if line.get("price") is None:
        errors["price"] = [_("Give the price of a position outside the catalog.")]
    if line.get("options"):
        errors["options"] = [_("A position outside the catalog has no order form.")]
    if not errors and _line_gross(line) >= LINE_AMOUNT_LIMIT:
        errors["quantity"] = [_("Quantity times price is more than an order line can hold.")]
    return errors


def _line_errors(line: dict, item: Item | None) -> dict:
    if line.get("item") is None:
        return _free_line_errors(line)
    if item is None:
        return {"item": [_("No such item in the catalog.")]}
    if _line_gross({**line, "item": item}) >= LINE_AMOUNT_LIMIT:
        return {"quantity": [_("Quantity times price is more than an order line can hold.")]}
    return {}


class OrderLineInputSerializer(ApiSerializer):
    item = ReferenceSerializer(
        required=False,
        allow_null=True,
        help_text=_("Left out for a position outside the catalog: then give name and price."),
    )
    name = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        max_length=255,
        help_text=_("The name of a position outside the catalog."),
    )
    vat_rate = serializers.ChoiceField(
        choices=Item.VatRate.choices,
        required=False,
        allow_null=True,
        help_text=_("A position outside the catalog: its VAT rate (-1 without VAT)."),
    )
    quantity = serializers.DecimalField(
        **column_digits(OrderLine, "quantity"), min_value=Decimal("0.001")
    )
    price = serializers.DecimalField(
        **column_digits(OrderLine, "unit_price"),
        min_value=0,
        required=False,
        allow_null=True,
        help_text=_("Unit price; the catalog price when left out."),
    )
    discount_percent = serializers.DecimalField(
        **column_digits(OrderLine, "discount_percent"), min_value=0, max_value=100, default=0
    )
    options = serializers.DictField(
        child=serializers.JSONField(),
        default=dict,
        help_text=_("Answers to the item's order form, by field identifier."),
    )


class OrderCreateSerializer(ApiSerializer):
    kind = serializers.ChoiceField(choices=OrderKind.choices)
    customer = ReferenceSerializer()
    lines = OrderLineInputSerializer(
        many=True, default=list, help_text=_("At least one, except for support requests.")
    )
    external_id = serializers.CharField(
        max_length=EXTERNAL_ID_MAX_LENGTH,
        required=False,
        default="",
        allow_blank=True,
        help_text=_("The order's ID in the accounting system; unique where set."),
    )
    comment = serializers.CharField(required=False, default="", allow_blank=True, max_length=10000)
    payment_terms = serializers.ChoiceField(
        choices=PaymentTerms.choices,
        required=False,
        allow_null=True,
        help_text=_("The workflow's terms when left out."),
    )
    currency = serializers.RegexField(r"^[A-Z]{3}\Z", required=False, default="RUB")
    priority = serializers.ChoiceField(choices=Order.Priority.choices, default="normal")
    service_date = SupportedDateField(required=False, allow_null=True)
    service_place = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=255
    )
    delivery_method = serializers.ChoiceField(
        choices=Order.DeliveryMethod.choices, required=False, default="", allow_blank=True
    )
    delivery_address = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        max_length=2000,
        help_text=_("Required for a courier or a carrier."),
    )

    def validate_customer(self, reference):
        customer = customer_for_reference(reference)
        if customer is None:
            raise serializers.ValidationError(_("No such customer."))
        return customer

    def validate_lines(self, lines):
        return lines_resolved(lines)

    def service_arguments(self) -> dict:
        data = dict(self.validated_data)
        data["lines"] = line_inputs(data["lines"])
        return data


def lines_resolved(lines: list[dict]) -> list[dict]:
    """Find every line's item with two queries, whatever the number of lines."""
    references = [line["item"] for line in lines if line.get("item") is not None]
    ids = [reference["id"] for reference in references if "id" in reference]
    external_ids = [
        reference["external_id"] for reference in references if "external_id" in reference
    ]
    by_id = {item.pk: item for item in items_for_ordering_by("pk", ids)}
    by_external_id = {
        item.external_id: item for item in items_for_ordering_by("external_id", external_ids)
    }
    errors, resolved = [], []
    for line in lines:
        reference = line.get("item")
        if reference is None:
            item = None
        elif "id" in reference:
            item = by_id.get(reference["id"])
        else:
            item = by_external_id.get(reference["external_id"])
        errors.append(_line_errors(line, item))
        resolved.append({**line, "item": item})
    if any(errors):
        raise serializers.ValidationError(errors)
    if sum(_line_gross(line) for line in resolved) >= ORDER_AMOUNT_LIMIT:
        raise serializers.ValidationError(_("The order's total is more than an order can hold."))
    return resolved


def line_inputs(lines: list[dict]) -> list[LineInput]:
    return [
        LineInput(
            item=line["item"],
            quantity=line["quantity"],
            unit_price=line.get("price"),
            discount_percent=line["discount_percent"],
            custom_values=line["options"],
            name=line["name"] if line["item"] is None else "",
            vat_rate=line.get("vat_rate"),
        )
        for line in lines
    ]


class OrderAmendSerializer(ApiSerializer):
    lines = OrderLineInputSerializer(
        many=True,
        min_length=1,
        help_text=_("The order's lines in full, as they are to be: they replace the current ones."),
    )
    note = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        max_length=1000,
        help_text=_("What changes and why; kept in the order's history."),
    )

    def validate_lines(self, lines):
        return lines_resolved(lines)


# The service names line fields as the model does; the API as the contract does.
SERVICE_FIELD_NAMES = {"unit_price": "price", "custom_values": "options"}


def api_field_path(path: str) -> str:
    return ".".join(SERVICE_FIELD_NAMES.get(part, part) for part in path.split("."))


class BulkOrderCreateSerializer(ApiSerializer):
    orders = serializers.ListField(
        child=serializers.DictField(),
        min_length=1,
        max_length=1000,
        help_text=_("Up to 1,000 orders, each shaped as for creating one order."),
    )


class BulkResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text=_("Position of the order in the request."))
    status = serializers.ChoiceField(
        choices=[("created", _("Created")), ("rejected", _("Rejected"))]
    )
    order = OrderSummarySerializer(required=False, allow_null=True)
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("Why the order was rejected: field paths mapped to messages."),
    )


class BulkResponseSerializer(serializers.Serializer):
    results = BulkResultSerializer(many=True)


# Amending is left out: it needs new lines, which this endpoint does not take.
TRANSITION_CHOICES = sorted(
    {
        (t.name, t.custom.get("label", t.name))
        for t in Order._meta.get_field("state").get_all_transitions(Order)
        if not t.custom.get("internal")
    },
    key=lambda choice: choice[0],
)


class TransitionInputSerializer(ApiSerializer):
    transition = serializers.ChoiceField(choices=TRANSITION_CHOICES)
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=10000)
    reason = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        max_length=10000,
        help_text=_("Required to cancel: kept for analytics."),
    )
    expected_version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_(
            "The order's `version` you acted on; 409 if it changed since. "
            "The `If-Match` header does the same."
        ),
    )
    carrier = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        max_length=100,
        help_text=_(
            "`ship` only: the carrier, by name (e.g. “СДЭК”); a configured carrier's name "
            "(any case) links its tracking page. Required, with `tracking_number`, where "
            "the order's workflow ships by carrier (else 422 naming the fields)."
        ),
    )
    tracking_number = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        max_length=100,
        help_text=_("`ship` only: the shipment's tracking number."),
    )
    expected_date = SupportedDateField(
        required=False, help_text=_("`ship` only: the expected delivery date.")
    )


class TransitionOptionSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=TRANSITION_CHOICES)
    target = serializers.ChoiceField(choices=State.choices)
    label = serializers.CharField()
    requires_reason = serializers.BooleanField()


class PaymentInputSerializer(ApiSerializer):
    amount = serializers.DecimalField(**column_digits(Payment, "amount"), min_value=Decimal("0.01"))
    paid_at = SupportedDateTimeField(required=False, allow_null=True)
    reference = serializers.CharField(
        max_length=100,
        required=False,
        default="",
        allow_blank=True,
        help_text=_("Bank reference; a payment with the same reference is recorded once."),
    )
    method = serializers.ChoiceField(choices=Payment.Method.choices, default="bank_transfer")


class PaymentRecordedSerializer(PaymentSerializer):
    """A payment as the payments endpoint answers: with what became of it."""

    advance = serializers.BooleanField(
        source="is_advance",
        help_text=_(
            "True when the order had not reached its payment stage: the payment is recorded "
            "all the same and kept as an advance for this order."
        ),
    )
    detail = serializers.CharField(
        help_text=_("What became of an advance, for people; empty for other payments.")
    )

    class Meta(PaymentSerializer.Meta):
        fields = [*PaymentSerializer.Meta.fields, "advance", "detail"]


class ShipmentInputSerializer(ApiSerializer):
    status = serializers.ChoiceField(choices=DeliveryStatus.choices, required=False)
    carrier = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text=_(
            "The carrier, by name (e.g. “СДЭК”, “Почта России”): a configured carrier's name "
            "(any case) links the order to it and its tracking page; another name is kept "
            "as given; empty clears it."
        ),
    )
    tracking_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    expected_date = SupportedDateField(required=False)
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=10000)


# Change feed


class ChangeSerializer(serializers.Serializer):
    cursor = serializers.CharField(help_text=_("Pass as `after` to read what came after this."))
    order = serializers.IntegerField(source="order_id", help_text=_("Order ID."))
    number = serializers.CharField(source="order.number")
    state = serializers.ChoiceField(
        source="to_state", choices=State.choices, help_text=_("The order's state after the change.")
    )
    action = serializers.ChoiceField(
        choices=OrderAction.choices,
        help_text=_("What happened: created, a transition name, payment_recorded, …"),
    )
    changed_at = SupportedDateTimeField(source="created_at")


class ChangesPageSerializer(serializers.Serializer):
    results = ChangeSerializer(many=True)
    next = serializers.CharField(
        help_text=_("Cursor for the next request; the same cursor when nothing is new.")
    )


# Webhooks


class WebhookSubscriptionSerializer(ApiModelSerializer):
    """Where to push which order events. A key may have at most 10 subscriptions (the
    server's WEBHOOK_MAX_SUBSCRIPTIONS_PER_KEY); one more is a 422."""

    events = serializers.ListField(
        child=serializers.ChoiceField(choices=[ORDER_ALL_TOPICS, *order_topics()]),
        min_length=1,
        help_text=_("Topics to receive; “order.*” is every order topic."),
    )
    secret = serializers.CharField(
        read_only=True,
        help_text=format_lazy("{} {}", _("Signing secret of the deliveries."), SIGNING_DESCRIPTION),
    )

    class Meta:
        model = WebhookSubscription
        fields = ["id", "url", "events", "secret", "is_active", "created_at"]
        read_only_fields = ["id", "secret", "created_at"]
        extra_kwargs = {
            "url": {
                "help_text": _(
                    "An https:// URL whose host resolves only to public internet addresses: "
                    "loopback, private, link-local and other reserved addresses are refused."
                )
            }
        }
