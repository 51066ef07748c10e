from django.urls import path

from portals.manager import orders, views

app_name = "portals_manager"

urlpatterns = [
    path("", views.ManagerHomeView.as_view(), name="home"),
    path("customers/", views.CustomerListView.as_view(), name="customer_list"),
    path("customers/<int:pk>/", views.CustomerCardView.as_view(), name="customer_card"),
    path("orders/", orders.order_desk, name="order_desk"),
    path("orders/<int:pk>/", orders.order_page, name="order_page"),
    path(
        "orders/<int:pk>/transitions/<slug:name>/",
        orders.order_take_transition,
        name="order_transition",
    ),
    path(
        "orders/<int:pk>/quotes/<int:quote_id>/send/",
        orders.order_send_quote,
        name="order_send_quote",
    ),
    path("orders/<int:pk>/delivery/", orders.order_update_delivery, name="order_delivery"),
]
