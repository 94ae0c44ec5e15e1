#!/usr/bin/env bash
# baseline.sh up|down — the benchmark's baseline chaincode (test/bench/baseline: CreateAsset,
# ReadAsset, UpdateAsset) beside estp on the running network, for `npm run bench:ledger`.
# `up` deploys it exactly as estp is deployed (network/scripts/chaincode.sh): every org packages
# its own chaincode-as-a-service package, installs it, runs its own service (port block +7) and
# approves; one org commits the definition under the channel's MAJORITY endorsement policy.
# Idempotent: a second `up` only checks, in one query when nothing changed (the bench's smoke in
# `npm test` runs it every time; the step-by-step check took 10 s). `down` stops the services (the definition stays
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

# Whether the baseline is deployed for this build: each org's recorded package is of this build
# and its service runs that package, and the committed definition is this build's version.
baseline_ready() {
  local org version committed
  version=$(chaincode_hash)
  version=${version:0:12}
  for org in "${CHANNEL_ORGS[@]}"; do
    [[ -f $(cc_state "$org") && -f $(cc_dir "$org")/running.package-id ]] || return 1
    load_cc_state "$org"
    [[ $CC_VERSION == "$version" && $(<"$(cc_dir "$org")/running.package-id") == "$CC_PACKAGE_ID" ]] || return 1
    is_running "$CC_SERVICE.$org" || return 1
  done
  export_peer_cli "${CHANNEL_ORGS[0]}"
  read -r _ committed _ <<<"$(committed_definition)"
  [[ $committed == "$version" ]]
}

network_running || die "the network is not running: start it with 'npm run network:up'"
take_lock
case ${1:-} in
  up)
    if baseline_ready; then
      echo "baseline chaincode: deployed and running (version $(chaincode_hash | cut -c1-12))"
      exit 0
    fi
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
