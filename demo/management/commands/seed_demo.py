from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation

from accounts.demo import DEMO_PASSWORD, STAFF, seed_staff
from billing.demo import seed_company
from carts.demo import seed_carts
from catalog.demo import seed_catalog
from conversations.demo import seed_conversations
from customers.demo import seed_customers
from orders.demo import seed_orders
from tasks.demo import seed_task_rules


class Command(BaseCommand):
    help = "Load demo users and customers. Safe to run again: nothing is duplicated."

    def handle(self, *args, **options):
        # What the services write as text (notes, ledger lines) is in the site's language,
        # whatever language the shell or a test left active.
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            staff = seed_staff()
            client_logins = seed_customers(staff)
            seed_catalog()
            seed_company()
            seed_task_rules()  # before the orders, so their stage entries make tasks
            new_orders = seed_orders(staff)
            seed_carts()
            seed_conversations(staff)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data is ready. Logins (password for all: {DEMO_PASSWORD}):")
        )
        for username, _first, _last, role in STAFF:
            self.stdout.write(f"  {username:<10} {role.label}")
        for username, customer_name in client_logins:
            self.stdout.write(f"  {username:<10} client of {customer_name}")
        self.stdout.write(f"Demo orders created now: {new_orders}")
