#!/usr/bin/env bash
# Sourced by the measurement scripts: starts `./kvasir serve` in the background on a fresh KVASIR_HOME (a new store,
# so it takes the admin password and demo key given here), waits until it is healthy, and stops it on exit.
#
#   start_gateway PORT LOG [serve arguments ...]   sets GATEWAY_PID and GATEWAY_HOME; honours KVASIR_JAVA_OPTS
#   create_tenant PORT ID [EXTRA_JSON]             creates tenant ID through the admin API and prints its new key
#   Needs KVASIR_ADMIN_PASSWORD and KVASIR_DEMO_TENANT_KEY exported by the caller.

gateway_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

start_gateway() {
  local port="$1" log="$2"
  shift 2
  GATEWAY_HOME="$(mktemp -d "${TMPDIR:-/tmp}/kvasir-measure-home.XXXXXX")"
  KVASIR_HOME="$GATEWAY_HOME" "$gateway_root/kvasir" serve --port "$port" "$@" >"$log" 2>&1 &
  GATEWAY_PID=$!
  trap 'kill "$GATEWAY_PID" 2>/dev/null || true; wait "$GATEWAY_PID" 2>/dev/null || true; rm -rf "$GATEWAY_HOME"' EXIT
  echo "waiting for the gateway on port $port (log: $log) ..." >&2
  for _ in $(seq 1 600); do
    if ! kill -0 "$GATEWAY_PID" 2>/dev/null; then
      echo "the gateway exited; its log:" >&2
      tail -n 40 "$log" >&2
      exit 1
    fi
    if curl -fsS "http://127.0.0.1:$port/actuator/health" 2>/dev/null | grep -q '"UP"'; then
      return 0
    fi
    sleep 1
  done
  echo "the gateway did not become healthy in 600 s; its log: $log" >&2
  exit 1
}

# EXTRA_JSON continues the tenant object, e.g. ',"limits":{"requests_per_minute":0}'.
create_tenant() {
  curl -fsS -u "admin:$KVASIR_ADMIN_PASSWORD" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$2\",\"id\":\"$2\"${3:-}}" "http://127.0.0.1:$1/admin/api/tenants" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["key"]["secret"])'
}

# A random key or password of the shape the gateway accepts.
random_secret() {
  echo "$1$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
}
