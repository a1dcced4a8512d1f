from django.core.management.base import BaseCommand

from demo.scale import seed_scale


class Command(BaseCommand):
    help = "Generate a dealer group at benchmark scale (a million work orders: --orders 1000000)."

    def add_arguments(self, parser):
        parser.add_argument("--orders", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--stores", type=int, default=None,
                            help="stores in the group (default: one per 40,000 orders, a busy store's five years)")
        parser.add_argument("--years", type=int, default=5, help="the years the orders are spread over")

    def handle(self, *args, orders: int, seed: int, stores: int | None, years: int, **options):
        result = seed_scale(orders=orders, seed=seed, stores=stores, years=years,
                            log=lambda text: self.stdout.write(text))
        self.stdout.write(self.style.SUCCESS(f"{orders} work orders in {result['seconds']} s"))
