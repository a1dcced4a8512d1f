"""Free text gets a limit (issue 16): max_length on each TextField, the
texts already longer kept whole in dealership.TextOverflow (see
dealership.textlimits.keep_overlong_text), then a CHECK constraint for each."""

import django.db.models.functions.text
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models

from dealership.textlimits import keep_overlong_text


def keep(apps, schema_editor):
    keep_overlong_text(apps, 'workshop')


class Migration(migrations.Migration):

    dependencies = [
        ('dealership', '0013_text_limits'),
        ('workshop', '0004_open_rows_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='finding',
            name='decided_note',
            field=models.TextField(blank=True, max_length=2000, verbose_name='what the customer said'),
        ),
        migrations.AlterField(
            model_name='finding',
            name='description',
            field=models.TextField(max_length=2000, verbose_name='what was found'),
        ),
        migrations.AlterField(
            model_name='job',
            name='report',
            field=models.TextField(blank=True, max_length=4000, verbose_name='repair report'),
        ),
        migrations.AlterField(
            model_name='job',
            name='signature',
            field=models.TextField(blank=True, max_length=410000),
        ),
        migrations.RunPython(keep, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='finding',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('description'), 2000), name='workshop_finding_description_length'),
        ),
        migrations.AddConstraint(
            model_name='finding',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('decided_note'), 2000), name='workshop_finding_decided_note_length'),
        ),
        migrations.AddConstraint(
            model_name='job',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('report'), 4000), name='workshop_job_report_length'),
        ),
        migrations.AddConstraint(
            model_name='job',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('signature'), 410000), name='workshop_job_signature_length'),
        ),
    ]
