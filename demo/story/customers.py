"""The story's customers: companies and private persons with valid INNs, phones and a login.

The demo's first three customers (`customers/demo.py`) stay as they are; these come after
them as DEMO-C004 onwards, enough for the lists to have a second page.
"""

import random
from datetime import timedelta

import phonenumbers
from django.utils import timezone

from accounts.demo import ensure_user
from accounts.roles import Role
from customers.models import Contact, Customer
from demo.story.clock import at

FIRST_NUMBER = 4

COMPANIES = [
    # name, city
    ("ООО «Альфа-Интерьер»", "Москва, ул. Тверская, д. 12"),
    ("ООО «Бизнес Центр Север»", "Москва, Ленинградский пр-т, д. 39"),
    ("АО «Гостиничный двор»", "Санкт-Петербург, Невский пр-т, д. 48"),
    ("ООО «Кафе Уют»", "Казань, ул. Баумана, д. 7"),
    ("ООО «Офис Плюс»", "Москва, ул. Профсоюзная, д. 65"),
    ("ООО «Стройдом»", "Екатеринбург, ул. Малышева, д. 51"),
    ("ООО «Школа №1 Плюс»", "Новосибирск, Красный пр-т, д. 22"),
    ("АО «Технопарк Восток»", "Нижний Новгород, ул. Родионова, д. 165"),
    ("ООО «Ресторан Пушкин»", "Москва, Тверской б-р, д. 26"),
    ("ООО «Коворкинг Точка»", "Санкт-Петербург, ул. Рубинштейна, д. 3"),
    ("ООО «Медцентр Здоровье»", "Самара, ул. Ленинградская, д. 30"),
    ("ООО «Гранд Отель»", "Сочи, Курортный пр-т, д. 50"),
    ("АО «Банк Надёжный»", "Москва, ул. Мясницкая, д. 35"),
    ("ООО «Детский сад Радуга»", "Краснодар, ул. Красная, д. 109"),
    ("ООО «ИТ Решения»", "Москва, Пресненская наб., д. 12"),
    ("ООО «Аптека Вита»", "Ростов-на-Дону, ул. Садовая, д. 44"),
    ("ООО «Салон Мебель Люкс»", "Воронеж, пр-т Революции, д. 33"),
    ("ООО «Логистик Про»", "Подольск, ул. Комсомольская, д. 1"),
    ("АО «Завод Прогресс»", "Челябинск, пр-т Ленина, д. 83"),
    ("ООО «Библиотека-кафе Страница»", "Пермь, ул. Ленина, д. 58"),
    ("ООО «Фитнес Энергия»", "Уфа, ул. Ленина, д. 15"),
    ("ООО «Юридическая фирма Право»", "Москва, Большая Ордынка, д. 40"),
]
PERSONS = [
    # first name, last name, patronymic, is an individual entrepreneur
    ("Алексей", "Иванов", "Петрович", False),
    ("Наталья", "Смирнова", "Андреевна", False),
    ("Михаил", "Попов", "Сергеевич", True),
    ("Ольга", "Лебедева", "Игоревна", False),
    ("Андрей", "Козлов", "Викторович", True),
    ("Екатерина", "Новикова", "Дмитриевна", False),
    ("Сергей", "Морозов", "Алексеевич", False),
    ("Юлия", "Павлова", "Олеговна", True),
    ("Виктор", "Семёнов", "Николаевич", False),
    ("Анна", "Голубева", "Владимировна", False),
    ("Роман", "Виноградов", "Ильич", False),
    ("Ксения", "Богданова", "Артёмовна", False),
]
CONTACT_NAMES = [
    ("Светлана", "Кравцова", "Офис-менеджер"),
    ("Артём", "Белов", "Заведующий хозяйством"),
    ("Ирина", "Захарова", "Закупщик"),
    ("Денис", "Фролов", "Директор"),
    ("Марина", "Ершова", "Администратор"),
    ("Константин", "Сорокин", "Главный инженер"),
]
REGIONS = ["77", "78", "50", "16", "66", "54", "52", "63", "23", "61", "36", "74", "59", "02"]
STORY_LOGINS = f"client{FIRST_NUMBER}…client{FIRST_NUMBER + len(COMPANIES) + len(PERSONS) - 1}"
MOBILE_CODES = ["903", "905", "910", "915", "916", "925", "926", "985", "999"]


def _check_digit(digits: str, weights: list[int]) -> str:
    return str(sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10)


def company_inn(rng: random.Random, region: str) -> str:
    """A 10-digit company INN with its check digit (the FNS algorithm python-stdnum checks)."""
    body = region + "".join(str(rng.randrange(10)) for _ in range(7))
    return body + _check_digit(body, [2, 4, 10, 3, 5, 9, 4, 6, 8])


def person_inn(rng: random.Random, region: str) -> str:
    """A 12-digit INN of a person, with both check digits."""
    body = region + "".join(str(rng.randrange(10)) for _ in range(8))
    body += _check_digit(body, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8])
    return body + _check_digit(body, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8])


def company_ogrn(rng: random.Random, region: str) -> str:
    """A 13-digit OGRN: the last digit is the first twelve modulo 11 (10 counts as 0)."""
    body = "1" + f"{rng.randrange(2, 24):02d}" + region + str(rng.randrange(10**7)).zfill(7)
    return body + str(int(body) % 11 % 10)


def mobile_phone(rng: random.Random) -> str:
    """A Russian mobile number that phonenumbers accepts as valid."""
    while True:
        number = f"+7{rng.choice(MOBILE_CODES)}{rng.randrange(10**7):07d}"
        if phonenumbers.is_valid_number(phonenumbers.parse(number)):
            return number


def story_customers(rng: random.Random) -> list[dict]:
    """Every story customer's data, drawn from `rng` in a fixed order."""
    rows = []
    for name, address in COMPANIES:
        region = rng.choice(REGIONS)
        inn = company_inn(rng, region)
        first, last, position = rng.choice(CONTACT_NAMES)
        rows.append(
            {
                "kind": Customer.Kind.COMPANY,
                "name": name,
                "inn": inn,
                "kpp": f"{inn[:4]}01001",
                "ogrn": company_ogrn(rng, region),
                "address": address,
                "phone": mobile_phone(rng),
                "discount": rng.choice([0, 0, 0, 3, 5, 7, 10]),
                "contact": (first, last, position),
            }
        )
    for first, last, patronymic, entrepreneur in PERSONS:
        region = rng.choice(REGIONS)
        name = f"{last} {first} {patronymic}"
        rows.append(
            {
                "kind": Customer.Kind.PERSON,
                "name": f"ИП {name}" if entrepreneur else name,
                "inn": person_inn(rng, region) if entrepreneur else "",
                "kpp": "",
                "ogrn": "",
                "address": "",
                "phone": mobile_phone(rng),
                "discount": 0,
                "contact": (first, last, "Владелец" if entrepreneur else ""),
            }
        )
    return rows


def seed_story_customers(staff, *, rng: random.Random, managers: list[str]) -> list[Customer]:
    """Create the story's customers (each with a primary contact who can log in) once.

    They were clients before the story's first order: their cards date from then.
    """
    since = timezone.now() - timedelta(days=200)
    customers = []
    for offset, row in enumerate(story_customers(rng)):
        number = FIRST_NUMBER + offset
        external_id = f"DEMO-C{number:03d}"
        customer = Customer.objects.filter(external_id=external_id).first()
        if customer is not None:
            customers.append(customer)
            continue
        with at(since + timedelta(days=offset)):
            customer = Customer.objects.create(
                external_id=external_id,
                kind=row["kind"],
                name=row["name"],
                inn=row["inn"],
                kpp=row["kpp"],
                ogrn=row["ogrn"],
                email=f"office@{external_id.lower()}.example.com",
                phone=row["phone"],
                address=row["address"],
                discount_percent=row["discount"],
                manager=staff[managers[offset % len(managers)]],
            )
            first, last, position = row["contact"]
            user, _created = ensure_user(
                username=f"client{number}", first_name=first, last_name=last, role=Role.CLIENT
            )
            Contact.objects.create(
                customer=customer,
                user=user,
                name=f"{first} {last}",
                position=position,
                email=user.email,
                phone=row["phone"],
                is_primary=True,
            )
        customers.append(customer)
    return customers
