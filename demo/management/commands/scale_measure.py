import json

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from demo.scale_measure import measure


class Command(BaseCommand):
    help = ("Measure a group seeded at scale with a primary and a streaming replica (issue 23): the managers' pages "
            "on each, the desk pages, an order's write cost, the sweeps on one and three workers. Prints JSON.")

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=15, help="timed requests of each page in each mode")
        parser.add_argument("--orders", type=int, default=40, help="orders driven from reception to delivery")
        parser.add_argument("--reminders", type=int, default=10_000, help="reminders due across the stores")
        parser.add_argument("--out", default="scale-report.json")

    def handle(self, *args, requests, orders, reminders, out, **options):
        if connection.vendor != "postgresql":
            raise CommandError("scale_measure runs against PostgreSQL with DATABASE_REPLICA_URL set")
        try:
            report = measure(requests=requests, orders=orders, reminders=reminders, log=self.stdout.write)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from None
        text = json.dumps(report, ensure_ascii=False, indent=2, default=str)
        with open(out, "w", encoding="utf-8") as f:
            f.write(text)
        self.stdout.write(text)
