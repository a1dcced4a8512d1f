"""Registers with dealership.moneycheck the check of issued statements: each
total recomputed from its labour, parts and adjustments (issue 10)."""

from django.db.models import F

from dealership.moneycheck import EXAMPLES, Difference, MoneyCheck, register

from .models import Statement


@register
def statement_totals(result: MoneyCheck, store_ids: list[int] | None) -> None:
    statements = Statement.objects.filter(superseded=False)
    if store_ids is not None:
        statements = statements.filter(store_id__in=store_ids)
    bad_statements = statements.exclude(total=F("labour") + F("parts") + F("adjustments"))
    result.checked["statements"] = statements.count()
    result.counts["statements"] = bad_statements.count()
    for statement in bad_statements.order_by("id")[:EXAMPLES]:
        result.differences.append(Difference("statement total", statement.number, statement.total,
                                             statement.labour + statement.parts + statement.adjustments))
