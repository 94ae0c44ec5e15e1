# shellcheck shell=bash
# The steps of add-org.sh: onboarding a declared org (network/config/orgs/<org>.sh) into the
# RUNNING network the way separate org admins would (docs/onboarding.md):
#   - the new org: crypto material from its own CAs, its fabric-ca-server and users, its peer, and
#     its definition (`configtxgen -printOrg`, the file it hands to the consortium);
#   - the members: one admin computes the channel config update from the current config block,
#     the Fabric admins of a majority of the member orgs sign it one at a time, one submits it;
#   - the new org again: its peer joins (genesis block from the orderer) and catches up, installs
#     the chaincode package and approves the committed definition, so its peer endorses;
#   - the ledger: an ESTP admin of a member org proposes the Organisation record, ESTP admins of
#     further orgs approve it until a majority of the ACTIVE orgs did, and it is ACTIVE.
# Channel steps are `estp admin …` commands (application/src/admin), ledger steps `estp consortium …`.
# Every step checks first and does nothing when its work is done, so a second run changes nothing.

ONBOARD_DIR="$FABRIC_HOME/channel" # definitions and update files (removed by network:clean)
ONBOARD_CHANGED="$RUN_DIR/add-org.changed"

# Inside a step: the run changed something (add-org.sh reports "nothing changed" otherwise).
mark_changed() { : >"$ONBOARD_CHANGED"; }

# The estp CLI of this worktree (= `npx estp`, without npx's start-up cost).
estp_cli() { node "$ROOT_DIR/application/dist/cli/main.js" "$@"; }

# A JSON field of stdin (dotted path), or "" when absent.
json_field() { # <path>
  node -e '
    let value = JSON.parse(require("fs").readFileSync(0, "utf8"));
    for (const key of process.argv[1].split(".")) value = value == null ? undefined : value[key];
    process.stdout.write(value === undefined || value === null ? "" : typeof value === "object" ? JSON.stringify(value) : String(value));
  ' "$1"
}

org_definition_file() { echo "$ONBOARD_DIR/${ORG_MSP[$1]}.json"; }
org_update_file() { echo "$ONBOARD_DIR/add-${ORG_MSP[$1]}.pb"; }

# The member orgs whose votes make a majority (floor(n/2) + 1 of them, in topology order).
majority_of() { # <org…>
  local -a orgs=("$@")
  printf '%s\n' "${orgs[@]:0:$((${#orgs[@]} / 2 + 1))}"
}

# True when the channel configuration in force has <msp> in its Application group.
channel_has_member() { # <msp>
  local summary
  summary=$(estp_cli admin config --org "${FOUNDING_ORGS[0]}" --json)
  MSP=$1 node -e '
    const summary = JSON.parse(require("fs").readFileSync(0, "utf8"));
    process.exit(summary.applicationOrgs.some((org) => org.mspId === process.env.MSP) ? 0 : 1);
  ' <<<"$summary"
}

# Step: the network is up (add-org works on the running network, it starts nothing founding).
check_running_network() {
  local name org missing=()
  [[ -f $ROOT_DIR/application/dist/cli/main.js ]] || die "application/dist not built: run 'npm run build'"
  for name in $(process_names); do
    [[ $name == ca.$NEW_ORG || $name == peer0.$NEW_ORG ]] && continue
    is_running "$name" || missing+=("$name")
  done
  ((${#missing[@]} == 0)) || die "the network is not running (${missing[*]} down): run 'npm run network:up' first"
  [[ -f $CONNECTION_FILE ]] || die "no $CONNECTION_FILE: run 'npm run network:up' first"
  load_cc_state
  export_peer_cli "${FOUNDING_ORGS[0]}"
  local sequence version
  read -r sequence version <<<"$(committed_definition)"
  [[ $version == "$CC_VERSION" ]] ||
    die "committed chaincode definition is $version (sequence $sequence), the packaged build $CC_VERSION: run 'npm run network:up' first"
  for org in "${CHANNEL_ORGS[@]}"; do
    [[ $org == "$NEW_ORG" ]] || is_running "peer0.$org" || die "peer0.$org is not running"
  done
  step_note "members ${CHANNEL_ORGS[*]}; chaincode $CC_LABEL (sequence $sequence)"
}

# Step: record the org as onboarding (its processes then belong to the network: down/clean
# handle them) and regenerate the configuration, whose configtx.yaml now defines it.
record_new_org() { # <org>
  local org=$1 state
  state=$(onboarded_state "$org")
  if [[ -z $state ]]; then
    record_onboarded "$org" pending
    mark_changed
  fi
  write_config >/dev/null
  step_note "${state:-pending} in ${ONBOARDED_ORGS_FILE#"$ROOT_DIR"/}"
}

# Wrappers of the up.sh steps that note whether they changed anything.
onboard_crypto() { # <org>
  [[ -d $ORGS_DIR/$1/msp ]] || mark_changed
  generate_org_crypto "$1"
}
onboard_ca() { # <org>
  is_running "ca.$1" || mark_changed
  start_ca "$1"
}
onboard_users() { # <org>
  local entry u_org id roles
  for entry in "${CA_USERS[@]}"; do
    IFS=: read -r u_org id roles <<<"$entry"
    [[ $u_org == "$1" ]] && ! user_enrolled "$1" "$id" && mark_changed
  done
  enroll_users "$1"
}
onboard_peer() { # <org>
  is_running "peer0.$1" || mark_changed
  start_peer "$1"
}

# Step: the org's definition, as the new org's admin produces it for the consortium.
write_org_definition() { # <org>
  local org=$1 file
  file=$(org_definition_file "$org")
  mkdir -p "$ONBOARD_DIR"
  configtxgen -configPath "$CONFIG_DIR" -printOrg "${ORG_MSP[$org]}" >"$file.tmp"
  mv "$file.tmp" "$file"
  step_note "${file#"$ROOT_DIR"/}"
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

# Step: once the channel has the org, it is a member here too: connection.json gets its peer,
# CA and users.
record_member() { # <org>
  local org=$1
  channel_has_member "${ORG_MSP[$org]}" || die "${ORG_MSP[$org]} is not in the channel configuration"
  if [[ $(onboarded_state "$org") != member ]]; then
    record_onboarded "$org" member
    mark_changed
  fi
  has_org "$org" "${CHANNEL_ORGS[@]}" || CHANNEL_ORGS+=("$org")
  write_connection_profile
  step_note "member in ${ONBOARDED_ORGS_FILE#"$ROOT_DIR"/}; ${CONNECTION_FILE#"$ROOT_DIR"/} has ${ORG_MSP[$org]}"
}

# Step: the org's peer joins the channel and catches up (estp admin join).
join_new_peer() { # <org>
  local result
  step_log "$LOG_DIR/peer0.$1.log"
  result=$(estp_cli admin join --org "$1" --json)
  echo "$result"
  [[ $(json_field alreadyJoined <<<"$result") == true ]] || mark_changed
  step_note "$([[ $(json_field alreadyJoined <<<"$result") == true ]] && echo "already joined; ")height $(json_field height <<<"$result") = orderer's"
}

# Step: the new org's admin declares its anchor peer (its own org group: it alone signs), so the
# other orgs' peers find it through gossip and the gateways' discovery plans it as an endorser.
set_anchor_peer() { # <org>
  local result
  result=$(estp_cli admin anchor-peer --org "$1" --json)
  echo "$result"
  if [[ $(json_field changed <<<"$result") == true ]]; then
    mark_changed
    step_note "$(json_field anchorPeers.0 <<<"$result") in config block $(json_field configBlock <<<"$result")"
  else
    step_note "already $(json_field anchorPeers.0 <<<"$result")"
  fi
}

# Step: every peer's ledger has the same height as the new org's (polls while blocks arrive).
check_heights() { # <org>
  local org=$1 deadline=$((SECONDS + 30)) heights
  while :; do
    heights=$(estp_cli admin heights --json)
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

# Step: install the chaincode package the other peers run on the new org's peer.
onboard_install() { # <org>
  load_cc_state
  export_peer_cli "$1"
  peer lifecycle chaincode queryinstalled --output json | grep -qF "\"$CC_PACKAGE_ID\"" || mark_changed
  install_chaincode "$1"
}

# Step: the new org approves the COMMITTED definition (same sequence, same parameters, its own
# package ID): no new sequence or commit, since neither the endorsement policy nor the collections
# change — the MAJORITY policies grow with the channel's orgs by themselves.
approve_committed_definition() { # <org>
  local org=$1 msp=${ORG_MSP[$1]} json sequence version approved
  load_cc_state
  step_log "$LOG_DIR/peer0.$org.log"
  export_peer_cli "$org"
  json=$(peer lifecycle chaincode querycommitted -C "$CHANNEL_NAME" -n "$CHAINCODE_NAME" --output json)
  read -r sequence version approved <<<"$(MSP=$msp node -e '
    const d = JSON.parse(process.argv[1]);
    console.log(d.sequence, d.version, d.approvals && d.approvals[process.env.MSP] ? "yes" : "no");
  ' "$json")"
  [[ $version == "$CC_VERSION" ]] || die "committed version $version differs from the package $CC_VERSION: run 'npm run network:up'"
  if [[ $approved == yes ]]; then
    step_note "already approved (sequence $sequence, $CC_LABEL)"
    return 0
  fi
  local -a orderer
  mapfile -t orderer < <(orderer_flags)
  retry 3 2 peer lifecycle chaincode approveformyorg "${orderer[@]}" -C "$CHANNEL_NAME" \
    -n "$CHAINCODE_NAME" -v "$CC_VERSION" --package-id "$CC_PACKAGE_ID" --sequence "$sequence"
  mark_changed
  step_note "sequence $sequence approved by $msp ($CC_LABEL)"
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

# Step: the new org's own peer runs the chaincode: its ESTP admin reads the Organisation record
# through peer0.<org>'s gateway. (A SUSPENDED org was admitted: suspension is a later vote of the
# consortium, lifted by a REINSTATE proposal, not by onboarding again.)
check_new_org_active() { # <org>
  local status
  status=$(organisation_status "${ORG_MSP[$1]}" "$1")
  case $status in
    ACTIVE) step_note "admin@$1 reads ${ORG_MSP[$1]} ACTIVE through peer0.$1" ;;
    SUSPENDED) step_note "admin@$1 reads ${ORG_MSP[$1]} SUSPENDED by the consortium (a REINSTATE proposal lifts it)" ;;
    *) die "${ORG_MSP[$1]} is $status on the ledger, not ACTIVE" ;;
  esac
}
