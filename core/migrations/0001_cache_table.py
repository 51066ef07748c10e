"""The table of the database cache, production's default cache (settings.CACHE_TABLE).

Created by a migration rather than by `createcachetable`, so `migrate` alone readies a
deployment; it exists in development too, unused, and costs nothing there.
"""

from django.conf import settings
from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations


def create_cache_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(
        schema_editor.connection.alias, settings.CACHE_TABLE, dry_run=False
    )


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(settings.CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
