from django.urls import path

from portals.client import cart, catalog, conversations, orders, payments, repeat, tickets, views

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
    path("orders/<int:pk>/repeat/", repeat.order_repeat_now, name="order_repeat"),
    path("orders/<int:pk>/schedule/", repeat.order_schedule, name="order_schedule"),
    path("schedules/<int:schedule_id>/stop/", repeat.schedule_stop, name="schedule_stop"),
    path("support/", tickets.ticket_list, name="ticket_list"),
    path("support/new/", tickets.ticket_new, name="ticket_new"),
    path(
        "orders/<int:pk>/pay-from-balance/",
        payments.order_pay_from_balance,
        name="order_pay_from_balance",
    ),
    path("orders/<int:pk>/chat/", conversations.order_chat, name="order_chat"),
    path("orders/<int:pk>/chat/messages/", conversations.order_chat_post, name="order_chat_post"),
    path("orders/<int:pk>/chat/poll/", conversations.order_chat_poll, name="order_chat_poll"),
    path(
        "orders/<int:pk>/chat/files/<int:message_id>/",
        conversations.order_chat_file,
        name="order_chat_file",
    ),
    path("orders/<int:pk>/feedback/", conversations.order_feedback, name="order_feedback"),
]
