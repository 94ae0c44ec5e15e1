#!/usr/bin/env bash
# org.sh <command> --org <org> [--file <update.pb>]: the steps ONE org takes on its own host, each
# reading only that org's directory (.fabric/orgs/<org>) and the consortium's public files
# (.fabric/consortium), and writing only to those. `npm run network:up` on one machine is these
# same commands run side by side for every org (up.sh); docs/deploy.md runs them on separate hosts.
#
# A peer org (utility, enterprise, community, city, …):
#   crypto     its keys and certificates (cryptogen, for itself alone)
#   ca         start its fabric-ca-server
#   users      register its users with its CA and enroll them into its wallet
#   export     publish its public definition to the consortium (MSP without keys, TLS root, <MSP>.json)
#   peer       start its peers (peer0, peer1)
#   join       join its peers to the channel (the genesis block from the consortium)
#   chaincode  package its own chaincode package, install it on its peers, start each peer's
#              chaincode service, approve
#   commit     commit the chaincode definition (one org, once a majority of orgs approved)
#   profile    write its connection profile (.fabric/orgs/<org>/connection-<org>.json)
#   bootstrap  Consortium:Bootstrap: its ESTP admin confirms the founding declaration (every
#              founding org once, after the first commit; the founders are recorded when all did)
#   sign       sign a channel configuration update as its Fabric admin: --file <update.pb>
#   member     (on a member's host, for an org onboarded elsewhere) record <org> as a channel member
#              here once the update adding it is applied, so this host's profiles list its peer
# The orderer org (--org orderer):
#   crypto, export; genesis (the channel's genesis block from the founding orgs' exports);
#   orderers (start them); join (each orderer joins the channel; waits for a Raft leader)
# Either:
#   start      start its processes that are not running (after a reboot; a crashed one its
#              supervisor restarts) and wait until its peers' gossip knows the channel's other
#              peers; with --node <name> only that one
#   stop       stop its supervisor, then its processes (or only --node <name>, which its supervisor
#              then leaves stopped until `start`)
#   status     list its processes, their listeners, and its supervisor's last restarts
# Every process of an org is supervised by the org's supervisor (supervise.sh), which these
# commands start with the org's first process: it restarts a process that dies, with backoff.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$NETWORK_DIR/scripts/binaries.sh"
source "$NETWORK_DIR/scripts/config.sh"
source "$NETWORK_DIR/scripts/crypto.sh"
source "$NETWORK_DIR/scripts/nodes.sh"
source "$NETWORK_DIR/scripts/users.sh"
source "$NETWORK_DIR/scripts/channel.sh"
source "$NETWORK_DIR/scripts/chaincode.sh"
source "$NETWORK_DIR/scripts/profile.sh"

PEER_ORG_COMMANDS="crypto ca users export peer join chaincode commit profile bootstrap sign member start stop status"
ORDERER_ORG_COMMANDS="crypto export genesis orderers join start stop status"

# How many progress lines org_command prints (for the [n/total] counter).
org_command_steps() { # <command> <org>
  case $1 in
    chaincode) echo 4 ;;
    orderers) echo "$ORDERER_COUNT" ;;
    peer) echo "$PEERS_PER_ORG" ;;
    start)
      if [[ -n ${3:-} ]]; then
        echo 1
      elif [[ $2 == "$ORDERER_ORG" ]]; then
        echo "$ORDERER_COUNT"
      else
        echo $((3 + PEERS_PER_ORG))
      fi
      ;;
    stop | status) echo 0 ;;
    *) echo 1 ;;
  esac
}

# Runs one command of one org as progress-line steps (output in the org's logs/steps.log).
org_command() { # <command> <org> [update file] [node]
  local command=$1 org=$2 node=${4:-} n peer
  if [[ -n $node ]]; then
    org_node_command "$command" "$org" "$node"
    return 0
  fi
  if [[ $org == "$ORDERER_ORG" ]]; then
    case $command in
      crypto) org_step "$org" "$org: keys and certificates" generate_org_crypto "$org" ;;
      export) org_step "$org" "$org: public definition → consortium" export_org "$org" ;;
      genesis) org_step "$org" "$org: genesis block of $CHANNEL_NAME" create_genesis ;;
      orderers | start)
        for ((n = 1; n <= ORDERER_COUNT; n++)); do
          org_step "$org" "$org: starting orderer$n on $(orderer_address "$n")" start_orderer "$n"
        done
        ;;
      join) org_step "$org" "$org: orderers join $CHANNEL_NAME" join_orderers ;;
      stop) stop_org "$org" ;;
      status) org_status "$org" ;;
      *) die "the orderer org has no command '$command' (commands: $ORDERER_ORG_COMMANDS)" ;;
    esac
    return 0
  fi
  case $command in
    crypto) org_step "$org" "$org: keys and certificates" generate_org_crypto "$org" ;;
    ca) org_step "$org" "$org: starting ca.$org on $(org_address "$org")" start_ca "$org" ;;
    users) org_step "$org" "$org: users into its wallet" enroll_users "$org" ;;
    export) org_step "$org" "$org: public definition → consortium" export_org "$org" ;;
    peer)
      for peer in $(org_peers "$org"); do
        org_step "$org" "$org: starting $peer.$org on $(org_address "$org")" start_peer "$org" "$peer"
      done
      ;;
    join) org_step "$org" "$org: $(org_peers "$org" | sed "s/\$/.$org/" | paste -sd, -) join $CHANNEL_NAME" join_peer "$org" ;;
    chaincode)
      org_step "$org" "$org: packaging its chaincode" package_chaincode "$org"
      org_step "$org" "$org: installing it on its peers" install_chaincode "$org"
      org_step "$org" "$org: each peer's chaincode service on $(org_address "$org")" start_chaincode_servers "$org"
      org_step "$org" "$org: approving the definition" approve_chaincode "$org"
      ;;
    commit) org_step "$org" "$org: committing the definition (MAJORITY)" commit_chaincode "$org" ;;
    profile) org_step "$org" "$org: connection profile" write_profile "$org" ;;
    bootstrap) org_step "$org" "$org: Consortium:Bootstrap (confirms the founding declaration)" bootstrap_consortium "$org" ;;
    sign) org_step "$org" "$org: signing ${3##*/} (estp admin sign)" sign_update "$org" "$3" ;;
    member) step "$org: recorded as a channel member on this host" record_channel_member "$org" ;;
    start)
      org_step "$org" "$org: starting ca.$org" start_ca "$org"
      for peer in $(org_peers "$org"); do
        org_step "$org" "$org: starting $peer.$org" start_peer "$org" "$peer"
      done
      org_step "$org" "$org: starting its chaincode services" start_chaincode_servers "$org"
      org_step "$org" "$org: its peers know the channel's other peers" await_gossip "$org"
      ;;
    stop) stop_org "$org" ;;
    status) org_status "$org" ;;
    *) die "a peer org has no command '$command' (commands: $PEER_ORG_COMMANDS)" ;;
  esac
}

# start or stop of one process of an org (--node <name>, e.g. orderer2, peer1.utility).
org_node_command() { # <command> <org> <name>
  local command=$1 org=$2 name=$3 peer
  # shellcheck disable=SC2046 # one word per name
  has_org "$name" $(org_process_names "$org") ||
    die "$org has no process $name (its processes: $(org_process_names "$org" | paste -sd' ' -))"
  case $command in
    stop)
      if is_running "$name"; then
        printf 'stopping %s (pid %s) … ' "$name" "$(pid_of "$name")"
        stop_process "$name"
        echo "ok (its supervisor leaves it stopped until 'org.sh start --org $org --node $name')"
      else
        stop_process "$name"
        echo "$name is not running"
      fi
      ;;
    start)
      case $name in
        orderer[0-9]*) org_step "$org" "$org: starting $name" start_orderer "${name#orderer}" ;;
        ca.*) org_step "$org" "$org: starting $name" start_ca "$org" ;;
        peer*) org_step "$org" "$org: starting $name" start_peer "$org" "${name%%.*}" ;;
        chaincode*)
          peer=${name%%.*}
          org_step "$org" "$org: starting $name" start_chaincode_servers "$org" "peer${peer#chaincode}"
          ;;
      esac
      ;;
    *) die "--node goes with start or stop only" ;;
  esac
}

# Signs a channel configuration update file as <org>'s Fabric admin, in place.
sign_update() { # <org> <file>
  local result
  [[ -f $2 ]] || die "no update file $2"
  result=$(estp_cli admin sign --org "$1" --file "$2")
  echo "$result"
  step_note "${result#*; }"
}

stop_org() { # <org>: its supervisor first, so it restarts nothing that is being stopped
  local name
  for name in "supervisor.$1" $(org_process_names "$1" | tac); do
    if is_running "$name"; then
      printf 'stopping %s (pid %s) … ' "$name" "$(pid_of "$name")"
      stop_process "$name"
      echo ok
    else
      stop_process "$name" # clears stale pid files
    fi
  done
}

org_status() { # <org>
  local name pid supervisor_log
  for name in $(org_process_names "$1") "supervisor.$1"; do
    if pid=$(pid_of "$name"); then
      printf '%-22s running (pid %s), listening on %s\n' "$name" "$pid" \
        "$(ss -Hltnp 2>/dev/null | awk -v pid="pid=$pid," 'index($0, pid) { print $4 }' | sort -u | tr '\n' ' ')"
    elif [[ -f $(process_run_dir "$name")/$name.argv ]]; then
      printf '%-22s not running (its supervisor restarts it)\n' "$name"
    else
      printf '%-22s stopped\n' "$name"
    fi
  done
  supervisor_log=$(process_log "supervisor.$1")
  if grep -q 'restart' "$supervisor_log" 2>/dev/null; then
    echo "last restarts (${supervisor_log#"$ROOT_DIR"/}):"
    grep 'restart' "$supervisor_log" | tail -n 5 | sed 's/^/  /'
  fi
}

usage() {
  cat >&2 <<EOF
usage: org.sh <command> --org <org> [--file <update.pb>] [--node <process>]
  peer org commands:    $PEER_ORG_COMMANDS
  orderer org commands: $ORDERER_ORG_COMMANDS
  orgs: $ORDERER_ORG ${PEER_ORGS[*]} (or one declared in network/config/orgs/<org>.sh)
See docs/deploy.md.
EOF
  exit 2
}

main() {
  local command=${1:-} org="" file="" node=""
  [[ -n $command && $command != -* ]] || usage
  shift
  while (($# > 0)); do
    case $1 in
      --org) org=${2:-} && shift 2 ;;
      --file) file=${2:-} && shift 2 ;;
      --node) node=${2:-} && shift 2 ;;
      -h | --help) usage ;;
      *) usage ;;
    esac
  done
  [[ -n $org ]] || usage
  if [[ $org != "$ORDERER_ORG" ]] && ! has_org "$org" "${PEER_ORGS[@]}"; then declare_org "$org"; fi
  [[ $command != sign || -n $file ]] || die "sign needs --file <update.pb>"
  [[ -z $node || $command == start || $command == stop ]] || die "--node goes with start or stop only"
  for tool in node curl tar gzip sha256sum base64 setsid awk; do
    require_tool "$tool" "install it with your package manager"
  done
  take_lock
  if [[ $command == crypto ]]; then
    STEP_TOTAL=2
    step "Fabric binaries" build_binaries
    step "configuration" write_config
  fi
  STEP_TOTAL=$((STEP_TOTAL + $(org_command_steps "$command" "$org" "$node")))
  org_command "$command" "$org" "$file" "$node"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then main "$@"; fi
