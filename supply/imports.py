"""The opening stock import, written through the ledger (issue 19): each part's
difference from the file is one opening move, valued at the file's unit cost
where it gives one."""

from __future__ import annotations

from dealership.imports.cells import Column, decimal
from dealership.imports.kinds import Stock

from .ledger import stock_set
from .models import PartSupply, StockMove


class LedgerStock(Stock):
    columns = (*Stock.columns,
               Column("unit_cost", "单位成本", "Unit cost (yuan)", decimal(), default=None, example="45.00"))

    def write_batch(self, store, units, counts, *, actor):
        from dealership.models import Part

        rows = [unit[0] for unit in units]
        parts = dict(Part.objects.filter(store=store, number__in={r.values["number"] for r in rows})
                     .values_list("number", "id"))
        wanted = {parts[r.values["number"]]: r.values["on_hand"] for r in rows}
        costs = {parts[r.values["number"]]: r.values["unit_cost"] for r in rows if r.values.get("unit_cost") is not None}
        moves = stock_set(counts=wanted, costs=costs, kind=StockMove.Kind.OPENING, actor=actor,
                          note="opening stock import")
        for row in rows:
            counts.add(False, parts[row.values["number"]] in moves)
        # the unit cost is also the part's last purchase price, for the parts that have no supply settings yet
        known = set(PartSupply.objects.filter(part_id__in=list(costs)).values_list("part_id", flat=True))
        PartSupply.objects.bulk_create([PartSupply(store_id=store.pk, part_id=part_id, last_cost=cost)
                                        for part_id, cost in costs.items() if part_id not in known])
