"""Issue 23: one row per beat sweep and store, the record that the store's share of a sweep round was taken, by
which worker, and how often in all (dealership/sweeps.py). A fixed number of rows (sweeps x stores), updated in
place: the rounds themselves leave nothing behind."""

from django.db import models

from .base import StoreOwned


class SweepStore(StoreOwned):
    sweep = models.CharField(max_length=80)  # the task's name
    last_round = models.BigIntegerField(default=0)  # the round last taken (the beat's time over the sweep's period)
    runs = models.PositiveIntegerField(default=0)  # rounds taken in all
    worker = models.CharField(max_length=120, blank=True)  # the worker that took the last one
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sweep", "store"], name="sweep_store_once")]

    def __str__(self) -> str:
        return f"{self.sweep} {self.store_id} #{self.last_round}"


class ArchiveRun(models.Model):
    """Issue 23: one run of `manage.py archive_years`: the closed years before `before` moved out of the
    append-only tables into their archive tables (dealership/archive.py), and how many rows of each."""

    before = models.DateField()  # the first day kept live (1 January of a year)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    moved = models.JSONField(default=dict, blank=True)  # table -> rows

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"before {self.before:%Y-%m-%d}"
