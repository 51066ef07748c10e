from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orders.lifecycle import OrderKind, PaymentTerms, stage_path


class Workflow(models.Model):
    """Which optional stages an order type goes through; the lifecycle's conditions read it.

    An order gets the most specific active workflow matching its kind, its customer's
    kind and (optionally) the category of its items; it keeps a reference, not a copy,
    so a change applies to stages its orders enter afterwards.
    """

    class CustomerKind(models.TextChoices):
        ANY = "", _("Any customer")
        COMPANY = "company", _("Companies (B2B)")
        PERSON = "person", _("Private persons (retail)")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("order kind"), max_length=16, choices=OrderKind.choices)
    customer_kind = models.CharField(
        _("customer type"), max_length=16, choices=CustomerKind.choices, blank=True, default=""
    )
    category = models.ForeignKey(
        "catalog.Category",
        verbose_name=_("catalog category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workflows",
        help_text=_("Applies to orders with items of this category or its subcategories."),
    )
    uses_quote = models.BooleanField(_("quote stage"), default=True)
    uses_contract = models.BooleanField(_("contract stage"), default=True)
    uses_delivery = models.BooleanField(
        _("delivery stage"),
        default=True,
        help_text=_("Off for work done on the client's premises: orders close after production."),
    )
    ships_by_carrier = models.BooleanField(
        _("ships by carrier"),
        default=False,
        help_text=_(
            "Shipping asks for the carrier and the tracking number; an order is not shipped "
            "without them."
        ),
    )
    uses_service = models.BooleanField(_("after-sales service stage"), default=True)
    payment_terms = models.CharField(
        _("default payment terms"),
        max_length=16,
        choices=PaymentTerms.choices,
        default=PaymentTerms.PREPAY,
    )
    prepayment_percent = models.DecimalField(
        _("prepayment, %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("100"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Share of the total paid before production starts (prepaid orders)."),
    )
    allow_balance_payment = models.BooleanField(
        _("clients may pay from their account balance"), default=True
    )
    allow_bonus_payment = models.BooleanField(
        _("clients may pay with bonus points"),
        default=False,
        help_text=_("One point pays one rouble."),
    )
    stage_sla_hours = models.JSONField(
        _("stage SLA, hours"),
        default=dict,
        blank=True,
        help_text=_(
            "Hours an order may stay in a state before it is escalated, e.g. "
            '{"request": 4, "quote": 48}.'
        ),
    )
    sla_business_hours = models.BooleanField(
        _("count stage SLA in business hours"),
        default=False,
        help_text=_(
            "Count deadlines in the working hours of the business calendar, skipping "
            "nights, days off and holidays."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Its stage tasks have a history of their own (`tasks.TaskRule.history`). The reason is
    # text: rows carried over from the old revision table keep their stage-task changes there.
    history = HistoricalRecords(
        excluded_fields=["updated_at"],
        history_change_reason_field=models.TextField(null=True),
    )

    class Meta:
        verbose_name = _("workflow")
        verbose_name_plural = _("workflows")
        ordering = ["kind", "customer_kind", "name"]

    def __str__(self):
        return self.name

    @property
    def stages(self) -> list[str]:
        """The path of a typical order of this workflow, for display."""
        return [
            str(stage)
            for stage in stage_path(
                self.kind,
                self.payment_terms,
                uses_quote=self.uses_quote,
                uses_contract=self.uses_contract,
                uses_delivery=self.uses_delivery,
                uses_service=self.uses_service,
            )
        ]
