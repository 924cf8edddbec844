#!/usr/bin/env bash
# The production layout of docs/operations.md on one machine: nginx (TLS, self-signed certificate) in front of
# two app servers (`amtsweg serve`, gunicorn) and two task workers (`amtsweg worker`) on PostgreSQL, with one
# shared folder for uploaded files and receipts (MEDIA_ROOT). Production settings (AMTSWEG_ENVIRONMENT=production).
#
#   scripts/prod-layout.sh start      create database and files if missing, migrate, start what is not running
#   scripts/prod-layout.sh revive     start only the processes that died (what a supervisor such as systemd does)
#   scripts/prod-layout.sh status     which processes run; the task queue (amtsweg tasks-status)
#   scripts/prod-layout.sh loadtest   (after start) load through nginx, kill -9 of one app server and one task worker mid-run,
#                                     then: nothing acknowledged lost (benchmarks/chaos.py), verify-audit passes
#   scripts/prod-layout.sh stop       stop everything (SIGTERM: running requests and tasks finish)
#   scripts/prod-layout.sh destroy    stop and delete the database and PROD_DIR
#
# Settings: PROD_DIR (default var/prod), PROD_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/amtsweg_prod),
# PROD_HTTPS_PORT (8443), PROD_HTTP_PORT (8080), PROD_APP_PORTS ("8101 8102"). Needs nginx (Debian: nginx-light)
# and openssl; run as the user that owns PROD_DIR.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
PROD_DIR=$(realpath -m "${PROD_DIR:-var/prod}")
DATABASE_URL=${PROD_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/amtsweg_prod}
HTTPS_PORT=${PROD_HTTPS_PORT:-8443}
HTTP_PORT=${PROD_HTTP_PORT:-8080}
read -r -a APP_PORTS <<<"${PROD_APP_PORTS:-8101 8102}"
WORKERS=(1 2)
AMTSWEG="$ROOT/.venv/bin/amtsweg"
PYTHON="$ROOT/.venv/bin/python"
BASE_URL="https://127.0.0.1:$HTTPS_PORT"

log() { printf '== %s\n' "$*"; }
die() { printf 'Fehler: %s\n' "$*" >&2; exit 1; }

alive() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

write_env() {
    mkdir -p "$PROD_DIR"/{media,mail,static,nginx,logs,run}
    if [[ ! -f $PROD_DIR/env ]]; then
        local key
        key=$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))')
        cat >"$PROD_DIR/env" <<EOF
# Environment of every process of this layout (docs/configuration.md). Generated once; edit as needed.
export AMTSWEG_ENVIRONMENT=production
export SECRET_KEY='$key'
export ALLOWED_HOSTS=127.0.0.1,localhost
export CSRF_TRUSTED_ORIGINS=$BASE_URL
export AMTSWEG_PUBLIC_URL=$BASE_URL
export DATABASE_URL=$DATABASE_URL
export AMTSWEG_DATA_DIR=$PROD_DIR
# The shared folder for uploads and receipts: every app server and worker must see the same files.
export STORAGE_BACKEND=local
export MEDIA_ROOT=$PROD_DIR/media
export STATIC_ROOT=$PROD_DIR/static
# E-mails as files instead of SMTP, so the layout runs without a mail server.
export EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend
export AMTSWEG_MAIL_DIR=$PROD_DIR/mail
# nginx connects from this machine; it passes the client address on in X-Forwarded-For.
export AMTSWEG_TRUSTED_PROXIES=127.0.0.1
# The load test sends every request from this machine; production keeps the limit.
export AMTSWEG_API_ANON_RATE=
# The load test sends everything from one address: no limit per client on confirmation e-mails.
export AMTSWEG_MAILS_PER_CLIENT=0
export AMTSWEG_TASK_LEASE_SECONDS=10
export LOG_LEVEL=WARNING
EOF
    fi
    # shellcheck disable=SC1091
    source "$PROD_DIR/env"
}

database() {
    "$PYTHON" - "$DATABASE_URL" <<'EOF'
import sys
from urllib.parse import urlsplit
import psycopg
from psycopg import sql
parts = urlsplit(sys.argv[1])
name = parts.path.lstrip("/")
with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as connection:
    if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"Datenbank {name} angelegt")
EOF
    "$AMTSWEG" migrate --noinput -v 0
    "$AMTSWEG" collectstatic --noinput -v 0
}

certificate() {
    [[ -f $PROD_DIR/nginx/cert.pem ]] && return
    openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=localhost" \
        -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
        -keyout "$PROD_DIR/nginx/key.pem" -out "$PROD_DIR/nginx/cert.pem" 2>/dev/null
}

nginx_config() {
    local servers=""
    for port in "${APP_PORTS[@]}"; do
        servers+="        server 127.0.0.1:$port max_fails=1 fail_timeout=5s;"$'\n'
    done
    sed -e "s|@PROD_DIR@|$PROD_DIR|g" -e "s|@HTTPS_PORT@|$HTTPS_PORT|g" -e "s|@HTTP_PORT@|$HTTP_PORT|g" \
        -e "s|@USER@|$(id -un)|g" "$ROOT/scripts/nginx-amtsweg.conf" \
        | awk -v servers="$servers" '{ if ($0 ~ /@UPSTREAM_SERVERS@/) printf "%s", servers; else print }' \
        >"$PROD_DIR/nginx/nginx.conf"
}

start_one() {  # name, pidfile, command...
    local name=$1 pidfile=$2
    shift 2
    if alive "$pidfile"; then return; fi
    setsid "$@" >>"$PROD_DIR/logs/$name.log" 2>&1 </dev/null &
    echo $! >"$pidfile"
    log "$name gestartet (PID $!)"
}

start() {
    command -v nginx >/dev/null || die "nginx fehlt (Debian: apt-get install nginx-light)"
    command -v openssl >/dev/null || die "openssl fehlt"
    write_env
    database
    certificate
    revive
}

revive() {  # start the processes that do not run (a supervisor's job; the load test calls it after kill -9)
    write_env
    local n=0
    for port in "${APP_PORTS[@]}"; do
        n=$((n + 1))
        start_one "app$n" "$PROD_DIR/run/app$n.pid" \
            "$AMTSWEG" serve --bind "127.0.0.1:$port" --workers 2 --timeout 30 --no-access-log
    done
    for n in "${WORKERS[@]}"; do
        start_one "worker$n" "$PROD_DIR/run/worker$n.pid" \
            "$AMTSWEG" worker --worker-id "$(hostname)-worker$n-$$" --interval 0.5
    done
    nginx_config
    nginx -e "$PROD_DIR/logs/nginx-error.log" -t -q -c "$PROD_DIR/nginx/nginx.conf" -p "$PROD_DIR/nginx" || die "nginx-Konfiguration fehlerhaft"
    if alive "$PROD_DIR/run/nginx.pid"; then
        nginx -e "$PROD_DIR/logs/nginx-error.log" -s reload -c "$PROD_DIR/nginx/nginx.conf" -p "$PROD_DIR/nginx"
    else
        nginx -e "$PROD_DIR/logs/nginx-error.log" -c "$PROD_DIR/nginx/nginx.conf" -p "$PROD_DIR/nginx"
        log "nginx gestartet: $BASE_URL (http://127.0.0.1:$HTTP_PORT leitet um)"
    fi
    for _ in $(seq 1 120); do
        curl -fsk "$BASE_URL/health/" >/dev/null 2>&1 && { log "bereit: $BASE_URL"; return; }
        sleep 0.5
    done
    die "$BASE_URL/health/ antwortet nicht (Protokolle in $PROD_DIR/logs)"
}

stop() {
    if alive "$PROD_DIR/run/nginx.pid"; then
        nginx -e "$PROD_DIR/logs/nginx-error.log" -s quit -c "$PROD_DIR/nginx/nginx.conf" -p "$PROD_DIR/nginx" || true
    fi
    for pidfile in "$PROD_DIR"/run/app*.pid "$PROD_DIR"/run/worker*.pid; do
        [[ -f $pidfile ]] || continue
        if alive "$pidfile"; then
            kill -TERM -- "-$(cat "$pidfile")" 2>/dev/null || kill -TERM "$(cat "$pidfile")" || true
        fi
    done
    for pidfile in "$PROD_DIR"/run/app*.pid "$PROD_DIR"/run/worker*.pid; do
        [[ -f $pidfile ]] || continue
        for _ in $(seq 1 60); do alive "$pidfile" || break; sleep 0.5; done
        rm -f "$pidfile"
    done
    log "angehalten"
}

status() {
    write_env
    for pidfile in "$PROD_DIR"/run/*.pid; do
        [[ -f $pidfile ]] || continue
        if alive "$pidfile"; then state=läuft; else state=tot; fi
        printf '%-8s PID %-8s %s\n' "$(basename "$pidfile" .pid)" "$(cat "$pidfile")" "$state"
    done
    curl -fsk "$BASE_URL/health/" >/dev/null && echo "nginx → App-Server: $BASE_URL/health/ ok"
    "$AMTSWEG" tasks-status
}

loadtest() {
    write_env
    revive
    local args=()
    for pidfile in "$PROD_DIR"/run/app*.pid; do args+=(--app-pidfile "$pidfile"); done
    for pidfile in "$PROD_DIR"/run/worker*.pid; do args+=(--worker-pidfile "$pidfile"); done
    "$PYTHON" "$ROOT/benchmarks/chaos.py" --base-url "$BASE_URL" --database-url "$DATABASE_URL" \
        --restart "$ROOT/scripts/prod-layout.sh revive" "${args[@]}" "$@"
    "$AMTSWEG" verify-audit
}

destroy() {
    write_env
    stop
    "$PYTHON" - "$DATABASE_URL" <<'EOF'
import sys
from urllib.parse import urlsplit
import psycopg
from psycopg import sql
parts = urlsplit(sys.argv[1])
with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as connection:
    connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(parts.path.lstrip("/"))))
EOF
    rm -rf "$PROD_DIR"
    log "Datenbank und $PROD_DIR gelöscht"
}

case "${1:-}" in
    start) start ;;
    revive) revive ;;
    stop) write_env; stop ;;
    status) status ;;
    loadtest) shift; loadtest "$@" ;;
    destroy) destroy ;;
    *) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
