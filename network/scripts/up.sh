#!/usr/bin/env bash
# Brings the ESTP network up as native processes on 127.0.0.1 (idempotent: a second run on a
# running network only checks it). Reuses binaries, crypto material and ledgers; upgrades the
# chaincode when chaincode/dist changed. See docs/network.md.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$NETWORK_DIR/scripts/binaries.sh"
source "$NETWORK_DIR/scripts/config.sh"
source "$NETWORK_DIR/scripts/crypto.sh"
source "$NETWORK_DIR/scripts/nodes.sh"
source "$NETWORK_DIR/scripts/users.sh"
source "$NETWORK_DIR/scripts/channel.sh"
source "$NETWORK_DIR/scripts/chaincode.sh"
source "$NETWORK_DIR/scripts/connection.sh"

for tool in node curl tar gzip sha256sum base64 setsid awk; do
  require_tool "$tool" "install it with your package manager"
done
take_lock

# Started by hand: the network stays up (with-network.sh will not take it down).
[[ -n ${ESTP_WITH_NETWORK:-} ]] || rm -f "$AUTO_STARTED"

org_count=${#PEER_ORGS[@]}
member_count=${#CHANNEL_ORGS[@]}
STEP_TOTAL=$((10 + 3 * org_count + 2 * member_count + ORDERER_COUNT))
started=$EPOCHREALTIME
echo "ESTP network: ${ORDERER_COUNT} orderer(s), ${org_count} orgs, ports from $PORT_BASE (logs in .fabric/logs)"
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
step "crypto material" generate_crypto
for org in "${PEER_ORGS[@]}"; do step "starting ca.$org" start_ca "$org"; done
for org in "${PEER_ORGS[@]}"; do step "enrolling $org users" enroll_users "$org"; done
for ((n = 1; n <= ORDERER_COUNT; n++)); do step "starting orderer$n" start_orderer "$n"; done
for org in "${PEER_ORGS[@]}"; do step "starting peer0.$org" start_peer "$org"; done
step "channel $CHANNEL_NAME on the orderers" create_channel
for org in "${CHANNEL_ORGS[@]}"; do step "peer0.$org joins $CHANNEL_NAME" join_peer "$org"; done
step "packaging chaincode" package_chaincode
for org in "${CHANNEL_ORGS[@]}"; do step "installing chaincode on peer0.$org" install_chaincode "$org"; done
step "chaincode service on 127.0.0.1:$CHAINCODE_PORT" start_chaincode_server
step "chaincode definition (MAJORITY endorsement)" commit_chaincode
step "Consortium:Bootstrap" bootstrap_consortium
step "gossip membership (discovery)" await_gossip
step "connection profile" write_connection_profile

elapsed=$(awk -v s="$started" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.1f", e - s }')
echo "network up in ${elapsed}s: .fabric/connection.json; stop with 'npm run network:down'"
