"""Trigram indexes for the manager's search box, on PostgreSQL only.

`search_text` is matched with `LIKE '%…%'` (it is casefolded in Python), a contact's
name and email with Django's `icontains` (`UPPER(col) LIKE UPPER('%…%')`, so the index
is on `UPPER(col)`), the E.164 phone by a digit fragment. Built concurrently: the
tables are in use while it runs.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import AddIndexConcurrently, TrigramExtension
from django.db import migrations
from django.db.models.functions import Upper

from core.migration_operations import OnPostgreSQL


def _trigram(expression, name):
    return GinIndex(OpClass(expression, name="gin_trgm_ops"), name=name)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("customers", "0005_customer_ogrn"),
    ]

    operations = [
        OnPostgreSQL(TrigramExtension()),
        OnPostgreSQL(
            AddIndexConcurrently(
                "customer", GinIndex(
                    fields=["search_text"], opclasses=["gin_trgm_ops"], name="customer_search_trgm"
                )
            )
        ),
        OnPostgreSQL(AddIndexConcurrently("contact", _trigram(Upper("name"), "contact_name_trgm"))),
        OnPostgreSQL(AddIndexConcurrently("contact", _trigram(Upper("email"), "contact_email_trgm"))),
        OnPostgreSQL(
            AddIndexConcurrently(
                "contact",
                GinIndex(fields=["phone"], opclasses=["gin_trgm_ops"], name="contact_phone_trgm"),
            )
        ),
    ]
