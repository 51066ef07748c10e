"""Page numbers without counting every row: for lists that may run to thousands."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

# A page number past this is read as this (its rows are counted: a bigint must hold them).
MAX_PAGE_NUMBER = 1_000_000


class CappedPaginator(Paginator):
    """A paginator that counts at most `pages_ahead` pages past the one asked for.

    Counting a customer's 5,000 orders reads every one of them from the table (PostgreSQL
    checks each row's visibility), however few the page shows; this counts, in one
    statement still, only as far as the pages a reader can reach in a few clicks. When
    there are more rows, `capped` is true and `num_pages` is a floor: the page says
    "of more than N". Asking for a page further on counts that far, so every page is
    still reachable by its number, and the last one is told exactly.
    """

    capped = False

    def __init__(
        self, object_list, per_page, *, pages_ahead: int = 10, count_ordering=(), **kwargs
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.pages_ahead = pages_ahead
        # The order the count walks its rows in: one an index holds next to the filter's
        # column ("-pk" on `(customer, -id)`) lets it stop after `limit` index entries,
        # where unordered the planner reads every match's entry to build a bitmap first.
        self.count_ordering = tuple(count_ordering)
        self.wanted = 1

    def get_page(self, number):
        try:
            self.wanted = min(max(1, int(number)), MAX_PAGE_NUMBER)
        except (TypeError, ValueError):
            self.wanted = 1
        return super().get_page(number)

    @cached_property
    def count(self) -> int:
        limit = (self.wanted + self.pages_ahead) * self.per_page
        # Only the key: the count reads an index, not the columns the page shows.
        keys = self.object_list.values("pk").order_by(*self.count_ordering)
        counted = keys[: limit + 1].count()
        self.capped = counted > limit
        return min(counted, limit)
