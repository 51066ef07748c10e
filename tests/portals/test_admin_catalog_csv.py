"""Catalog CSV pages of the admin portal: who may use them, export, upload, preview, apply."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from catalog.imports import columns
from catalog.models import CatalogImport, Item, OrderFormField, SpecialOffer
from tests.catalog.factories import CategoryFactory, ItemFactory, OrderFormFieldFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HEADER = "sku;name;kind;category;price;vat_rate;unit;in_stock;is_active;external_id;description"
OFFER_HEADER = "code;title;discount_percent;starts_on;ends_on;category;items;is_active;description"
CSV_PAGE = reverse("portals_admin:catalog_csv")


@pytest.fixture
def admin(db):
    return UserFactory(role=Role.ADMIN)


@pytest.fixture
def admin_client(admin):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(admin)
    return client


@pytest.fixture
def sofa(db):
    sofas = CategoryFactory(slug="divany", name="Диваны")
    return ItemFactory(sku="SOFA-1", name="Диван «Уют»", category=sofas, price=Decimal("100"))


def _upload(client, text: str, kind="items", encoding="utf-8"):
    return client.post(
        CSV_PAGE,
        {"kind": kind, "file": SimpleUploadedFile("catalog.csv", text.encode(encoding))},
    )


def _import_urls():
    catalog_import = CatalogImport.objects.create(
        kind="items", file_name="f.csv", content=HEADER, uploaded_by=UserFactory()
    )
    return [
        ("get", CSV_PAGE),
        ("get", reverse("portals_admin:catalog_export", args=["items"])),
        ("get", reverse("portals_admin:catalog_import_preview", args=[catalog_import.pk])),
        ("post", reverse("portals_admin:catalog_import_apply", args=[catalog_import.pk])),
    ]


def test_a_manager_gets_403_and_an_anonymous_user_the_login_page(db):
    manager = Client(HTTP_ACCEPT_LANGUAGE="en")
    manager.force_login(UserFactory(role=Role.MANAGER))
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="en")

    for method, url in _import_urls():
        assert getattr(manager, method)(url).status_code == 403, url
        response = getattr(anonymous, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url
    assert CatalogImport.objects.get().applied_at is None


def test_the_home_page_links_the_import_page(admin_client):
    response = admin_client.get(reverse("portals_admin:home"))

    assert f'href="{CSV_PAGE}"' in response.content.decode()


def test_the_import_page_documents_the_columns_and_links_the_export_of_every_kind(admin_client):
    response = admin_client.get(CSV_PAGE)

    body = response.content.decode()
    assert response.status_code == 200
    for kind in CatalogImport.Kind:
        assert f'data-testid="columns-{kind}"' in body
        assert f'href="{reverse("portals_admin:catalog_export", args=[kind])}"' in body
        assert f'<option value="{kind}">' in body
        for column in columns(kind):
            assert f"<code>{column.name}</code>" in body
    assert "Columns of the special offers file" in body


def test_export_downloads_a_bom_utf8_file_with_neutralised_formulas(admin_client, sofa):
    ItemFactory(sku="EVIL", name="@SUM(1+1)*cmd", category=None)

    response = admin_client.get(reverse("portals_admin:catalog_export", args=["items"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="items.csv"'
    text = response.content.decode("utf-8")
    lines = text.split("\r\n")
    assert lines[0] == "\ufeff" + HEADER + ";attributes"
    assert lines[1] == "EVIL;'@SUM(1+1)*cmd;product;;1000,00;22;шт;1;1;;;"
    assert lines[2] == "SOFA-1;Диван «Уют»;product;divany;100,00;22;шт;1;1;;;"


def test_an_unknown_export_is_404(admin_client):
    response = admin_client.get(reverse("portals_admin:catalog_export", args=["orders"]))

    assert response.status_code == 404


def test_a_wrong_header_is_refused_naming_the_missing_columns(admin_client):
    response = _upload(admin_client, "sku;title\nA;B\n")

    assert response.status_code == 200
    body = response.content.decode()
    assert "Missing columns: name, price." in body
    assert "Unknown columns: title." in body
    assert not CatalogImport.objects.exists()


def test_export_then_import_shows_no_change(admin_client, sofa):
    exported = admin_client.get(reverse("portals_admin:catalog_export", args=["items"]))

    response = _upload(admin_client, exported.content.decode("utf-8"))
    preview = admin_client.get(response["Location"])

    assert response.status_code == 302
    body = preview.content.decode()
    assert '<dd class="col-4" data-testid="count-unchanged">1</dd>' in body
    assert '<dd class="col-4" data-testid="count-update">0</dd>' in body
    assert '<dd class="col-4" data-testid="count-create">0</dd>' in body


def test_a_bad_row_is_shown_with_its_line_and_field_and_apply_changes_nothing(admin_client, sofa):
    text = (
        f"{HEADER}\nSOFA-1;Диван;product;divany;200;22;шт;1;1;;\n"
        "NEW-1;Кресло;product;divany;-1;22;шт;1;1;;\n"
    )
    response = _upload(admin_client, text)
    catalog_import = CatalogImport.objects.get()

    preview = admin_client.get(response["Location"])
    applied = admin_client.post(
        reverse("portals_admin:catalog_import_apply", args=[catalog_import.pk])
    )

    for page in (preview, applied):
        body = page.content.decode()
        assert '<tr data-line="3"><td>3</td><td>NEW-1</td>' in body
        assert "<code>price</code>: Ensure this value is greater than or equal to 0." in body
        assert 'data-line="2"' not in body
        assert 'data-testid="apply-form"' not in body
    assert applied.status_code == 422
    assert "nothing was changed" in applied.content.decode()
    assert Item.objects.get().price == Decimal("100.00")
    catalog_import.refresh_from_db()
    assert catalog_import.applied_at is None


def test_a_valid_file_is_previewed_then_applied(admin_client, sofa):
    text = (
        f"{HEADER}\nSOFA-1;Диван «Уют»;product;divany;150,00;22;шт;1;1;;\n"
        "NEW-1;Кресло «Мягкое»;product;divany;10;22;шт;1;1;;\n"
    )
    response = _upload(admin_client, text, encoding="utf-8-sig")
    catalog_import = CatalogImport.objects.get()

    preview = admin_client.get(response["Location"])
    assert Item.objects.count() == 1
    assert '<dd class="col-4" data-testid="count-create">1</dd>' in preview.content.decode()
    applied = admin_client.post(
        reverse("portals_admin:catalog_import_apply", args=[catalog_import.pk]), follow=True
    )

    assert applied.redirect_chain == [(CSV_PAGE, 302)]
    assert "Import applied: 1 created, 1 updated, 0 unchanged." in applied.content.decode()
    assert dict(Item.objects.values_list("sku", "price")) == {
        "SOFA-1": Decimal("150.00"),
        "NEW-1": Decimal("10.00"),
    }
    assert Item.objects.get(sku="NEW-1").name == "Кресло «Мягкое»"


def test_apply_needs_the_csrf_token(admin, sofa):
    catalog_import = CatalogImport.objects.create(
        kind="items",
        file_name="f.csv",
        content=f"{HEADER}\nSOFA-1;Диван;product;divany;1;22;шт;1;1;;\n",
        uploaded_by=admin,
    )
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(admin)

    response = client.post(reverse("portals_admin:catalog_import_apply", args=[catalog_import.pk]))

    assert response.status_code == 403
    assert Item.objects.get().price == Decimal("100.00")


def test_another_admins_upload_is_404(admin_client, sofa):
    theirs = CatalogImport.objects.create(
        kind="items", file_name="f.csv", content=HEADER, uploaded_by=UserFactory(role=Role.ADMIN)
    )

    preview = admin_client.get(reverse("portals_admin:catalog_import_preview", args=[theirs.pk]))
    applied = admin_client.post(reverse("portals_admin:catalog_import_apply", args=[theirs.pk]))

    assert (preview.status_code, applied.status_code) == (404, 404)
    theirs.refresh_from_db()
    assert theirs.applied_at is None


def test_a_file_over_the_size_limit_is_refused(admin_client, monkeypatch):
    monkeypatch.setattr("portals.admin.catalog.MAX_UPLOAD_BYTES", 100)

    response = _upload(admin_client, f"{HEADER}\n" + "A;B;product;;1;22;шт;1;1;;\n" * 5)

    assert response.status_code == 200
    assert "The file is larger than 100" in response.content.decode()
    assert not CatalogImport.objects.exists()


@pytest.fixture
def offers_and_fields(sofa):
    """One of each: a field of a category, a field of an item, and an offer on both."""
    OrderFormFieldFactory(category=sofa.category, name="fabric", label="Ткань", choice=True)
    OrderFormFieldFactory(item=sofa, name="width", label="Ширина", number=True, position=2)
    offer = SpecialOffer.objects.create(
        code="sofas",
        title="Диваны −10%",
        discount_percent=Decimal("10"),
        starts_on=date(2026, 1, 1),
        category=sofa.category,
    )
    offer.items.add(sofa)


@pytest.mark.parametrize("kind", [CatalogImport.Kind.FORM_FIELDS, CatalogImport.Kind.OFFERS])
def test_export_then_import_of_fields_and_offers_shows_no_change(
    admin_client, offers_and_fields, kind
):
    exported = admin_client.get(reverse("portals_admin:catalog_export", args=[kind]))

    response = _upload(admin_client, exported.content.decode("utf-8"), kind=kind)
    preview = admin_client.get(response["Location"])

    assert exported["Content-Disposition"] == f'attachment; filename="{kind}.csv"'
    assert response.status_code == 302
    body = preview.content.decode()
    assert '<dd class="col-4" data-testid="count-unchanged">' in body
    assert '<dd class="col-4" data-testid="count-unchanged">0</dd>' not in body
    assert '<dd class="col-4" data-testid="count-update">0</dd>' in body
    assert '<dd class="col-4" data-testid="count-create">0</dd>' in body
    assert '<dd class="col-4" data-testid="count-rejected">0</dd>' in body


def test_an_offers_file_is_previewed_then_applied(admin_client, sofa):
    text = f"{OFFER_HEADER}\nspring;Весна;12,5;01.03.2026;2026-03-31;divany;SOFA-1;1;\n"
    response = _upload(admin_client, text, kind="offers")

    preview = admin_client.get(response["Location"])
    assert '<dd class="col-4" data-testid="count-create">1</dd>' in preview.content.decode()
    assert not SpecialOffer.objects.exists()
    applied = admin_client.post(
        reverse("portals_admin:catalog_import_apply", args=[CatalogImport.objects.get().pk]),
        follow=True,
    )

    assert "Import applied: 1 created, 0 updated, 0 unchanged." in applied.content.decode()
    offer = SpecialOffer.objects.get(code="spring")
    assert (offer.discount_percent, offer.ends_on, list(offer.items.all())) == (
        Decimal("12.50"),
        date(2026, 3, 31),
        [sofa],
    )


def test_a_bad_offer_row_is_shown_with_its_line_and_column_and_nothing_changes(
    admin_client, offers_and_fields
):
    text = (
        f"{OFFER_HEADER}\nsofas;Диваны;20;2026-01-01;;divany;;1;\n"
        "ghost;Призрак;10;2026-05-01;;;SOFA-1|GHOST;1;\n"
        "late;Поздно;10;2026-05-01;2026-04-01;;SOFA-1;1;\n"
    )
    response = _upload(admin_client, text, kind="offers")

    applied = admin_client.post(
        reverse("portals_admin:catalog_import_apply", args=[CatalogImport.objects.get().pk])
    )

    assert response.status_code == 302
    assert applied.status_code == 422
    body = applied.content.decode()
    assert '<tr data-line="3"><td>3</td><td>ghost</td>' in body
    assert '<tr data-line="4"><td>4</td><td>late</td>' in body
    assert "<code>items</code>: No items with SKUs: GHOST." in body
    assert "<code>ends_on</code>: An offer cannot end before it starts." in body
    assert 'data-line="2"' not in body
    assert SpecialOffer.objects.get().discount_percent == Decimal("10.00")


def test_a_bad_form_field_row_is_shown_with_its_line_and_column(admin_client, offers_and_fields):
    text = "category;item;name;label;field_type;choices\ndivany;;fabric;Ткань;choice;\n"
    response = _upload(admin_client, text, kind="form_fields")

    preview = admin_client.get(response["Location"])

    body = preview.content.decode()
    assert '<tr data-line="2"><td>2</td><td>divany/fabric</td>' in body
    assert "<code>choices</code>: A choice field needs at least one choice." in body
    assert OrderFormField.objects.get(name="fabric").choices == ["Велюр", "Рогожка", "Экокожа"]


@pytest.fixture
def item_importer(db):
    """Into the admin portal and allowed to import items, but not offers or form fields."""
    user = UserFactory()
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=["accounts", "catalog"],
            codename__in=["access_admin_portal", "view_item", "add_item", "change_item"],
        )
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return user, client


def test_what_a_user_may_import_and_export_depends_on_the_kind(item_importer, offers_and_fields):
    user, client = item_importer
    theirs = CatalogImport.objects.create(
        kind="offers", file_name="f.csv", content=OFFER_HEADER, uploaded_by=user
    )

    page = client.get(CSV_PAGE)
    offers_upload = _upload(client, f"{OFFER_HEADER}\nx;X;10;2026-01-01;;;;1;\n", kind="offers")
    items_export = client.get(reverse("portals_admin:catalog_export", args=["items"]))
    offers_export = client.get(reverse("portals_admin:catalog_export", args=["offers"]))
    preview = client.get(reverse("portals_admin:catalog_import_preview", args=[theirs.pk]))
    applied = client.post(reverse("portals_admin:catalog_import_apply", args=[theirs.pk]))

    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="columns-items"' in body
    assert 'data-testid="export-items"' in body
    assert "columns-offers" not in body
    assert "export-offers" not in body
    assert offers_upload.status_code == 200
    assert "Select a valid choice." in offers_upload.content.decode()
    assert (items_export.status_code, offers_export.status_code) == (200, 403)
    assert (preview.status_code, applied.status_code) == (403, 403)
    assert list(CatalogImport.objects.all()) == [theirs]
    theirs.refresh_from_db()
    assert theirs.applied_at is None


def test_a_portal_user_who_may_import_nothing_gets_403(db):
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="access_admin_portal"))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)

    assert client.get(CSV_PAGE).status_code == 403
