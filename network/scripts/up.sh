#!/usr/bin/env bash
# Brings the ESTP network up on this machine (idempotent: a second run on a running network only
# checks it): every org's own steps (network/scripts/org.sh), run side by side, each org on its own
# address with its own directory, exchanging only the public files in .fabric/consortium. Reuses
# binaries, keys and ledgers; upgrades the chaincode of every org when chaincode/dist changed.
# See docs/network.md (this machine) and docs/deploy.md (the same steps on separate hosts).
set -euo pipefail
source "$(dirname "$0")/org.sh"

for tool in node curl tar gzip sha256sum base64 setsid awk; do
  require_tool "$tool" "install it with your package manager"
done
take_lock

# Started by hand: the network stays up (with-network.sh will not take it down).
[[ -n ${ESTP_WITH_NETWORK:-} ]] || rm -f "$AUTO_STARTED"

# The commands, in order: [org or "peers"/"members"] command.
PLAN=(
  "orderer crypto" "peers crypto" "orderer export" "peers export" "peers ca" "peers users"
  "orderer genesis" "orderer orderers" "orderer join" "peers peer" "members join"
  "members chaincode" "first commit" "- gossip" "members profile" "founders bootstrap"
)

plan_orgs() { # <who>
  case $1 in
    orderer) echo "$ORDERER_ORG" ;;
    peers) printf '%s\n' "${PEER_ORGS[@]}" ;;
    members) printf '%s\n' "${CHANNEL_ORGS[@]}" ;;
    first) echo "${CHANNEL_ORGS[0]}" ;;
    founders) printf '%s\n' "${FOUNDING_ORGS[@]}" ;;
  esac
}

STEP_TOTAL=3
for entry in "${PLAN[@]}"; do
  read -r who command <<<"$entry"
  [[ $who == - ]] && continue
  for org in $(plan_orgs "$who"); do STEP_TOTAL=$((STEP_TOTAL + $(org_command_steps "$command" "$org"))); done
done

started=$EPOCHREALTIME
echo "ESTP network: ${ORDERER_COUNT} orderer(s), ${#PEER_ORGS[@]} orgs, each on its own address, ports from $PORT_BASE"
for org in "${PEER_ORGS[@]}"; do
  has_org "$org" "${CHANNEL_ORGS[@]}" ||
    echo "note: $org's onboarding is incomplete (not in channel $CHANNEL_NAME): run 'npm run network:add-org $org'"
done

if binaries_ready; then
  step "Fabric binaries" build_binaries
else
  step "building Fabric binaries (~2 min; .fabric/logs/build-fabric.log)" build_binaries
fi
step "configuration" write_config
for entry in "${PLAN[@]}"; do
  read -r who command <<<"$entry"
  if [[ $who == - ]]; then
    step "gossip membership (discovery)" await_gossip
    continue
  fi
  for org in $(plan_orgs "$who"); do org_command "$command" "$org"; done
done

elapsed=$(awk -v s="$started" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.1f", e - s }')
echo "network up in ${elapsed}s: profiles .fabric/orgs/<org>/connection-<org>.json; stop with 'npm run network:down'"
