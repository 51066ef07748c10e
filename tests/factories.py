from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import Role
from customers.models import Contact, Customer, LedgerEntry

TEST_PASSWORD = "test-pass-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    kind = Customer.Kind.COMPANY
    name = factory.Sequence(lambda n: f"ООО «Клиент {n}»")
    email = factory.Sequence(lambda n: f"office{n}@client.example.com")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"Контакт {n}")
    user = factory.SubFactory(UserFactory, role=Role.CLIENT)


class LedgerEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LedgerEntry

    customer = factory.SubFactory(CustomerFactory)
    kind = LedgerEntry.Kind.PAYMENT
    amount = Decimal("100.00")


def shipped_email_rule(**overrides):
    """An admin's email rule for shipped orders, saved through the service (it records its
    history), for pages that show, preview or list rules."""
    from notifications.rules import notification_rule_save

    data = {
        "topic": "order.ship",
        "workflow": None,
        "audience": "client",
        "role": "",
        "channels": ["email"],
        "subject_template": "Order {{ number }} shipped",
        "body_template": "State: {{ state_label }}",
        "is_active": True,
    }
    return notification_rule_save(rule=None, data={**data, **overrides}, by=None)
