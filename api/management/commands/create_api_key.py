from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from api.services import api_client_create


class Command(BaseCommand):
    help = "Create an API client and print its key (shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="Name of the integration, e.g. 1C Accounting.")
        parser.add_argument(
            "--scopes", default="read", help="Comma-separated: read, write (default: read)."
        )
        parser.add_argument(
            "--roles",
            default="",
            help="Comma-separated role groups of its service user, e.g. manager.",
        )

    def handle(self, *args, name, scopes, roles, **options):
        role_names = [role.strip() for role in roles.split(",") if role.strip()]
        groups = list(Group.objects.filter(name__in=role_names))
        missing = set(role_names) - {group.name for group in groups}
        if missing:
            raise CommandError(f"Unknown roles: {', '.join(sorted(missing))}")
        try:
            client, key = api_client_create(
                name=name,
                scopes=[scope.strip() for scope in scopes.split(",") if scope.strip()],
                groups=groups,
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stderr.write(f"API client {client.pk} “{client.name}” created; its key:")
        self.stdout.write(key)
