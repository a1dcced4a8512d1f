"""Free text gets a limit (issue 16): max_length on each TextField, the
texts already longer kept whole in dealership.TextOverflow (see
dealership.textlimits.keep_overlong_text), then a CHECK constraint for each."""

import django.db.models.functions.text
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models

from dealership.textlimits import keep_overlong_text


def keep(apps, schema_editor):
    keep_overlong_text(apps, 'appointments')


class Migration(migrations.Migration):

    dependencies = [
        ('appointments', '0007_new_times_offered_when_the_shop_cancels'),
        ('dealership', '0013_text_limits'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='appointment',
            name='customer_words',
            field=models.TextField(max_length=2000, verbose_name="customer's description of the fault"),
        ),
        migrations.AlterField(
            model_name='appointment',
            name='pre_diagnosis',
            field=models.TextField(max_length=2000, verbose_name='pre-diagnosis'),
        ),
        migrations.RunPython(keep, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='appointment',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('customer_words'), 2000), name='appointments_appointment_customer_words_length'),
        ),
        migrations.AddConstraint(
            model_name='appointment',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('pre_diagnosis'), 2000), name='appointments_appointment_pre_diagnosis_length'),
        ),
    ]
