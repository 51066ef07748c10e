from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from integrations.onec.models import IntegrationProfile
from integrations.onec.profiles import profile_create


class Command(BaseCommand):
    help = (
        "Create a 1C exchange profile: 1C's 'обмен с сайтом' then logs in at /1c_exchange/ "
        "with this login and password."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="Name of the 1C base, e.g. УНФ офис.")
        parser.add_argument("--login", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument(
            "--schema-version",
            default=IntegrationProfile.SchemaVersion.V208,
            choices=IntegrationProfile.SchemaVersion.values,
        )
        parser.add_argument(
            "--encoding",
            default=IntegrationProfile.Encoding.UTF8_BOM,
            choices=IntegrationProfile.Encoding.values,
        )
        parser.add_argument(
            "--namespace",
            action="store_true",
            help="Write documents in the urn:1C.ru:commerceml_2 namespace.",
        )
        parser.add_argument("--price-type", default="", help="The 1C price type to import.")

    def handle(self, *args, name, login, password, **options):
        try:
            profile = profile_create(
                name=name,
                login=login,
                password=password,
                schema_version=options["schema_version"],
                encoding=options["encoding"],
                uses_namespace=options["namespace"],
                price_type=options["price_type"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(
            f"1C profile {profile.pk} “{profile.name}” created; in 1C set the site address to "
            f"https://<this host>/1c_exchange/ with login “{profile.login}”."
        )
