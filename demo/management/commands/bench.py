import json

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from dealership.models import WorkOrder
from demo.bench import run_bench
from demo.scale import seed_scale


class Command(BaseCommand):
    help = "Benchmark the key pages at dealer-group scale (PostgreSQL, gunicorn, wrk) and print a JSON report."

    def add_arguments(self, parser):
        parser.add_argument("--orders", type=int, default=1_000_000,
                            help="work orders the database must hold; seed_scale adds what is missing")
        parser.add_argument("--seconds", type=int, default=3, help="wrk duration of each load (a page is loaded 1 + 3 times, each time after the baseline)")
        parser.add_argument("--sweep", type=int, default=20_000, help="confirmations and deliveries for the sweeps (0: no sweeps)")
        parser.add_argument("--out", default="bench-report.json")
        parser.add_argument("--page", action="append", dest="pages",
                            help="measure only this page (and the baseline); repeat for more. For working on one page.")

    def handle(self, *args, orders, seconds, sweep, out, pages, **options):
        if connection.vendor != "postgresql":
            raise CommandError("make bench runs against PostgreSQL: set DATABASE_URL (see the README).")
        have = WorkOrder.objects.count()
        if have < orders * 0.95:
            self.stdout.write(f"{have} work orders in the database; generating {orders - have} more …")
            seeded = seed_scale(orders=orders - have, log=self.stdout.write)
        else:
            seeded = None
        report = run_bench(seconds=seconds, sweep_count=sweep, only=pages, log=self.stdout.write)
        report["seeded"] = seeded
        text = json.dumps(report, ensure_ascii=False, indent=2)
        with open(out, "w", encoding="utf-8") as f:
            f.write(text)
        self.stdout.write(text)
