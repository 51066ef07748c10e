from django.urls import path

from portals.manager import (
    bulk,
    carts,
    contracts,
    conversations,
    intake,
    money,
    orders,
    quotes,
    reports,
    support,
    tasks,
    views,
)

app_name = "portals_manager"

urlpatterns = [
    path("", views.ManagerHomeView.as_view(), name="home"),
    path("customers/", views.CustomerListView.as_view(), name="customer_list"),
    path("customers/new/", intake.customer_new, name="customer_new"),
    path("customers/lookup/", intake.customer_lookup_view, name="customer_lookup"),
    path("customers/<int:pk>/", views.CustomerCardView.as_view(), name="customer_card"),
    path("carts/", carts.cart_list, name="cart_list"),
    path("orders/", orders.order_desk, name="order_desk"),
    path("orders/bulk/", bulk.order_bulk, name="order_bulk"),
    path("orders/new-requests/", orders.order_desk_new_requests, name="order_desk_new_requests"),
    path("orders/new/", intake.order_new, name="order_new"),
    path("orders/new/item-form/", intake.order_new_item_form, name="order_new_item_form"),
    path("orders/<int:pk>/", orders.order_page, name="order_page"),
    path("orders/<int:pk>/details/", intake.order_details_edit, name="order_details"),
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
    path(
        "orders/<int:pk>/quotes/revise/",
        quotes.order_revise_quote,
        name="order_revise_quote",
    ),
    path(
        "orders/<int:pk>/quotes/<int:quote_id>/price/",
        quotes.order_price_quote,
        name="order_price_quote",
    ),
    path(
        "orders/<int:pk>/contract-signed/",
        contracts.order_contract_signed,
        name="order_contract_signed",
    ),
    path("orders/<int:pk>/delivery/", orders.order_update_delivery, name="order_delivery"),
    path("orders/<int:pk>/invoices/", money.order_issue_invoice, name="order_issue_invoice"),
    path("orders/<int:pk>/payments/", money.order_record_payment, name="order_record_payment"),
    path("orders/<int:pk>/refunds/", money.order_refund_payment, name="order_refund_payment"),
    path("orders/<int:pk>/chat/", conversations.order_chat, name="order_chat"),
    path("orders/<int:pk>/chat/messages/", conversations.order_chat_post, name="order_chat_post"),
    path("orders/<int:pk>/chat/poll/", conversations.order_chat_poll, name="order_chat_poll"),
    path("orders/<int:pk>/tasks/", tasks.order_task_add, name="order_task_add"),
    path("tasks/", tasks.task_list, name="task_list"),
    path("tasks/new/", tasks.task_new, name="task_new"),
    path("tasks/<int:pk>/done/", tasks.task_done, name="task_done"),
    path("tasks/<int:pk>/reassign/", tasks.task_reassign_page, name="task_reassign"),
    path("support/", support.support_desk, name="support_desk"),
    path("reports/", reports.reports, name="reports"),
    path("reports/<slug:table>.csv", reports.report_export, name="report_export"),
]
