"""Order numbers, unique per year: `2026-000123`."""

import re

from django.db import IntegrityError, ProgrammingError, connection, transaction
from django.db.models import CharField, F
from django.db.models.expressions import RawSQL

from orders.models import Order, OrderNumberSequence

_READY_SEQUENCES: set[str] = set()


def order_number_next(*, year: int) -> str:
    """The next number of the year. Call inside the order's transaction.

    On PostgreSQL a sequence per year hands numbers out without holding a lock, so
    concurrent intake does not queue; a rolled-back order leaves a gap. Elsewhere
    (SQLite, which serialises writers anyway) a counter row is incremented under its
    row lock, and a rollback gives the number back.
    """
    if connection.vendor == "postgresql":
        value = _next_from_sequence(year)
    else:
        value = _next_from_counter_row(year)
    return f"{year}-{value:06d}"


def _sequence_name(year: int) -> str:
    return f"orders_number_{int(year)}"


def _highest_number_taken(year: int) -> int:
    row = OrderNumberSequence.objects.filter(year=year).values_list("last_value", flat=True)
    highest = row.first() or 0
    last = (
        Order.objects.filter(number__startswith=f"{year}-")
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    if last and re.fullmatch(r"\d{4}-\d{6,}", last):
        highest = max(highest, int(last.split("-", 1)[1]))
    return highest


def order_number_for_insert(*, year: int) -> str | RawSQL:
    """`order_number_next` as the order's INSERT sets it. On PostgreSQL an expression
    the INSERT evaluates, sparing a statement of its own: `Order.number` is a column the
    INSERT returns, so the saved order holds the number. Call inside the transaction."""
    if connection.vendor != "postgresql":
        return order_number_next(year=year)
    name = _sequence_ready(year)
    return RawSQL(
        "(SELECT %s::text || '-' || CASE WHEN value < 1000000 THEN lpad(value::text, 6, '0')"
        " ELSE value::text END FROM nextval(%s) AS value)",
        [str(year), name],
        output_field=CharField(),
    )


def _sequence_ready(year: int) -> str:
    """The year's sequence, made on its first use."""
    name = _sequence_name(year)
    if name not in _READY_SEQUENCES:
        try:
            # A savepoint, so a failed DDL does not spoil the order's transaction.
            with transaction.atomic(), connection.cursor() as cursor:
                start = _highest_number_taken(year) + 1
                cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {name} START WITH {start}")
        except (IntegrityError, ProgrammingError):
            pass  # another transaction created it at the same moment
        # Remembered only once committed: a rolled-back order takes its DDL with it.
        transaction.on_commit(lambda: _READY_SEQUENCES.add(name))
    return name


def _next_from_sequence(year: int) -> int:
    name = _sequence_ready(year)
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [name])
        return cursor.fetchone()[0]


def _next_from_counter_row(year: int) -> int:
    for _attempt in range(3):
        if connection.features.can_return_columns_from_insert:
            # SQLite 3.35+: the increment and its result in one statement.
            table = connection.ops.quote_name(OrderNumberSequence._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET last_value = last_value + 1 "  # noqa: S608 (our table)
                    "WHERE year = %s RETURNING last_value",
                    [year],
                )
                row = cursor.fetchone()
            if row is not None:
                return row[0]
        elif OrderNumberSequence.objects.filter(year=year).update(last_value=F("last_value") + 1):
            return OrderNumberSequence.objects.values_list("last_value", flat=True).get(year=year)
        try:
            with transaction.atomic():
                OrderNumberSequence.objects.create(year=year, last_value=1)
            return 1
        except IntegrityError:
            continue  # another transaction created the year's row first: take the UPDATE path
    raise RuntimeError("Could not allocate an order number")  # pragma: no cover


# No order is numbered before this year: the years a bare number may belong to start here.
FIRST_NUMBER_YEAR = 2000


def order_numbers_for_query(text: str, *, this_year: int) -> list[str]:
    """The order numbers a typed query may mean, matched exactly (never as a prefix).

    `2026-000008` and `2026-8` are that number; `000008` and `8` are the eighth order of
    any year (a short list, so the unique index on `number` answers it).
    """
    text = text.strip()
    if match := re.fullmatch(r"(\d{4})-(\d{1,9})", text):
        return [f"{match[1]}-{int(match[2]):06d}"]
    if re.fullmatch(r"\d{1,9}", text) and int(text) > 0:
        years = range(FIRST_NUMBER_YEAR, this_year + 1)
        return [f"{year}-{int(text):06d}" for year in years]
    return []
