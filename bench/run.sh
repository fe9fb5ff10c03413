#!/usr/bin/env bash
# The benchmark, from a fresh clone: bench/run.sh [--tickets 10000,100000,1000000]
# Installs what is missing (the venv, gettext for the catalogs, wrk), makes sure
# PostgreSQL runs, then hands over to bench/run.py (see its docstring and the
# README's "Benchmark" section). Everything stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

make --no-print-directory venv messages >/dev/null
if ! command -v wrk >/dev/null; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "Please install wrk (apt-get install wrk)" >&2; exit 1; }
        sudo="sudo"
    fi
    echo "Installing wrk (Debian package)"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null \
        || { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null; }
fi
scripts/ensure-postgres.sh
exec .venv/bin/python bench/run.py "$@"
