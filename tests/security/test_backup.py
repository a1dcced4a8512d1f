"""Backup and restore (docs/security.md): the documented scripts dump the
database while it holds a whole process's records, restore the dump into an
empty database, and every row of every table is there afterwards, money
included. Runs against PostgreSQL, as in CI; on the SQLite development
database the file is copied with SQLite's backup API instead."""

import os
import sqlite3
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection

from dealership.models import WorkOrder
from settlement.services import statement_issue

ROOT = Path(settings.BASE_DIR)


def tables() -> list[str]:
    return sorted({m._meta.db_table for m in apps.get_models() if m._meta.managed and not m._meta.proxy})


def counts(cursor) -> dict[str, int]:
    out = {}
    for table in tables():
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - our own table names
        out[table] = cursor.fetchone()[0]
    return out


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_holds_every_record(team, order_in, tmp_path):
    delivered = order_in(WorkOrder.Status.DELIVERED)
    ready = order_in(WorkOrder.Status.READY)
    statement = statement_issue(work_order=ready, advisor=ready.advisor)
    with connection.cursor() as cursor:
        before = counts(cursor)
    assert before[WorkOrder._meta.db_table] >= 2 and sum(before.values()) > 50

    if connection.vendor == "postgresql":
        import psycopg2

        db = connection.settings_dict
        auth = f"{db['USER']}" + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        base = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        target = f"{db['NAME']}_restore"
        env = {**os.environ, "DATABASE_URL": f"{base}/{db['NAME']}", "DJANGO_MEDIA_ROOT": str(tmp_path / "media")}
        dump = subprocess.run([str(ROOT / "scripts/backup.sh"), str(tmp_path)], env=env, capture_output=True,
                              text=True, check=True).stdout.strip().splitlines()[-1]
        admin = psycopg2.connect(f"{base}/postgres")
        admin.autocommit = True
        with admin.cursor() as c:
            c.execute(f'DROP DATABASE IF EXISTS "{target}"')
            c.execute(f'CREATE DATABASE "{target}"')
        try:
            subprocess.run([str(ROOT / "scripts/restore.sh"), dump, f"{base}/{target}"], capture_output=True,
                           text=True, check=True)
            restored = psycopg2.connect(f"{base}/{target}")
            with restored.cursor() as c:
                after = counts(c)
                c.execute("SELECT number, total FROM settlement_statement WHERE id = %s", [statement.pk])
                number, total = c.fetchone()
                c.execute("SELECT status FROM dealership_workorder WHERE id = %s", [delivered.pk])
                status = c.fetchone()[0]
            restored.close()
        finally:
            with admin.cursor() as c:
                c.execute(f'DROP DATABASE IF EXISTS "{target}"')
            admin.close()
    else:
        copy = tmp_path / "copy.sqlite3"
        source = sqlite3.connect(connection.settings_dict["NAME"])
        dest = sqlite3.connect(copy)
        source.backup(dest)
        source.close()
        c = dest.cursor()
        after = counts(c)
        number, total = c.execute("SELECT number, total FROM settlement_statement WHERE id = ?",
                                  [statement.pk]).fetchone()
        status = c.execute("SELECT status FROM dealership_workorder WHERE id = ?", [delivered.pk]).fetchone()[0]
        dest.close()

    assert after == before
    assert (number, Decimal(str(total))) == (statement.number, statement.total)
    assert status == WorkOrder.Status.DELIVERED
