"""The figures' month, store and advisor come through FiguresFilter: what does not fit is ignored."""

from datetime import date

import pytest
from django.http import QueryDict

from followup.figures import filters_from

TODAY = date(2025, 3, 15)


def test_it_reads_the_month_store_and_advisor():
    f = filters_from(QueryDict("month=2024-02&store=3&advisor=7"), today=TODAY)
    assert (f.month, f.start.date(), f.end.date(), f.store_id, f.advisor_id) == (
        "2024-02", date(2024, 2, 1), date(2024, 3, 1), 3, 7)


@pytest.mark.parametrize("query", ["month=2025-13", "month=abc", "month=2025-02-30x", "store=x", "store=0",
                                   "store=99999999999999999999", "store=%EF%BC%95", "advisor=-1", "advisor=%00",
                                   "advisor=1.5"])
def test_it_ignores_a_value_that_does_not_fit(query):
    f = filters_from(QueryDict(query), today=TODAY)
    assert (f.month, f.store_id, f.advisor_id) == ("2025-03", None, None)
