"""What clients and staff say about an order: the chat and the client's feedback.

Neither is part of the order's lifecycle, so neither writes an `OrderEvent`; the
services in `conversations.services` notify the other side through the outbox.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from conversations.storage import private_message_files

BODY_MAX_LENGTH = 4000
ATTACHMENT_NAME_MAX_LENGTH = 200
RATING_MIN, RATING_MAX = 1, 5
# A rating at or below this is a low one: the director hears of it, the manager calls back.
LOW_RATING_MAX = 2


class OrderMessage(models.Model):
    """One chat message on an order; never edited, so the conversation reads as it happened."""

    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    # Kept rather than derived from the author's roles: it says which side spoke then,
    # and stays true if the user is later deleted or changes role.
    is_from_client = models.BooleanField(_("from the client"))
    body = models.TextField(_("message"), max_length=BODY_MAX_LENGTH)
    # Staff's note to each other on the thread: never shown, sent or served to the client.
    is_internal = models.BooleanField(
        _("internal note"),
        default=False,
        help_text=_("Seen by staff only; the client never sees it or hears of it."),
    )
    attachment = models.FileField(
        _("attachment"),
        upload_to="conversations/%Y/%m/",
        storage=private_message_files,
        blank=True,
    )
    attachment_name = models.CharField(
        _("file name"), max_length=ATTACHMENT_NAME_MAX_LENGTH, blank=True
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("order message")
        verbose_name_plural = _("order messages")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["order", "created_at"], name="order_message_order_time_idx"),
        ]

    def __str__(self):
        return f"{self.order_id}: {self.body[:50]}"


class Feedback(models.Model):
    """The client's rating of a delivered order; one per order."""

    order = models.OneToOneField(
        "orders.Order",
        verbose_name=_("order"),
        on_delete=models.CASCADE,
        related_name="feedback",
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)]
    )
    comment = models.TextField(_("comment"), max_length=BODY_MAX_LENGTH, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("left"), auto_now_add=True)
    # The call-back task a low rating gives the order's manager; its status is the follow-up.
    follow_up_task = models.OneToOneField(
        "tasks.Task",
        verbose_name=_("follow-up task"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
    )

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX),
                name="feedback_rating_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.order_id}: {self.rating}/5"

    @property
    def is_low(self) -> bool:
        return self.rating <= LOW_RATING_MAX
