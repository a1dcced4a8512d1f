"""Free text gets a limit (issue 16): max_length on each TextField, the
texts already longer kept whole in dealership.TextOverflow (see
dealership.textlimits.keep_overlong_text), then a CHECK constraint for each."""

import django.db.models.functions.text
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models

from dealership.textlimits import keep_overlong_text


def keep(apps, schema_editor):
    keep_overlong_text(apps, 'followup')


class Migration(migrations.Migration):

    dependencies = [
        ('dealership', '0013_text_limits'),
        ('followup', '0002_complaint_complaintevent_correctiveaction_and_more'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='complaint',
            name='callback_result',
            field=models.TextField(blank=True, max_length=2000, verbose_name="the customer's answer on the call back"),
        ),
        migrations.AlterField(
            model_name='complaint',
            name='description',
            field=models.TextField(max_length=4000, verbose_name="the complaint, in the customer's words"),
        ),
        migrations.AlterField(
            model_name='complaint',
            name='handling',
            field=models.TextField(blank=True, max_length=2000, verbose_name='what was done'),
        ),
        migrations.AlterField(
            model_name='complaintevent',
            name='note',
            field=models.TextField(blank=True, max_length=4000),
        ),
        migrations.AlterField(
            model_name='correctiveaction',
            name='evidence',
            field=models.TextField(blank=True, max_length=2000, verbose_name='evidence it was done'),
        ),
        migrations.AlterField(
            model_name='followupcall',
            name='customer_words',
            field=models.TextField(blank=True, max_length=4000, verbose_name='what the customer said'),
        ),
        migrations.RunPython(keep, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='complaint',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('description'), 4000), name='followup_complaint_description_length'),
        ),
        migrations.AddConstraint(
            model_name='complaint',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('handling'), 2000), name='followup_complaint_handling_length'),
        ),
        migrations.AddConstraint(
            model_name='complaint',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('callback_result'), 2000), name='followup_complaint_callback_result_length'),
        ),
        migrations.AddConstraint(
            model_name='complaintevent',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('note'), 4000), name='followup_complaintevent_note_length'),
        ),
        migrations.AddConstraint(
            model_name='correctiveaction',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('evidence'), 2000), name='followup_correctiveaction_evidence_length'),
        ),
        migrations.AddConstraint(
            model_name='followupcall',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('customer_words'), 4000), name='followup_followupcall_customer_words_length'),
        ),
    ]
