#!/usr/bin/env bash
# Start the web app and a Celery worker with embedded beat, no servers needed
# (SQLite and kombu's filesystem transport unless DATABASE_URL / CELERY_BROKER_URL say otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
export PUBLIC_BASE_URL=${PUBLIC_BASE_URL:-http://$HOST:$PORT}

.venv/bin/celery -A dealership worker --beat --loglevel=INFO --concurrency=1 --pool=solo \
  --schedule=var/celerybeat-schedule >var/celery.log 2>&1 &
CELERY_PID=$!
trap 'kill $CELERY_PID 2>/dev/null || true; wait $CELERY_PID 2>/dev/null || true' EXIT INT TERM

cat <<MSG

  Dealership after-sales system: http://$HOST:$PORT/
  Celery worker + beat running (log: var/celery.log)

  Demo logins (password for all: demo-pass-2026)
    agent      appointment agent        advisor    service advisor (天河)
    advisor2   service advisor          assistant  service assistant
    tech       technician               foreman    workshop foreman
    expert     technical expert         parts      parts clerk
    qc         QC inspector             cashier    cashier
    followup   follow-up agent          guard      gate guard
    manager    after-sales manager      group      dealer-group manager
    warranty   warranty assessor        tech3..6   more technicians
    py_advisor, py_tech, py_qc, py_cashier, py_manager   the second store (番禺)

MSG
$PY manage.py runserver "$HOST:$PORT"
