#!/usr/bin/env bash
# add-org.sh [org]: onboards a declared org (network/config/orgs/<org>.sh; default city, i.e.
# CityMSP) into the RUNNING network without stopping it, the same per-org way the founding orgs
# were created (org.sh): its own keys, CA, users, peer and chaincode service on its own address;
# the channel config update signed by a majority of the member orgs' Fabric admins; its peer's
# join; its chaincode approval; the Organisation record voted ACTIVE on the ledger. Idempotent: a
# second run checks every step and says that nothing changed. See docs/onboarding.md.
set -euo pipefail
source "$(dirname "$0")/org.sh"
source "$NETWORK_DIR/scripts/onboard.sh"

(($# <= 1)) || die "usage: add-org.sh [org] (declared in network/config/orgs/<org>.sh; default city)"
NEW_ORG=${1:-city}
for tool in node curl; do require_tool "$tool" "install it with your package manager"; done
take_lock
declare_org "$NEW_ORG"
has_org "$NEW_ORG" "${FOUNDING_ORGS[@]}" && die "$NEW_ORG is a founding org: it is in the channel from its genesis"
MSP=${ORG_MSP[$NEW_ORG]}

# The member orgs before this one: their admins sign the update, their ESTP admins vote.
members=()
for org in "${CHANNEL_ORGS[@]}"; do [[ $org == "$NEW_ORG" ]] || members+=("$org"); done
mapfile -t signers < <(majority_of "${members[@]}")
proposer=${members[0]}
# ApproveOrganisation: a majority of the ACTIVE orgs, the proposer's org counting as the first.
approvers=("${signers[@]:1}")

rm -f "$ONBOARD_CHANGED"
# The new org's own steps, as org.sh runs them on its host.
NEW_ORG_SETUP=(crypto ca users export peer)
STEP_TOTAL=$((10 + ${#signers[@]} + ${#approvers[@]} + ${#members[@]}))
for command in "${NEW_ORG_SETUP[@]}" chaincode; do
  STEP_TOTAL=$((STEP_TOTAL + $(org_command_steps "$command" "$NEW_ORG")))
done
started=$EPOCHREALTIME
echo "ESTP add-org: $MSP (${ORG_NAME[$NEW_ORG]}, port block ${ORG_BLOCK[$NEW_ORG]}, on $(org_address "$NEW_ORG")) into channel $CHANNEL_NAME of ${#members[@]} member orgs"

step "running network" check_running_network
step "recording $NEW_ORG" record_new_org "$NEW_ORG"
for command in "${NEW_ORG_SETUP[@]}"; do
  note_new_org_work "$command" "$NEW_ORG"
  org_command "$command" "$NEW_ORG"
done
step "config update adding $MSP (estp admin add-org, by $proposer)" compute_add_org_update "$NEW_ORG" "$proposer"
for org in "${signers[@]}"; do
  step "signed by ${ORG_MSP[$org]}'s admin (estp admin sign)" sign_add_org_update "$NEW_ORG" "$org"
done
step "submitted to the orderer (estp admin submit, by $proposer)" submit_add_org_update "$NEW_ORG" "$proposer"
step "$NEW_ORG is a channel member" record_member "$NEW_ORG"
has_org "$NEW_ORG" "${CHANNEL_ORGS[@]}" || CHANNEL_ORGS+=("$NEW_ORG") # a second run: a member already
step "$NEW_ORG's peers join $CHANNEL_NAME (estp admin join)" join_new_peer "$NEW_ORG"
step "anchor peers of $MSP (estp admin anchor-peer, by $NEW_ORG)" set_anchor_peer "$NEW_ORG"
step "ledger heights (estp admin heights)" check_heights "$NEW_ORG"
note_new_org_work chaincode "$NEW_ORG"
org_command chaincode "$NEW_ORG"
for org in "${members[@]}"; do
  org_step "$org" "$org: connection profile with $MSP's peer" refresh_profile "$org"
done
step "Consortium:ProposeOrganisation $MSP (admin@$proposer)" propose_organisation "$NEW_ORG" "$proposer"
for org in "${approvers[@]}"; do
  step "Consortium:ApproveOrganisation $MSP (admin@$org)" approve_organisation "$NEW_ORG" "$org"
done
step "$MSP ACTIVE, read through $NEW_ORG's own peers" check_new_org_active "$NEW_ORG"

elapsed=$(awk -v s="$started" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.1f", e - s }')
if [[ -f $ONBOARD_CHANGED ]]; then
  echo "$MSP onboarded in ${elapsed}s: 'npx estp consortium list --org $NEW_ORG --user admin'"
else
  echo "nothing changed: $MSP was already onboarded (checked in ${elapsed}s)"
fi
rm -f "$ONBOARD_CHANGED"
