"""Demo client companies, their contacts with portal logins and ledger history."""

from decimal import Decimal

from accounts.demo import ensure_user
from accounts.roles import Role
from customers.models import Contact, Customer, LedgerEntry
from customers.services import ledger_entry_post

COMPANIES = [
    # external id, name, INN, KPP, discount, manager, contacts (login, first, last, position)
    (
        "DEMO-C001",
        "ООО «Ромашка»",
        "7707083893",
        "773601001",
        Decimal("5"),
        "manager1",
        [
            ("client1", "Елена", "Петрова", "Закупщик"),
            ("client1b", "Игорь", "Волков", "Главный инженер"),
        ],
    ),
    (
        "DEMO-C002",
        "АО «Северный ветер»",
        "7736050003",
        "772801001",
        Decimal("10"),
        "manager1",
        [("client2", "Дмитрий", "Соколов", "Директор по снабжению")],
    ),
    (
        "DEMO-C003",
        "ИП Орлова Татьяна Сергеевна",
        "",
        "",
        Decimal("0"),
        "manager2",
        [("client3", "Татьяна", "Орлова", "Владелец")],
    ),
]


def seed_customers(staff) -> list[tuple[str, str]]:
    """Returns (login, customer name) of the client logins."""
    logins = []
    for external_id, name, inn, kpp, discount, manager, contacts in COMPANIES:
        kind = Customer.Kind.COMPANY if kpp else Customer.Kind.PERSON
        customer, _created = Customer.objects.get_or_create(
            external_id=external_id,
            defaults={
                "kind": kind,
                "name": name,
                "inn": inn,
                "kpp": kpp,
                "email": f"office@{external_id.lower()}.example.com",
                "phone": "+7 495 000-00-00",
                "address": "Москва",
                "discount_percent": discount,
                "manager": staff[manager],
            },
        )
        for index, (login, first_name, last_name, position) in enumerate(contacts):
            user, _created = ensure_user(
                username=login, first_name=first_name, last_name=last_name, role=Role.CLIENT
            )
            Contact.objects.get_or_create(
                user=user,
                defaults={
                    "customer": customer,
                    "name": f"{first_name} {last_name}",
                    "position": position,
                    "email": user.email,
                    "is_primary": index == 0,
                },
            )
            logins.append((login, name))
        # References make the ledger history idempotent too.
        ledger_entry_post(
            customer=customer,
            amount=Decimal("15000.00"),
            kind=LedgerEntry.Kind.PAYMENT,
            description="Аванс по договору",
            reference=f"{external_id}-advance",
        )
        ledger_entry_post(
            customer=customer,
            amount=Decimal("250"),
            kind=LedgerEntry.Kind.BONUS_ACCRUAL,
            account=LedgerEntry.Account.BONUS,
            description="Приветственные баллы",
            reference=f"{external_id}-welcome",
        )
    return logins
