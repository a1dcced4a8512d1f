"""A real Celery worker, started as its own process against the configured
broker (Redis in CI, the filesystem transport on a laptop), runs the
follow-up sweep twice: one task is created, not two (FU-1)."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from dealership import celery_app
from dealership.models import WorkOrder
from followup.models import FollowUpTask

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ROOT = Path(settings.BASE_DIR)


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def test_fu1_a_real_worker_runs_the_sweep_twice_and_creates_one_task(order_in, tmp_path):
    order = order_in(WorkOrder.Status.DELIVERED)
    queue = f"test-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "dealership.settings", "DATABASE_URL": database_url(),
           "CELERY_BROKER_URL": settings.CELERY_BROKER_URL}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "dealership", "worker", "--pool=solo", "--concurrency=1",
         "-Q", queue, "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        for _ in range(2):
            celery_app.send_task("followup.tasks.sweep_followup_tasks", queue=queue)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if log.read_text().count("succeeded in") >= 2:
                break
            time.sleep(0.5)
        output = log.read_text()
        assert output.count("succeeded in") == 2, output[-3000:]
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert FollowUpTask.objects.filter(work_order=order).count() == 1
    results = sorted(line.rsplit(":", 1)[-1].strip() for line in output.splitlines() if "succeeded in" in line)
    assert results == ["0", "1"]
