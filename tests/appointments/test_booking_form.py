"""The booking form reads the shop's day, not the server process's."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from appointments import forms

from ..factories import StoreFactory


@pytest.mark.django_db
def test_it_builds_the_slot_choices_for_the_shops_date_across_midnight_utc(monkeypatch):
    store = StoreFactory()
    days = []
    real = forms.reception_slots

    def spy(*, store, day):
        days.append(day)
        return real(store=store, day=day)

    monkeypatch.setattr(forms, "reception_slots", spy)
    # 16:30 UTC on 1 March is 00:30 on 2 March in the shop (Asia/Shanghai); the process runs in UTC
    with time_machine.travel(datetime(2025, 3, 1, 16, 30, tzinfo=ZoneInfo("UTC")), tick=False):
        assert date.today() == date(2025, 3, 1)
        form = forms.BookingForm(store=store)
        assert timezone.localdate() == date(2025, 3, 2)
    assert days == [date(2025, 3, 2)]
    assert form.fields["slot"].choices[1][0] == store.opens_at.strftime("%H:%M")
