from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.choice_labels import ChoiceLabelsMixin
from core.money import percent_of
from orders.lifecycle import DeliveryStatus, OrderKind, OrderLifecycle, PaymentTerms


class InsertReturnedCharField(models.CharField):
    """A CharField its INSERT returns, so the value may be an expression the database
    computes (`orders.numbering.order_number_for_insert`) and the saved object holds it."""

    db_returning = True

    def deconstruct(self):
        # The column is a plain CharField's: migrations see no difference.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs


class OrderNumberSequence(models.Model):
    """The last order number given out in a year; its row lock serialises numbering."""

    year = models.PositiveIntegerField(primary_key=True)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("order number sequence")

    def __str__(self):
        return f"{self.year}: {self.last_value}"


class FeedCursor(models.Model):
    """The last change feed position given out; one row, locked while positions are assigned."""

    last_position = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("change feed cursor")

    def __str__(self):
        return str(self.last_position)


class Order(ChoiceLabelsMixin, OrderLifecycle):
    class Channel(models.TextChoices):
        PORTAL = "portal", _("Client portal")
        MANAGER = "manager", _("Manager")
        API = "api", _("API")
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("Email")
        VISIT = "visit", _("Visit")

    class DeliveryMethod(models.TextChoices):
        PICKUP = "pickup", _("Pickup")
        COURIER = "courier", _("Courier")
        CARRIER = "carrier", _("Carrier")
        NONE = "none", _("No delivery")

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        URGENT = "urgent", _("Urgent")

    number = InsertReturnedCharField(_("number"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=OrderKind.choices)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_orders",
    )
    workflow = models.ForeignKey(
        "orders.Workflow",
        verbose_name=_("workflow"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    payment_terms = models.CharField(
        _("payment terms"), max_length=16, choices=PaymentTerms.choices, default=PaymentTerms.PREPAY
    )
    prepayment_percent = models.DecimalField(
        _("prepayment, %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("100"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    subtotal = models.DecimalField(_("subtotal"), max_digits=14, decimal_places=2, default=0)
    discount_total = models.DecimalField(_("discount"), max_digits=14, decimal_places=2, default=0)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2, default=0)
    vat_total = models.DecimalField(_("VAT included"), max_digits=14, decimal_places=2, default=0)
    delivery_cost = models.DecimalField(
        _("delivery cost"), max_digits=14, decimal_places=2, default=0
    )
    service_cost = models.DecimalField(
        _("service cost"), max_digits=14, decimal_places=2, default=0
    )
    external_id = models.CharField(_("external ID"), max_length=100, blank=True)
    subject = models.CharField(
        _("subject"), max_length=200, blank=True, help_text=_("A support request's topic.")
    )
    related_order = models.ForeignKey(
        "self",
        verbose_name=_("related order"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        help_text=_(
            "The order this one is about: a support request's subject, or the order it repeats."
        ),
    )
    comment = models.TextField(_("comment"), blank=True)
    service_date = models.DateField(_("service date"), null=True, blank=True)
    service_place = models.CharField(_("service place"), max_length=255, blank=True)
    delivery_method = models.CharField(
        _("delivery method"), max_length=16, choices=DeliveryMethod.choices, blank=True
    )
    delivery_address = models.TextField(_("delivery address"), blank=True)
    delivery_status = models.CharField(
        _("delivery status"), max_length=20, choices=DeliveryStatus.choices, blank=True
    )
    # The name as shipped (orders from before carriers were data, or an API's free text);
    # `shipping_carrier` links the carrier of the list, whose tracking link it gives.
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    shipping_carrier = models.ForeignKey(
        "orders.Carrier",
        verbose_name=_("carrier from the list"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
    )
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    expected_delivery_date = models.DateField(_("expected delivery"), null=True, blank=True)
    contract_signed_at = models.DateTimeField(_("contract signed"), null=True, blank=True)
    cancel_reason = models.TextField(_("cancellation reason"), blank=True)
    recurring_schedule = models.ForeignKey(
        "orders.RecurringOrder",
        verbose_name=_("created by schedule"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
    )
    recurring_run_at = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    sla_due_at = models.DateTimeField(
        _("stage deadline"),
        null=True,
        blank=True,
        help_text=_("When the order is overdue at its current stage (from the workflow's SLA)."),
    )
    sla_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    service_reminded_at = models.DateTimeField(_("service reminder sent"), null=True, blank=True)
    payment_reminded_at = models.DateTimeField(_("payment reminder sent"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    state_changed_at = models.DateTimeField(_("in this state since"), default=timezone.now)
    # The event that first closed the sale from delivery or payment, copied here
    # (orders/closings.py) so that revenue reads the order alone instead of the events.
    closed_at = models.DateTimeField(_("sale closed"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="order_external_id_unique_when_set",
            ),
            # One order per schedule run, even if two beat ticks race past the row lock.
            models.UniqueConstraint(
                fields=["recurring_schedule", "recurring_run_at"],
                condition=Q(recurring_schedule__isnull=False),
                name="order_one_per_recurring_run",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="order_customer_created_idx"),
            # Reports read the orders created in a period.
            models.Index(fields=["created_at"], name="order_created_idx"),
            models.Index(fields=["manager", "state"], name="order_manager_state_idx"),
            # The desk and the client's orders page newest first by id, filtered by one of these:
            # the rows are read in order instead of walking the primary key past other ones.
            models.Index(fields=["customer", "-id"], name="order_customer_id_desc_idx"),
            models.Index(fields=["state", "-id"], name="order_state_id_desc_idx"),
            # "My orders" and the home page's per-manager links: a manager with few orders
            # walked the whole table backwards (541 ms at 1M) looking for fifty.
            models.Index(fields=["manager", "-id"], name="order_manager_id_desc_idx"),
            models.Index(fields=["state", "state_changed_at"], name="order_state_since_idx"),
            # Revenue reads the sales closed in a period, the lost orders report the
            # cancelled ones created in a period: each a few rows in ten of a range.
            models.Index(
                fields=["closed_at"],
                condition=Q(closed_at__isnull=False),
                name="order_closed_idx",
            ),
            models.Index(
                fields=["created_at"],
                condition=Q(state="cancelled"),
                name="order_cancelled_idx",
            ),
            # Reminder sweeps read only what is due: cost grows with due rows, not all orders.
            models.Index(
                fields=["sla_due_at"],
                condition=Q(sla_due_at__isnull=False),
                name="order_sla_due_idx",
            ),
            models.Index(
                fields=["state_changed_at"],
                condition=Q(state="payment", payment_reminded_at__isnull=True),
                name="order_payment_due_idx",
            ),
            models.Index(
                fields=["service_date"],
                condition=Q(state="service", service_reminded_at__isnull=True),
                name="order_service_due_idx",
            ),
        ]
        permissions = [
            ("act_as_client", _("Can act on their own company's orders as a client")),
            ("process_order", _("Can process orders through their stages")),
            ("handle_production", _("Can run production and shipping")),
            ("handle_delivery", _("Can update deliveries")),
            ("view_all_orders", _("Can see every order")),
            ("manage_workflow", _("Can configure workflows")),
        ]

    def __str__(self):
        return self.number

    def amount_paid(self) -> Decimal:
        """Received minus refunded; from the prefetched payments and refunds when both are
        there (an order page asks while offering its transitions)."""
        loaded = getattr(self, "_prefetched_objects_cache", {})
        if "payments" in loaded and "refunds" in loaded:
            paid = sum((payment.amount for payment in self.payments.all()), Decimal("0"))
            refunded = sum((refund.amount for refund in self.refunds.all()), Decimal("0"))
            return paid - refunded
        paid = self.payments.aggregate(total=Sum("amount"))["total"] or Decimal("0")
        refunded = self.refunds.aggregate(total=Sum("amount"))["total"] or Decimal("0")
        return paid - refunded

    def prepayment_due(self) -> Decimal:
        """What must be paid before production on prepaid terms."""
        return percent_of(self.total, self.prepayment_percent)

    def is_fully_paid(self) -> bool:
        return self.amount_paid() >= self.total

    def is_prepaid_as_agreed(self) -> bool:
        return self.amount_paid() >= self.prepayment_due()

    @property
    def tracking_url(self) -> str:
        """The carrier's tracking page of the shipment, or "" (no listed carrier or number)."""
        if self.shipping_carrier is None:
            return ""
        return self.shipping_carrier.tracking_url(self.tracking_number)

    def belongs_to_client_user(self, user) -> bool:
        contact = getattr(user, "contact", None) if user.is_authenticated else None
        return contact is not None and contact.customer_id == self.customer_id


class OrderLine(models.Model):
    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveIntegerField(pgettext_lazy("order of things", "position"))
    item = models.ForeignKey(
        "catalog.Item",
        verbose_name=_("item"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_lines",
        help_text=_("Empty for a position outside the catalog, known by its name."),
    )
    name = models.CharField(_("name"), max_length=255, help_text=_("The item's name when ordered."))
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=12,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    unit = models.CharField(_("unit"), max_length=16)
    unit_price = models.DecimalField(
        _("unit price"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    discount_percent = models.DecimalField(
        _("discount, %"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    vat_rate = models.IntegerField(_("VAT rate"))
    line_total = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    custom_values = models.JSONField(_("order form values"), default=dict, blank=True)
    custom_labels = models.JSONField(
        _("order form labels"),
        default=dict,
        blank=True,
        help_text=_("The fields' labels when ordered, so the line reads the same later."),
    )

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "position"], name="order_line_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="order_line_quantity_positive"
            ),
            # A position outside the catalog is known only by its name.
            models.CheckConstraint(
                condition=Q(item__isnull=False) | ~Q(name=""), name="order_line_item_or_name"
            ),
        ]

    def __str__(self):
        return f"{self.name} × {self.quantity}"

    @property
    def custom_fields_display(self) -> list[tuple[str, object]]:
        return [
            (self.custom_labels.get(name, name), value)
            for name, value in self.custom_values.items()
        ]
