"""What other apps may hook onto in an order's life, without orders importing them.

Both are sent by `orders.services` inside the transition's transaction, with the order
locked, so a receiver's writes commit or roll back with the change; a receiver that
raises refuses the change. Apps above orders (tasks) connect in their `AppConfig.ready`.
"""

from django.dispatch import Signal

# A stage was entered: on creation (the first stage) and on every transition.
# Arguments: order, event (the OrderEvent that recorded it).
stage_entered = Signal()

# The order left a stage for another one. Arguments: order, left_state, at.
stage_left = Signal()
