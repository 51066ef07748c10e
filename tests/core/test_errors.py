from carts.errors import CartError, CartSubmittedError
from core.errors import DomainError
from orders.errors import OrderError, OrderValidationError
from portals.error_messages import FIELD_LABELS, order_error_texts
from tasks.errors import TaskError, TaskValidationError


def test_app_errors_share_the_base_and_keep_their_attributes():
    order = OrderValidationError({"reason": ["Required."]})
    task = TaskValidationError({"title": ["Required."]})
    cart = CartSubmittedError(order_id=7)

    assert all(isinstance(e, DomainError) for e in (order, task, cart))
    assert order.errors == {"reason": ["Required."]}
    assert order.messages == ["reason: Required."]
    assert str(order) == "reason: Required."
    assert task.errors == {"title": ["Required."]}
    assert task.message == TaskValidationError.default_message
    assert str(task) == str(TaskValidationError.default_message)
    assert cart.order_id == 7
    assert cart.messages == [CartSubmittedError.default_message]
    assert OrderError("Stop.").errors is None
    assert str(CartError(messages=["a", "b"])) == "a; b"


def test_portals_show_any_domain_error():
    assert order_error_texts(TaskError("Busy.")) == ["Busy."]
    assert order_error_texts(TaskValidationError({"title": ["Required."]})) == ["title: Required."]
    assert order_error_texts(OrderValidationError({"reason": ["Required."]})) == [
        f"{FIELD_LABELS['reason']}: Required."
    ]
