#!/usr/bin/env bash
# Make sure the PostgreSQL the tests use answers on 127.0.0.1:5432.
set -euo pipefail
host=${PGHOST_FOR_TESTS:-127.0.0.1}
if pg_isready -q -h "$host" -p 5432; then exit 0; fi
echo "PostgreSQL is down; starting it."
if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
fi
for _ in $(seq 1 30); do
  pg_isready -q -h "$host" -p 5432 && exit 0
  sleep 1
done
echo "PostgreSQL did not come up on $host:5432" >&2
exit 1
