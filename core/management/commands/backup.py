from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and the private and media files into a new folder."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="Folder to create (default: backups/<date-time>).",
        )

    def handle(self, *args, output=None, **options):
        target = Path(output or f"backups/{timezone.now():%Y-%m-%d-%H%M%S}")
        try:
            manifest = backup_create(target)
        except (BackupError, FileExistsError) as error:
            raise CommandError(str(error)) from error
        files = sum(len(names) for names in manifest["files"].values())
        rows = sum(manifest["counts"].values())
        self.stdout.write(f"Backed up {rows} rows and {files} files into {target}")
