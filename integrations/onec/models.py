"""One 1C base talking to us over CommerceML 2 ("обмен с сайтом"): its profile, what was
exchanged (the log) and where each order stands with it."""

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orders.lifecycle import OrderKind, State

DEFAULT_FILE_LIMIT = 8 * 1024 * 1024


def default_exported_kinds() -> list[str]:
    return [OrderKind.PRODUCT, OrderKind.SERVICE]


def default_exported_states() -> list[str]:
    return [
        State.REQUEST,
        State.QUOTE,
        State.CONTRACT,
        State.PAYMENT,
        State.PRODUCTION,
        State.DELIVERY,
    ]


class IntegrationProfile(models.Model):
    """A 1C base: the login it uses, the dialect it reads and what we send it.

    1C logs in with HTTP Basic as `login`; the password is kept as a Django password hash.
    It acts through `service_user`, which holds the integration role, so every change it
    sends back passes the same permission checks as the API's.
    """

    class SchemaVersion(models.TextChoices):
        V205 = "2.05", "2.05"
        V208 = "2.08", "2.08"
        V210 = "2.10", "2.10"

    class Encoding(models.TextChoices):
        WINDOWS_1251 = "windows-1251", "windows-1251"
        UTF8_BOM = "utf-8", _("UTF-8 with BOM")

    name = models.CharField(_("name"), max_length=100, unique=True)
    login = models.CharField(_("login"), max_length=150, unique=True)
    password = models.CharField(_("password hash"), max_length=128, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service user"),
        on_delete=models.PROTECT,
        related_name="onec_profile",
        editable=False,
    )
    schema_version = models.CharField(
        _("schema version"),
        max_length=4,
        choices=SchemaVersion.choices,
        default=SchemaVersion.V208,
    )
    uses_namespace = models.BooleanField(
        _("namespace urn:1C.ru:commerceml_2"),
        default=False,
        help_text=_("Off: the documents carry no namespace, the common site dialect."),
    )
    encoding = models.CharField(
        _("encoding"), max_length=16, choices=Encoding.choices, default=Encoding.UTF8_BOM
    )
    exported_kinds = models.JSONField(
        _("exported order kinds"), default=default_exported_kinds, blank=True
    )
    exported_states = models.JSONField(
        _("exported order states"), default=default_exported_states, blank=True
    )
    price_type = models.CharField(
        _("price type"),
        max_length=100,
        blank=True,
        help_text=_("The 1C price type whose prices become the items' prices."),
    )
    file_limit = models.PositiveIntegerField(
        _("file limit, bytes"),
        default=DEFAULT_FILE_LIMIT,
        help_text=_("1C splits larger files into parts of this size."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    # A new password is told by the row's change reason; the pages never show the hash.
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("1C integration profile")
        verbose_name_plural = _("1C integration profiles")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def set_password(self, raw_password: str) -> None:
        self.password = make_password(raw_password)

    def check_password(self, raw_password: str) -> bool:
        return check_password(raw_password, self.password)


class StatusMapping(models.Model):
    """What a free-text order status of this 1C base ("Отгружен", "Закрыт") means here."""

    profile = models.ForeignKey(
        IntegrationProfile,
        verbose_name=_("profile"),
        on_delete=models.CASCADE,
        related_name="status_mappings",
    )
    onec_status = models.CharField(_("status in 1C"), max_length=100)
    state = models.CharField(_("state here"), max_length=16, choices=State.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("1C status mapping")
        verbose_name_plural = _("1C status mappings")
        ordering = ["profile", "onec_status"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "onec_status"], name="onec_status_mapping_unique"
            )
        ]

    def __str__(self):
        return f"{self.onec_status} → {self.state}"


class ExchangeLogEntry(models.Model):
    """One call 1C made: its step, size and our answer, and the orders it moved."""

    class Result(models.TextChoices):
        SUCCESS = "success", _("Success")
        PROGRESS = "progress", _("Progress")
        FAILURE = "failure", _("Failure")

    profile = models.ForeignKey(
        IntegrationProfile,
        verbose_name=_("profile"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="log_entries",
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    exchange_type = models.CharField(_("type"), max_length=16)
    mode = models.CharField(_("step"), max_length=16)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    request_size = models.PositiveIntegerField(_("request size"), default=0)
    response_size = models.PositiveIntegerField(_("response size"), default=0)
    result = models.CharField(_("result"), max_length=16, choices=Result.choices)
    message = models.TextField(_("message"), blank=True)
    orders_sent = models.JSONField(_("orders sent"), default=list, blank=True)
    orders_acknowledged = models.JSONField(_("orders acknowledged"), default=list, blank=True)
    orders_held = models.JSONField(_("orders held back"), default=list, blank=True)

    class Meta:
        verbose_name = _("1C exchange log entry")
        verbose_name_plural = _("1C exchange log")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.exchange_type}/{self.mode} {self.result}"


class ExchangeSession(models.Model):
    """The cookie checkauth hands out; 1C sends it with every later call of the exchange."""

    profile = models.ForeignKey(
        IntegrationProfile, on_delete=models.CASCADE, related_name="sessions"
    )
    # SHA-256 of the cookie value: a leaked table does not open a session.
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    last_query = models.ForeignKey(
        ExchangeLogEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("1C exchange session")
        verbose_name_plural = _("1C exchange sessions")

    def __str__(self):
        return f"{self.profile_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class OrderExchange(models.Model):
    """Where one order stands with one 1C base.

    An order is sent while `acknowledged_version` is below its version; a `query` marks
    it pending with the version sent, and only 1C's `success` after that query makes the
    version acknowledged. An order that would make 1C reject the whole batch is held back
    with `held_reason` and checked again at every query.
    """

    profile = models.ForeignKey(
        IntegrationProfile,
        verbose_name=_("profile"),
        on_delete=models.CASCADE,
        related_name="order_exchanges",
    )
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        on_delete=models.CASCADE,
        related_name="onec_exchanges",
    )
    acknowledged_version = models.PositiveIntegerField(
        _("acknowledged version"), null=True, blank=True
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    pending_query = models.ForeignKey(
        ExchangeLogEntry,
        verbose_name=_("sent in"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    pending_version = models.PositiveIntegerField(_("version sent"), null=True, blank=True)
    held_reason = models.TextField(_("held back because"), blank=True)
    onec_number = models.CharField(_("number in 1C"), max_length=100, blank=True)
    onec_date = models.CharField(_("date in 1C"), max_length=32, blank=True)
    # Every write of the row sets it (`save`, the query's upsert, `success`'s update):
    # a query reads only the rows touched since the profile's last pass (export_marks.py).
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("order in the 1C exchange")
        verbose_name_plural = _("orders in the 1C exchange")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "order"], name="onec_order_exchange_unique")
        ]
        indexes = [
            # A query reads the profile's rows touched since its last pass; the held-back
            # list reads them newest first.
            models.Index(fields=["profile", "updated_at"], name="onec_exchange_touched_idx"),
        ]

    def __str__(self):
        return f"{self.order_id} @ {self.profile_id}"


class OrderExportMark(models.Model):
    """How far the profile's last `query` looked, so the next one reads only what may have
    changed since (integrations/onec/export_marks.py).

    An order the last pass left out can need sending only after a write to it or to
    its exchange row, and both rows carry `updated_at`. A pass that filled its batch
    leaves `after_created_at`/`after_pk`: the orders past the last one it returned were not
    looked at yet. A mark taken under other exported kinds or states counts for nothing,
    and a day after the last full pass the next one reads every order again.
    """

    profile = models.OneToOneField(
        IntegrationProfile, on_delete=models.CASCADE, related_name="order_export_mark"
    )
    # When the last pass started (before it read), or earlier, when another transaction
    # was open with writes it could not see (export_marks.py); and when the last pass that
    # read every order started.
    passed_at = models.DateTimeField()
    full_pass_at = models.DateTimeField()
    exported_kinds = models.JSONField(default=list)
    exported_states = models.JSONField(default=list)
    after_created_at = models.DateTimeField(null=True, blank=True)
    after_pk = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("1C order export mark")
        verbose_name_plural = _("1C order export marks")

    def __str__(self):
        return f"{self.profile_id} @ {self.passed_at:%Y-%m-%d %H:%M}"


class CatalogImportJob(models.Model):
    """One `import` of a catalog file 1C asked for; a worker runs it while 1C polls.

    1C calls `import` again and again until it hears `success` or `failure`: the row says
    which to answer. Claimed once (`pending` to `running`); running it again is harmless,
    the import upserts by 1C's ids.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    profile = models.ForeignKey(
        IntegrationProfile,
        verbose_name=_("profile"),
        on_delete=models.CASCADE,
        related_name="catalog_imports",
    )
    session = models.ForeignKey(
        ExchangeSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=255)
    path = models.CharField(_("stored as"), max_length=500)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("1C catalog import")
        verbose_name_plural = _("1C catalog imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.filename} ({self.status})"
