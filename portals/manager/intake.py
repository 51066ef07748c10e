"""Taking an order by phone: a new customer, a new order, the customer search that serves
them, and the order's own details on the order page. Thin views over the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalog.models import Item
from core.form_errors import form_add_errors
from core.portals import MANAGER_PORTAL_PERMISSION
from customers.models import Customer
from customers.selectors import customer_find_duplicates, customer_lookup
from customers.services import customer_create
from orders.errors import OrderError, OrderPermissionError, OrderValidationError
from orders.selectors import order_get_for_user
from orders.services import order_create, order_details_update
from portals.error_messages import report_order_error
from portals.manager.intake_forms import (
    CatalogLineFormSet,
    ContactFormSet,
    CustomerNewForm,
    FreeLineFormSet,
    OrderDetailsForm,
    OrderNewForm,
)
from portals.manager.line_rows import (
    ROW_PREFIX,
    catalog_row_options,
    int_or_none,
    line_errors_add,
    new_line_inputs,
    options_form,
)
from portals.manager.order_page import order_page_response

LOOKUP_LIMIT = 20

customer_adders = permission_required(
    (MANAGER_PORTAL_PERMISSION, "customers.add_customer"), raise_exception=True
)
customer_viewers = permission_required(
    (MANAGER_PORTAL_PERMISSION, "customers.view_customer"), raise_exception=True
)
order_takers = permission_required(
    (MANAGER_PORTAL_PERMISSION, "orders.process_order", "customers.view_customer"),
    raise_exception=True,
)
order_processors = permission_required(
    (MANAGER_PORTAL_PERMISSION, "orders.view_all_orders", "orders.process_order"),
    raise_exception=True,
)


# A new customer


@require_http_methods(["GET", "POST"])
@login_required
@customer_adders
def customer_new(request):
    """The customer with one or more contacts. Likely duplicates (the same INN, email or
    phone) are listed before saving; "create anyway" goes past them."""
    form = CustomerNewForm(request.POST or None)
    contacts = ContactFormSet(request.POST or None, prefix="contacts")
    duplicates = []
    if request.method == "POST" and form.is_valid() and contacts.is_valid():
        contact_rows = [row.cleaned_data for row in contacts if row.cleaned_data]
        duplicates = customer_find_duplicates(
            inn=form.cleaned_data["inn"],
            emails=[row.get("email", "") for row in contact_rows],
            phones=[row.get("phone", "") for row in contact_rows],
        )
        if not duplicates or form.cleaned_data["create_anyway"]:
            fields = {name: form.cleaned_data[name] for name in CustomerNewForm.Meta.fields}
            try:
                customer = customer_create(
                    fields={**fields, "manager": request.user},
                    contacts=contact_rows,
                    by=request.user,
                )
            except ValidationError as error:
                _customer_errors(form, contacts, error.message_dict)
            else:
                messages.success(request, _("Customer “%(name)s” created.") % {"name": customer})
                return redirect("portals_manager:customer_card", pk=customer.pk)
    return render(
        request,
        "portals/manager/customer_new.html",
        {"form": form, "contacts": contacts, "duplicates": duplicates},
    )


def _customer_errors(form, contacts, errors: dict) -> None:
    for key, texts in errors.items():
        parts = key.split(".")
        if parts[0] == "contacts" and len(parts) == 3 and parts[1].isdigit():
            index = int(parts[1])
            if index < len(contacts.forms):
                form_add_errors(contacts.forms[index], {parts[2]: texts})
                continue
        form_add_errors(form, {key: texts})


# The customer search of the order page


@require_GET
@login_required
@customer_viewers
def customer_lookup_view(request):
    """Customers matching `q` by name, INN, email or phone: JSON, or for htmx the list
    of links that pick one on the new order page."""
    query = request.GET.get("q", "").strip()[:100]
    customers = customer_lookup(query=query, limit=LOOKUP_LIMIT) if len(query) >= 2 else []
    if request.htmx:
        return render(
            request,
            "portals/manager/_customer_lookup.html",
            {"customers": customers, "query": query, "kind": request.GET.get("kind", "")},
        )
    return JsonResponse(
        {
            "results": [
                {
                    "id": customer.pk,
                    "name": customer.name,
                    "inn": customer.inn,
                    "email": customer.email,
                    "phone": customer.phone,
                    "url": reverse("portals_manager:customer_card", args=[customer.pk]),
                    "new_order_url": reverse("portals_manager:order_new")
                    + f"?customer={customer.pk}",
                    "contacts": [
                        {"id": contact.pk, "name": contact.name}
                        for contact in customer.contacts.all()
                    ],
                }
                for customer in customers
            ]
        }
    )


# A new order


@require_GET
@login_required
@order_takers
def order_new_item_form(request):
    """One catalog row's order form, loaded by htmx when the row's item changes."""
    prefix = request.GET.get("prefix", "")
    if not ROW_PREFIX.fullmatch(prefix):
        return HttpResponseBadRequest("prefix")
    item = Item.objects.filter(
        pk=int_or_none(request.GET.get(f"{prefix}-item")), is_active=True
    ).first()
    return render(
        request,
        "portals/manager/_order_line_options.html",
        {"options": options_form(item, prefix) if item else None},
    )


@require_http_methods(["GET", "POST"])
@login_required
@order_takers
def order_new(request):
    """An order taken by phone, email or at a visit: catalog lines with their order forms,
    free lines for what the catalog lacks, delivery and payment; `?customer=` prefills."""
    data = request.POST if request.method == "POST" else None
    customer = _chosen_customer(request)
    form = OrderNewForm(
        data, customer=customer, initial={"customer": customer, "kind": request.GET.get("kind")}
    )
    catalog_rows = CatalogLineFormSet(data, prefix="cat")
    free_rows = FreeLineFormSet(data, prefix="free")
    options = catalog_row_options(catalog_rows, data)
    if data is not None:
        valid = [form.is_valid(), catalog_rows.is_valid(), free_rows.is_valid()]
        if all(valid) and customer is not None:
            order = _order_create(request, form, catalog_rows, free_rows, options, customer)
            if order is not None:
                messages.success(request, _("Order %(number)s created.") % {"number": order})
                return redirect("portals_manager:order_page", pk=order.pk)
    return render(
        request,
        "portals/manager/order_new.html",
        {
            "form": form,
            "customer": customer,
            "catalog_rows": list(zip(catalog_rows.forms, options, strict=True)),
            "catalog_formset": catalog_rows,
            "free_rows": free_rows,
        },
    )


def _chosen_customer(request) -> Customer | None:
    raw = request.POST.get("customer") if request.method == "POST" else request.GET.get("customer")
    if not raw:
        return None
    customer = Customer.objects.filter(pk=int_or_none(raw)).first()
    if customer is None and request.method == "GET":
        raise Http404("No such customer")
    return customer


def _order_create(request, form, catalog_rows, free_rows, options, customer):
    """Call the service; its refusals go onto the fields and rows they name."""
    lines, places = new_line_inputs(catalog_rows, options, free_rows)
    data = form.cleaned_data
    try:
        return order_create(
            customer=customer,
            kind=data["kind"],
            lines=lines,
            by=request.user,
            channel=data["channel"],
            contact=data["contact"],
            manager=request.user,
            payment_terms=data["payment_terms"] or None,
            comment=data["comment"],
            service_date=data["service_date"],
            service_place=data["service_place"],
            delivery_method=data["delivery_method"],
            delivery_address=data["delivery_address"],
        )
    except OrderPermissionError as error:
        raise PermissionDenied from error
    except OrderValidationError as error:
        line_errors_add(form, places, error.errors)
    except OrderError as error:
        report_order_error(request, error)
    return None


# The order's own details on the order page


@require_POST
@login_required
@order_processors
def order_details_edit(request, pk):
    order = order_get_for_user(user=request.user, order_id=pk)
    form = OrderDetailsForm(request.POST, order=order, prefix="details")
    if form.is_valid():
        try:
            order_details_update(order=order, by=request.user, changes=form.cleaned_data)
        except OrderValidationError as error:
            form_add_errors(form, error.errors)
        except OrderError as error:
            report_order_error(request, error)
            return redirect("portals_manager:order_page", pk=pk)
        else:
            messages.success(request, _("Order details saved."))
            return redirect("portals_manager:order_page", pk=pk)
    order = order_get_for_user(user=request.user, order_id=pk)
    return order_page_response(request, order, details_form=form)
