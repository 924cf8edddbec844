#!/usr/bin/env bash
# Backup and restore drill (docs/operations.md, "Backups"): dumps the PostgreSQL database and the file folder,
# restores both into a fresh database and folder, and checks that the row counts of every table match, that
# `amtsweg verify-audit` passes on the restored database and that every file the database names is there.
# Exit code 0 when all holds. The backup itself stays in --out (default: a new folder in /tmp).
#
#   scripts/backup-restore-drill.sh                          uses DATABASE_URL and MEDIA_ROOT of the environment
#   scripts/backup-restore-drill.sh --prod                   the layout of scripts/prod-layout.sh (var/prod/env)
#   scripts/backup-restore-drill.sh --out /backup/amtsweg    keep the backup there
#   scripts/backup-restore-drill.sh --keep                   keep the restored database (<name>_restore_drill)
set -euo pipefail

cd "$(dirname "$0")/.."
if [[ ${1:-} == --prod ]]; then
    shift
    # shellcheck disable=SC1091
    source "${PROD_DIR:-var/prod}/env"
fi
command -v pg_dump >/dev/null || { echo "pg_dump fehlt (Debian: postgresql-client)" >&2; exit 1; }
exec .venv/bin/python scripts/backup_restore_drill.py "$@"
