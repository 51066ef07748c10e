"""Creating orders and moving them through the lifecycle: transitions, amendments,
the SLA clock of each stage, delivery updates and the manager in charge."""

import logging
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from core.prefetch import relation_loaded
from notifications.outbox import outbox_write
from orders import ledger
from orders.actions import OrderAction, delivery_status_topic
from orders.business_hours import NoWorkingTimeError, add_business_hours
from orders.carriers import carrier_find
from orders.errors import (
    OrderConflictError,
    OrderPermissionError,
    OrderTransitionError,
    OrderValidationError,
)
from orders.lifecycle import DeliveryStatus, OrderKind, PaymentTerms, State, initial_state_for
from orders.models import BusinessCalendar, Carrier, Order, RecurringOrder
from orders.numbering import order_number_for_insert
from orders.repeat_pricing import PRICES_AS_OF
from orders.services.core import (
    _bump,
    _lock,
    _may_process,
    _past_date_refused,
    _record_event,
)
from orders.services.lines import (
    LineInput,
    _apply_totals,
    _prepare_lines,
    _snapshot_lines,
    _write_lines,
)
from orders.services.quotes import _open_quote_version
from orders.signals import stage_entered, stage_left
from orders.workflows import workflow_for

logger = logging.getLogger(__name__)

# A finished order's details are history: closing documents were printed from them.
DETAILS_FROZEN_STATES = (State.CLOSED, State.CANCELLED)
# Delivery methods that take the goods somewhere: they need an address.
ADDRESSED_DELIVERY = (Order.DeliveryMethod.COURIER, Order.DeliveryMethod.CARRIER)
# The order's own data that `order_details_update` edits, as the manager sees it.
DETAILS_FIELDS = (
    "comment",
    "delivery_method",
    "delivery_address",
    "service_date",
    "service_place",
    "channel",
    "related_order",
)


def order_create(
    *,
    customer,
    kind: str,
    lines: list[LineInput],
    by,
    channel: str,
    contact=None,
    manager=None,
    payment_terms: str | None = None,
    currency: str = "RUB",
    external_id: str = "",
    comment: str = "",
    service_date: date | None = None,
    service_place: str = "",
    priority: str = Order.Priority.NORMAL,
    recurring: tuple[RecurringOrder, datetime] | None = None,
    subject: str = "",
    related_order: Order | None = None,
    delivery_method: str = "",
    delivery_address: str = "",
    priced_today: bool = False,
) -> Order:
    """Create an order in its first state with its lines, a number, a `created` event and an
    outbox row. `by` is staff who process orders, a client user of `customer`, or None
    (the system). A person's order may not have its `service_date` before today unless it
    carries an `external_id`. With `priced_today` (a repeat, a recurring run) the event and
    its outbox row carry `prices_as_of`, today's date, for the confirmations to say so.
    Raises `OrderPermissionError`, or `OrderValidationError` naming every bad field (lines
    and order fields together); then nothing is saved. The returned order has its lines and
    its event loaded (`order.lines.all()`, `order.events.all()` cost no query)."""
    if kind not in OrderKind.values:
        raise OrderValidationError({"kind": [_("Unknown order kind.")]})
    if not _may_place_order(customer, by):
        raise OrderPermissionError()
    errors = _details_errors(
        delivery_method=delivery_method,
        delivery_address=delivery_address,
        channel=channel,
        payment_terms=payment_terms,
    )
    if contact is not None and contact.customer_id != customer.pk:
        errors["contact"] = [_("This contact belongs to another customer.")]
    if related_order is not None and related_order.customer_id != customer.pk:
        errors["related_order"] = [_("Choose one of the customer's orders.")]
    # A person placing an order plans it: a service day already gone is a mistake. The
    # system (imports, repeats) and an accounting system's order (`external_id`) report
    # what was agreed elsewhere, maybe days ago: facts from outside are kept as they are.
    if by is not None and not external_id:
        errors.update(
            _past_date_refused(
                "service_date",
                service_date,
                _("The service date %(date)s is in the past; choose today or a later date."),
            )
        )
    try:
        prepared = _prepare_lines(lines, kind=kind)
    except OrderValidationError as error:
        raise OrderValidationError({**errors, **error.errors}) from error
    if errors:
        raise OrderValidationError(errors)
    workflow = workflow_for(
        kind=kind, customer=customer, items=[line.item for line in prepared if line.item]
    )
    # An order with a taken `external_id` fails its INSERT; asking why after the rollback
    # spares every other order a savepoint around it.
    try:
        with transaction.atomic():
            now = timezone.now()
            order = Order(
                state=initial_state_for(kind),
                state_changed_at=now,
                number=order_number_for_insert(year=timezone.localdate().year),
                kind=kind,
                customer=customer,
                contact=contact,
                workflow=workflow,
                channel=channel,
                payment_terms=payment_terms or (workflow.payment_terms if workflow else "prepay"),
                prepayment_percent=workflow.prepayment_percent if workflow else Decimal("100"),
                currency=currency,
                external_id=external_id,
                comment=comment,
                subject=subject.strip(),
                related_order=related_order,
                service_date=service_date,
                service_place=service_place,
                delivery_method=delivery_method,
                delivery_address=delivery_address.strip(),
                priority=priority,
                recurring_schedule=recurring[0] if recurring else None,
                recurring_run_at=recurring[1] if recurring else None,
            )
            if manager is not None:
                order.manager = manager
            else:
                order.manager_id = customer.manager_id  # the key, not a read of the user
            _apply_totals(order, prepared)
            _set_stage_deadline(order, now)
            order.save()
            lines = _write_lines(order, prepared)
            event = _record_event(
                order,
                action=OrderAction.CREATED,
                by=by,
                to_state=order.state,
                payload={
                    "channel": channel,
                    "total": str(order.total),
                    **({PRICES_AS_OF: timezone.localdate().isoformat()} if priced_today else {}),
                },
            )
            # The first stage is entered here, not through a transition: its hooks run too.
            stage_entered.send(sender=Order, order=order, event=event)
    except IntegrityError as error:
        if external_id and Order.objects.filter(external_id=external_id).exists():
            raise OrderValidationError(
                {"external_id": [_("An order with this external ID already exists.")]}
            ) from error
        raise
    # What was just written, so that showing the new order does not read it back.
    relation_loaded(order, "lines", lines)
    relation_loaded(order, "events", [event])
    return order


def _details_errors(
    *,
    delivery_method: str,
    delivery_address: str,
    channel: str | None = None,
    payment_terms: str | None = None,
) -> dict[str, list[str]]:
    """What is wrong with an order's own data: unknown choices, a delivery without address."""
    errors: dict[str, list[str]] = {}
    if delivery_method and delivery_method not in Order.DeliveryMethod.values:
        errors["delivery_method"] = [_("Unknown delivery method.")]
    elif delivery_method in ADDRESSED_DELIVERY and not delivery_address.strip():
        errors["delivery_address"] = [_("Give the delivery address for a courier or a carrier.")]
    if channel is not None and channel not in Order.Channel.values:
        errors["channel"] = [_("Unknown channel.")]
    if payment_terms and payment_terms not in PaymentTerms.values:
        errors["payment_terms"] = [_("Unknown payment terms.")]
    return errors


def _may_place_order(customer, by) -> bool:
    """Staff who process orders, the system, or a client user of that very customer."""
    if by is None or by.has_perm("orders.process_order"):
        return True
    contact = getattr(by, "contact", None)
    return (
        by.has_perm("orders.act_as_client")
        and contact is not None
        and contact.customer_id == customer.pk
    )


def _transition_spec(order: Order, name: str):
    method = getattr(order, name, None)
    meta = getattr(method, "_django_fsm", None)
    if meta is None or name.startswith("_"):
        raise OrderTransitionError(_("Unknown action “%(name)s”.") % {"name": name})
    return method, meta.get_transition(order.state)


def _set_stage_deadline(order: Order, now) -> None:
    """Start the SLA clock of the state the order just entered (from its workflow, as now)."""
    hours = (order.workflow.stage_sla_hours or {}).get(order.state) if order.workflow else None
    order.sla_due_at = _sla_due(order.workflow, now, hours) if hours else None
    order.sla_level = 0


def _sla_due(workflow, start: datetime, hours: int) -> datetime:
    """`hours` after `start`: on the clock, or in working hours when the workflow says so.
    Reads the business calendar (one query) only in the second case."""
    if not workflow.sla_business_hours:
        return start + timedelta(hours=hours)
    try:
        return add_business_hours(start, hours, BusinessCalendar.get().working_time())
    except NoWorkingTimeError:
        # A calendar without working time must not block orders: the clock still counts.
        logger.exception("The business calendar has no working time; SLA on the clock")
        return start + timedelta(hours=hours)


def _transition_label(order: Order, name: str) -> str:
    for transition in Order._meta.get_field("state").get_all_transitions(Order):
        if transition.name == name:
            return str(transition.custom.get("label", name))
    return name


def _apply_transition(
    order: Order, name: str, *, by, note: str, reason: str = "", payload: dict | None = None
) -> Order:
    method, spec = _transition_spec(order, name)
    if spec is None:
        label = _transition_label(order, name)
        raise OrderTransitionError(
            _("“%(action)s” is not possible while the order is in “%(state)s”.")
            % {"action": label, "state": order.get_state_display()}
        )
    if not spec.has_perm(order, by):
        raise OrderPermissionError()
    unmet = [condition.message for condition in spec.conditions if not condition(order)]
    if unmet:
        raise OrderTransitionError(messages=unmet)
    if spec.custom.get("requires_reason") and not reason.strip():
        raise OrderValidationError({"reason": [_("Give a reason.")]})
    from_state = order.state
    if spec.custom.get("requires_reason"):
        method(reason=reason.strip())
    else:
        method()
    order.version += 1
    order.state_changed_at = timezone.now()
    _set_stage_deadline(order, order.state_changed_at)
    if order.state == State.PAYMENT:
        order.payment_reminded_at = None  # each visit to the payment stage may remind once
    try:
        order.save()  # every field: amending also changed the totals
    except ConcurrentTransition as error:
        raise OrderConflictError() from error
    event = _record_event(
        order,
        action=name,
        by=by,
        from_state=from_state,
        to_state=order.state,
        note=note,
        payload={**(payload or {}), **({"reason": reason.strip()} if reason else {})},
    )
    if from_state != order.state:
        stage_left.send(sender=Order, order=order, left_state=from_state, at=event.created_at)
    if State.CANCELLED in (from_state, order.state):
        # What the order may be charged fell to nothing, or came back.
        ledger.rebalance_after_total_change(order, by=by)
    stage_entered.send(sender=Order, order=order, event=event)
    if order.state == State.QUOTE:
        _open_quote_version(order, by=by)
    return order


def order_transition(
    *,
    order: Order,
    transition: str,
    by,
    note: str = "",
    reason: str = "",
    expected_version: int | None = None,
) -> Order:
    """Take one lifecycle transition (see `orders/lifecycle.py`) on behalf of `by` (None: system).

    `order` is the caller's copy: if the stored order left the state the caller saw (or,
    with `expected_version`, changed at all), this raises `OrderConflictError` and changes
    nothing. Raises `OrderPermissionError` or
    `OrderTransitionError` (with the unmet conditions) otherwise. Writes the event
    and an outbox row in the same transaction; entering `quote` opens a new quote version.
    `ship` goes through `order_ship`, so a workflow that ships by carrier refuses it here
    too (no carrier and tracking number are given this way).
    """
    if transition == "ship":
        return order_ship(order=order, by=by, note=note, expected_version=expected_version)
    with transaction.atomic():
        locked = _lock(order, expected_state=order.state, expected_version=expected_version)
        return _apply_transition(locked, transition, by=by, note=note, reason=reason)


def order_amend(*, order: Order, by, lines: list[LineInput] | None = None, note: str = "") -> Order:
    """Replace the lines and send the order back to `quote` with a new quote version.
    Earlier versions keep their lines; the contract must be signed again.

    Without `lines` the order keeps its lines as they are (prices and discounts too): the
    manager then changes them in the new draft version, as with any draft."""
    prepared = _prepare_lines(lines, kind=order.kind) if lines is not None else None
    with transaction.atomic():
        locked = _lock(order, expected_state=order.state)
        _method, spec = _transition_spec(locked, "amend")
        if spec is None:
            raise OrderTransitionError(
                _(
                    "The order can be amended only at the quote, contract, payment or "
                    "production stage."
                )
            )
        if not spec.has_perm(locked, by):
            raise OrderPermissionError()
        # The event keeps the lines being replaced, even where no quote version froze them.
        previous_lines = _snapshot_lines(locked)
        if prepared is not None:
            locked.lines.all().delete()
            _write_lines(locked, prepared)
            _apply_totals(locked, prepared)
        amended = _apply_transition(
            locked, "amend", by=by, note=note, payload={"previous_lines": previous_lines}
        )
        ledger.rebalance_after_total_change(amended, by=by)
        return amended


def delivery_update(
    *,
    order: Order,
    by,
    status: str | None = None,
    carrier: Carrier | str | None = None,
    tracking_number: str | None = None,
    expected_date: date | None = None,
    note: str = "",
) -> Order:
    """Record where the shipment is; a moved expected date stays in the event for delay notices.

    `carrier` is a carrier of the list or a name: a listed carrier's name (any case) links
    the order to it (its tracking link), another name is kept as text; "" clears it. A
    changed sub-status also writes an outbox row of its own topic
    (`delivery_status_topic`) with the carrier, tracking number and link.
    A person may not move the expected date to a day before today (the date they leave
    as it is may have passed: the delivery is late); the system records what it is told.
    Raises `OrderPermissionError` or `OrderValidationError`; then nothing changes.
    """
    if status is not None and status not in DeliveryStatus.values:
        raise OrderValidationError({"status": [_("Unknown delivery status.")]})
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        client_confirms = (
            by is not None
            and status == DeliveryStatus.HANDED_TO_CLIENT
            and carrier is None
            and tracking_number is None
            and expected_date is None
            and locked.belongs_to_client_user(by)
        )
        staff = by is None or any(
            by.has_perm(permission)
            for permission in (
                "orders.process_order",
                "orders.handle_production",
                "orders.handle_delivery",
            )
        )
        if not (staff or client_confirms):
            raise OrderPermissionError()
        if by is not None and expected_date != locked.expected_delivery_date:
            errors = _past_date_refused(
                "expected_date",
                expected_date,
                _(
                    "The expected delivery date %(date)s is in the past; "
                    "choose today or a later date."
                ),
            )
            if errors:
                raise OrderValidationError(errors)
        changes = {}
        carrier_name, listed_carrier = _carrier_resolve(carrier)
        relink = carrier is not None and locked.shipping_carrier_id != (
            listed_carrier.pk if listed_carrier else None
        )
        if relink:
            locked.shipping_carrier = listed_carrier
        for name, value in (
            ("delivery_status", status),
            ("carrier", carrier_name),
            ("tracking_number", tracking_number),
            ("expected_delivery_date", expected_date),
        ):
            if value is not None and getattr(locked, name) != value:
                changes[name] = {"old": str(getattr(locked, name) or ""), "new": str(value)}
                setattr(locked, name, value)
        if not changes and not relink:
            return locked
        _bump(locked, fields=[*changes, *(["shipping_carrier"] if relink else [])])
        event = _record_event(
            locked,
            action=OrderAction.DELIVERY_UPDATED,
            by=by,
            from_state=locked.state,
            to_state=locked.state,
            note=note,
            payload={"changes": changes},
        )
        if "delivery_status" in changes:
            _write_delivery_status_topic(locked, event=event, by=by)
    return locked


def _carrier_resolve(carrier: Carrier | str | None) -> tuple[str | None, Carrier | None]:
    """The name to keep and the listed carrier to link, for `delivery_update`'s argument."""
    if carrier is None:
        return None, None
    if isinstance(carrier, Carrier):
        return carrier.name, carrier
    listed = carrier_find(carrier)
    return (listed.name if listed else " ".join(carrier.split())), listed


def shipment_details(order: Order) -> dict:
    """What a notification or a webhook says about where the shipment is."""
    return {
        "delivery_status": order.delivery_status,
        "carrier": order.carrier,
        "tracking_number": order.tracking_number,
        "tracking_url": order.tracking_url,
        "expected_date": str(order.expected_delivery_date or ""),
    }


def _write_delivery_status_topic(order: Order, *, event, by) -> None:
    """The outbox row of the new sub-status's topic, beside the event's own row."""
    outbox_write(
        topic=delivery_status_topic(order.delivery_status),
        aggregate_type="order",
        aggregate_id=order.pk,
        payload={
            "order_id": order.pk,
            "number": order.number,
            "action": OrderAction.DELIVERY_UPDATED,
            "from_state": order.state,
            "to_state": order.state,
            "actor_id": by.pk if by else None,
            "event_id": event.pk,
            **shipment_details(order),
        },
        dedupe_key=f"order-event:{event.pk}:delivery-status",
    )


def order_ship(
    *,
    order: Order,
    by,
    carrier: Carrier | str | None = None,
    tracking_number: str = "",
    expected_date: date | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Order:
    """Ship the order (the `ship` transition) with its carrier, tracking number and expected
    date, in one transaction.

    Where the order's workflow ships by carrier, a carrier and a tracking number are
    required: without them `OrderValidationError` names the fields and nothing changes.
    An inactive carrier of the list is refused the same way. The details are recorded
    first (`delivery_update`, its event and checks), then the transition, whose event and
    outbox row (the client's "shipped" message) carry them. Raises what
    `order_transition` and `delivery_update` raise; then nothing is saved.
    """
    tracking_number = (tracking_number or "").strip()
    with transaction.atomic():
        locked = _lock(order, expected_state=order.state, expected_version=expected_version)
        _method, spec = _transition_spec(locked, "ship")
        may_ship = spec is not None and spec.has_perm(locked, by)
        errors = _shipping_errors(locked, carrier=carrier, tracking_number=tracking_number)
        if may_ship and errors:
            raise OrderValidationError(errors)
        if spec is not None and (carrier or tracking_number or expected_date):
            locked = delivery_update(
                order=locked,
                by=by,
                carrier=carrier if carrier else None,
                tracking_number=tracking_number or None,
                expected_date=expected_date,
            )
            locked = _lock(locked)
        return _apply_transition(
            locked, "ship", by=by, note=note, payload={"shipment": shipment_details(locked)}
        )


def _shipping_errors(order: Order, *, carrier, tracking_number: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if isinstance(carrier, Carrier) and not carrier.is_active:
        errors["carrier"] = [_("This carrier is no longer in use; choose another.")]
    if order.workflow is not None and order.workflow.ships_by_carrier:
        if not carrier or not str(carrier).strip():
            errors.setdefault("carrier", []).append(
                _("Choose the carrier: this order type ships by carrier.")
            )
        if not tracking_number:
            errors["tracking_number"] = [
                _("Give the tracking number: this order type ships by carrier.")
            ]
    return errors


def order_assign_manager(*, order: Order, manager, by) -> Order:
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if not _may_process(locked, by):
            raise OrderPermissionError()
        if manager is not None and not manager.has_perm("orders.process_order"):
            raise OrderValidationError({"manager": [_("This user does not process orders.")]})
        previous = locked.manager
        locked.manager = manager
        _bump(locked, fields=["manager"])
        _record_event(
            locked,
            action=OrderAction.MANAGER_ASSIGNED,
            by=by,
            from_state=locked.state,
            to_state=locked.state,
            payload={
                "old_manager_id": previous.pk if previous else None,
                "new_manager_id": manager.pk if manager else None,
            },
        )
    return locked


def order_details_update(*, order: Order, by, changes: dict, note: str = "") -> Order:
    """Change the order's own data (`DETAILS_FIELDS`: comment, delivery method and address,
    service date and place, channel, related order) on behalf of staff who process orders.

    Locks the order; refused at a closed or cancelled state (`OrderTransitionError`), for
    other users (`OrderPermissionError`) and for bad values (`OrderValidationError` naming
    the fields). Writes a `details_updated` event with each changed field's old and new
    value, and its outbox row; with nothing changed, writes nothing.
    """
    unknown = sorted(set(changes) - set(DETAILS_FIELDS))
    if unknown:
        raise OrderValidationError(
            {name: [_("This field cannot be changed here.")] for name in unknown}
        )
    with transaction.atomic():
        locked = _lock(order)
        if not _may_process(locked, by):
            raise OrderPermissionError()
        if locked.state in DETAILS_FROZEN_STATES:
            raise OrderTransitionError(
                _("The details of an order in “%(state)s” cannot be changed.")
                % {"state": locked.get_state_display()}
            )
        merged = {name: changes.get(name, getattr(locked, name)) for name in DETAILS_FIELDS}
        errors = _details_errors(
            delivery_method=merged["delivery_method"] or "",
            delivery_address=merged["delivery_address"] or "",
            channel=merged["channel"],
        )
        related = merged["related_order"]
        if related is not None and (
            related.customer_id != locked.customer_id or related.pk == locked.pk
        ):
            errors["related_order"] = [_("Choose another order of the same customer.")]
        if errors:
            raise OrderValidationError(errors)
        changed = {}
        for name, value in changes.items():
            if isinstance(value, str):
                value = value.strip()
            if getattr(locked, name) != value:
                changed[name] = {
                    "old": _payload_value(getattr(locked, name)),
                    "new": _payload_value(value),
                }
                setattr(locked, name, value)
        if not changed:
            return locked
        _bump(locked, fields=list(changed))
        _record_event(
            locked,
            action=OrderAction.DETAILS_UPDATED,
            by=by,
            from_state=locked.state,
            to_state=locked.state,
            note=note,
            payload={"changes": changed},
        )
    return locked


def _payload_value(value):
    if isinstance(value, Order):
        return value.number
    if isinstance(value, date):
        return value.isoformat()
    return value if value is not None else ""
