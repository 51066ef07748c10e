"""One support ticket's story: opened by the client or a manager, taken, asked about,
resolved and closed (or cancelled, or left at a state), through the services."""

from conversations.services import message_post
from demo.story.plans import TICKET_SUBJECTS
from demo.story.sales import OrderStory
from orders.lifecycle import OrderKind, State
from orders.models import Order
from orders.services import order_create

PRIORITIES = [Order.Priority.LOW, Order.Priority.NORMAL, Order.Priority.HIGH, Order.Priority.URGENT]


def _stops_at(story: OrderStory, state: str) -> bool:
    return story.plan.outcome == "waiting" and story.plan.stage == state


def ticket_story(story: OrderStory):
    plan, rng, manager = story.plan, story.rng, story.manager
    subject, comment = rng.choice(TICKET_SUBJECTS)
    story.order = order_create(
        customer=story.customer,
        contact=story.contact,
        kind=OrderKind.SUPPORT,
        lines=[],
        by=story.client if plan.by_client else manager,
        channel=Order.Channel.PORTAL if plan.by_client else Order.Channel.PHONE,
        external_id=plan.external_id,
        subject=subject,
        comment=comment,
        priority=rng.choices(PRIORITIES, weights=[2, 5, 3, 1])[0],
    )
    if plan.outcome == "lost":
        yield from story.later(minutes=(10, 120))
        story.transition("cancel", by=manager, reason="Дубль обращения")
        return
    if _stops_at(story, State.NEW):
        return
    yield from story.later(minutes=(10, 150))
    story.transition("take_ticket", by=manager)
    for _round in range(plan.revisions):
        yield from story.later(hours=(0.5, 6))
        message_post(order=story.order, author=manager, body="Пришлите, пожалуйста, фото.")
        story.transition("ask_client", by=manager)
        if _stops_at(story, State.WAITING_CLIENT):
            return
        yield from story.later(hours=(2, 30))
        message_post(order=story.order, author=story.client, body="Отправили фото, посмотрите.")
        story.transition("client_replied", by=story.client)
    if _stops_at(story, State.IN_PROGRESS):
        return
    yield from story.later(hours=(1, 30))
    story.transition("resolve", by=manager, note="Мастер выехал, всё исправлено")
    if _stops_at(story, State.RESOLVED):
        return
    yield from story.later(days=(0.5, 3))
    story.transition("close_ticket", by=story.client)
