from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from api import views

app_name = "api-v1"

router = SimpleRouter()
router.register("customers", views.CustomerViewSet, basename="customer")
router.register("items", views.ItemViewSet, basename="item")
router.register("attributes", views.AttributeViewSet, basename="attribute")
router.register("orders", views.OrderViewSet, basename="order")
router.register("webhooks", views.WebhookSubscriptionViewSet, basename="webhook")

urlpatterns = [
    path("changes/", views.ChangeFeedView.as_view(), name="changes"),
    *router.urls,
    re_path(r"^", views.NotFoundView.as_view(), name="not-found"),
]
