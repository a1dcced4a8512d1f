"""The Celery app. Beat runs short sweeps that find due work in the database;
the database, not the broker, records what was done (see docs/decisions.md)."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dealership.settings")

app = Celery("dealership")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # issue 20: messages to customers whose delivery task was lost, or whose retry is due (docs/messages.md).
    "messages-deliver-due": {"task": "dealership.tasks.deliver_due_messages",
                             "schedule": float(os.environ.get("MESSAGE_SWEEP_SECONDS", "60"))},
    # SET-3: a dated price change moves the catalogue's price of today when its day comes (shortly after
    # midnight; the hourly runs catch up after a stopped worker). Quotes read the dated prices themselves.
    "catalogue-price-changes": {"task": "dealership.tasks.apply_price_changes", "schedule": crontab(minute=1)},
    # APT-11: confirmations a day and an hour before, and the preparation check.
    "appointments-confirmations": {
        "task": "appointments.tasks.sweep_confirmations",
        "schedule": float(os.environ.get("CONFIRMATION_SWEEP_SECONDS", "60")),
    },
    "appointments-no-shows": {"task": "appointments.tasks.sweep_no_shows", "schedule": 300.0},
    # APT-10: new times offered after the shop cancelled; a call task when unanswered in time.
    "appointments-offers": {"task": "appointments.tasks.sweep_offers", "schedule": 60.0},
    # FU-1: a follow-up call task for every delivered car.
    "followup-sweep": {
        "task": "followup.tasks.sweep_followup_tasks",
        "schedule": float(os.environ.get("FOLLOWUP_SWEEP_SECONDS", "60")),
    },
    # FU-7: overdue complaints go to the manager; FU-9: service reminders.
    "followup-complaints": {"task": "followup.tasks.sweep_complaints", "schedule": 300.0},
    "followup-reminders": {"task": "followup.tasks.sweep_reminders", "schedule": 3600.0},
    # issue 21: the must-avoid items counted per store and month (followup/compliance.py), every hour.
    "followup-compliance": {"task": "followup.tasks.compliance_count", "schedule": crontab(minute=20)},
    # FU-8: last month's analysis report, on the first of the month.
    "followup-monthly-report": {"task": "followup.tasks.monthly_reports",
                                "schedule": crontab(minute=30, hour=6, day_of_month=1)},
}
