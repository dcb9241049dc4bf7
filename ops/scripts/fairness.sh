#!/usr/bin/env bash
# Fairness under a flooding tenant in one run: starts the gateway (the embedded model unless KVASIR_GATEWAY_ARGS
# names one), creates two tenants through the admin API, `victim` and `flood`, with the default tenant limits, runs
# `./kvasir loadgen fairness` (the victim alone, then beside the flooder) and stops the gateway.
#
#   ops/scripts/fairness.sh [loadgen fairness options, e.g. --duration 120 --prompt-tokens 64 --output-tokens 32]
#
# Environment: KVASIR_PORT (default 18081), VICTIM_RATE (victim requests/s, default 1), FLOOD_USERS (the flooder's
# closed-loop users, default 32), FLOOD_CONCURRENT (the flooder's concurrent-request limit, default 16; no per-minute
# limits), KVASIR_GATEWAY_ARGS (more `./kvasir serve` arguments, e.g. engine settings).
# The gateway's log goes to ${TMPDIR:-/tmp}/kvasir-fairness-gateway.log. Run it on a quiet machine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
port="${KVASIR_PORT:-18081}"
# shellcheck source=gateway-lib.sh
. "$root/ops/scripts/gateway-lib.sh"
export KVASIR_ADMIN_PASSWORD="${KVASIR_ADMIN_PASSWORD:-$(random_secret admin-)}"
export KVASIR_DEMO_TENANT_KEY="${KVASIR_DEMO_TENANT_KEY:-$(random_secret kv-demo-)}"
# shellcheck disable=SC2086
start_gateway "$port" "${TMPDIR:-/tmp}/kvasir-fairness-gateway.log" ${KVASIR_GATEWAY_ARGS:-}

victim_key="$(create_tenant "$port" victim)"
# The flooder may send as fast as it likes (no per-minute limits) but keeps the default concurrency and queue limits,
# so it floods the engine rather than spinning on 429s.
flood_key="$(create_tenant "$port" flood ",\"limits\":{\"requests_per_minute\":0,\"tokens_per_minute\":0,\"max_concurrent\":${FLOOD_CONCURRENT:-16},\"max_queued\":64}")"

"$root/kvasir" loadgen fairness --url "http://127.0.0.1:$port" --victim "victim:$victim_key:${VICTIM_RATE:-1}" \
  --flooder "flood:$flood_key:users=${FLOOD_USERS:-32}" "$@"
