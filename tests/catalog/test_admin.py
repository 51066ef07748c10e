import pytest
from django.urls import reverse

from catalog.models import CatalogImport, Category, OrderFormField
from tests.catalog.factories import CategoryFactory, ItemFactory, OrderFormFieldFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

INLINE = "order_form_fields"


def _inline_management(total=1):
    return {
        f"{INLINE}-TOTAL_FORMS": str(total),
        f"{INLINE}-INITIAL_FORMS": "0",
        f"{INLINE}-MIN_NUM_FORMS": "0",
        f"{INLINE}-MAX_NUM_FORMS": "1000",
    }


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:catalog_category_changelist",
        "admin:catalog_category_add",
        "admin:catalog_item_changelist",
        "admin:catalog_item_add",
        "admin:catalog_attribute_changelist",
    ],
)
def test_admin_pages_open(admin_client, url_name):
    ItemFactory(category=CategoryFactory())

    response = admin_client.get(reverse(url_name))

    assert response.status_code == 200


def test_item_change_page_shows_its_fields(admin_client):
    item = ItemFactory()
    OrderFormFieldFactory(item=item, name="fabric", choice=True)

    response = admin_client.get(reverse("admin:catalog_item_change", args=[item.pk]))

    assert response.status_code == 200
    assert "Велюр\nРогожка\nЭкокожа" in response.content.decode()


def test_admin_adds_a_subcategory_with_a_choice_field_one_option_per_line(admin_client):
    furniture = CategoryFactory(name="Мебель")
    data = {
        "name": "Столы",
        "slug": "stoly",
        "description": "",
        "is_active": "on",
        "treebeard_position": "sorted-child",
        "treebeard_ref_node": str(furniture.pk),
        **_inline_management(),
        f"{INLINE}-0-position": "0",
        f"{INLINE}-0-name": "finish",
        f"{INLINE}-0-label": "Покрытие",
        f"{INLINE}-0-field_type": "choice",
        f"{INLINE}-0-choices": "Лак\r\n\r\n Масло \r\n",
        f"{INLINE}-0-help_text": "",
    }

    response = admin_client.post(reverse("admin:catalog_category_add"), data)

    assert response.status_code == 302
    tables = Category.objects.get(slug="stoly")
    assert Category.objects.get_parent(tables) == furniture
    field = OrderFormField.objects.get(category=tables)
    assert (field.name, field.choices, field.required) == ("finish", ["Лак", "Масло"], False)


def test_admin_item_search_folds_cyrillic_case(admin_client):
    ItemFactory(name="Диван «Комфорт»", sku="SOFA-1")
    ItemFactory(name="Стол", sku="TABLE-1")

    response = admin_client.get(reverse("admin:catalog_item_changelist"), {"q": "диван"})

    assert [item.sku for item in response.context["cl"].result_list] == ["SOFA-1"]


def test_catalog_imports_are_listed_read_only(admin_client, django_assert_max_num_queries):
    uploader = UserFactory(last_name="Загрузчиков")
    for kind in CatalogImport.Kind:
        CatalogImport.objects.create(
            kind=kind, file_name=f"{kind}.csv", content="x", uploaded_by=uploader
        )
    applied = CatalogImport.objects.get(kind=CatalogImport.Kind.OFFERS)
    applied.summary = {"create": 2}
    applied.save()

    with django_assert_max_num_queries(10):
        listing = admin_client.get(reverse("admin:catalog_catalogimport_changelist"))
    detail = admin_client.get(reverse("admin:catalog_catalogimport_change", args=[applied.pk]))
    add = admin_client.get(reverse("admin:catalog_catalogimport_add"))

    assert listing.status_code == 200
    body = listing.content.decode()
    assert all(f"{kind}.csv" in body for kind in CatalogImport.Kind)
    assert "Загрузчиков" in body
    assert detail.status_code == 200
    assert "offers.csv" in detail.content.decode()
    assert 'name="_save"' not in detail.content.decode()
    assert add.status_code == 403
