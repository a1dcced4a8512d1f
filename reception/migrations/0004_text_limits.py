"""Free text gets a limit (issue 16): max_length on each TextField, the
texts already longer kept whole in dealership.TextOverflow (see
dealership.textlimits.keep_overlong_text), then a CHECK constraint for each."""

import django.db.models.functions.text
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models

from dealership.textlimits import keep_overlong_text


def keep(apps, schema_editor):
    keep_overlong_text(apps, 'reception')


class Migration(migrations.Migration):

    dependencies = [
        ('dealership', '0013_text_limits'),
        ('reception', '0003_remove_walkaround_brakes_ok_and_more'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='expertrequest',
            name='answer',
            field=models.TextField(blank=True, max_length=2000, verbose_name='answer'),
        ),
        migrations.AlterField(
            model_name='expertrequest',
            name='question',
            field=models.TextField(max_length=2000, verbose_name='question'),
        ),
        migrations.AlterField(
            model_name='reception',
            name='beyond_complaint',
            field=models.TextField(blank=True, max_length=2000, verbose_name='faults the customer had not noticed'),
        ),
        migrations.AlterField(
            model_name='signature',
            name='image',
            field=models.TextField(max_length=410000),
        ),
        migrations.AlterField(
            model_name='walkaround',
            name='belongings',
            field=models.TextField(blank=True, max_length=2000, verbose_name='equipment and belongings in the car'),
        ),
        migrations.AlterField(
            model_name='walkaround',
            name='exterior_notes',
            field=models.TextField(blank=True, help_text='Scratches, dents, cracks; “none” if none.', max_length=2000, verbose_name='exterior damage'),
        ),
        migrations.RunPython(keep, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='expertrequest',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('question'), 2000), name='reception_expertrequest_question_length'),
        ),
        migrations.AddConstraint(
            model_name='expertrequest',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('answer'), 2000), name='reception_expertrequest_answer_length'),
        ),
        migrations.AddConstraint(
            model_name='reception',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('beyond_complaint'), 2000), name='reception_reception_beyond_complaint_length'),
        ),
        migrations.AddConstraint(
            model_name='signature',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('image'), 410000), name='reception_signature_image_length'),
        ),
        migrations.AddConstraint(
            model_name='walkaround',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('exterior_notes'), 2000), name='reception_walkaround_exterior_notes_length'),
        ),
        migrations.AddConstraint(
            model_name='walkaround',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('belongings'), 2000), name='reception_walkaround_belongings_length'),
        ),
    ]
