"""For the data migrations that start a model's change history (django-simple-history):
one row per existing object with its values today, so the first change made afterwards
shows what it changed from. Written in batches; an object that has history gets none."""

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

BASELINE = gettext_noop("Values when the change history began.")
BATCH = 2000
HISTORY_FIELDS = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
}


def history_baseline_write(apps, app_label: str, *model_names: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        reason = gettext(BASELINE)
    now = timezone.now()
    for name in model_names:
        model = apps.get_model(app_label, name)
        history_model = apps.get_model(app_label, "Historical" + name)
        attnames = [
            field.attname
            for field in history_model._meta.concrete_fields
            if field.name not in HISTORY_FIELDS
        ]
        recorded = set(history_model.objects.values_list("id", flat=True).distinct())
        rows = []
        for instance in model.objects.order_by("pk").iterator(chunk_size=BATCH):
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
            if len(rows) >= BATCH:
                history_model.objects.bulk_create(rows)
                rows = []
        history_model.objects.bulk_create(rows)
