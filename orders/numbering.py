from django.db import IntegrityError, transaction
from django.db.models import F

from orders.models import OrderNumberSequence


def order_number_next(*, year: int) -> str:
    """The next number of the year, e.g. `2026-000123`. Call inside the order's transaction.

    The UPDATE takes the sequence row's lock until that transaction ends, so concurrent
    creations queue up instead of reading the same value; a rolled-back creation gives
    its number back.
    """
    for _attempt in range(3):
        updated = OrderNumberSequence.objects.filter(year=year).update(
            last_value=F("last_value") + 1
        )
        if updated:
            value = OrderNumberSequence.objects.values_list("last_value", flat=True).get(year=year)
            return f"{year}-{value:06d}"
        try:
            with transaction.atomic():
                OrderNumberSequence.objects.create(year=year, last_value=1)
            return f"{year}-{1:06d}"
        except IntegrityError:
            continue  # another transaction created the year's row first: take the UPDATE path
    raise RuntimeError("Could not allocate an order number")  # pragma: no cover
