from django.urls import path

from portals.client import orders, views

app_name = "portals_client"

urlpatterns = [
    path("", views.ClientHomeView.as_view(), name="home"),
    path("orders/", orders.order_list, name="order_list"),
    path("orders/<int:pk>/", orders.order_page, name="order_page"),
    path(
        "orders/<int:pk>/transitions/<slug:name>/",
        orders.order_take_transition,
        name="order_transition",
    ),
    path("orders/<int:pk>/quote/accept/", orders.order_accept_quote, name="order_accept_quote"),
    path(
        "orders/<int:pk>/confirm-receipt/",
        orders.order_confirm_receipt,
        name="order_confirm_receipt",
    ),
]
