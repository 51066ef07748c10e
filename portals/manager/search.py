"""The manager portal's search box: orders, customers and tickets a query names, by group."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from core.portals import MANAGER_PORTAL_PERMISSION
from customers.selectors import customer_search_results
from orders.lifecycle import OrderKind
from orders.selectors import SEARCH_GROUP_SIZE, order_search_results

QUERY_MAX_LENGTH = 100


@dataclass(frozen=True)
class ResultGroup:
    name: str
    rows: list
    has_more: bool
    all_url: str


def _group(name: str, rows: list, all_url: str) -> ResultGroup:
    return ResultGroup(name, rows[:SEARCH_GROUP_SIZE], len(rows) > SEARCH_GROUP_SIZE, all_url)


@require_GET
@login_required
@permission_required(MANAGER_PORTAL_PERMISSION, raise_exception=True)
def search(request):
    """Who may: manager-portal staff. Orders and tickets are those the user may see
    (`order_list_for_user`); customers only for those who may view customers."""
    query = " ".join(request.GET.get("q", "").replace("\x00", "").split())[:QUERY_MAX_LENGTH]
    groups = []
    if query:
        user = request.user
        desk = reverse("portals_manager:order_desk")
        groups.append(
            _group(
                "orders",
                order_search_results(user=user, query=query),
                f"{desk}?{urlencode({'q': query})}",
            )
        )
        if user.has_perm("customers.view_customer"):
            customers = reverse("portals_manager:customer_list")
            groups.append(
                _group(
                    "customers",
                    customer_search_results(query=query, limit=SEARCH_GROUP_SIZE),
                    f"{customers}?{urlencode({'q': query})}",
                )
            )
        groups.append(
            _group(
                "tickets",
                order_search_results(user=user, query=query, tickets=True),
                f"{desk}?{urlencode({'q': query, 'kind': OrderKind.SUPPORT})}",
            )
        )
    return render(
        request,
        "portals/manager/search.html",
        {
            "query": query,
            "header_search_query": query,
            "groups": groups,
            "found_any": any(group.rows for group in groups),
        },
    )
