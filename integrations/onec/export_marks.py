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

A write stamped before a pass began but committed after it read is invisible to that pass.
On PostgreSQL the mark is therefore the pass's start or, when earlier, the start of the
oldest transaction another session had open with writes (open_transactions.py): the next
pass reads back to it, however late it commits. Only the margin (clock skew) is added, not
a guess at the longest transaction. A transaction open longer than a full pass's interval
holds the mark back no further: its writes are the next full pass's to find, as before.
On SQLite, with its one write lock, the margin alone covers it.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from integrations.onec.models import IntegrationProfile, OrderExportMark
from integrations.onec.open_transactions import oldest_open_write_started_at


def in_flight_margin() -> timedelta:
    """How much further back than the last pass's mark the next pass looks.

    The stamps come from the app servers' clocks, a transaction's start from the
    database's: the margin covers the skew between them, and the moment between taking a
    stamp and the transaction that writes it showing as open. On SQLite it also covers a
    write transaction still open when the pass read (open_transactions.py).
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
    # When the oldest transaction another session had open with writes began, None when
    # there was none: what it wrote, this pass cannot see.
    open_writes_since: datetime | None = None

    @property
    def settled_at(self) -> datetime:
        """The writes stamped before it were all committed when the pass read (to within
        the margin): where the next pass reads from."""
        if self.open_writes_since is None:
            return self.started_at
        return min(self.started_at, self.open_writes_since)

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
    open_writes_since = _open_writes_since(now)
    mark = OrderExportMark.objects.filter(profile=profile).first()
    if (
        mark is None
        or mark.exported_kinds != list(profile.exported_kinds)
        or mark.exported_states != list(profile.exported_states)
        or mark.full_pass_at <= now - full_pass_interval()
    ):
        return ExportWindow(
            started_at=now,
            changed_since=None,
            after=None,
            full_pass_at=now,
            open_writes_since=open_writes_since,
        )
    after = None
    if mark.after_created_at is not None:
        after = (mark.after_created_at, mark.after_pk)
    return ExportWindow(
        started_at=now,
        changed_since=mark.passed_at - in_flight_margin(),
        after=after,
        full_pass_at=mark.full_pass_at,
        open_writes_since=open_writes_since,
    )


def _open_writes_since(now: datetime) -> datetime | None:
    started_at = oldest_open_write_started_at()
    if started_at is None:
        return None
    # No further back than a full pass's interval: a session left idle in a transaction
    # can stay for days, and every window would read that far back meanwhile. Once it
    # commits, the next full pass (within the interval) reads its writes anyway.
    return max(started_at, now - full_pass_interval())


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
                passed_at=window.settled_at,
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
