#!/usr/bin/env bash
# Proves the embedded default still works with no server: migrate and seed a throwaway
# SQLite file, serve it, and check that the login page and htmx (node_modules) answer.
set -euo pipefail
python=${1:-.venv/bin/python}
workdir=$(mktemp -d)
port=${SMOKE_PORT:-8765}
trap 'kill "${server_pid:-}" 2>/dev/null || true; rm -rf "$workdir"' EXIT

# The demo stores report files: in the throwaway folder too, not the repository's var/.
export DEBUG=true SECRET_KEY=smoke-only DATABASE_URL="sqlite:///$workdir/db.sqlite3" \
  MEDIA_ROOT="$workdir/media"
unset CACHE_URL CELERY_BROKER_URL
"$python" manage.py migrate --noinput -v0
"$python" manage.py seed_demo > "$workdir/seed.log"
"$python" manage.py runserver "127.0.0.1:$port" --noreload > "$workdir/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 50); do
  if "$python" -c 'import sys, urllib.request
page = urllib.request.urlopen(sys.argv[1], timeout=2).read().decode()
sys.exit(0 if "name=\"password\"" in page else 1)' "http://127.0.0.1:$port/accounts/login/" 2>/dev/null; then
    # The front-end packages that `make venv` installed are served too.
    "$python" -c 'import sys, urllib.request
script = urllib.request.urlopen(sys.argv[1], timeout=2).read()
sys.exit(0 if b"htmx" in script else 1)' "http://127.0.0.1:$port/static/vendor/htmx/htmx.min.js" 2>/dev/null || {
      echo "smoke: /static/vendor/htmx/htmx.min.js is not served (make venv runs npm ci)" >&2
      exit 1
    }
    echo "smoke: embedded SQLite migrated, seeded, the login page and htmx answer"
    exit 0
  fi
  sleep 0.2
done
echo "smoke: the login page did not answer; server log:" >&2
cat "$workdir/server.log" >&2
exit 1
