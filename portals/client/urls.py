from django.urls import path

from portals.client import cart, catalog, orders, payments, views

app_name = "portals_client"

urlpatterns = [
    path("", views.ClientHomeView.as_view(), name="home"),
    path("catalog/", catalog.catalog_list, name="catalog"),
    path("catalog/c/<slug:slug>/", catalog.catalog_list, name="catalog_category"),
    path("catalog/items/<int:pk>/", catalog.item_page, name="item_page"),
    path("cart/", cart.cart_page, name="cart"),
    path("cart/lines/<int:pk>/", cart.cart_line_update, name="cart_line_update"),
    path("cart/lines/<int:pk>/remove/", cart.cart_line_remove, name="cart_line_remove"),
    path("cart/submit/", cart.cart_submit_view, name="cart_submit"),
    path("cart/<int:pk>/confirmation/", cart.cart_confirmation, name="cart_confirmation"),
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
    path(
        "orders/<int:pk>/pay-from-balance/",
        payments.order_pay_from_balance,
        name="order_pay_from_balance",
    ),
]
