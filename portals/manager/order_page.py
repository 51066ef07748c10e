"""The manager's order page, put together from its panels.

Its own module: the handlers of each panel (quotes, contract, money, tasks) render this page
again with their bound form when a post fails, and the page needs each panel's form, so the
page sits below them all and imports no handler.
"""

from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from orders.lifecycle import State
from orders.models import Quote
from orders.repeat_pricing import order_prices_note
from orders.selectors import order_available_transitions, order_may_amend
from portals.access import user_may_change_orders
from portals.manager.forms import ContractSignedForm, DeliveryForm, ShipForm
from portals.manager.intake_forms import OrderDetailsForm
from portals.manager.money_forms import InvoiceForm, PaymentForm, RefundForm
from portals.manager.quote_forms import QuoteBuilder
from portals.manager.task_forms import OrderTaskForm
from portals.order_money import order_money
from portals.timeline import order_timeline
from tasks.permissions import CREATE_TASK, task_may_change
from tasks.selectors import tasks_for_order


def order_page_response(request, order, **forms):
    """The order page; a form that failed is passed back bound, its fields marked."""
    quotes = sorted(order.quotes.all(), key=lambda quote: -quote.version)
    return render(
        request,
        "portals/manager/order_page.html",
        {
            "order": order,
            "transitions": order_available_transitions(order=order, user=request.user),
            "may_change_orders": user_may_change_orders(request.user),
            "timeline": order_timeline(order),
            "prices_note": order_prices_note(order),
            "quotes": quotes,
            "draft_quote": next((q for q in quotes if q.status == Quote.Status.DRAFT), None),
            "revisable_quote": revisable_quote(order, quotes),
            "may_amend": order_may_amend(order=order, user=request.user),
            "delivery_form": DeliveryForm(
                initial={
                    "status": order.delivery_status,
                    "carrier": order.carrier,
                    "tracking_number": order.tracking_number,
                    "expected_date": order.expected_delivery_date,
                }
            ),
            # Made when the page shows them: most orders are in no stage that edits details,
            # ships or signs, and each form costs its fields (and the details its query).
            "details_form": forms.pop("details_form", None)
            or SimpleLazyObject(lambda: order_details_form(order)),
            "ship_form": forms.pop("ship_form", None) or SimpleLazyObject(lambda: ship_form(order)),
            "quote_form": quote_builder_form(order, quotes, forms.pop("quote_form", None)),
            "contract_form": forms.pop("contract_form", None)
            or SimpleLazyObject(ContractSignedForm),
            **order_tasks_context(order, request.user, forms.pop("task_form", None)),
            **order_money_forms(request, order, **forms),
        },
    )


def revisable_quote(order, quotes):
    """The version sent (or accepted) that may be revised into the next one, if any."""
    current = next((q for q in quotes if q.status != Quote.Status.SUPERSEDED), None)
    if order.state != State.QUOTE or current is None or current.status == Quote.Status.DRAFT:
        return None
    return current


def order_details_form(order):
    """The "edit details" form, filled with what the order has now."""
    return OrderDetailsForm(
        order=order,
        prefix="details",
        initial={
            "channel": order.channel,
            "delivery_method": order.delivery_method,
            "delivery_address": order.delivery_address,
            "service_date": order.service_date,
            "service_place": order.service_place,
            "related_order": order.related_order_id,
            "comment": order.comment,
        },
    )


def ship_form(order):
    return ShipForm(
        initial={
            "state": order.state,
            "carrier": order.shipping_carrier_id,
            "tracking_number": order.tracking_number,
            "expected_date": order.expected_delivery_date,
        }
    )


def quote_builder_form(order, quotes, bound=None):
    draft = next((quote for quote in quotes if quote.status == Quote.Status.DRAFT), None)
    if draft is None:
        return None
    return bound or QuoteBuilder(order=order, quote=draft)


def order_money_forms(request, order, **bound) -> dict:
    """The page's money section: the summary and the three forms (bound ones as given)."""
    may_change = request.user.has_perm("orders.process_order")
    return {
        "money": order_money(order, request.user, balances=False),
        "may_handle_money": may_change,
        "invoice_form": bound.get("invoice_form") or InvoiceForm(),
        "payment_form": bound.get("payment_form") or PaymentForm(order=order),
        "refund_form": bound.get("refund_form") or RefundForm(),
    }


def order_tasks_context(order, user, bound_form=None) -> dict:
    """The order page's task panel: the order's tasks the user may see (one query) and,
    for those who create tasks, the quick form."""
    # `has_tasks`: the order's query said whether it has any task at all.
    tasks = tasks_for_order(order=order, user=user) if getattr(order, "has_tasks", True) else []
    return {
        "order_tasks": tasks_with_actions(list(tasks), user),
        "tasks_now": timezone.now(),
        "order_task_form": (bound_form or OrderTaskForm()) if user.has_perm(CREATE_TASK) else None,
    }


def tasks_with_actions(tasks, user) -> list:
    for task in tasks:
        task.may_change = task.is_open and task_may_change(user, task, in_my_role=task.in_my_role)
    return tasks
