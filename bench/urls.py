"""The app's URLs plus the two baselines the benchmarks set pages and endpoints against."""

import uuid

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from config.urls import urlpatterns as app_urlpatterns
from notifications.models import OutboxMessage
from orders.models import Order


@csrf_exempt
def baseline(request):
    """One INSERT through the ORM and a JSON answer: the floor an order creation is set against."""
    row = OutboxMessage.objects.create(
        topic="bench.baseline",
        aggregate_type="bench",
        aggregate_id=0,
        payload={},
        dedupe_key=f"bench-{uuid.uuid4().hex}",
    )
    return JsonResponse({"id": row.pk}, status=201)


@require_GET
@login_required
def baseline_select(request):
    """One indexed SELECT for a logged-in user and a JSON answer: the floor of a page, with the
    same middleware (session, user, CSRF, security headers) as every page of the app."""
    newest = Order.objects.order_by("-pk").values("pk", "number").first()
    return JsonResponse({"newest": newest})


urlpatterns = [
    path("bench/baseline/", baseline),
    path("bench/select/", baseline_select),
    *app_urlpatterns,
]
