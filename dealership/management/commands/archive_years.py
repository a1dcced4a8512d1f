from django.core.management.base import BaseCommand, CommandError

from dealership.archive import ArchiveRefused, archive_years


class Command(BaseCommand):
    help = ("Move the closed years before 1 January of --before out of the append-only tables (the timelines of "
            "closed orders, the messages sent, the settings log, the refused attempts) into their archive tables "
            "(docs/scaling.md, \"Data that grows for years\"). Safe to stop and to run again.")

    def add_arguments(self, parser):
        parser.add_argument("--before", type=int, required=True, help="the first year kept live, e.g. 2024")
        parser.add_argument("--dry-run", action="store_true", help="count what would move, move nothing")

    def handle(self, *args, before: int, dry_run: bool, **options):
        try:
            moved = archive_years(before=before, dry_run=dry_run, say=self.stdout.write)
        except ArchiveRefused as exc:
            raise CommandError(str(exc)) from None
        verb = "would move" if dry_run else "moved"
        self.stdout.write(self.style.SUCCESS(", ".join(f"{table}: {verb} {n}" for table, n in moved.items())))
