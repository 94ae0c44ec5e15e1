#!/usr/bin/env bash
# with-network.sh [--keep] <command…>
# Runs <command> against a running network: brings the network up (or upgrades the chaincode of
# a running one) first. If this run started the network and --keep was not given, the network
# is brought down afterwards, also on failure or interrupt, unless another with-network.sh run
# is still using it (then the last one out stops it). Exits with the command's status.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

keep=false
if [[ ${1:-} == --keep ]]; then
  keep=true
  shift
fi
(($# > 0)) || die "usage: with-network.sh [--keep] <command…>"

lease="$LEASES_DIR/$$"

# shellcheck disable=SC2317 # called from the EXIT trap
other_leases() { # true when another live with-network.sh run uses the network
  local file pid
  for file in "$LEASES_DIR"/*; do
    [[ -e $file ]] || continue
    pid=${file##*/}
    [[ $pid == "$$" ]] && continue
    if kill -0 "$pid" 2>/dev/null; then return 0; fi
    rm -f "$file"
  done
  return 1
}

# shellcheck disable=SC2317 # the EXIT trap
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  rm -f "$lease"
  take_lock
  if [[ -f $AUTO_STARTED ]] && ! other_leases; then
    echo "with-network: bringing the network down (started for this run)" >&2
    bash "$NETWORK_DIR/scripts/down.sh" >&2 || status=$((status == 0 ? 1 : status))
  fi
  exit "$status"
}

take_lock
mkdir -p "$LEASES_DIR"
touch "$lease"
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
if $keep; then
  rm -f "$AUTO_STARTED"
elif ! network_running; then
  touch "$AUTO_STARTED"
fi
# Progress on stderr: stdout is the command's (e.g. `npm run bench:ledger -- --json`).
ESTP_WITH_NETWORK=1 bash "$NETWORK_DIR/scripts/up.sh" >&2
release_lock

set +e
"$@"
status=$?
set -e
exit "$status"
