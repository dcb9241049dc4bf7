#!/usr/bin/env bash
# The HTTP path's cost in one run: starts the gateway on MODEL, runs `./kvasir loadgen compare` against it
# (the same closed-loop workload on an in-process engine and through the gateway), and stops the gateway.
#
#   ops/scripts/http-overhead.sh MODEL.gguf [loadgen compare options, e.g. --concurrency 16 --requests 64 --json-out FILE]
#
# Environment: KVASIR_PORT (default 18080), KVASIR_DEMO_TENANT_KEY (the demo tenant's key the gateway creates;
# a random one when unset), KVASIR_GATEWAY_ARGS (more `./kvasir serve` arguments, e.g. engine settings that the
# compare options must then match). The gateway's log goes to ${TMPDIR:-/tmp}/kvasir-http-overhead-gateway.log.
# Run it on a quiet machine: both sides share its cores, one after the other.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
model="${1:?usage: $0 MODEL.gguf [loadgen compare options]}"
shift
[ -f "$model" ] || { echo "$0: $model: no such file" >&2; exit 2; }
model="$(cd "$(dirname "$model")" && pwd)/$(basename "$model")"
port="${KVASIR_PORT:-18080}"
key="${KVASIR_DEMO_TENANT_KEY:-kv-overhead-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')}"
# A fresh home, so the gateway's store is new and takes this demo key (an existing store keeps its own).
home="$(mktemp -d "${TMPDIR:-/tmp}/kvasir-http-overhead-home.XXXXXX")"
log="${TMPDIR:-/tmp}/kvasir-http-overhead-gateway.log"

# shellcheck disable=SC2086
KVASIR_HOME="$home" KVASIR_DEMO_TENANT_KEY="$key" "$root/kvasir" serve --port "$port" --model "$model" \
  "--kvasir.model-dirs[0]=$(dirname "$model")" ${KVASIR_GATEWAY_ARGS:-} >"$log" 2>&1 &
gateway=$!
trap 'kill "$gateway" 2>/dev/null || true; wait "$gateway" 2>/dev/null || true; rm -rf "$home"' EXIT

echo "http-overhead: waiting for the gateway on port $port (log: $log) ..." >&2
for _ in $(seq 1 600); do
  if ! kill -0 "$gateway" 2>/dev/null; then
    echo "http-overhead: the gateway exited; its log:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
  if curl -fsS "http://127.0.0.1:$port/actuator/health" 2>/dev/null | grep -q '"UP"'; then
    break
  fi
  sleep 1
done

"$root/kvasir" loadgen compare --url "http://127.0.0.1:$port" --api-key "$key" --engine-model "$model" "$@"
