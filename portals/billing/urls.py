from django.urls import path

from portals.billing import views

app_name = "billing"

urlpatterns = [
    path("orders/<int:pk>/documents/<slug:slug>/", views.document_download, name="document"),
    path("orders/<int:pk>/pay/", views.payment_begin, name="pay"),
    path(
        "online-payments/<int:attempt_id>/return/",
        views.online_payment_return,
        name="online_return",
    ),
    path("yookassa/notifications/", views.gateway_notification, name="gateway_notification"),
]
