#!/usr/bin/env bash
# Back up the database and the uploaded files (docs/security.md, "Backup and restore").
#   DATABASE_URL=postgres://… scripts/backup.sh [folder]     (default folder: var/backups)
# Prints the path of the database dump. The dump is consistent while the app runs (pg_dump
# reads one snapshot); the uploaded photos and reports are copied beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-var/backups}
stamp=$(date +%Y%m%d-%H%M%S)
url=${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to back up}
mkdir -p "$out"
pg_dump --format=custom --no-owner --no-privileges --file="$out/db-$stamp.dump" "$url"
media=${DJANGO_MEDIA_ROOT:-var/media}
if [ -d "$media" ]; then
  tar czf "$out/media-$stamp.tgz" -C "$(dirname "$media")" "$(basename "$media")"
fi
echo "$out/db-$stamp.dump"
