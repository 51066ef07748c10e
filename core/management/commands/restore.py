from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup folder into an empty database and the configured file folders; "
        "checks afterwards that every table's rows and every file came back."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="A folder written by `manage.py backup`.")

    def handle(self, *args, source, **options):
        try:
            manifest = backup_restore(Path(source))
        except (BackupError, FileNotFoundError) as error:
            raise CommandError(str(error)) from error
        orders = manifest["counts"].get("orders_order", 0)
        files = sum(len(names) for names in manifest["files"].values())
        self.stdout.write(f"Restored {orders} orders and {files} files from {source}")
