# shellcheck shell=bash
# Channel `estp` with the channel participation API (no system channel): configtxgen writes the
# genesis block once, `osnadmin channel join` gives it to each orderer, each peer joins with it.

GENESIS_BLOCK="$FABRIC_HOME/channel/$CHANNEL_NAME.block"

osnadmin_cmd() { # <n> <osnadmin channel subcommand> [args…]
  local n=$1 sub=$2 admin_tls
  shift 2
  admin_tls=$(orderer_admin_tls)
  osnadmin channel "$sub" -o "127.0.0.1:$(orderer_port "$n" admin)" --ca-file "$(orderer_tlsca)" \
    --client-cert "$admin_tls/client.crt" --client-key "$admin_tls/client.key" "$@"
}

orderer_has_channel() { # <n>
  osnadmin_cmd "$1" list 2>/dev/null | grep -q "\"name\": *\"$CHANNEL_NAME\""
}

# A Raft leader exists once some orderer reports consensus_etcdraft_is_leader 1 for the channel.
raft_leader() {
  local n admin_tls
  admin_tls=$(orderer_admin_tls)
  for ((n = 1; n <= ORDERER_COUNT; n++)); do
    if curl --silent --max-time 2 --cacert "$(orderer_tlsca)" --cert "$admin_tls/client.crt" \
      --key "$admin_tls/client.key" "https://127.0.0.1:$(orderer_port "$n" operations)/metrics" |
      grep -q "^consensus_etcdraft_is_leader{channel=\"$CHANNEL_NAME\"} 1"; then
      echo "orderer$n"
      return 0
    fi
  done
  return 1
}

# Step: genesis block + every orderer joined + a Raft leader elected.
create_channel() {
  local n joined=0 leader="" deadline
  if [[ ! -f $GENESIS_BLOCK ]]; then
    mkdir -p "$(dirname "$GENESIS_BLOCK")"
    configtxgen -configPath "$CONFIG_DIR" -profile EstpChannel -channelID "$CHANNEL_NAME" \
      -outputBlock "$GENESIS_BLOCK.tmp"
    mv "$GENESIS_BLOCK.tmp" "$GENESIS_BLOCK"
  fi
  for ((n = 1; n <= ORDERER_COUNT; n++)); do
    if orderer_has_channel "$n"; then continue; fi
    osnadmin_cmd "$n" join --channelID "$CHANNEL_NAME" --config-block "$GENESIS_BLOCK"
    joined=$((joined + 1))
  done
  deadline=$((SECONDS + 60))
  until leader=$(raft_leader); do
    ((SECONDS < deadline)) || die "no Raft leader for $CHANNEL_NAME after 60s"
    sleep 0.2
  done
  if ((joined == 0)); then
    step_note "already joined, leader $leader"
  else
    step_note "$joined orderer(s) joined, leader $leader"
  fi
}

# Step: <org>'s peer joins the channel.
join_peer() { # <org>
  local org=$1
  step_log "$LOG_DIR/peer0.$org.log"
  export_peer_cli "$org"
  if peer channel getinfo -c "$CHANNEL_NAME" >/dev/null 2>&1; then
    step_note "already joined"
    return 0
  fi
  peer channel join -b "$GENESIS_BLOCK"
}
