#!/usr/bin/env bash
# baseline.sh up|down — the benchmark's baseline chaincode (test/bench/baseline: CreateAsset,
# ReadAsset, UpdateAsset) beside estp on the running network, for `npm run bench:ledger`.
# `up` deploys it exactly as estp is deployed (network/scripts/chaincode.sh): every org packages
# its own chaincode-as-a-service package, installs it, runs its own service (port block +7) and
# approves; one org commits the definition under the channel's MAJORITY endorsement policy.
# Idempotent: a second `up` only checks. `down` stops the services (the definition stays
# committed and is reused by the next `up`); network:down stops them too.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$NETWORK_DIR/scripts/nodes.sh"
source "$NETWORK_DIR/scripts/chaincode.sh"

CHAINCODE_NAME=baseline
CHAINCODE_SRC="$ROOT_DIR/test/bench/baseline"
CC_SERVICE=baseline

# Step: the org's one baseline service, dialled by each of its peers.
start_baseline_server() { # <org>
  load_cc_state "$1"
  step_note "$(start_chaincode_server "$1" peer0)"
}

network_running || die "the network is not running: start it with 'npm run network:up'"
take_lock
case ${1:-} in
  up)
    STEP_TOTAL=$((4 * ${#CHANNEL_ORGS[@]} + 1))
    for org in "${CHANNEL_ORGS[@]}"; do
      org_step "$org" "$org: packaging the baseline chaincode" package_chaincode "$org"
      org_step "$org" "$org: installing it on its peers" install_chaincode "$org"
      org_step "$org" "$org: baseline service on $(org_address "$org")" start_baseline_server "$org"
      org_step "$org" "$org: approving the baseline definition" approve_chaincode "$org"
    done
    org_step "${CHANNEL_ORGS[0]}" "committing the baseline definition (MAJORITY)" commit_chaincode "${CHANNEL_ORGS[0]}"
    ;;
  down)
    for name in $(baseline_process_names); do stop_process "$name"; done
    ;;
  *) die "usage: baseline.sh up|down" ;;
esac
