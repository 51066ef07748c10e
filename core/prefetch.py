"""Rows a caller already holds, set on an instance as if `prefetch_related` had read them."""

from collections.abc import Iterable

from django.db.models import Model


def relation_loaded(instance: Model, name: str, rows: Iterable[Model]) -> None:
    """Make `instance.<name>.all()` return `rows` without a query (Django's own prefetch
    cache: a filtered queryset whose results are already there). Only for rows that are,
    at that moment, all the relation holds."""
    queryset = getattr(instance, name).get_queryset()
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[getattr(type(instance), name).rel.cache_name] = queryset
