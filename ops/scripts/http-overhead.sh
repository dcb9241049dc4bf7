#!/usr/bin/env bash
# The HTTP path's cost in one run: starts the gateway on MODEL, runs `./kvasir loadgen compare` against it
# (the same closed-loop workload on an in-process engine and through the gateway), and stops the gateway.
#
#   ops/scripts/http-overhead.sh MODEL.gguf [loadgen compare options, e.g. --concurrency 16 --requests 64 --json-out FILE]
#
# The requests go as tenant `overhead`, created through the admin API without per-minute limits and with room for
# 256 concurrent requests: the comparison measures the HTTP path, not the default tenant limits (600 requests a
# minute would refuse a fast model's run).
#
# Environment: KVASIR_PORT (default 18080), KVASIR_GATEWAY_ARGS (more `./kvasir serve` arguments, e.g. engine settings that the
# compare options must then match). The gateway's log goes to ${TMPDIR:-/tmp}/kvasir-http-overhead-gateway.log.
# Run it on a quiet machine: both sides share its cores, one after the other.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
model="${1:?usage: $0 MODEL.gguf [loadgen compare options]}"
shift
[ -f "$model" ] || { echo "$0: $model: no such file" >&2; exit 2; }
model="$(cd "$(dirname "$model")" && pwd)/$(basename "$model")"
port="${KVASIR_PORT:-18080}"
# shellcheck source=gateway-lib.sh
. "$root/ops/scripts/gateway-lib.sh"
export KVASIR_DEMO_TENANT_KEY="${KVASIR_DEMO_TENANT_KEY:-$(random_secret kv-overhead-)}"
export KVASIR_ADMIN_PASSWORD="${KVASIR_ADMIN_PASSWORD:-$(random_secret admin-)}"
log="${TMPDIR:-/tmp}/kvasir-http-overhead-gateway.log"
# shellcheck disable=SC2086
start_gateway "$port" "$log" --model "$model" "--kvasir.model-dirs[0]=$(dirname "$model")" ${KVASIR_GATEWAY_ARGS:-}

key="$(create_tenant "$port" overhead ',"limits":{"requests_per_minute":0,"tokens_per_minute":0,"max_concurrent":256,"max_queued":256}')"

"$root/kvasir" loadgen compare --url "http://127.0.0.1:$port" --api-key "$key" --engine-model "$model" "$@"
