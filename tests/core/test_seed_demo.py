import pytest
from django.core.management import call_command

from accounts.models import User
from customers.models import Contact, Customer, LedgerEntry
from orders.models import Order, OrderEvent

pytestmark = pytest.mark.django_db


def _counts():
    return (
        User.objects.count(),
        Customer.objects.count(),
        Contact.objects.count(),
        LedgerEntry.objects.count(),
        Order.objects.count(),
        OrderEvent.objects.count(),
    )


def test_seed_demo_is_idempotent_and_prints_logins(capsys):
    call_command("seed_demo", "--showcase-only")
    first = _counts()
    call_command("seed_demo", "--showcase-only")

    output = capsys.readouterr().out
    assert _counts() == first
    assert first[0] >= 10
    for login in ("admin", "manager1", "manager2", "warehouse", "courier", "director", "client1"):
        assert login in output
    manager = User.objects.get(username="manager1")
    assert manager.has_perm("accounts.access_manager_portal")
    assert Contact.objects.get(user__username="client1").customer.name == "ООО «Ромашка»"
    for customer in Customer.objects.exclude(inn=""):
        customer.full_clean()
    states = set(Order.objects.values_list("state", flat=True))
    assert {"request", "quote", "production", "delivery", "closed", "in_progress"} <= states
