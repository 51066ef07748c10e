from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from orders.diagram import lifecycle_dot


class Command(BaseCommand):
    help = "Write the order lifecycle as Graphviz DOT to docs/lifecycle.dot."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", default=str(Path(settings.BASE_DIR) / "docs" / "lifecycle.dot")
        )

    def handle(self, *args, output, **options):
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(lifecycle_dot(), encoding="utf-8")
        self.stdout.write(f"Wrote {path}")
