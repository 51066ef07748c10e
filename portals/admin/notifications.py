"""Notification rules in the admin portal: list by event, create and edit, preview, deactivate,
history.

Who may: users with `accounts.access_admin_portal` (the admin role); anonymous users go
to the login page, everyone else gets 403. Every write goes through
`notifications.rules`; the preview renders through the same functions as dispatch and
sends nothing.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.form_errors import form_add_errors
from core.history import EMPTY, history_entries
from core.portals import ADMIN_PORTAL_PERMISSION
from notifications.builtin_messages import builtin_messages
from notifications.models import Delivery, NotificationRule
from notifications.rule_rendering import RuleRenderError
from notifications.rules import (
    NotificationRuleError,
    notification_rule_deactivate,
    notification_rule_history,
    notification_rule_list,
    notification_rule_save,
    notification_rule_validate,
    preview_payload,
    rule_preview,
    webhook_counts_by_topic,
)
from notifications.topics import prefill_from_builtin, template_from_builtin, topic_labels
from orders.selectors import order_list_for_user
from portals.admin.notification_forms import NotificationRuleForm, PreviewOrderForm, rule_initial

admin_portal_users = permission_required(ADMIN_PORTAL_PERMISSION, raise_exception=True)


def _topic_rows(rules) -> list[dict]:
    """Every topic with its rules, its built-in messages and how many webhooks it feeds."""
    by_topic: dict[str, list] = {}
    for rule in rules:
        by_topic.setdefault(rule.topic, []).append(rule)
    # Webhook subscribers are the API clients' own choice and always get the event as
    # signed JSON: rules neither add nor replace them, so the page only shows them.
    labels = topic_labels()
    webhooks = webhook_counts_by_topic(labels)
    rows = []
    for topic, label in labels.items():
        topic_rules = by_topic.get(topic, [])
        rows.append(
            {
                "topic": topic,
                "label": label,
                "rules": topic_rules,
                "builtin": [
                    (message.key, template_from_builtin(message.subject))
                    for message in builtin_messages(topic)
                ],
                "uses_builtin": not any(r.is_active and r.workflow_id is None for r in topic_rules),
                "webhooks": webhooks[topic],
            }
        )
    return rows


@require_GET
@login_required
@admin_portal_users
def rule_list(request):
    rows = _topic_rows(list(notification_rule_list()))
    return render(
        request,
        "portals/admin/notification_list.html",
        {"rows": rows, "configured": [row for row in rows if row["rules"]]},
    )


def _find_order(request, number: str):
    orders = order_list_for_user(user=request.user)
    if number:
        return orders.filter(number=number.strip()).first()
    return orders.order_by("-created_at", "-id").first()


def _preview(request, *, data: dict, number: str, language: str):
    """(preview, error): the draft or saved rule rendered against a real order."""
    order = _find_order(request, number)
    if order is None:
        return None, _("No such order.") if number else _("There are no orders yet.")
    try:
        preview = rule_preview(
            subject_template=data["subject_template"],
            body_template=data["body_template"],
            audience=data["audience"],
            order=order,
            payload=preview_payload(order=order, topic=data["topic"]),
            language=language,
        )
    except RuleRenderError as error:
        return None, _("The template cannot be rendered: %(error)s") % {"error": error}
    return preview, None


def _form_page(request, *, rule: NotificationRule | None, initial: dict):
    form = NotificationRuleForm(request.POST or None, initial=initial)
    context = {"form": form, "rule": rule, "preview": None, "preview_error": None}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if request.POST.get("action") == "preview":
                # Checked as saving would, so the preview never renders a refused template.
                notification_rule_validate(data)
                context["preview"], context["preview_error"] = _preview(
                    request,
                    data=data,
                    number=data["preview_order"],
                    language=translation.get_language(),
                )
            else:
                saved = notification_rule_save(rule=rule, data=data, by=request.user)
                messages.success(request, _("The notification rule is saved."))
                return redirect("portals_admin:notification_rule_edit", pk=saved.pk)
        except NotificationRuleError as error:
            form_add_errors(form, error.errors)
    return render(request, "portals/admin/notification_form.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@admin_portal_users
def rule_new(request):
    topic = request.GET.get("topic", "")
    if topic and topic not in topic_labels():
        raise Http404("No such event")
    initial = {"is_active": True, "topic": topic}
    builtin = {message.key: message for message in builtin_messages(topic)}
    if builtin:
        chosen = builtin.get(request.GET.get("message", "")) or next(iter(builtin.values()))
        initial.update(prefill_from_builtin(chosen))
    return _form_page(request, rule=None, initial=initial)


@require_http_methods(["GET", "POST"])
@login_required
@admin_portal_users
def rule_edit(request, pk):
    rule = get_object_or_404(NotificationRule.objects.select_related("workflow"), pk=pk)
    return _form_page(request, rule=rule, initial=rule_initial(rule))


@require_GET
@login_required
@admin_portal_users
def rule_preview_page(request, pk):
    rule = get_object_or_404(NotificationRule, pk=pk)
    form = PreviewOrderForm(
        request.GET or None,
        languages=settings.LANGUAGES,
        initial={"language": translation.get_language()},
    )
    number, language = "", translation.get_language()
    if form.is_valid():
        number = form.cleaned_data["order"]
        language = form.cleaned_data["language"] or language
    preview, error = _preview(request, data=rule_initial(rule), number=number, language=language)
    if error:
        form.add_error("order" if number else None, error)
    return render(
        request,
        "portals/admin/notification_preview.html",
        {"rule": rule, "form": form, "preview": preview},
    )


@require_http_methods(["GET", "POST"])
@login_required
@admin_portal_users
def rule_deactivate(request, pk):
    """A confirmation page, then the change."""
    rule = get_object_or_404(NotificationRule, pk=pk)
    if request.method == "POST":
        notification_rule_deactivate(rule=rule, by=request.user)
        messages.success(request, _("The notification rule is deactivated."))
        return redirect("portals_admin:notification_rule_list")
    return render(request, "portals/admin/notification_deactivate.html", {"rule": rule})


@require_GET
@login_required
@admin_portal_users
def rule_history(request, pk):
    rule = get_object_or_404(NotificationRule, pk=pk)
    return render(
        request,
        "portals/admin/notification_history.html",
        {
            "rule": rule,
            "entries": history_entries(
                notification_rule_history(rule=rule), formatters={"channels": _channels_shown}
            ),
        },
    )


def _channels_shown(channels) -> str:
    labels = dict(Delivery.Channel.choices)
    return ", ".join(str(labels.get(c, c)) for c in channels or ()) or EMPTY
