"""The app's URLs plus a baseline view that performs one INSERT, for bench/api_orders.py."""

import uuid

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as app_urlpatterns
from notifications.models import OutboxMessage


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


urlpatterns = [path("bench/baseline/", baseline), *app_urlpatterns]
