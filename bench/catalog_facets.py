"""Catalog attribute filters against catalog size: 1,000 vs 50,000 items, 3 attributes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench \\
        .venv/bin/python bench/catalog_facets.py

Seeds items and their attribute values with bulk inserts (bench data, not through the
services), then times, median of 20 each:
- baseline: the page's item query as it was before attributes (24 rows and the count);
- the facets (value counts) with no selection and with two attributes selected;
- the whole catalog page over HTTP (Django's test client, a logged-in client user),
  unfiltered and with two attributes selected;
and prints the plan of the facet query with a selection.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")

import django

REPEATS = 20
MATERIALS = ["Дуб", "Бук", "Сосна", "Берёза", "Ясень", "Металл", "Пластик", "Стекло"]
COLOURS = [f"Цвет {n}" for n in range(12)]
WIDTHS = [f"{60 + 10 * n} см" for n in range(20)]
SELECTED = {"material": ["Дуб", "Бук"], "width": ["120 см", "160 см", "200 см"]}


def _ensure_postgres_database():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Run this on PostgreSQL: set DATABASE_URL")
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        if not connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def _median_ms(action) -> float:
    timings = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def _seed(total, category, attributes):
    from catalog.models import Item, ItemAttributeValue

    Item.objects.filter(sku__startswith="BENCH-").delete()
    for start in range(0, total, 5000):
        items = Item.objects.bulk_create(
            Item(
                sku=f"BENCH-{index:07d}",
                name=f"Товар {index:07d}",
                category=category,
                price=1000 + index % 900,
                search_text=f"товар {index:07d}",
            )
            for index in range(start, min(start + 5000, total))
        )
        values = []
        for item in items:
            number = int(item.sku.removeprefix("BENCH-"))
            values += [
                ItemAttributeValue(
                    item=item,
                    attribute=attributes["material"],
                    value=MATERIALS[number % len(MATERIALS)],
                ),
                ItemAttributeValue(
                    item=item, attribute=attributes["colour"], value=COLOURS[number // 3 % 12]
                ),
                ItemAttributeValue(
                    item=item, attribute=attributes["width"], value=WIDTHS[number // 8 % 20]
                ),
            ]
        ItemAttributeValue.objects.bulk_create(values)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE catalog_item")
        cursor.execute("ANALYZE catalog_itemattributevalue")


def _measure(total, category, attributes, browser):
    from django.core.paginator import Paginator

    from catalog.selectors import attribute_facets, catalog_items, item_filter_attributes

    _seed(total, category, attributes)
    items = catalog_items(category)

    def baseline():
        page = Paginator(items.order_by("name", "id"), 24).get_page(1)
        list(page.object_list)

    url = f"/client/catalog/c/{category.slug}/"
    query = "&".join(
        f"attr-{code}={value}" for code, values in SELECTED.items() for value in values
    )
    assert browser.get(url).status_code == 200
    filtered_page = browser.get(f"{url}?{query}")
    assert filtered_page.status_code == 200, filtered_page.status_code
    expected = total * 2 // 8 * 3 // 20
    found = item_filter_attributes(items, SELECTED).count()
    assert f"{found}".encode() in filtered_page.content or found > 24
    assert abs(found - expected) <= total // 100 + 5, (found, expected)
    results = {
        "baseline": _median_ms(baseline),
        "facets": _median_ms(lambda: attribute_facets(items, {})),
        "facets_selected": _median_ms(lambda: attribute_facets(items, SELECTED)),
        "page": _median_ms(lambda: browser.get(url)),
        "page_selected": _median_ms(lambda: browser.get(f"{url}?{query}")),
    }
    from catalog.models import ItemAttributeValue

    others = {"width": SELECTED["width"]}
    plan = (
        ItemAttributeValue.objects.filter(
            item__in=item_filter_attributes(items, others).order_by().values("pk"),
            attribute__code="material",
        )
        .values("value")
        .annotate(count=django.db.models.Count("pk"))
        .explain(analyze=True)
    )
    return results, plan


def main():
    _ensure_postgres_database()
    django.setup()
    global connection
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    from catalog.models import Attribute, Category
    from customers.models import Contact, Customer

    category = Category.objects.filter(slug="bench").first() or Category.objects.add_root(
        name="Bench", slug="bench"
    )
    attributes = {
        code: Attribute.objects.get_or_create(code=code, defaults={"name": code})[0]
        for code in ("material", "colour", "width")
    }
    customer, _ = Customer.objects.get_or_create(external_id="BENCH-C", defaults={"name": "Bench"})
    from accounts.models import User

    user = User.objects.filter(username="bench-client").first()
    if user is None:
        user = User.objects.create_user("bench-client", password="bench-pass-12345")
        from django.contrib.auth.models import Group

        user.groups.add(Group.objects.get(name="client"))
        Contact.objects.create(customer=customer, name="Bench", user=user)
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(user)

    rows = {}
    for total in (1_000, 50_000):
        rows[total], plan = _measure(total, category, attributes, browser)
        print(
            f"{total:>6} items: baseline (page query) {rows[total]['baseline']:.1f} ms; "
            f"facets {rows[total]['facets']:.1f} ms, with 2 selected "
            f"{rows[total]['facets_selected']:.1f} ms; whole page {rows[total]['page']:.1f} ms, "
            f"filtered {rows[total]['page_selected']:.1f} ms"
        )
        print("  " + plan.replace("\n", "\n  "))
    for key in rows[1_000]:
        print(f"50k / 1k {key}: x{rows[50_000][key] / rows[1_000][key]:.1f}")
    from catalog.models import Item

    Item.objects.filter(sku__startswith="BENCH-").delete()


if __name__ == "__main__":
    main()
