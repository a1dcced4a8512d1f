"""Free text gets a limit (issue 16): max_length on each TextField, the
texts already longer kept whole in dealership.TextOverflow (see
dealership.textlimits.keep_overlong_text), then a CHECK constraint for each."""

import django.db.models.functions.text
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models

from dealership.textlimits import keep_overlong_text


def keep(apps, schema_editor):
    keep_overlong_text(apps, 'settlement')


class Migration(migrations.Migration):

    dependencies = [
        ('dealership', '0013_text_limits'),
        ('settlement', '0002_adjustment_delivery_gatealert_statement_payment_kind_and_more'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='delivery',
            name='declined_signature',
            field=models.TextField(blank=True, max_length=410000),
        ),
        migrations.RunPython(keep, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='delivery',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('declined_signature'), 410000), name='settlement_delivery_declined_signature_length'),
        ),
    ]
