"""Demo chat on an order waiting for the client's answer, and feedback on a closed one.

Written through the services like real ones; run again, it adds nothing.
"""

from conversations.models import Feedback, OrderMessage
from conversations.services import feedback_leave, message_post
from orders.models import Order

CHAT_ORDER, RATED_ORDER = "DEMO-O-002", "DEMO-O-005"


def seed_conversations(staff) -> None:
    manager = staff["manager1"]
    order = Order.objects.filter(external_id=CHAT_ORDER).select_related("contact__user").first()
    if order is not None and not OrderMessage.objects.filter(order=order).exists():
        client_user = order.contact.user
        message_post(
            order=order,
            author=client_user,
            body="Здравствуйте! Можно ли поставить стулья до конца месяца?",
        )
        message_post(
            order=order,
            author=manager,
            body="Добрый день! Да, успеем: в КП срок 10 рабочих дней после оплаты.",
        )
    rated = Order.objects.filter(external_id=RATED_ORDER).select_related("contact__user").first()
    if rated is not None and not Feedback.objects.filter(order=rated).exists():
        feedback_leave(
            order=rated,
            author=rated.contact.user,
            rating=5,
            comment="Диван привезли вовремя, собрали аккуратно. Спасибо!",
        )
