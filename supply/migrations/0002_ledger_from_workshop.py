"""The stock ledger moves from the workshop to supply (issue 19): its rows are
copied with their ids (requisitions point at them next, workshop 0006), and
every part whose stock is not the sum of its ledger gets one opening move for
the difference, so that from now on it is (supply.ledger.ledger_check). The
opening stock is valued at 0: its cost was never recorded; the first receipt
at a price starts the moving average."""

from django.db import migrations

COLUMNS = "id, store_id, part_id, quantity, kind, work_order_id, line_id, by_id, at, note"


def copy_ledger(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO supply_stockmove ({COLUMNS}, value) SELECT {COLUMNS}, 0 FROM workshop_stockmove")
        if connection.vendor == "postgresql":
            cursor.execute("SELECT setval(pg_get_serial_sequence('supply_stockmove', 'id'), "
                           "coalesce(max(id), 1), max(id) IS NOT NULL) FROM supply_stockmove")
    Part = apps.get_model("dealership", "Part")
    StockMove = apps.get_model("supply", "StockMove")
    from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
    from django.db.models.functions import Coalesce

    moved = StockMove.objects.filter(part_id=OuterRef("pk")).order_by().values("part_id").annotate(
        s=Sum("quantity")).values("s")
    parts = Part.objects.annotate(ledger=Coalesce(Subquery(moved), Value(0, output_field=DecimalField())))
    openings = [StockMove(store_id=part.store_id, part_id=part.pk, quantity=part.on_hand - part.ledger, value=0,
                          kind="opening", note="opening balance")
                for part in parts.iterator(chunk_size=2000) if part.on_hand != part.ledger]
    StockMove.objects.bulk_create(openings, batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ("supply", "0001_initial"),
        ("workshop", "0005_text_limits"),
    ]

    operations = [migrations.RunPython(copy_ledger, migrations.RunPython.noop)]
