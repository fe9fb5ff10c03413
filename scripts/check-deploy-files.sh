#!/usr/bin/env bash
# Validate docker-compose.yml with the Compose CLI (no engine needed) and lint the
# Dockerfile with hadolint. Both tools come from PyPI (requirements-dev.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
plugin_dir=$(mktemp -d)
trap 'rm -rf "$plugin_dir"' EXIT
mkdir -p "$plugin_dir/cli-plugins"
compose_bin=$("$bin/python" - <<'PY'
import pathlib, shutil, sys
found = shutil.which("docker-compose", path=str(pathlib.Path(sys.executable).parent))
print(found or "")
PY
)
[ -n "$compose_bin" ] || { echo "docker-compose binary not found in .venv" >&2; exit 1; }
ln -s "$(readlink -f "$compose_bin")" "$plugin_dir/cli-plugins/docker-compose"
compose() {
  if command -v docker >/dev/null 2>&1; then
    DOCKER_CONFIG=$plugin_dir docker compose "$@"
  else
    "$compose_bin" "$@"
  fi
}
# As it stands, and as a fresh machine runs it after `cp .env.example .env`.
compose -f docker-compose.yml config -q
compose -f docker-compose.yml --env-file .env.example config -q
echo "docker-compose.yml: valid"
# Files the compose mounts into its services.
"$bin/python" -m json.tool deploy/seaweedfs/s3.json >/dev/null
echo "deploy/seaweedfs/s3.json: valid JSON"
"$bin/hadolint" --failure-threshold warning Dockerfile
echo "Dockerfile: hadolint clean"
