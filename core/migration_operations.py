"""Migration operations that run on one database only and leave the model state alone."""

from django.db.migrations.operations.base import Operation


class OnPostgreSQL(Operation):
    """Run `operation`'s database side on PostgreSQL only; SQLite (development, CI) skips it.

    For what only PostgreSQL has (pg_trgm trigram indexes): the model state does not
    change, so `makemigrations` sees nothing to do on either database.
    """

    reduces_to_sql = False

    def __init__(self, operation):
        self.operation = operation

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.operation], {})

    @property
    def reversible(self):
        return self.operation.reversible

    @property
    def atomic(self):
        return getattr(self.operation, "atomic", True)

    def state_forwards(self, app_label, state):
        pass

    def applies_to(self, connection) -> bool:
        return connection.vendor == "postgresql"

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if self.applies_to(schema_editor.connection):
            self.operation.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if self.applies_to(schema_editor.connection):
            self.operation.database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"On PostgreSQL only: {self.operation.describe()}"


class NotOnPostgreSQL(OnPostgreSQL):
    """The other side of `OnPostgreSQL`: for what SQLite does its own way (a plain index
    where PostgreSQL builds it concurrently)."""

    def applies_to(self, connection) -> bool:
        return connection.vendor != "postgresql"

    def describe(self):
        return f"Except on PostgreSQL: {self.operation.describe()}"
