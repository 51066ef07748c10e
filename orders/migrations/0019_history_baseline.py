"""Where the change history begins: one row per existing workflow and the business calendar with its values today,
so the first change made afterwards shows what it changed from. Rows are written in
batches; a workflow and the business calendar that already has history gets none."""

from django.conf import settings
from django.db import migrations
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

BASELINE = gettext_noop("Values when the change history began.")
HISTORY_FIELDS = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
}


def forwards(apps, schema_editor):
    with translation.override(settings.LANGUAGE_CODE):
        reason = gettext(BASELINE)
    now = timezone.now()
    for name in ("Workflow", "BusinessCalendar"):
        model = apps.get_model("orders", name)
        history_model = apps.get_model("orders", "Historical" + name)
        attnames = [
            field.attname
            for field in history_model._meta.concrete_fields
            if field.name not in HISTORY_FIELDS
        ]
        recorded = set(history_model.objects.values_list("id", flat=True).distinct())
        rows = []
        for instance in model.objects.order_by("pk").iterator(chunk_size=2000):
            if instance.pk in recorded:
                continue
            rows.append(
                history_model(
                    **{attname: getattr(instance, attname) for attname in attnames},
                    history_date=now,
                    history_type="~",
                    history_change_reason=reason,
                )
            )
            if len(rows) >= 2000:
                history_model.objects.bulk_create(rows)
                rows = []
        history_model.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0018_revisions_to_history"),
    ]

    operations = [
        # Backwards the table itself goes with the migration before.
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
