"""The ledger is supply's now (issue 19): a requisition points at the row that issued it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('supply', '0002_ledger_from_workshop'),
        ('workshop', '0005_text_limits'),
    ]

    operations = [
        migrations.AddField(
            model_name='requisition',
            name='issue_move',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='supply.stockmove'),
        ),
        migrations.AddField(
            model_name='requisition',
            name='short_when_requested',
            field=models.BooleanField(default=False),
        ),
        # each issued requisition points at its ledger row (copied with its id to supply, supply 0002)
        migrations.RunSQL(
            "UPDATE workshop_requisition SET issue_move_id = (SELECT m.id FROM workshop_stockmove m "
            "WHERE m.requisition_id = workshop_requisition.id AND m.kind = 'issue' ORDER BY m.id LIMIT 1)",
            migrations.RunSQL.noop),
        migrations.DeleteModel(
            name='StockMove',
        ),
    ]
