# shellcheck shell=bash
# Channel `estp` with the channel participation API (no system channel): the orderer org writes the
# genesis block from the consortium's public files (consortium/channel/estp.block, public), gives it
# to each orderer with `osnadmin channel join`, and each peer org joins its peer with it.

GENESIS_BLOCK="$CHANNEL_DIR/$CHANNEL_NAME.block"

osnadmin_cmd() { # <n> <osnadmin channel subcommand> [args…]
  local n=$1 sub=$2 admin_tls
  shift 2
  admin_tls=$(org_admin_tls "$ORDERER_ORG")
  osnadmin channel "$sub" -o "$(orderer_address "$n"):$(orderer_port "$n" admin)" \
    --ca-file "$(own_tlsca "$ORDERER_ORG")" \
    --client-cert "$admin_tls/client.crt" --client-key "$admin_tls/client.key" "$@"
}

orderer_has_channel() { # <n>
  osnadmin_cmd "$1" list 2>/dev/null | grep -q "\"name\": *\"$CHANNEL_NAME\""
}

# One orderer's etcdraft metric for the channel (empty when the orderer does not answer).
raft_metric() { # <n> <metric suffix, e.g. is_leader>
  local admin_tls
  admin_tls=$(org_admin_tls "$ORDERER_ORG")
  curl --silent --max-time 2 --cacert "$(own_tlsca "$ORDERER_ORG")" --cert "$admin_tls/client.crt" \
    --key "$admin_tls/client.key" "https://$(orderer_address "$1"):$(orderer_port "$1" operations)/metrics" |
    awk -v name="consensus_etcdraft_$2{channel=\"$CHANNEL_NAME\"}" '$1 == name { print $2 }' || true
}

# Whether orderer <n>'s Raft loop runs though it follows no leader: since its last start its log
# shows it campaigning ("is starting a new election", every election timeout) or a leader change.
# A follower that was down for long waits for the leader to dial it again, and the leader's gRPC
# connection to it backs off up to two minutes (grpc-go's default) while it is down: its Raft loop
# ticks and campaigns (PreVote: harmlessly) until the leader's next attempt. An orderer deadlocked
# at start (below) never ticks after replaying its log, so it never campaigns.
raft_loop_runs() { # <n>
  awk -v marker="starting orderer$1" '
    index($0, "===== ") == 1 && index($0, marker) { alive = 0; next }
    /is starting a new election|Raft leader changed/ { alive = 1 }
    END { exit alive ? 0 : 1 }
  ' "$(process_log "orderer$1")" 2>/dev/null
}

# Seconds since orderer <n>'s process started (its pid file), or a large number when not running.
orderer_uptime_s() { # <n>
  local pid
  pid=$(pid_of "orderer$1") || {
    echo 999999
    return 0
  }
  echo $(($(date +%s) - $(stat -c %Y "$(process_run_dir "orderer$1")/orderer$1.pid")))
}

# Sorts the orderers by their Raft state, one "<n> <state>" line each:
#   following  it reports the leader's view of the active nodes (consensus_etcdraft_active_nodes)
#   leader     it is the leader
#   rejoining  its Raft loop runs but the leader has not reached it yet (a long outage: the
#              leader's reconnect backoff; it rejoins on its own, within about two minutes)
#   starting   started less than STARTUP_GRACE_S ago
#   stuck      its Raft loop does not run: the pinned Fabric commit can deadlock an orderer at start
#              while it replays the channel's Raft configuration changes (hyperledger/fabric#4199,
#              fixed in v2.5.1 by #4201); every transaction the gateway sends to it times out. A
#              restart usually starts it cleanly (the deadlock depends on goroutine scheduling).
#   down       it does not answer
STARTUP_GRACE_S=8
raft_states() {
  local n active leader
  for ((n = 1; n <= ORDERER_COUNT; n++)); do
    leader=$(raft_metric "$n" is_leader)
    active=$(raft_metric "$n" active_nodes)
    if [[ -z $leader && -z $active ]]; then
      echo "$n down"
    elif [[ $leader == 1 ]]; then
      echo "$n leader"
    elif [[ -n $active && $active != 0 ]]; then
      echo "$n following"
    elif raft_loop_runs "$n"; then
      echo "$n rejoining"
    elif (($(orderer_uptime_s "$n") < STARTUP_GRACE_S)); then
      echo "$n starting"
    else
      echo "$n stuck"
    fi
  done
}

# Waits for a leader that a majority follows; restarts orderers that are stuck (all of them when no
# leader appears and none campaigns) or down, up to 5 times. An orderer that is rejoining is left
# alone and named in RAFT_REJOINING: it needs no restart, only the leader's next reconnect.
await_raft() {
  local attempt n deadline leader="" states restart following
  RAFT_RESTARTS=""
  RAFT_REJOINING=""
  for ((attempt = 1; attempt <= 6; attempt++)); do
    # A healthy cluster elects in ~1 s and followers learn of the leader at its first heartbeat.
    deadline=$((SECONDS + 8))
    while :; do
      states=$(raft_states)
      leader=$(awk '$2 == "leader" { print "orderer" $1 }' <<<"$states")
      following=$(awk '$2 == "leader" || $2 == "following" { n++ } END { print n + 0 }' <<<"$states")
      restart=$(awk '$2 == "stuck" || $2 == "down" { print $1 }' <<<"$states")
      if [[ -n $leader ]] && ((following > ORDERER_COUNT / 2)) &&
        ! grep -qE ' (starting|stuck|down)$' <<<"$states"; then
        RAFT_LEADER=$leader
        RAFT_REJOINING=$(awk '$2 == "rejoining" { printf " orderer%s", $1 }' <<<"$states")
        return 0
      fi
      ((SECONDS < deadline)) || break
      sleep 0.3
    done
    ((attempt < 6)) || break
    if [[ -z $leader && -z $restart ]] && ! grep -q ' rejoining$' <<<"$states"; then
      restart=$(seq 1 "$ORDERER_COUNT") # no leader and nobody campaigns
    fi
    for n in $restart; do
      log "orderer$n is $(awk -v n="$n" '$1 == n { print $2 }' <<<"$states") (fabric#4199 start-up deadlock?); restarting it"
      stop_process "orderer$n"
      start_orderer "$n"
      RAFT_RESTARTS="$RAFT_RESTARTS orderer$n"
    done
  done
  die "Raft for $CHANNEL_NAME not healthy after 5 restarts: $(tr '\n' ' ' <<<"$states")(leader: ${leader:-none}); see .fabric/orgs/orderer/logs/orderer*.log"
}

# Step (orderer org): the channel's genesis block, once, from the founding orgs' public exports.
create_genesis() {
  local config org
  if [[ -f $GENESIS_BLOCK ]]; then
    step_note "${GENESIS_BLOCK#"$ROOT_DIR"/} exists"
    return 0
  fi
  for org in "$ORDERER_ORG" "${FOUNDING_ORGS[@]}"; do
    [[ -d $(org_public "$org")/msp ]] || die "$org has not exported its public definition yet (org.sh export --org $org)"
  done
  config="$(org_home "$ORDERER_ORG")/config"
  mkdir -p "$config" "$CHANNEL_DIR"
  write_channel_configtx "$config/configtx.yaml"
  configtxgen -configPath "$config" -profile EstpChannel -channelID "$CHANNEL_NAME" \
    -outputBlock "$GENESIS_BLOCK.tmp"
  mv "$GENESIS_BLOCK.tmp" "$GENESIS_BLOCK"
  step_note "${GENESIS_BLOCK#"$ROOT_DIR"/}: ${FOUNDING_ORGS[*]}"
}

# Step (orderer org): every orderer joined + a Raft leader every orderer follows.
join_orderers() {
  local n joined=0 leader=""
  [[ -f $GENESIS_BLOCK ]] || die "no genesis block ${GENESIS_BLOCK#"$ROOT_DIR"/}"
  for ((n = 1; n <= ORDERER_COUNT; n++)); do
    if orderer_has_channel "$n"; then continue; fi
    osnadmin_cmd "$n" join --channelID "$CHANNEL_NAME" --config-block "$GENESIS_BLOCK"
    joined=$((joined + 1))
  done
  await_raft
  leader=$RAFT_LEADER
  local restarted=""
  [[ -z $RAFT_RESTARTS ]] || restarted=" (restarted deadlocked:$RAFT_RESTARTS)"
  [[ -z $RAFT_REJOINING ]] || restarted="$restarted;$RAFT_REJOINING rejoining (the leader reconnects within 2 min)"
  if ((joined == 0)); then
    step_note "already joined, leader $leader$restarted"
  else
    step_note "$joined orderer(s) joined, leader $leader$restarted"
  fi
}

# Step: <org>'s peers join the channel.
join_peer() { # <org>
  local org=$1 peer joined=()
  for peer in $(org_peers "$org"); do
    step_log "$(process_log "$peer.$org")"
    export_peer_cli "$org" "$peer"
    if peer channel getinfo -c "$CHANNEL_NAME" >/dev/null 2>&1; then continue; fi
    peer channel join -b "$GENESIS_BLOCK"
    joined+=("$peer")
  done
  if ((${#joined[@]} == 0)); then step_note "already joined"; else step_note "joined: ${joined[*]}"; fi
}

# How many other peers of the channel one peer's gossip knows (its discovery service answers the
# gateways from this membership); empty when the peer does not answer.
gossip_peers_known() { # <org> <peer>
  local org=$1 tls
  tls=$(org_admin_tls "$org")
  curl --silent --max-time 2 --cacert "$(own_tlsca "$org")" --cert "$tls/client.crt" --key "$tls/client.key" \
    "https://$(org_address "$org"):$(peer_port "$org" "$2" operations)/metrics" |
    awk -v name="gossip_membership_total_peers_known{channel=\"$CHANNEL_NAME\"}" '$1 == name { print $2 }' ||
    true
}

# Step: every peer of the listed orgs (default: every member's) knows every other peer of the
# channel. Until then a gateway cannot plan an endorsement naming an org it has not heard of
# ("failed to find any endorsing peers for org(s): CommunityMSP"), which a client that names its
# endorsers (transient data) hits at once.
await_gossip() { # [org…]
  local org peer known deadline=$((SECONDS + 60)) want lagging
  local -a orgs=("$@")
  ((${#orgs[@]} > 0)) || orgs=("${CHANNEL_ORGS[@]}")
  want=$((${#CHANNEL_ORGS[@]} * PEERS_PER_ORG - 1))
  while :; do
    lagging=""
    for org in "${orgs[@]}"; do
      for peer in $(org_peers "$org"); do
        known=$(gossip_peers_known "$org" "$peer")
        if ((${known:-0} < want)); then lagging="$lagging $peer.$org(${known:-?})"; fi
      done
    done
    [[ -z $lagging ]] && break
    ((SECONDS < deadline)) || die "after 60s these peers still do not know all $want other peers:$lagging"
    sleep 0.5
  done
  step_note "$([[ $# -eq 0 ]] && echo "each peer knows" || echo "the peers of $* know") the $want other peers"
}

# True when the channel configuration in force (read from the orderer by <asking org>'s Fabric
# admin) has <msp> in its Application group.
channel_has_member() { # <msp> <asking org>
  local summary
  summary=$(estp_cli admin config --org "$2" --json)
  MSP=$1 node -e '
    const summary = JSON.parse(require("fs").readFileSync(0, "utf8"));
    process.exit(summary.applicationOrgs.some((org) => org.mspId === process.env.MSP) ? 0 : 1);
  ' <<<"$summary"
}

# Step (a member's host, after the update adding <org> was applied): record <org>, onboarded on
# its own host, as a channel member here, so this host's profiles list its peer and its chaincode
# commits ask its peer to endorse. Checked against the channel configuration by a local org.
record_channel_member() { # <org>
  local org=$1 local_org="" candidate
  [[ -d $(org_public "$org")/msp ]] || die "no public definition of $org in .fabric/consortium/orgs/$org: receive its export first"
  for candidate in "${PEER_ORGS[@]}"; do
    if [[ $candidate != "$org" && -f $(profile_file "$candidate") ]]; then
      local_org=$candidate
      break
    fi
  done
  [[ -n $local_org ]] || die "no org with a connection profile on this host to read the channel configuration"
  channel_has_member "${ORG_MSP[$org]}" "$local_org" ||
    die "${ORG_MSP[$org]} is not in the channel configuration yet (estp admin submit the update first)"
  record_onboarded "$org" member
  step_note "${ORG_MSP[$org]} is in the channel (read by $local_org's admin); run 'org.sh profile --org $local_org'"
}
