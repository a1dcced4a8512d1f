"""Free text gets a limit (issue 16): max_length on each TextField, the
texts already longer kept whole in dealership.TextOverflow (see
dealership.textlimits.keep_overlong_text), then a CHECK constraint for each."""

import django.db.models.functions.text
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models

from dealership.textlimits import keep_overlong_text


def keep(apps, schema_editor):
    keep_overlong_text(apps, 'inspection')


class Migration(migrations.Migration):

    dependencies = [
        ('dealership', '0013_text_limits'),
        ('inspection', '0002_qc_stage'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='inspection',
            name='notes',
            field=models.TextField(blank=True, max_length=2000, verbose_name='findings'),
        ),
        migrations.AlterField(
            model_name='inspection',
            name='road_test_findings',
            field=models.TextField(blank=True, max_length=2000, verbose_name='road test findings'),
        ),
        migrations.AlterField(
            model_name='inspection',
            name='summary',
            field=models.TextField(blank=True, max_length=2000, verbose_name='summary for the advisor'),
        ),
        migrations.AlterField(
            model_name='qcstandard',
            name='guarantee_terms',
            field=models.TextField(blank=True, max_length=2000, verbose_name='guarantee terms'),
        ),
        migrations.RunPython(keep, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='inspection',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('notes'), 2000), name='inspection_inspection_notes_length'),
        ),
        migrations.AddConstraint(
            model_name='inspection',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('summary'), 2000), name='inspection_inspection_summary_length'),
        ),
        migrations.AddConstraint(
            model_name='inspection',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('road_test_findings'), 2000), name='inspection_inspection_road_test_findings_length'),
        ),
        migrations.AddConstraint(
            model_name='qcstandard',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('guarantee_terms'), 2000), name='inspection_qcstandard_guarantee_terms_length'),
        ),
    ]
