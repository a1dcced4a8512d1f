"""Issue 23: the beat's sweeps split by store (dealership/sweeps.py), in this process (Celery eager): a round's
pieces cover every store once, a round sent again does nothing, the next round sweeps again, and a wake-up for one
store sweeps that store alone, outside the rounds. tests/test_worker.py runs three real workers on the broker."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from dealership.models import SweepStore
from dealership.sweeps import round_now, sweep_period
from followup.models import ServiceReminder
from followup.tasks import sweep_reminders

from ..factories import StoreFactory, VehicleFactory

NAME = "followup.tasks.sweep_reminders"


def due_cars(stores) -> None:
    for store in stores:
        VehicleFactory(store=store, next_service_on=timezone.localdate() + timedelta(days=5))


def test_a_round_in_pieces_sweeps_every_store_once_and_a_round_sent_again_nothing(db, settings):
    settings.SWEEP_STORES_PER_TASK = 2
    stores = StoreFactory.create_batch(5)
    due_cars(stores)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sweep_reminders()  # the beat: three pieces of at most two stores, each run here (eager)
        assert ServiceReminder.objects.count() == 5
        shares = SweepStore.objects.filter(sweep=NAME)
        assert sorted(shares.values_list("store_id", flat=True)) == sorted(s.pk for s in stores)
        assert set(shares.values_list("runs", "last_round")) == {(1, round_now(NAME))}
        sweep_reminders()  # the same round again (a duplicated beat, a redelivered message)
        assert set(shares.values_list("runs", flat=True)) == {1}
    due_cars(stores)
    with time_machine.travel(start + timedelta(seconds=sweep_period(NAME)), tick=False):
        sweep_reminders()  # the next round
        assert set(shares.values_list("runs", flat=True)) == {2}
        assert ServiceReminder.objects.count() == 10


def test_one_piece_is_swept_where_the_beat_landed(db, settings):
    settings.SWEEP_STORES_PER_TASK = 20
    stores = StoreFactory.create_batch(3)
    due_cars(stores)
    assert sweep_reminders() == 0  # no consent to messages: each a call task, none sent
    assert ServiceReminder.objects.count() == 3
    assert SweepStore.objects.filter(sweep=NAME, runs=1).count() == 3


def test_a_wake_up_sweeps_its_store_alone_outside_the_rounds(db):
    one, other = StoreFactory.create_batch(2)
    due_cars([one, other])
    sweep_reminders(store_ids=[one.pk])
    assert list(ServiceReminder.objects.values_list("store_id", flat=True)) == [one.pk]
    assert not SweepStore.objects.exists()  # the round is still to come, for both stores
    sweep_reminders()
    assert ServiceReminder.objects.filter(store=other).count() == 1 and ServiceReminder.objects.count() == 2
