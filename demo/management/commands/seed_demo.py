from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone, translation

from accounts.demo import DEMO_PASSWORD, STAFF, seed_staff
from billing.demo import seed_company
from carts.demo import seed_carts
from catalog.demo import seed_catalog
from conversations.demo import seed_conversations
from customers.demo import seed_customers
from demo.story.clock import recent_morning, running_from
from demo.story.customers import STORY_LOGINS
from demo.story.run import seed_story
from orders.demo import seed_orders
from tasks.demo import seed_task_rules


class Command(BaseCommand):
    help = "Load demo users and customers. Safe to run again: nothing is duplicated."

    def add_arguments(self, parser):
        parser.add_argument(
            "--showcase-only",
            action="store_true",
            help="Only the few showcase orders, without six months of history (quicker).",
        )

    def handle(self, *args, **options):
        # What the services write as text (notes, ledger lines) is in the site's language,
        # whatever language the shell or a test left active. Tens of thousands of queries:
        # with DEBUG on, Django would log and format each one (on SQLite with a second query
        # per query to quote its parameters), doubling the time; nothing the demo calls reads
        # DEBUG otherwise.
        with (
            translation.override(settings.LANGUAGE_CODE),
            override_settings(DEBUG=False),
            transaction.atomic(),
        ):
            staff = seed_staff()
            client_logins = seed_customers(staff)
            seed_catalog()
            seed_company()
            seed_task_rules()  # before the orders, so their stage entries make tasks
            # The history first: order numbers then follow the dates, as in real use.
            new_orders = 0 if options["showcase_only"] else seed_story(staff)
            # The showcase orders were taken on the last working day, not this very minute:
            # the board then shows how long they have waited.
            with running_from(recent_morning(timezone.now())):
                new_orders += seed_orders(staff)
                seed_conversations(staff)
            seed_carts()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data is ready. Logins (password for all: {DEMO_PASSWORD}):")
        )
        for username, _first, _last, role in STAFF:
            self.stdout.write(f"  {username:<10} {role.label}")
        for username, customer_name in client_logins:
            self.stdout.write(f"  {username:<10} client of {customer_name}")
        if not options["showcase_only"]:
            self.stdout.write(
                f"  {STORY_LOGINS:<10} clients of the other customers (DEMO-C004 onwards)"
            )
        self.stdout.write(f"Demo orders created now: {new_orders}")
