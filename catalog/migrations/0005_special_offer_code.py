from django.db import migrations, models


def backfill_codes(apps, schema_editor):
    # The id is unique already, so "offer-<id>" cannot clash before the constraint exists.
    offer_model = apps.get_model("catalog", "SpecialOffer")
    for offer in offer_model.objects.filter(code__isnull=True).only("pk").iterator():
        offer_model.objects.filter(pk=offer.pk).update(code=f"offer-{offer.pk}")


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0004_item_attributes'),
    ]

    operations = [
        migrations.AddField(
            model_name='specialoffer',
            name='code',
            # No index yet: the unique constraint below brings its own (PostgreSQL would
            # otherwise get two "_like" indexes of the same name).
            field=models.SlugField(db_index=False, null=True, verbose_name='code'),
        ),
        migrations.RunPython(backfill_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='specialoffer',
            name='code',
            field=models.SlugField(blank=True, help_text='Key of the offer in CSV files; made up when left empty.', unique=True, verbose_name='code'),
        ),
    ]
