"""The catalog of the client portal: categories, search, filters, the item page, adding to
the cart. Reads come from `catalog.selectors`, the one write from `carts.services`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from carts.errors import CartError
from carts.services import cart_add_item
from catalog.order_forms import order_form_class, order_form_fields
from catalog.selectors import (
    attribute_facets,
    catalog_categories,
    catalog_category_get,
    catalog_item_get,
    catalog_items,
    category_breadcrumbs,
    item_attribute_values,
    item_filter,
    item_filter_attributes,
    item_search,
    item_sort,
    offer_best_for_items,
    with_attribute_values,
)
from core.portals import CLIENT_PORTAL_PERMISSION
from portals.client.cart_count import remember_cart_count
from portals.client.catalog_forms import (
    ATTRIBUTE_PARAM_PREFIX,
    CatalogFilterForm,
    QuantityForm,
    attribute_selection,
)

PAGE_SIZE = 24
# The order form's fields get a prefix so that none can clash with "quantity".
ORDER_FORM_PREFIX = "custom"
clients_only = permission_required(CLIENT_PORTAL_PERMISSION, raise_exception=True)


@require_GET
@login_required
@clients_only
def catalog_list(request, slug=None):
    category = catalog_category_get(slug=slug) if slug else None
    form = CatalogFilterForm(request.GET or None)
    filters = form.filters()
    items = item_filter(
        catalog_items(category),
        kind=filters.get("kind", ""),
        price_min=filters.get("price_min"),
        price_max=filters.get("price_max"),
        in_stock=filters.get("in_stock", False),
    )
    query = filters.get("q", "")
    if query:
        items = item_search(items, query)
    selected = attribute_selection(request.GET)
    facets = attribute_facets(items, selected)
    items = with_attribute_values(item_filter_attributes(items, selected))
    sort = filters.get("sort") or ("" if query else "name")
    page = Paginator(item_sort(items, sort), PAGE_SIZE).get_page(request.GET.get("page"))
    page_items = list(page.object_list)
    offers = offer_best_for_items(page_items)
    return render(
        request,
        "portals/client/catalog_list.html",
        {
            "form": form,
            "category": category,
            "breadcrumbs": category_breadcrumbs(category) if category else [],
            "categories": list(catalog_categories()),
            "page_obj": page,
            "rows": [(item, offers.get(item.pk)) for item in page_items],
            "query": query,
            "facets": facets,
            "attribute_param_prefix": ATTRIBUTE_PARAM_PREFIX,
            "is_filtered": bool(selected)
            or any(value not in (None, "", False) for value in filters.values()),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@clients_only
def item_page(request, pk):
    """The item, its current offer, and its order form; POST puts it into the cart."""
    item = catalog_item_get(item_id=pk)
    fields = order_form_fields(item)
    order_form = order_form_class(item, fields)
    data = request.POST if request.method == "POST" else None
    quantity_form = QuantityForm(data)
    custom_form = order_form(data, prefix=ORDER_FORM_PREFIX)
    if request.method == "POST":
        # Both forms are checked so the client sees every error at once.
        forms_valid = [quantity_form.is_valid(), custom_form.is_valid()]
        if all(forms_valid):
            try:
                cart_add_item(
                    by=request.user,
                    item=item,
                    quantity=quantity_form.cleaned_data["quantity"],
                    custom_values=custom_form.cleaned_data,
                )
            except ValidationError as error:
                _show_errors(error, quantity_form, custom_form)
            except CartError as error:
                for message in error.messages:
                    messages.error(request, str(message))
            else:
                remember_cart_count(request)
                messages.success(request, _("“%(name)s” is in your cart.") % {"name": item.name})
                return redirect("portals_client:item_page", pk=item.pk)
    offer = offer_best_for_items([item]).get(item.pk)
    return render(
        request,
        "portals/client/item_page.html",
        {
            "item": item,
            "offer": offer,
            "attribute_values": item_attribute_values(item),
            "breadcrumbs": category_breadcrumbs(item.category) if item.category_id else [],
            "quantity_form": quantity_form,
            "custom_form": custom_form,
        },
    )


def _show_errors(error: ValidationError, quantity_form, custom_form) -> None:
    """Put the service's per-field errors on the field they name."""
    for name, field_messages in error.message_dict.items():
        for message in field_messages:
            if name in quantity_form.fields:
                quantity_form.add_error(name, message)
            elif name in custom_form.fields:
                custom_form.add_error(name, message)
            else:
                custom_form.add_error(None, message)
