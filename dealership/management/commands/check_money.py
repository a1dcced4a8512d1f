from django.core.management.base import BaseCommand, CommandError

from dealership.moneycheck import check_money


class Command(BaseCommand):
    help = ("Recompute line amounts, work order totals and statement totals from their parts and report any "
            "difference from what is stored; exits with status 1 when there is one.")

    def add_arguments(self, parser):
        parser.add_argument("--store", type=int, action="append", dest="stores", help="only this store id; repeat")

    def handle(self, *args, stores=None, **options):
        result = check_money(store_ids=stores)
        for what, n in result.checked.items():
            self.stdout.write(f"{what}: {n} checked, {result.counts[what]} different")
        for d in result.differences:
            self.stdout.write(f"  {d.what}: {d.record}: stored {d.stored}, recomputed {d.recomputed}")
        if not result.ok:
            raise CommandError("money differs from its parts (see above)", returncode=1)
        self.stdout.write("all money agrees with its parts")
