from django.core.management.base import BaseCommand

from demo.scale import seed_scale


class Command(BaseCommand):
    help = "Generate a dealer group at benchmark scale (a million work orders: --orders 1000000)."

    def add_arguments(self, parser):
        parser.add_argument("--orders", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, orders: int, seed: int, **options):
        result = seed_scale(orders=orders, seed=seed, log=lambda text: self.stdout.write(text))
        self.stdout.write(self.style.SUCCESS(f"{orders} work orders in {result['seconds']} s"))
