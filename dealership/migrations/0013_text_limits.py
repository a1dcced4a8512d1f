"""Free text gets a limit (issue 16): max_length on each TextField, the
texts already longer kept whole in dealership.TextOverflow (see
dealership.textlimits.keep_overlong_text), then a CHECK constraint for each."""

import django.db.models.functions.text
import django.db.models.lookups
from django.db import migrations, models

from dealership.textlimits import keep_overlong_text


def keep(apps, schema_editor):
    keep_overlong_text(apps, 'dealership')


class Migration(migrations.Migration):

    dependencies = [
        ('dealership', '0012_store_offer_answer_hours'),
    ]

    operations = [
        migrations.CreateModel(
            name='TextOverflow',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('model', models.CharField(max_length=100, verbose_name='record')),
                ('object_id', models.CharField(max_length=40, verbose_name='record id')),
                ('field', models.CharField(max_length=100, verbose_name='field')),
                ('text', models.TextField(verbose_name='full text')),
                ('kept_at', models.DateTimeField(auto_now_add=True, verbose_name='kept at')),
            ],
            options={
                'verbose_name': 'over-long text kept',
                'verbose_name_plural': 'over-long texts kept',
            },
        ),
        migrations.AlterField(
            model_name='workorder',
            name='customer_words',
            field=models.TextField(blank=True, help_text="In the customer's own words.", max_length=2000, verbose_name="customer's description"),
        ),
        migrations.AlterField(
            model_name='workorder',
            name='diagnosis',
            field=models.TextField(blank=True, max_length=2000, verbose_name='diagnosis'),
        ),
        migrations.AlterField(
            model_name='workorderevent',
            name='note',
            field=models.TextField(blank=True, max_length=4000),
        ),
        migrations.RunPython(keep, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='workorder',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('customer_words'), 2000), name='dealership_workorder_customer_words_length'),
        ),
        migrations.AddConstraint(
            model_name='workorder',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('diagnosis'), 2000), name='dealership_workorder_diagnosis_length'),
        ),
        migrations.AddConstraint(
            model_name='workorderevent',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('note'), 4000), name='dealership_workorderevent_note_length'),
        ),
        migrations.AddIndex(
            model_name='textoverflow',
            index=models.Index(fields=['model', 'object_id'], name='dealership__model_44c07c_idx'),
        ),
    ]
