# shellcheck shell=bash
# The steps of add-org.sh: onboarding a declared org (network/config/orgs/<org>.sh) into the
# RUNNING network the way separate org admins would (docs/onboarding.md), each on its own host,
# exchanging only public files through .fabric/consortium:
#   - the new org (org.sh … --org <org>): its own keys, its CA and users, its peer, and its
#     public definition (consortium/orgs/<org>/<MSP>.json, `configtxgen -printOrg`);
#   - the members: one admin computes the channel config update from the current config block
#     (consortium/channel/add-<MSP>.pb), the Fabric admins of a majority of the member orgs sign
#     it one at a time, one submits it;
#   - the new org again: its peers join (genesis block from the orderer) and catch up, it sets its
#     anchor peers, packages and installs its own chaincode package, starts each peer's own
#     chaincode service and approves the committed definition, so its peers endorse;
#   - every member refreshes its connection profile (the new org's peer);
#   - the ledger: an ESTP admin of a member org proposes the Organisation record, ESTP admins of
#     further orgs approve it until a majority of the ACTIVE orgs did, and it is ACTIVE.
# Channel steps are `estp admin …` commands (application/src/admin), ledger steps `estp consortium …`.
# Every step checks first and does nothing when its work is done, so a second run changes nothing.

ONBOARD_CHANGED="$RUN_DIR/add-org.changed"

# Inside a step: the run changed something (add-org.sh reports "nothing changed" otherwise).
mark_changed() { : >"$ONBOARD_CHANGED"; }

# A JSON field of stdin (dotted path), or "" when absent.
json_field() { # <path>
  node -e '
    let value = JSON.parse(require("fs").readFileSync(0, "utf8"));
    for (const key of process.argv[1].split(".")) value = value == null ? undefined : value[key];
    process.stdout.write(value === undefined || value === null ? "" : typeof value === "object" ? JSON.stringify(value) : String(value));
  ' "$1"
}

org_definition_file() { echo "$(org_public "$1")/${ORG_MSP[$1]}.json"; } # written by org.sh export
org_update_file() { echo "$CHANNEL_DIR/add-${ORG_MSP[$1]}.pb"; }

# The member orgs whose votes make a majority (floor(n/2) + 1 of them, in topology order).
majority_of() { # <org…>
  local -a orgs=("$@")
  printf '%s\n' "${orgs[@]:0:$((${#orgs[@]} / 2 + 1))}"
}

# Step: the network is up (add-org works on the running network, it starts nothing founding).
check_running_network() {
  local name org missing=()
  [[ -f $ROOT_DIR/application/dist/cli/main.js ]] || die "application/dist not built: run 'npm run build'"
  for name in $(process_names); do
    [[ $(process_org "$name") == "$NEW_ORG" ]] && continue
    is_running "$name" || missing+=("$name")
  done
  ((${#missing[@]} == 0)) || die "the network is not running (${missing[*]} down): run 'npm run network:up' first"
  [[ -f $(profile_file "${FOUNDING_ORGS[0]}") ]] || die "no connection profiles: run 'npm run network:up' first"
  load_cc_state "${FOUNDING_ORGS[0]}"
  export_peer_cli "${FOUNDING_ORGS[0]}"
  local sequence version
  read -r sequence version _ <<<"$(committed_definition)"
  [[ $version == "$CC_VERSION" ]] ||
    die "committed chaincode definition is $version (sequence $sequence), the packaged build $CC_VERSION: run 'npm run network:up' first"
  local peer up
  for org in "${CHANNEL_ORGS[@]}"; do
    [[ $org == "$NEW_ORG" ]] && continue
    up=""
    for peer in $(org_peers "$org"); do is_running "$peer.$org" && up=$peer; done
    [[ -n $up ]] || die "no peer of $org is running"
  done
  step_note "members ${CHANNEL_ORGS[*]}; chaincode $CC_LABEL (sequence $sequence)"
}

# Step: record the org as onboarding (its processes then belong to the network: down/clean
# handle them) and record its address with the network's settings.
record_new_org() { # <org>
  local org=$1 state
  state=$(onboarded_state "$org")
  if [[ -z $state ]]; then
    record_onboarded "$org" pending
    mark_changed
  fi
  record_settings
  step_note "${state:-pending} in ${ONBOARDED_ORGS_FILE#"$ROOT_DIR"/}, on $(org_address "$org")"
}

# Whether the new org's own step (org.sh <command>) still has work to do, so the run changed it.
note_new_org_work() { # <command> <org>
  local org=$2 entry u_org id roles peer
  case $1 in
    crypto) org_crypto_complete "$org" || mark_changed ;;
    ca) is_running "ca.$org" || mark_changed ;;
    peer) for peer in $(org_peers "$org"); do is_running "$peer.$org" || mark_changed; done ;;
    chaincode) { is_running "chaincode0.$org" && export_peer_cli "$org" && approved_committed "$org"; } || mark_changed ;;
    users)
      for entry in "${CA_USERS[@]}"; do
        IFS=: read -r u_org id roles <<<"$entry"
        if [[ $u_org == "$org" ]] && ! user_enrolled "$org" "$id"; then mark_changed; fi
      done
      ;;
  esac
}

# Step: a member org's admin computes the update from the current config block (none when the
# org is a member already).
compute_add_org_update() { # <org> <proposing org>
  local org=$1 by=$2 file result
  file=$(org_update_file "$org")
  rm -f "$file"
  result=$(estp_cli admin add-org --org "$by" --definition "$(org_definition_file "$org")" --out "$file" --json)
  echo "$result"
  if [[ $(json_field alreadyMember <<<"$result") == true ]]; then
    step_note "${ORG_MSP[$org]} already in $CHANNEL_NAME (config block $(json_field configBlock <<<"$result"))"
    return 0
  fi
  mark_changed
  step_note "${file#"$ROOT_DIR"/} from config block $(json_field configBlock <<<"$result")"
}

# Step: one member org's Fabric admin signs the pending update file.
sign_add_org_update() { # <org> <signing org>
  local file result
  file=$(org_update_file "$1")
  if [[ ! -f $file ]]; then
    step_note "nothing to sign (${ORG_MSP[$1]} already in $CHANNEL_NAME)"
    return 0
  fi
  result=$(estp_cli admin sign --org "$2" --file "$file")
  echo "$result"
  step_note "${result#*; }"
}

# Step: one member org's Fabric admin submits the signed update; waits for the config block.
submit_add_org_update() { # <org> <submitting org>
  local file result
  file=$(org_update_file "$1")
  if [[ ! -f $file ]]; then
    step_note "nothing to submit (${ORG_MSP[$1]} already in $CHANNEL_NAME)"
    return 0
  fi
  result=$(estp_cli admin submit --org "$2" --file "$file" --json)
  echo "$result"
  mv "$file" "$file.submitted"
  if [[ $(json_field applied <<<"$result") == true ]]; then
    mark_changed
    step_note "config block $(json_field configBlock <<<"$result") (sequence $(json_field sequence <<<"$result"))"
  else
    step_note "not needed: $(json_field reason <<<"$result")"
  fi
}

# Step: once the channel has the org, it is a member here too (up, down and upgrades include it),
# and it writes its own connection profile.
record_member() { # <org>
  local org=$1
  channel_has_member "${ORG_MSP[$org]}" "${FOUNDING_ORGS[0]}" ||
    die "${ORG_MSP[$org]} is not in the channel configuration"
  if [[ $(onboarded_state "$org") != member ]]; then
    record_onboarded "$org" member
    mark_changed
  fi
  has_org "$org" "${CHANNEL_ORGS[@]}" || CHANNEL_ORGS+=("$org")
  write_profile "$org"
  step_note "member in ${ONBOARDED_ORGS_FILE#"$ROOT_DIR"/}; ${org}'s profile $(profile_file "$org" | sed "s|^$ROOT_DIR/||")"
}

# Step: the org's peers join the channel and catch up (estp admin join).
join_new_peer() { # <org>
  local result
  step_log "$(process_log "peer0.$1")"
  result=$(estp_cli admin join --org "$1" --json)
  echo "$result"
  [[ $(json_field alreadyJoined <<<"$result") == true ]] || mark_changed
  step_note "$([[ $(json_field alreadyJoined <<<"$result") == true ]] && echo "already joined; ")height $(json_field height <<<"$result") = orderer's"
}

# Step: the new org's admin declares its anchor peers (its own org group: it alone signs), so the
# other orgs' peers find them through gossip and the gateways' discovery plans them as endorsers.
set_anchor_peer() { # <org>
  local result
  result=$(estp_cli admin anchor-peer --org "$1" --json)
  echo "$result"
  if [[ $(json_field changed <<<"$result") == true ]]; then
    mark_changed
    step_note "$(json_field anchorPeers <<<"$result") in config block $(json_field configBlock <<<"$result")"
  else
    step_note "already $(json_field anchorPeers <<<"$result")"
  fi
}

# Step: every peer's ledger has the same height as the new org's (polls while blocks arrive).
check_heights() { # <org>
  local org=$1 deadline=$((SECONDS + 30)) heights
  while :; do
    heights=$(estp_cli admin heights --org "$org" --json)
    if node -e '
      const rows = JSON.parse(require("fs").readFileSync(0, "utf8"));
      const heights = new Set(rows.map((row) => row.height));
      process.exit(rows.every((row) => typeof row.height === "number") && heights.size === 1 ? 0 : 1);
    ' <<<"$heights"; then
      break
    fi
    ((SECONDS < deadline)) || die "ledger heights differ after 30s: $heights"
    sleep 0.5
  done
  echo "$heights"
  step_note "all $(json_field length <<<"$heights") peers at height $(json_field 0.height <<<"$heights")"
}

# Step: a member org refreshes its connection profile, which now lists the new org's peer.
refresh_profile() { # <member org>
  write_profile "$1"
}

# The Organisation record's status on the ledger (as <org>'s ESTP admin), or NONE.
organisation_status() { # <msp> <asking org>
  local out
  if out=$(estp_cli consortium get --org "$2" --user admin --msp-id "$1" --json 2>&1); then
    json_field status <<<"$out"
  elif grep -q ESTP_NOT_FOUND <<<"$out"; then
    echo NONE
  else
    echo "$out" >&2
    return 1
  fi
}

# Step: an ESTP admin (estp.role=admin, not the Fabric admin) of a member org proposes the org.
propose_organisation() { # <org> <proposing org>
  local org=$1 by=$2 msp=${ORG_MSP[$1]} status
  status=$(organisation_status "$msp" "$by")
  if [[ $status != NONE ]]; then
    step_note "already recorded ($status)"
    return 0
  fi
  [[ -n ${ORG_CAPABILITIES[$org]:-} ]] || die "no ORG_CAPABILITIES[$org] in network/config/orgs/$org.sh"
  local -a zones=()
  [[ -z ${ORG_SELF_METERING_ZONES[$org]:-} ]] || zones=(--self-metering-zones "${ORG_SELF_METERING_ZONES[$org]}")
  estp_cli consortium propose --org "$by" --user admin --msp-id "$msp" \
    --display-name "${ORG_DISPLAY_NAME[$org]:-${ORG_NAME[$org]}}" --capabilities "${ORG_CAPABILITIES[$org]}" "${zones[@]}"
  mark_changed
  step_note "$msp PROPOSED by admin@$by with capabilities ${ORG_CAPABILITIES[$org]}"
}

# Step: an ESTP admin of another member org approves; ACTIVE once a majority of ACTIVE orgs did.
approve_organisation() { # <org> <approving org>
  local msp=${ORG_MSP[$1]} by=$2 status
  status=$(organisation_status "$msp" "$by")
  case $status in
    ACTIVE | SUSPENDED)
      step_note "already admitted ($status)"
      return 0
      ;;
    NONE) die "$msp has not been proposed" ;;
  esac
  estp_cli consortium approve --org "$by" --user admin --msp-id "$msp"
  mark_changed
  step_note "approved by admin@$by: $msp $(organisation_status "$msp" "$by")"
}

# Step: the new org's own peers run the chaincode: its ESTP admin reads the Organisation record
# through its own org's gateway. (A SUSPENDED org was admitted: suspension is a later vote of the
# consortium, lifted by a REINSTATE proposal, not by onboarding again.)
check_new_org_active() { # <org>
  local status
  status=$(organisation_status "${ORG_MSP[$1]}" "$1")
  case $status in
    ACTIVE) step_note "admin@$1 reads ${ORG_MSP[$1]} ACTIVE through its own peers" ;;
    SUSPENDED) step_note "admin@$1 reads ${ORG_MSP[$1]} SUSPENDED by the consortium (a REINSTATE proposal lifts it)" ;;
    *) die "${ORG_MSP[$1]} is $status on the ledger, not ACTIVE" ;;
  esac
}
