"""The app's URLs plus the baselines the benchmarks set pages and endpoints against."""

import uuid

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import urlpatterns as app_urlpatterns
from notifications.models import OutboxMessage
from orders.models import Order


@csrf_exempt
def baseline(request):
    """One INSERT through the ORM and a JSON answer: the floor an order creation is set against."""
    return JsonResponse({"id": _outbox_row().pk}, status=201)


class ApiBaseline(APIView):
    """One INSERT behind the API's own door: its key authentication (the client with its
    user's permissions, one query), its throttle count, its JSON parser and renderer. Not a
    target of issue 19: a reference for API create, whose one-INSERT floor above pays none of
    that. The body is parsed and ignored."""

    def post(self, request):
        request.data  # noqa: B018 (parsed as the API parses, then ignored)
        return Response({"id": _outbox_row().pk}, status=201)


def _outbox_row() -> OutboxMessage:
    return OutboxMessage.objects.create(
        topic="bench.baseline",
        aggregate_type="bench",
        aggregate_id=0,
        payload={},
        dedupe_key=f"bench-{uuid.uuid4().hex}",
    )


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
    path("bench/api-baseline/", ApiBaseline.as_view()),
    *app_urlpatterns,
]
