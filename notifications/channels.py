"""The three ways a delivery leaves: email, an in-app notification, a signed webhook."""

import json
import time
import urllib.error
import urllib.parse
import urllib.request

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from accounts.services import registration_awaits_confirmation, registration_confirmation_link
from notifications.builtin_messages import MESSAGES, topic_shows_money
from notifications.models import Delivery, Notification, NotificationRule
from notifications.rule_rendering import (
    RuleRenderError,
    RuleTexts,
    render_rule_texts,
    rule_context,
    rule_id_of,
)
from notifications.webhook_signing import (
    WebhookAddressError,
    webhook_address_check,
    webhook_signature,
)
from orders.money_summary import MoneySummary, money_summary
from orders.repeat_pricing import payload_prices_note

SIGNUP_CONFIRMATION = "signup_confirmation"


class WebhookError(Exception):
    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


def order_for_notification(order_id):
    """The order as notifications render it, with what the email's frame shows."""
    from orders.models import Order

    return (
        Order.objects.select_related("customer__manager", "manager", "contact", "shipping_carrier")
        .prefetch_related("lines", "payments", "refunds", "invoices")
        .filter(pk=order_id)
        .first()
    )


def _order_for(delivery):
    message = delivery.outbox_message
    if message.aggregate_type != "order":
        return None
    return order_for_notification(message.aggregate_id)


def order_url(order, *, is_staff: bool) -> str:
    """The order's page in the recipient's own portal: clients in theirs, staff on the desk."""
    page = "portals_manager:order_page" if is_staff else "portals_client:order_page"
    return f"{settings.SITE_URL}{reverse(page, args=[order.pk])}"


def _order_url(order, delivery) -> str:
    recipient = delivery.recipient
    is_staff = recipient is not None and recipient.has_perm("orders.view_all_orders")
    return order_url(order, is_staff=is_staff)


def _url_without_order(delivery) -> str:
    # A cart reminder leads the client back to the cart; other rows to the portal's start.
    if delivery.outbox_message.aggregate_type == "cart":
        return f"{settings.SITE_URL}{reverse('portals_client:cart')}"
    return settings.SITE_URL


def _rule_texts(rule_id: int, *, order, payload: dict, url: str) -> RuleTexts:
    rule = NotificationRule.objects.filter(pk=rule_id).first()
    if rule is None or order is None:
        raise RuleRenderError(f"Notification rule {rule_id} or its order no longer exists.")
    return render_rule_texts(
        subject_template=rule.subject_template,
        body_template=rule.body_template,
        context=rule_context(order, payload=payload, url=url),
    )


def compose_message(
    *,
    subject: str,
    headline: str,
    headline_html=None,
    order,
    payload: dict,
    url: str,
    money: MoneySummary | None = None,
    prices_note: str = "",
) -> dict:
    """The email (text and HTML) and in-app texts around a message's subject and headline;
    with `money`, the email's frame shows the order's figures as the order page does."""
    context = {
        "headline": headline,
        "headline_html": headline_html,
        "order": order,
        "money": money,
        "prices_note": prices_note,
        "payload": payload,
        "url": url,
    }
    return {
        "subject": subject,
        "headline": "\n".join([headline, prices_note]) if prices_note else headline,
        "text": render_to_string("notifications/email/message.txt", context),
        "html": render_to_string("notifications/email/message.html", context),
        "url": url,
        "order": order,
    }


def render_message(delivery) -> dict:
    """Subject, text and HTML of a delivery, in the recipient's language."""
    order = _order_for(delivery)
    payload = delivery.outbox_message.payload
    shows_money = order is not None and topic_shows_money(delivery.outbox_message.topic)
    money = money_summary(order) if shows_money else None
    with translation.override(delivery.language or "ru"):
        url = _order_url(order, delivery) if order else _url_without_order(delivery)
        rule_id = rule_id_of(delivery.message_key)
        if rule_id is not None:
            texts = _rule_texts(rule_id, order=order, payload=payload, url=url)
            return compose_message(
                subject=texts.subject,
                headline=texts.text,
                headline_html=texts.html,
                order=order,
                payload=payload,
                url=url,
                money=money,
                prices_note=payload_prices_note(payload),
            )
        spec = MESSAGES[delivery.message_key]
        rendered = compose_message(
            subject=str(spec.subject) % {"number": order.number if order else ""},
            headline=str(spec.headline),
            order=order,
            payload=payload,
            url=url,
            money=money,
            prices_note=payload_prices_note(payload),
        )
        # The email's frame shows the shipment and the money; the in-app text is the
        # headline with them in a line or two.
        if spec.shows_shipment and order is not None:
            rendered["headline"] = "\n".join([rendered["headline"], *shipment_lines(order)])
        if spec.shows_service and order is not None:
            rendered["headline"] = "\n".join([rendered["headline"], *service_lines(order)])
        if money is not None and money.due_now:
            rendered["headline"] = "\n".join([rendered["headline"], due_now_line(money, order)])
        return rendered


def shipment_lines(order) -> list[str]:
    """Carrier, tracking number and tracking link of the order, those it has."""
    lines = []
    if order.carrier:
        lines.append(_("Carrier: %(carrier)s.") % {"carrier": order.carrier})
    if order.tracking_number:
        lines.append(_("Tracking number: %(number)s.") % {"number": order.tracking_number})
    if order.tracking_url:
        lines.append(_("Track the shipment: %(url)s") % {"url": order.tracking_url})
    return lines


def service_lines(order) -> list[str]:
    """The date and the place of the order's service, those it has."""
    lines = []
    if order.service_date:
        lines.append(
            _("Service date: %(date)s.") % {"date": date_format(order.service_date, "d.m.Y")}
        )
    if order.service_place:
        lines.append(_("Service place: %(place)s.") % {"place": order.service_place})
    return lines


def due_now_line(money: MoneySummary, order) -> str:
    """ "To pay now: 50 000,00 RUB.", as the order page prints the amount."""
    amount = number_format(money.due_now, 2, force_grouping=True)
    return _("To pay now: %(amount)s %(currency)s.") % {
        "amount": amount,
        "currency": order.currency,
    }


def _signup_confirmation_email(delivery) -> dict | None:
    """The sign-up confirmation: its link made now, or None once there is nothing to confirm.

    Made at sending rather than at writing, so a letter delayed by a mail outage (or sent
    again by an administrator) carries a link valid for its whole lifetime.
    """
    payload = delivery.outbox_message.payload
    user = get_user_model().objects.filter(pk=payload.get("user_id")).first()
    if not registration_awaits_confirmation(user):
        return None
    with translation.override(delivery.language or "ru"):
        context = {"user": user, "link": registration_confirmation_link(user)}
        return {
            "subject": str(MESSAGES[SIGNUP_CONFIRMATION].subject),
            "text": render_to_string("accounts/email/register_confirm.txt", context),
            "html": render_to_string("accounts/email/register_confirm.html", context),
        }


def _send_email(delivery) -> None:
    if delivery.message_key == SIGNUP_CONFIRMATION:
        rendered = _signup_confirmation_email(delivery)
        if rendered is None:
            return  # confirmed (or removed) since it was asked for: an old link would only fail
    else:
        rendered = render_message(delivery)
    email = EmailMultiAlternatives(
        subject=rendered["subject"],
        body=rendered["text"],
        to=[delivery.address],
        headers={"X-CRM-Delivery": str(delivery.pk)},
    )
    email.attach_alternative(rendered["html"], "text/html")
    email.send(fail_silently=False)


def _create_in_app(delivery) -> None:
    rendered = render_message(delivery)
    Notification.objects.get_or_create(
        delivery=delivery,
        defaults={
            "recipient": delivery.recipient,
            "title": rendered["subject"],
            "body": rendered["headline"],
            "url": rendered["url"],
            "order": rendered["order"],
        },
    )


def _refuse_private_address(url: str) -> None:
    try:
        webhook_address_check(url)
    except WebhookAddressError as error:
        raise WebhookError(str(error)) from error


def _post_webhook(delivery) -> int:
    subscription_model = apps.get_model("api", "WebhookSubscription")
    subscription = (
        subscription_model.objects.select_related("client")
        .filter(pk=delivery.subscription_id)
        .first()
    )
    if subscription is None or not subscription.is_active or subscription.client.revoked_at:
        raise WebhookError("The subscription was removed, switched off or its key revoked.")
    if not settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        _refuse_private_address(delivery.address)
    message = delivery.outbox_message
    body = json.dumps(
        {
            "id": str(message.event_id),
            "topic": message.topic,
            "created_at": message.created_at.isoformat(),
            "data": message.payload,
        },
        ensure_ascii=False,
        sort_keys=True,
    ).encode()
    timestamp = int(time.time())
    request = urllib.request.Request(  # noqa: S310 - the URL is an admin-registered https/http endpoint
        delivery.address,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "OrderCRM-Webhooks/1",
            "X-Webhook-Id": str(message.event_id),
            "X-Webhook-Event": message.topic,
            "X-Webhook-Timestamp": str(timestamp),
            "X-Signature": webhook_signature(
                secret=subscription.secret, timestamp=timestamp, body=body
            ),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        raise WebhookError(f"HTTP {error.code}", status=error.code) from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise WebhookError(str(error)) from error


def send(delivery) -> int | None:
    if delivery.channel == Delivery.Channel.EMAIL:
        _send_email(delivery)
        return None
    if delivery.channel == Delivery.Channel.IN_APP:
        _create_in_app(delivery)
        return None
    if delivery.channel == Delivery.Channel.WEBHOOK:
        return _post_webhook(delivery)
    raise ValueError(f"Unknown channel {delivery.channel}")
