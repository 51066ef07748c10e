"""When a sale was closed (`Order.closed_at`): written with the closing event, backfilled once.

Revenue counts a sales order in the period of the event that closed it from delivery or
payment (closing needs full payment and delivery to the client). Closing again after an
after-sales service comes from `service` and does not move it; the lifecycle has no way
back from closed to delivery or payment, so there is one such event per order at most.
The reports read that moment from the order, next to its total, currency and manager,
instead of joining the events to the orders.
"""

from orders.lifecycle import State

# A sale is closed from delivery, or from payment when paid after delivery.
REVENUE_CLOSED_FROM = (State.DELIVERY, State.PAYMENT)


def is_sale_closing(event) -> bool:
    return event.to_state == State.CLOSED and event.from_state in REVENUE_CLOSED_FROM


def closing_record(event) -> None:
    """Keep the first such closing on the order; the caller holds the transaction."""
    if not is_sale_closing(event):
        return
    order = event.order
    if order.closed_at is not None:
        return
    order.closed_at = event.created_at
    # An UPDATE of this column only: the caller may have saved the order already.
    type(order).objects.filter(pk=order.pk, closed_at__isnull=True).update(
        closed_at=event.created_at
    )


# PostgreSQL: one UPDATE ... FROM over the closing events (order_event_closed_idx).
BACKFILL_SQL = """
UPDATE orders_order AS o SET closed_at = closing.at
FROM (
    SELECT e.order_id, MIN(e.created_at) AS at
    FROM orders_orderevent AS e
    WHERE e.to_state = %(closed)s AND e.from_state = ANY(%(closed_from)s)
    GROUP BY e.order_id
) AS closing
WHERE o.id = closing.order_id
"""
BACKFILL_PARAMS = {
    "closed": str(State.CLOSED),
    "closed_from": [str(s) for s in REVENUE_CLOSED_FROM],
}


def closings_backfill(*, order_model, event_model, connection) -> None:
    """Write every sale's closing so far into its order."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(BACKFILL_SQL, BACKFILL_PARAMS)
        return
    from django.db.models import Min, OuterRef, Subquery

    closings = event_model.objects.filter(
        to_state=State.CLOSED, from_state__in=REVENUE_CLOSED_FROM
    ).order_by()
    first = (
        closings.filter(order_id=OuterRef("pk"))
        .values("order_id")
        .annotate(at=Min("created_at"))
        .values("at")
    )
    order_model.objects.filter(pk__in=closings.values("order_id")).update(closed_at=Subquery(first))
