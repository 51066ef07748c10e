"""Offers' codes: filled in for existing offers by the migration, made up for new ones."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from catalog.models import SpecialOffer

BEFORE_CODES = [("catalog", "0004_item_attributes")]
WITH_CODES = [("catalog", "0005_special_offer_code")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_offers_a_code_from_their_id():
    old_apps = _migrate(BEFORE_CODES)
    try:
        offer_model = old_apps.get_model("catalog", "SpecialOffer")
        offers = [
            offer_model.objects.create(
                title=title, discount_percent=Decimal("10"), starts_on=date(2026, 1, 1)
            )
            for title in ("Первая", "Вторая")
        ]

        new_apps = _migrate(WITH_CODES)
    finally:
        # Later tests need the current schema whatever happened above.
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    codes = new_apps.get_model("catalog", "SpecialOffer").objects.values_list("pk", "code")
    assert dict(codes) == {offer.pk: f"offer-{offer.pk}" for offer in offers}


@pytest.mark.django_db
def test_an_offer_saved_without_a_code_gets_a_unique_one():
    first, second = (
        SpecialOffer.objects.create(
            title=title, discount_percent=Decimal("5"), starts_on=date(2026, 1, 1)
        )
        for title in ("Первая", "Вторая")
    )

    assert first.code.startswith("offer-")
    assert second.code.startswith("offer-")
    assert first.code != second.code


@pytest.mark.django_db
def test_an_offer_added_in_the_django_admin_without_a_code_gets_one(admin_client):
    response = admin_client.post(
        reverse("admin:catalog_specialoffer_add"),
        {
            "code": "",
            "title": "Весна",
            "description": "",
            "discount_percent": "10",
            "starts_on": "2026-03-01",
            "ends_on": "",
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    assert SpecialOffer.objects.get(title="Весна").code.startswith("offer-")


@pytest.mark.django_db
def test_the_django_admin_names_the_end_date_when_it_is_before_the_start(admin_client):
    response = admin_client.post(
        reverse("admin:catalog_specialoffer_add"),
        {
            "code": "spring",
            "title": "Весна",
            "discount_percent": "10",
            "starts_on": "2026-03-01",
            "ends_on": "2026-02-01",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "ends_on": ["An offer cannot end before it starts."]
    }
    assert not SpecialOffer.objects.exists()
