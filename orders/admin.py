from django import forms
from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from orders.errors import OrderConflictError, OrderError, OrderValidationError
from orders.forms import TransitionForm
from orders.models import (
    BusinessCalendar,
    Invoice,
    Order,
    OrderEvent,
    OrderLine,
    Payment,
    Quote,
    QuoteTemplate,
    Refund,
    Workflow,
)
from orders.selectors import order_available_transitions
from orders.services import order_transition
from orders.workflows import (
    CALENDAR_FIELDS,
    SETTINGS_FIELDS,
    business_calendar_save,
    workflow_check,
    workflow_save,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = (
        "position",
        "item",
        "name",
        "quantity",
        "unit",
        "unit_price",
        "discount_percent",
        "line_total",
        "custom_values",
    )
    readonly_fields = fields


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ("created_at", "actor", "action", "from_state", "to_state", "note")
    readonly_fields = fields


class QuoteInline(ReadOnlyInline):
    model = Quote
    fields = ("version", "status", "total", "valid_until", "sent_at", "accepted_at")
    readonly_fields = fields


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ("paid_at", "amount", "method", "provider", "reference", "invoice", "recorded_by")
    readonly_fields = fields


class InvoiceInline(ReadOnlyInline):
    model = Invoice
    fields = ("number", "kind", "amount", "due_date", "status", "created_at")
    readonly_fields = fields


class RefundInline(ReadOnlyInline):
    model = Refund
    fields = ("created_at", "payment", "amount", "reason", "provider_reference", "created_by")
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Orders are created and moved only through the services; here the state is read-only
    and each allowed transition is a button that calls `order_transition`."""

    list_display = ("number", "kind", "state", "customer", "manager", "total", "created_at")
    list_filter = ("state", "kind", "channel", "payment_terms", "manager")
    search_fields = ("number", "customer__name", "external_id", "tracking_number")
    list_select_related = ("customer", "manager")
    date_hierarchy = "created_at"
    inlines = (
        OrderLineInline,
        QuoteInline,
        InvoiceInline,
        PaymentInline,
        RefundInline,
        OrderEventInline,
    )
    change_form_template = "admin/orders/order/change_form.html"
    fields = (
        "number",
        "kind",
        "state",
        "customer",
        "contact",
        "manager",
        "workflow",
        "channel",
        "payment_terms",
        "currency",
        "priority",
        "subtotal",
        "discount_total",
        "total",
        "vat_total",
        "external_id",
        "comment",
        "service_date",
        "service_place",
        "delivery_status",
        "carrier",
        "tracking_number",
        "expected_delivery_date",
        "contract_signed_at",
        "cancel_reason",
        "version",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<int:order_id>/transition/<str:name>/",
                self.admin_site.admin_view(self.transition_view),
                name="orders_order_transition",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        order = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if order is not None:
            extra_context["transitions"] = order_available_transitions(
                order=order, user=request.user
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def transition_view(self, request, order_id, name):
        order = get_object_or_404(Order, pk=order_id)
        change_url = reverse("admin:orders_order_change", args=[order.pk])
        options = {
            option.name: option
            for option in order_available_transitions(order=order, user=request.user)
        }
        option = options.get(name)
        if request.method == "POST":
            form = TransitionForm(request.POST)
            if not form.is_valid():
                self.message_user(request, form.errors.as_text(), messages.ERROR)
                return redirect(request.path)
            if form.cleaned_data["state"] != order.state:
                self.message_user(request, OrderConflictError.default_message, messages.ERROR)
                return redirect(change_url)
            try:
                order_transition(
                    order=order,
                    transition=name,
                    by=request.user,
                    note=form.cleaned_data["note"],
                    reason=form.cleaned_data["reason"],
                )
            except OrderValidationError as error:
                self.message_user(request, "; ".join(error.messages), messages.ERROR)
                return redirect(request.path)
            except OrderError as error:
                self.message_user(
                    request, "; ".join(str(m) for m in error.messages), messages.ERROR
                )
                return redirect(change_url)
            self.message_user(
                request, _("Done: %(label)s.") % {"label": option.label if option else name}
            )
            return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": option.label if option else name,
            "order": order,
            "option": option,
            "opts": self.model._meta,
        }
        return render(request, "admin/orders/order/transition_confirm.html", context)


class ConfigurationAdmin(SimpleHistoryAdmin):
    """Configuration saved through its service, which checks it; its history is read-only."""

    def has_add_permission(self, request):
        return super().has_add_permission(request) and request.user.has_perm(
            "orders.manage_workflow"
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and request.user.has_perm(
            "orders.manage_workflow"
        )


class WorkflowAdminForm(forms.ModelForm):
    """Runs the service's check in a dry run, so a refused configuration is shown on the
    form, field by field, and nothing is written; `save_model` then saves through it."""

    user = None  # set per request by `WorkflowAdmin.get_form`

    class Meta:
        model = Workflow
        fields = SETTINGS_FIELDS

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in SETTINGS_FIELDS if name in self.fields}

    def clean(self):
        cleaned_data = super().clean()
        if self.errors:
            return cleaned_data
        try:
            workflow_check(workflow=self.instance, changes=self.changes(), by=self.user)
        except OrderValidationError as error:
            for field, items in error.errors.items():
                for message in items:
                    self.add_error(field if field in self.fields else None, message)
        except OrderError as error:
            raise forms.ValidationError(error.messages) from error
        return cleaned_data

    def _post_clean(self):
        # The service validates; the form must not write the settings into the instance
        # before it does, or the admin's object would differ from what was saved.
        pass


@admin.register(Workflow)
class WorkflowAdmin(ConfigurationAdmin):
    form = WorkflowAdminForm
    list_display = (
        "name",
        "kind",
        "customer_kind",
        "category",
        "uses_quote",
        "uses_contract",
        "payment_terms",
        "uses_service",
        "is_active",
    )
    list_filter = ("kind", "is_active", "sla_business_hours")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def save_model(self, request, obj, form, change):
        saved = workflow_save(workflow=obj, changes=form.changes(), by=request.user)
        # The admin goes on with `obj` (its link, its log entry): make it the saved row.
        obj.__dict__.update(saved.__dict__)


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(ConfigurationAdmin):
    """One row, edited here or on the admin portal's calendar page; both save through
    `business_calendar_save`, which checks it; its history is read-only."""

    list_display = ("__str__", "day_start", "day_end", "workdays", "updated_at")
    fields = (*CALENDAR_FIELDS, "updated_at")
    readonly_fields = ("updated_at",)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not BusinessCalendar.objects.exists()

    def save_model(self, request, obj, form, change):
        changes = {name: form.cleaned_data[name] for name in CALENDAR_FIELDS if name in form.fields}
        saved = business_calendar_save(changes=changes, by=request.user)
        obj.__dict__.update(saved.__dict__)

    def add_view(self, request, form_url="", extra_context=None):
        # The row may have been made (by the admin portal's calendar page) since the "Add"
        # link was shown: open it rather than refuse.
        existing = BusinessCalendar.objects.first()
        if existing is not None and self.has_change_permission(request, existing):
            return redirect("admin:orders_businesscalendar_change", existing.pk)
        return super().add_view(request, form_url, extra_context)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(QuoteTemplate)
class QuoteTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "is_active", "updated_at")
    list_filter = ("is_active",)
    search_fields = ("name", "body")
