"""Query shapes compiled to SQL once per process, then run with new values.

Django compiles a queryset to SQL each time it is evaluated. For a page reloaded all day
whose reads never change shape (the order page: the order with six joined relations, then
its lines, events, quotes, payments, invoices), compiling cost about 4 ms of CPU per
request, far more than running the statements. A `QueryShape` is built once with marker
values where the real ones go, compiled once per database, and run with the values put in
the markers' places; its rows become instances through the compiler's own converters and
related populators, as `QuerySet` makes them.

Only for shapes whose SQL depends on nothing but the marked values: no language, setting or
permission may change the query a builder makes.
"""

import copy
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators
from django.db.models.sql.compiler import SQLCompiler

# Keys no table holds: negative, far beyond any row's. Text no builder's own constants hold;
# a marker is only compiled, never sent.
_FIRST_MARKER = -(10**15)
_TEXT_MARKER = "\x00query-shape-{}\x00"


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    slots: dict[str, tuple[int, ...]]
    compiler: SQLCompiler
    converters: dict
    related_populators: list
    init_list: list[str]
    model_fields: slice


class QueryShape:
    """`QueryShape(build, "order_id")`: `build(order_id=<marker>)` gives the queryset; then
    `shape.objects(order_id=5)` is `list(build(order_id=5))`, compiled once. A value named in
    `text` is a string (its marker too); the others are integers."""

    def __init__(self, build: Callable[..., QuerySet], *names: str, text: Iterable[str] = ()):
        text = frozenset(text)
        if text - set(names):
            raise ImproperlyConfigured(f"Not among the shape's values: {sorted(text - set(names))}")
        self._build = build
        self._markers = {
            name: _TEXT_MARKER.format(index) if name in text else _FIRST_MARKER - index
            for index, name in enumerate(names)
        }
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def objects(self, using: str = DEFAULT_DB_ALIAS, **values) -> list[Model]:
        compiled = self._compiled.get(using)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(using)
                if compiled is None:
                    compiled = self._compiled[using] = self._compile(using)
        params = list(compiled.params)
        for name, positions in compiled.slots.items():
            for position in positions:
                params[position] = values[name]
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        return _instances(compiled, rows, connection, using)

    def _compile(self, using: str) -> _Compiled:
        markers = self._markers
        compiler = self._build(**markers).query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        slots = {
            name: tuple(index for index, param in enumerate(params) if param == marker)
            for name, marker in markers.items()
        }
        unplaced = [name for name, positions in slots.items() if not positions]
        if unplaced:
            raise ImproperlyConfigured(f"The query's parameters do not hold {unplaced}.")
        klass_info = compiler.klass_info
        fields = klass_info["select_fields"]
        model_fields = slice(fields[0], fields[-1] + 1)
        selected = [column[0] for column in compiler.select[: compiler.col_count]]
        if compiler.has_composite_fields(selected):
            raise ImproperlyConfigured("A query shape does not read composite keys.")
        return _Compiled(
            sql=sql,
            params=tuple(params),
            slots=slots,
            compiler=compiler,
            # Asking every column for its converters cost more than converting the rows.
            converters=compiler.get_converters(selected),
            related_populators=get_related_populators(klass_info, compiler.select, using),
            init_list=[column[0].target.attname for column in compiler.select[model_fields]],
            model_fields=model_fields,
        )


def _instances(compiled: _Compiled, rows: list, connection, using: str) -> list[Model]:
    # As `django.db.models.query.ModelIterable` does (through `results_iter`), from rows
    # already fetched. The converters are given this thread's connection.
    compiler = copy.copy(compiled.compiler)
    compiler.connection = connection
    if compiler.has_extra_select:
        rows = [row[: compiler.col_count] for row in rows]
    model = compiler.klass_info["model"]
    annotations = compiler.annotation_col_map.items()
    objects = []
    if compiled.converters:
        rows = compiler.apply_converters(rows, compiled.converters)
    for row in rows:
        instance = model.from_db(using, compiled.init_list, row[compiled.model_fields])
        for populator in compiled.related_populators:
            populator.populate(row, instance)
        for name, position in annotations:
            setattr(instance, name, row[position])
        objects.append(instance)
    return objects
