from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from core.portals import home_portal_for


@require_GET
@login_required
def home(request):
    """Send each user to the portal of their role."""
    portal = home_portal_for(request.user)
    if portal is None:
        return render(request, "core/no_portal.html", status=403)
    return redirect(portal.url_name)


@require_GET
def health(request):
    """Liveness for load balancers: public, and tells nothing but that the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
