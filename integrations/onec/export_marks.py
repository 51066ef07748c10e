"""Where a 1C `query` has to look: since the profile's last pass, not through every order.

An order goes to 1C while its kind and state are exported and 1C has not its version, or
1C has an older version (selectors.order_list_to_export). After a pass that read the
profile's batch from every order that could qualify, an order it left out can qualify
later only if its own row changes (kind, state or version: every service write bumps
`updated_at` with `version`) or its exchange row does ("send again", an acknowledgement
of an older version). Each order the pass returned, sent or held back, had its exchange
row written by the query. So the next pass need read only the orders and exchange rows
written since, plus, when the pass filled its batch, the orders past the last one it
returned, which it never looked at.

The mark is written with the query's own rows, in its transaction, and only by a query:
reading the orders elsewhere (tests, pages) touches no exchange row and moves nothing.
A write outside the services (SQL by hand) is not seen by the window: the full pass a
day catches it.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from integrations.onec.models import IntegrationProfile, OrderExportMark


def in_flight_margin() -> timedelta:
    """How much further back than the last pass's start the next pass looks.

    A write made before a pass started but committed after it read is invisible to that
    pass and older than its start. The margin covers the longest transaction that writes
    an order or an exchange row, and the clock skew between the app servers.
    """
    return timedelta(seconds=settings.ONEC_EXPORT_MARGIN_SECONDS)


def full_pass_interval() -> timedelta:
    return timedelta(hours=settings.ONEC_EXPORT_FULL_PASS_HOURS)


@dataclass(frozen=True)
class ExportWindow:
    """What one pass reads: every order (`changed_since` None), or the orders and exchange
    rows written since `changed_since` and, with `after`, every order past that
    (created_at, pk)."""

    started_at: datetime
    changed_since: datetime | None
    after: tuple[datetime, int] | None
    full_pass_at: datetime

    @property
    def reads_every_order(self) -> bool:
        return self.changed_since is None

    def after_filter(self) -> Q | None:
        if self.after is None:
            return None
        created_at, pk = self.after
        # A lower bound on created_at alone, so the read starts there in its index.
        return Q(created_at__gte=created_at) & ~Q(created_at=created_at, pk__lte=pk)


def export_window(*, profile: IntegrationProfile, now: datetime | None = None) -> ExportWindow:
    """The window of a pass starting `now` (take it before reading anything): every order
    for a new profile, after its exported kinds or states changed, and once a day."""
    now = now or timezone.now()
    mark = OrderExportMark.objects.filter(profile=profile).first()
    if (
        mark is None
        or mark.exported_kinds != list(profile.exported_kinds)
        or mark.exported_states != list(profile.exported_states)
        or mark.full_pass_at <= now - full_pass_interval()
    ):
        return ExportWindow(started_at=now, changed_since=None, after=None, full_pass_at=now)
    after = None
    if mark.after_created_at is not None:
        after = (mark.after_created_at, mark.after_pk)
    return ExportWindow(
        started_at=now,
        changed_since=mark.passed_at - in_flight_margin(),
        after=after,
        full_pass_at=mark.full_pass_at,
    )


def export_mark_record(
    *, profile: IntegrationProfile, window: ExportWindow, orders: list, limit: int
) -> None:
    """Remember the pass read through `window` that returned `orders`; the caller wrote
    each of their exchange rows in this transaction."""
    after_created_at = after_pk = None
    if len(orders) >= limit:
        # Past its last order the pass did not look: the next one reads on from there.
        after_created_at, after_pk = orders[-1].created_at, orders[-1].pk
    # One upsert: two queries of the same profile at once each leave a mark that is
    # true of its own pass, whichever lands last.
    OrderExportMark.objects.bulk_create(
        [
            OrderExportMark(
                profile=profile,
                passed_at=window.started_at,
                full_pass_at=window.full_pass_at,
                exported_kinds=list(profile.exported_kinds),
                exported_states=list(profile.exported_states),
                after_created_at=after_created_at,
                after_pk=after_pk,
            )
        ],
        update_conflicts=True,
        unique_fields=["profile"],
        update_fields=[
            "passed_at",
            "full_pass_at",
            "exported_kinds",
            "exported_states",
            "after_created_at",
            "after_pk",
        ],
    )
