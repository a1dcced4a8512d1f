"""Compile locale/*/LC_MESSAGES/*.po to .mo with polib, so a fresh machine
needs no GNU gettext (Django's compilemessages calls msgfmt)."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the .po translation files (no GNU gettext needed)."

    def handle(self, *args, **options) -> None:
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in Path(locale_dir).glob("*/LC_MESSAGES/*.po"):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                po = polib.pofile(str(po_path))
                po.save_as_mofile(str(mo_path))
                self.stdout.write(f"compiled {po_path} ({po.percent_translated()}% translated)")
