"""Test-only URLs: the project's, plus views that fail in a way no view handles."""

from django.urls import path
from rest_framework.views import APIView

from config.urls import urlpatterns as project_urlpatterns

# What a careless error page would leak: it must appear in the log, never in a response.
INTERNALS = "password=hunter2 at db.internal:5432"


def fail(request):
    raise RuntimeError(INTERNALS)


class FailingApiView(APIView):
    authentication_classes = []
    permission_classes = []
    throttle_classes = []

    def get(self, request):
        fail(request)


urlpatterns = [
    path("api/v1/test-failures/drf/", FailingApiView.as_view()),
    path("api/v1/test-failures/plain/", fail),
    path("portal-test-failure/", fail),
    *project_urlpatterns,
]
