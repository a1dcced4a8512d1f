"""Render every printed document the system has from the demo data, so the
whole set can be checked in one go: python manage.py render_samples --out DIR"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from dealership.printing import DOCUMENTS


class Command(BaseCommand):
    help = "Render a sample of every printed document into a folder."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--out", required=True, help="Folder to write the PDFs into.")
        parser.add_argument("--language", default="zh-hans", help="Language of the documents.")

    def handle(self, *args, out: str, language: str, **options) -> None:
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        missing = []
        with translation.override(language):
            for name, document in sorted(DOCUMENTS.items()):
                started = time.perf_counter()
                sample = document.sample()
                if sample is None:
                    missing.append(name)
                    self.stderr.write(f"{name}: no demo record to print (run seed_demo first)")
                    continue
                filename, pdf = sample
                (folder / filename).write_bytes(pdf)
                self.stdout.write(f"{name}: {folder / filename} ({len(pdf):,} bytes, "
                                  f"{time.perf_counter() - started:.2f} s) - {document.description}")
        if missing:
            raise CommandError(f"No sample data for: {', '.join(missing)}")
