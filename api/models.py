import secrets

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


def webhook_secret_new() -> str:
    return secrets.token_urlsafe(32)


class Scope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Write")


class ApiClient(models.Model):
    """An integration (an accounting system) calling the API with its own key.

    It acts through a dedicated service `user`: the lifecycle's permission checks apply
    through that user's groups, so an admin gives a client a role as to a person. Only a
    SHA-256 of the key is stored; the key itself is shown once, when it is made.
    """

    name = models.CharField(_("name"), max_length=100)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service user"),
        on_delete=models.PROTECT,
        related_name="api_client",
        help_text=_("Acts for the client; its groups decide what the client may do."),
    )
    scopes = models.JSONField(
        _("scopes"),
        default=list,
        help_text=_("“read” allows GET requests, “write” every other method."),
    )
    # A random, non-secret part of the key: found by an indexed lookup, then the hash
    # is compared in constant time.
    key_prefix = models.CharField(_("key prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_used_at = models.DateTimeField(
        _("last used"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Updated at most once a minute."),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class IdempotencyKey(models.Model):
    """The first response to a request sent with an `Idempotency-Key` header.

    The unique constraint, not a check in Python, makes concurrent requests with one key
    create one order: the row is inserted in the transaction that does the work, so a
    second insert waits for it and then finds the stored response.
    """

    client = models.ForeignKey(
        ApiClient,
        verbose_name=_("API client"),
        on_delete=models.CASCADE,
        related_name="idempotency_keys",
    )
    key = models.CharField(_("key"), max_length=255)
    fingerprint = models.CharField(
        _("request fingerprint"),
        max_length=64,
        help_text=_(
            "SHA-256 of the method, path and body; another request with the key is refused."
        ),
    )
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True)
    response_body = models.JSONField(_("response body"), null=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="idempotency_key_unique"),
        ]

    def __str__(self):
        return self.key


class WebhookSubscription(models.Model):
    """Where to send which order events for one API client; delivery lives in notifications.

    `events` holds topics such as "order.created" or "order.start_quote"; "order.*" is
    every order topic. Each delivery is signed with `secret` (see `api.webhook_topics`).
    """

    client = models.ForeignKey(
        ApiClient,
        verbose_name=_("API client"),
        on_delete=models.CASCADE,
        related_name="webhook_subscriptions",
    )
    url = models.URLField(
        _("URL"), max_length=500, validators=[URLValidator(schemes=["http", "https"])]
    )
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(_("signing secret"), max_length=100, default=webhook_secret_new)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["id"]

    def __str__(self):
        return self.url

    def matches(self, topic: str) -> bool:
        """Whether this subscription wants `topic`; "order.*" stands for every order topic."""
        family = topic.split(".", 1)[0]
        return topic in self.events or f"{family}.*" in self.events


class ThrottleWindow(models.Model):
    """How many requests one API key made in the current throttle window.

    One row per key and scope, counted by one upsert that returns the count
    (`api.throttling`): exact under concurrent requests, which a cache's read-then-write is
    not, and one statement where the database cache took two.
    """

    key = models.CharField(_("key"), max_length=100, primary_key=True)
    window_start = models.BigIntegerField(_("window start (Unix time)"))
    count = models.PositiveIntegerField(_("requests"))

    class Meta:
        verbose_name = _("throttle window")
        verbose_name_plural = _("throttle windows")

    def __str__(self):
        return self.key
