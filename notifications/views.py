from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from notifications.selectors import notification_list_for_user, notification_unread_count
from notifications.services import notifications_mark_read


@require_GET
@login_required
def notification_list(request):
    """Every logged-in user has their own notifications; nothing here is shared."""
    page = Paginator(notification_list_for_user(user=request.user), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/list.html",
        {"page_obj": page, "notifications": page.object_list},
    )


@require_GET
@login_required
def notification_bell(request):
    return render(
        request,
        "notifications/_bell.html",
        {"unread_count": notification_unread_count(user=request.user)},
    )


@require_POST
@login_required
def notification_mark_read(request):
    raw_id = request.POST.get("notification", "")
    if raw_id and not raw_id.isdigit():
        # A bad id must not fall through to "mark all".
        return HttpResponseBadRequest("notification must be a number")
    notifications_mark_read(user=request.user, notification_id=int(raw_id) if raw_id else None)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications:list")
