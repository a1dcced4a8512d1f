#!/usr/bin/env bash
# Restore a dump made by scripts/backup.sh into an empty database (docs/security.md).
#   createdb -h HOST -U USER NEWDB
#   scripts/restore.sh var/backups/db-….dump postgres://USER@HOST:5432/NEWDB
# then point DATABASE_URL at it, run `manage.py migrate --check` and `manage.py check_money`,
# and unpack the media archive of the same time into DJANGO_MEDIA_ROOT's parent folder.
set -euo pipefail
dump=${1:?the dump file}
target=${2:?the URL of an empty database to restore into}
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$target" "$dump"
echo "restored $dump into $target"
