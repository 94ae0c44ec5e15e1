# shellcheck shell=bash
# Shared helpers of the network scripts: layout, addresses, ports, logging, steps, processes,
# readiness. Sourced by every script in network/scripts; never run directly.
# shellcheck disable=SC2034 # variables used by the scripts that source this file

NETWORK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROOT_DIR=$(cd "$NETWORK_DIR/.." && pwd)
FABRIC_HOME="$ROOT_DIR/.fabric"

# Layout (docs/network.md#layout). Every org is its own host: what is private to an org (its CA and
# database, keys, wallet, ledgers, chaincode service, logs) lives in its directory ORGS_DIR/<org>
# and nowhere else; what orgs exchange (MSP definitions without keys, TLS CA certificates, the
# channel's blocks, config updates) goes through CONSORTIUM_DIR, public by construction.
ORGS_DIR="$FABRIC_HOME/orgs"
CONSORTIUM_DIR="$FABRIC_HOME/consortium"
CHANNEL_DIR="$CONSORTIUM_DIR/channel"
CONFIG_DIR="$FABRIC_HOME/config" # public: core.yaml, orderer.yaml, network.env, onboarded-orgs
RUN_DIR="$FABRIC_HOME/run"       # the lock, leases, step notes (no org state)
LOG_DIR="$FABRIC_HOME/logs"      # build and orchestration logs; each process logs in its org's logs/
NETWORK_ENV="$CONFIG_DIR/network.env"
ORDERER_ORG=orderer

# shellcheck source=../versions.env
source "$NETWORK_DIR/versions.env"
# shellcheck source=../config/topology.sh
source "$NETWORK_DIR/config/topology.sh"

# Orgs onboarded into the running network (network/scripts/add-org.sh). Each is declared in
# network/config/orgs/<org>.sh (MSP, port block, address, users) and recorded in generated state,
# .fabric/config/onboarded-orgs, one "<org> pending|member" line each: pending = its CA, users and
# peer exist; member = the channel configuration has it too. FOUNDING_ORGS are topology.sh's
# (the channel genesis), PEER_ORGS every org with processes, CHANNEL_ORGS the channel's members.
ONBOARDED_ORGS_FILE="$CONFIG_DIR/onboarded-orgs"
FOUNDING_ORGS=("${PEER_ORGS[@]}")
CHANNEL_ORGS=("${PEER_ORGS[@]}")

# Official binaries may be used instead of building: FABRIC_BIN=/path/to/fabric/bin.
BIN_DIR=${FABRIC_BIN:-$FABRIC_HOME/bin}

# ---------------------------------------------------------------------------------------------
# Logging

log() { printf '%s\n' "$*" >&2; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# ---------------------------------------------------------------------------------------------
# Settings fixed when the network is created (.fabric/config/network.env): the port base and each
# org's address and host name, which the certificates and the channel configuration contain. An
# environment variable that disagrees with the recorded value is refused.

recorded_setting() { # <key>: the recorded value, or nothing
  [[ -f $NETWORK_ENV ]] || return 0
  sed -n "s/^$1=//p" "$NETWORK_ENV" | tail -n 1
}

# Prints the value of setting <key>: recorded, else the env variable <env>, else <default>.
setting() { # <key> <env variable> <default>
  local key=$1 env_name=$2 default=$3 recorded wanted
  recorded=$(recorded_setting "$key")
  wanted=${!env_name:-}
  if [[ -n $recorded ]]; then
    [[ -z $wanted || $wanted == "$recorded" ]] ||
      die "the network was created with $env_name=$recorded; run 'npm run network:clean' to change it"
    echo "$recorded"
  else
    echo "${wanted:-$default}"
  fi
}

# Appends the settings not recorded yet (write_config, when the network is created).
record_settings() {
  local key value n org
  mkdir -p "$CONFIG_DIR"
  while read -r key value; do
    [[ -n $(recorded_setting "$key") ]] || printf '%s=%s\n' "$key" "$value" >>"$NETWORK_ENV"
  done < <(
    echo "PORT_BASE $PORT_BASE"
    for ((n = 1; n <= ORDERER_COUNT; n++)); do
      echo "ADDRESS_orderer$n ${ORDERER_ADDRESS[n - 1]}"
      echo "HOST_orderer$n ${ORDERER_HOST[n - 1]}"
    done
    for org in "${PEER_ORGS[@]}"; do
      echo "ADDRESS_$org ${ORG_ADDRESS[$org]}"
      echo "HOST_$org ${ORG_HOST[$org]}"
    done
    echo "PEERS_PER_ORG $PEERS_PER_ORG"
  )
}

PORT_BASE=$(setting PORT_BASE ESTP_PORT_BASE 7000)
if ! [[ $PORT_BASE =~ ^[0-9]+$ ]] || ((PORT_BASE < 1024 || PORT_BASE > 64000)); then
  die "ESTP_PORT_BASE must be a number between 1024 and 64000 (got '$PORT_BASE')"
fi

# Peers per org (topology.sh PEERS_PER_ORG, env ESTP_PEERS_PER_ORG): each endorses and serves the
# gateway, so one down costs the org's members nothing. Recorded like the port base: the anchor
# peers of the channel's genesis and the orgs' certificates name them.
PEERS_PER_ORG=$(setting PEERS_PER_ORG ESTP_PEERS_PER_ORG "$PEERS_PER_ORG")
[[ $PEERS_PER_ORG =~ ^[12]$ ]] || die "ESTP_PEERS_PER_ORG must be 1 or 2 (got '$PEERS_PER_ORG')"

# An address a process may bind to: an IP literal, never a wildcard.
check_address() { # <what> <address>
  [[ $2 =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "$1 must be an IPv4 address (got '$2')"
  [[ $2 != 0.0.0.0 ]] || die "$1 must not be 0.0.0.0: each org binds to its own address only"
}

upper() { tr '[:lower:]' '[:upper:]' <<<"$1"; }

# Resolves ORG_ADDRESS/ORG_HOST of a peer org (topology or org declaration, env, recorded).
resolve_org_address() { # <org>
  local org=$1 env_prefix
  env_prefix="ESTP_$(upper "$org")"
  ORG_ADDRESS[$org]=$(setting "ADDRESS_$org" "${env_prefix}_ADDRESS" "${ORG_ADDRESS[$org]:-127.0.${ORG_BLOCK[$org]}.1}")
  check_address "the address of $org (${env_prefix}_ADDRESS)" "${ORG_ADDRESS[$org]}"
  ORG_HOST[$org]=$(setting "HOST_$org" "${env_prefix}_HOST" "${ORG_HOST[$org]:-${ORG_ADDRESS[$org]}}")
}

ORDERER_HOST=()
for ((n = 1; n <= ORDERER_COUNT; n++)); do
  ORDERER_ADDRESS[n - 1]=$(setting "ADDRESS_orderer$n" "ESTP_ORDERER${n}_ADDRESS" "${ORDERER_ADDRESS[n - 1]}")
  check_address "the address of orderer$n (ESTP_ORDERER${n}_ADDRESS)" "${ORDERER_ADDRESS[n - 1]}"
  ORDERER_HOST[n - 1]=$(setting "HOST_orderer$n" "ESTP_ORDERER${n}_HOST" "${ORDERER_ADDRESS[n - 1]}")
done
unset n
for org in "${PEER_ORGS[@]}"; do resolve_org_address "$org"; done

# No two orgs share an address (the orderer org's nodes are one org: they may).
check_distinct_addresses() {
  local org other n
  for org in "${PEER_ORGS[@]}"; do
    for other in "${PEER_ORGS[@]}"; do
      [[ $org == "$other" || ${ORG_ADDRESS[$org]} != "${ORG_ADDRESS[$other]}" ]] ||
        die "$org and $other both bind to ${ORG_ADDRESS[$org]}: give each org its own address"
    done
    for ((n = 0; n < ORDERER_COUNT; n++)); do
      [[ ${ORG_ADDRESS[$org]} != "${ORDERER_ADDRESS[n]}" ]] ||
        die "$org and orderer$((n + 1)) both bind to ${ORG_ADDRESS[$org]}: give each org its own address"
    done
  done
}

# ---------------------------------------------------------------------------------------------
# Ports: offsets from the port base, each on its org's address.
#   orderer N (1..3):    base+10N     listen, +1 admin, +2 operations
#   peer org block B:    base+100B    +4 CA, +5 CA operations;
#                                     peer<i> at +10i: +0 listen, +1 its chaincode listener,
#                                     +2 operations, +6 its chaincode service (peer0: +0, +1, +2,
#                                     +6; peer1: +10, +11, +12, +16); +7 the org's baseline
#                                     chaincode service while a benchmark runs (npm run
#                                     bench:ledger, one per org); +8..+9 stay in reserve
# The base is fixed when the network is created (the channel config holds the ports).

orderer_port() { # <n> listen|admin|operations
  local offset
  case $2 in listen) offset=0 ;; admin) offset=1 ;; operations) offset=2 ;; *) die "bad port kind $2" ;; esac
  echo $((PORT_BASE + 10 * $1 + offset))
}

org_port() { # <org> ca|ca-operations|baseline
  local offset
  case $2 in
    ca) offset=4 ;; ca-operations) offset=5 ;; baseline) offset=7 ;;
    *) die "bad port kind $2" ;;
  esac
  echo $((PORT_BASE + 100 * ${ORG_BLOCK[$1]} + offset))
}

# The org's peers: peer0, peer1, … (PEERS_PER_ORG of them).
org_peers() { # <org>
  local i
  for ((i = 0; i < PEERS_PER_ORG; i++)); do echo "peer$i"; done
}

peer_port() { # <org> <peer> listen|chaincode|operations|ccaas
  local offset index=${2#peer}
  case $3 in
    listen) offset=0 ;; chaincode) offset=1 ;; operations) offset=2 ;; ccaas) offset=6 ;;
    *) die "bad port kind $3" ;;
  esac
  echo $((PORT_BASE + 100 * ${ORG_BLOCK[$1]} + 10 * index + offset))
}

orderer_address() { echo "${ORDERER_ADDRESS[$1 - 1]}"; }
orderer_endpoint() { echo "${ORDERER_HOST[$1 - 1]}:$(orderer_port "$1" listen)"; }
org_address() { echo "${ORG_ADDRESS[$1]}"; }
org_endpoint() { echo "${ORG_HOST[$1]}:$(org_port "$1" "$2")"; }        # <org> ca: what others dial
peer_endpoint() { echo "${ORG_HOST[$1]}:$(peer_port "$1" "$2" "$3")"; } # <org> <peer> <kind>

# Every "<address> <port>" the network listens on (down.sh waits until none is open).
all_listeners() {
  local n org kind peer
  for ((n = 1; n <= ORDERER_COUNT; n++)); do
    for kind in listen admin operations; do echo "$(orderer_address "$n") $(orderer_port "$n" "$kind")"; done
  done
  for org in "${PEER_ORGS[@]}"; do
    for kind in ca ca-operations baseline; do echo "$(org_address "$org") $(org_port "$org" "$kind")"; done
    for peer in $(org_peers "$org"); do
      for kind in listen chaincode operations ccaas; do
        echo "$(org_address "$org") $(peer_port "$org" "$peer" "$kind")"
      done
    done
  done
}

# ---------------------------------------------------------------------------------------------
# Each org's directory (.fabric/orgs/<org>; the orderer org's is .fabric/orgs/orderer):
#   crypto/     its keys and certificates (cryptogen: msp, ca, tlsca, peers|orderers, users/Admin@…)
#   config/     its generated inputs (crypto-config.yaml, configtx.yaml) and per-process env files
#   fabric-ca/  its fabric-ca-server: config, SQLite database, registrar and user secrets
#   wallet/     its client identities, <user>.id (the file-system wallet format)
#   peer0/ peer1/  each peer's ledger (orderer org: orderer<N>/)
#   chaincode/  its chaincode packages and the state of its chaincode service
#   logs/ run/  its processes' logs and pid files
#   connection-<org>.json   its common connection profile (no key, no secret)
# Its public part, exported into .fabric/consortium/orgs/<org>: msp/ (no keys), tlsca.pem, the
# orderer nodes' TLS certificates, and its channel definition <MSP>.json.

org_home() { echo "$ORGS_DIR/$1"; }
org_crypto() { echo "$ORGS_DIR/$1/crypto"; }
org_public() { echo "$CONSORTIUM_DIR/orgs/$1"; }
org_domain() { if [[ $1 == "$ORDERER_ORG" ]]; then echo "$DOMAIN"; else echo "$1.$DOMAIN"; fi; }
org_msp_id() { if [[ $1 == "$ORDERER_ORG" ]]; then echo "$ORDERER_MSP"; else echo "${ORG_MSP[$1]}"; fi; }
# The org's TLS root as its own processes use it, and as the other orgs know it (public copy).
own_tlsca() { echo "$(org_crypto "$1")/tlsca/tlsca.$(org_domain "$1")-cert.pem"; }
public_tlsca() { echo "$(org_public "$1")/tlsca.pem"; }
org_admin_msp() { echo "$(org_crypto "$1")/users/Admin@$(org_domain "$1")/msp"; }
org_admin_tls() { echo "$(org_crypto "$1")/users/Admin@$(org_domain "$1")/tls"; }
org_wallet() { echo "$ORGS_DIR/$1/wallet"; }
profile_file() { echo "$ORGS_DIR/$1/connection-$1.json"; }

orderer_host_alias() { echo "orderer$1.$DOMAIN"; }
orderer_dir() { echo "$(org_crypto "$ORDERER_ORG")/orderers/$(orderer_host_alias "$1")"; }
orderer_data() { echo "$ORGS_DIR/$ORDERER_ORG/orderer$1"; }
public_orderer_tls_cert() { echo "$(org_public "$ORDERER_ORG")/orderer$1-tls.crt"; }

peer_host_alias() { echo "$2.$1.$DOMAIN"; }                            # <org> <peer>
peer_dir() { echo "$(org_crypto "$1")/peers/$(peer_host_alias "$1" "$2")"; } # <org> <peer>
peer_data() { echo "$ORGS_DIR/$1/$2"; }                                    # <org> <peer>
ca_name() { echo "ca-$1"; }
ca_host_alias() { echo "ca.$1.$DOMAIN"; }
ca_home() { echo "$ORGS_DIR/$1/fabric-ca"; }
ccaas_host_alias() { echo "ccaas.$1.$DOMAIN"; }
ccaas_tls_dir() { echo "$(org_crypto "$1")/peers/$(ccaas_host_alias "$1")/tls"; }

# ---------------------------------------------------------------------------------------------
# Steps: one progress line each ("[ 3/14] starting peer0.utility … ok (1.2s)").
# The step's own output goes to STEP_OUTPUT (the org's logs/steps.log for an org's step, see
# org_step; .fabric/logs/up.log otherwise); on failure the tail of that log and of the process log
# named with step_log is printed and the script exits non-zero.

STEP_NO=0
STEP_TOTAL=0
UP_LOG="$LOG_DIR/up.log"
STEP_OUTPUT=$UP_LOG

# Inside a step: a word shown after "ok" (e.g. "already running").
step_note() { printf '%s' "$*" >"$RUN_DIR/.step-note"; }
# Inside a step: the log file to show if the step fails.
step_log() { printf '%s' "$1" >"$RUN_DIR/.step-log"; }

step() { # <label> <function> [args…]
  local label=$1 start elapsed rc lines_before note="" proc_log=""
  shift
  STEP_NO=$((STEP_NO + 1))
  printf '[%2d/%d] %s … ' "$STEP_NO" "$STEP_TOTAL" "$label"
  rm -f "$RUN_DIR/.step-note" "$RUN_DIR/.step-log"
  mkdir -p "$(dirname "$STEP_OUTPUT")"
  touch "$STEP_OUTPUT"
  lines_before=$(wc -l <"$STEP_OUTPUT")
  printf '\n=== [%s] %s\n' "$(date '+%F %T')" "$label" >>"$STEP_OUTPUT"
  start=$EPOCHREALTIME
  set +e
  (
    set -e
    "$@"
  ) </dev/null >>"$STEP_OUTPUT" 2>&1
  rc=$?
  set -e
  elapsed=$(awk -v s="$start" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.1f", e - s }')
  [[ -f $RUN_DIR/.step-note ]] && note=$(<"$RUN_DIR/.step-note")
  [[ -f $RUN_DIR/.step-log ]] && proc_log=$(<"$RUN_DIR/.step-log")
  if ((rc == 0)); then
    printf 'ok (%ss)%s\n' "$elapsed" "${note:+ – $note}"
    return 0
  fi
  printf 'FAILED (%ss)\n\n' "$elapsed"
  printf -- '--- step output (%s) ---\n' "$STEP_OUTPUT" >&2
  tail -n +"$((lines_before + 1))" "$STEP_OUTPUT" | tail -n 25 >&2
  if [[ -n $proc_log && -f $proc_log ]]; then
    printf -- '--- tail of %s ---\n' "$proc_log" >&2
    tail -n 30 "$proc_log" >&2
  fi
  printf '\nerror: step "%s" failed (exit %d); logs are in %s\n' "$label" "$rc" "$(dirname "$STEP_OUTPUT")" >&2
  exit "$rc"
}

# A step one org takes on its own host: its output goes to the org's own log.
org_step() { # <org> <label> <function> [args…]
  local org=$1
  shift
  STEP_OUTPUT="$(org_home "$org")/logs/steps.log" step "$@"
}

# ---------------------------------------------------------------------------------------------
# Processes: started detached (own session), pid in <org>/run/<name>.pid, output appended to
# <org>/logs/<name>.log. A pid only counts if that process still runs the recorded program.
# Names: ca.<org>, peer<i>.<org>, chaincode<i>.<org> (peer<i>'s chaincode service),
# baseline.<org> (the benchmark's baseline chaincode service, network/scripts/baseline.sh),
# supervisor.<org>, orderer<N> (of the orderer org).
#
# Every process but the supervisor is supervised: its org's supervisor (supervise.sh) restarts it
# when it dies, from the command recorded at its start (<name>.argv, <name>.cwd), until it is
# stopped on purpose (stop_process removes the record). Starting, stopping and restarting a process
# of an org take the org's process lock (<org>/run/process.lock), so a restart never races a stop.

# Sets PROCESS_ORG to the org of <name>. No subshell: pid_of runs it every second in every
# supervisor, and a fork costs ~1 ms of CPU.
set_process_org() { # <name>
  case $1 in
    orderer[0-9]*) PROCESS_ORG=$ORDERER_ORG ;;
    *.*) PROCESS_ORG=${1#*.} ;;
    *) die "bad process name $1" ;;
  esac
}
process_org() { # <name>
  set_process_org "$1"
  echo "$PROCESS_ORG"
}
process_run_dir() { echo "$(org_home "$(process_org "$1")")/run"; }
process_log() { echo "$(org_home "$(process_org "$1")")/logs/$1.log"; }
process_env_file() { echo "$(org_home "$(process_org "$1")")/config/$1.env"; }

pid_of() { # <name> → pid of a running process, or fails
  local name=$1 run pid program
  local -a cmdline
  # Builtins only, no subshell: the supervisors ask this every second for every process.
  set_process_org "$name"
  run="$ORGS_DIR/$PROCESS_ORG/run" # process_run_dir
  [[ -f $run/$name.pid && -f $run/$name.program ]] || return 1
  read -r pid <"$run/$name.pid" || return 1
  read -r program <"$run/$name.program" || [[ -n $program ]] || return 1
  # The process must still run the recorded command line (pids are recycled).
  mapfile -d '' cmdline 2>/dev/null <"/proc/$pid/cmdline" || return 1
  [[ "${cmdline[*]} " == "$program "* ]] || return 1
  # Two peers run the same command line, and pid_max may be as low as 32768: a killed peer's pid
  # can come back as its sibling's. The start time recorded at launch tells them apart.
  if [[ -f $run/$name.started ]]; then
    local started
    read -r started <"$run/$name.started" || return 1
    process_started "$pid" || return 1
    [[ $STARTED == "$started" ]] || return 1
  fi
  echo "$pid"
}

# Sets STARTED to <pid>'s start time (/proc/<pid>/stat, field 22); fails when there is no such
# process. Builtins only, no subshell: pid_of runs it every second in every supervisor.
process_started() { # <pid>
  local stat
  read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
  # Split by word splitting, not `read <<<`: a here-string is a pipe that read takes byte by byte.
  # The fields after the command name are numbers and one state letter: nothing to glob.
  # shellcheck disable=SC2206
  local -a fields=(${stat##*) })
  STARTED=${fields[19]:-}
}

is_running() { pid_of "$1" >/dev/null; }

# Runs <command…> holding the process lock of <name>'s org (once per call chain).
with_process_lock() { # <name> <command…>
  local name=$1 lock
  shift
  if [[ -n ${PROCESS_LOCK_HELD:-} ]] || ! command -v flock >/dev/null 2>&1; then
    "$@"
    return
  fi
  lock="$(process_run_dir "$name")/process.lock"
  mkdir -p "$(dirname "$lock")"
  (
    flock 8
    PROCESS_LOCK_HELD=1
    "$@"
  ) 8>"$lock"
}

start_process() { # <name> <program> [args…]; env from process_env_file; run in the current directory
  with_process_lock "$1" launch_process "$PWD" "$@"
}

# Starts <name> again from its recorded command. Status 0: restarted; 3: it runs already or was
# stopped on purpose meanwhile (nothing to do); other: it failed to start.
respawn_process() { # <name>
  with_process_lock "$1" respawn_recorded "$1"
}

respawn_recorded() { # <name> (process lock held)
  local name=$1 run cwd
  local -a argv
  run=$(process_run_dir "$name")
  [[ -f $run/$name.argv && -f $run/$name.cwd ]] || return 3
  is_running "$name" && return 3
  mapfile -d '' argv <"$run/$name.argv"
  cwd=$(<"$run/$name.cwd")
  launch_process "$cwd" "$name" "${argv[@]}"
}

launch_process() { # <cwd> <name> <program> [args…] (process lock held)
  local cwd=$1 name=$2
  shift 2
  local run log env_file pid_file
  run=$(process_run_dir "$name")
  log=$(process_log "$name")
  env_file=$(process_env_file "$name")
  pid_file="$run/$name.pid"
  mkdir -p "$run" "$(dirname "$log")"
  rm -f "$pid_file" "$run/$name.started"
  printf '%s' "$*" >"$run/$name.program"
  printf '%s\0' "$@" >"$run/$name.argv"
  printf '%s' "$cwd" >"$run/$name.cwd"
  printf '\n===== %s starting %s\n' "$(date '+%F %T')" "$name" >>"$log"
  # The child writes its own pid (setsid may fork) before exec'ing the program. It inherits
  # neither lock (fds 8, 9): a long-running process holding one would block every later run.
  # shellcheck disable=SC2016 # expanded by the child shell
  setsid bash -c 'cd "$1" || exit 1; set -a; source "$2"; set +a; echo $$ >"$3"; shift 3; exec "$@"' \
    start "$cwd" "$env_file" "$pid_file" "$@" </dev/null >>"$log" 2>&1 8>&- 9>&- &
  local i
  local pid
  for ((i = 0; i < 50; i++)); do
    if [[ -s $pid_file ]]; then
      # The start time of the child is the program's (exec keeps the process): pid_of checks it.
      read -r pid <"$pid_file"
      if process_started "$pid"; then printf '%s\n' "$STARTED" >"$run/$name.started"; fi
      return 0
    fi
    sleep 0.1
  done
  die "$name did not start (no pid file)"
}

# Alive = exists and is not a zombie (an exited child may wait a while for its reaper).
process_alive() { # <pid>
  local stat
  read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
  stat=${stat##*) }
  [[ -n $stat && ${stat%% *} != Z ]]
}

stop_process() { # <name>: TERM, wait up to 15 s, then KILL; its supervisor leaves it stopped
  with_process_lock "$1" terminate_process "$1"
}

terminate_process() { # <name> (process lock held)
  local name=$1 pid="" i run
  run=$(process_run_dir "$name")
  pid=$(pid_of "$name") || pid=""
  # Forget the command first: from now on the supervisor leaves the process stopped.
  rm -f "$run/$name.argv" "$run/$name.cwd"
  if [[ -n $pid ]]; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do
      process_alive "$pid" || break
      sleep 0.1
    done
    if process_alive "$pid"; then
      log "$name (pid $pid) ignored SIGTERM; killing"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.2
    fi
  fi
  rm -f "$run/$name.pid" "$run/$name.program" "$run/$name.started"
}

# The processes of one org its supervisor keeps running, in start order.
org_process_names() { # <org>
  local n peer
  if [[ $1 == "$ORDERER_ORG" ]]; then
    for ((n = 1; n <= ORDERER_COUNT; n++)); do echo "orderer$n"; done
  else
    echo "ca.$1"
    for peer in $(org_peers "$1"); do echo "$peer.$1"; done
    for peer in $(org_peers "$1"); do echo "$(chaincode_service "$peer").$1"; done
  fi
}

chaincode_service() { echo "chaincode${1#peer}"; } # <peer>: the name of its chaincode service

# Names of the processes of the network, in start order: CAs, orderers, peers, chaincode services,
# then any other process recorded in an org's run directory (e.g. one of an older layout, so
# down.sh stops it too), and the orgs' supervisors last (down.sh, in reverse, stops them first).
process_names() {
  local org peer file name
  local -A known=()
  for name in $(
    for org in "${PEER_ORGS[@]}"; do echo "ca.$org"; done
    org_process_names "$ORDERER_ORG"
    for org in "${PEER_ORGS[@]}"; do for peer in $(org_peers "$org"); do echo "$peer.$org"; done; done
    for org in "${PEER_ORGS[@]}"; do
      for peer in $(org_peers "$org"); do echo "$(chaincode_service "$peer").$org"; done
    done
  ); do
    known[$name]=1
    echo "$name"
  done
  for org in "$ORDERER_ORG" "${PEER_ORGS[@]}"; do known[supervisor.$org]=1; done
  for org in "$ORDERER_ORG" "${PEER_ORGS[@]}"; do
    for file in "$ORGS_DIR/$org/run"/*.pid; do
      [[ -e $file ]] || continue
      name=${file##*/}
      name=${name%.pid}
      [[ -n ${known[$name]:-} ]] || echo "$name"
    done
  done
  for org in "$ORDERER_ORG" "${PEER_ORGS[@]}"; do echo "supervisor.$org"; done
}

# ---------------------------------------------------------------------------------------------
# The baseline chaincode services, running only while a benchmark deployed them (down.sh stops
# them with every other recorded process; the network runs without them).
baseline_process_names() {
  local org
  for org in "${PEER_ORGS[@]}"; do echo "baseline.$org"; done
}

# ---------------------------------------------------------------------------------------------
# Readiness: poll, never sleep blindly.

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; } # <address> <port>

wait_healthz() { # <name> <address:port> <tls-ca> [timeout-s]
  local name=$1 endpoint=$2 cacert=$3 timeout=${4:-60} deadline body
  deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    is_running "$name" || die "$name exited during startup"
    body=$(curl --silent --max-time 2 --cacert "$cacert" "https://$endpoint/healthz" 2>/dev/null || true)
    if [[ $body == *'"OK"'* ]]; then return 0; fi
    sleep 0.2
  done
  die "$name not healthy on https://$endpoint/healthz after ${timeout}s (last answer: ${body:-none})"
}

wait_port() { # <name> <address> <port> [timeout-s]
  local name=$1 address=$2 port=$3 timeout=${4:-30} deadline
  deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    is_running "$name" || die "$name exited during startup"
    port_open "$address" "$port" && return 0
    sleep 0.2
  done
  die "$name not listening on $address:$port after ${timeout}s"
}

retry() { # <attempts> <delay-s> <command…>: for commands that race with Raft leader election etc.
  local attempts=$1 delay=$2 i
  shift 2
  for ((i = 1; i <= attempts; i++)); do
    if "$@"; then return 0; fi
    ((i < attempts)) && {
      log "attempt $i/$attempts failed: $*; retrying in ${delay}s"
      sleep "$delay"
    }
  done
  return 1
}

require_tool() { # <tool> <hint>
  command -v "$1" >/dev/null 2>&1 || die "$1 is required: $2"
}

# ---------------------------------------------------------------------------------------------
# Peer CLI as an org's Fabric admin (cryptogen Admin@<org>, NodeOU admin), from its own directory.
# Other orgs' peers and the orderers are reached with their public TLS roots (.fabric/consortium).

export_peer_cli() { # <org> [peer, default peer0]
  local org=$1 peer=${2:-peer0}
  export FABRIC_CFG_PATH="$CONFIG_DIR"
  export CORE_PEER_TLS_ENABLED=true
  export CORE_PEER_LOCALMSPID="${ORG_MSP[$org]}"
  CORE_PEER_MSPCONFIGPATH=$(org_admin_msp "$org")
  CORE_PEER_ADDRESS=$(peer_endpoint "$org" "$peer" listen)
  CORE_PEER_TLS_ROOTCERT_FILE=$(own_tlsca "$org")
  export CORE_PEER_MSPCONFIGPATH CORE_PEER_ADDRESS CORE_PEER_TLS_ROOTCERT_FILE
  export FABRIC_LOGGING_SPEC=warning
}

# Orderer flags for peer CLI commands that submit transactions.
orderer_flags() {
  printf '%s\n' -o "$(orderer_endpoint 1)" --tls --cafile "$(public_tlsca "$ORDERER_ORG")"
}

# --peerAddresses/--tlsRootCertFiles for one peer (peer0) of each given org (their public TLS roots).
peer_flags() {
  local org
  for org in "$@"; do
    printf '%s\n' --peerAddresses "$(peer_endpoint "$org" peer0 listen)" --tlsRootCertFiles "$(public_tlsca "$org")"
  done
}

# The estp CLI of this worktree (= `npx estp`, without npx's start-up cost).
estp_cli() { node "$ROOT_DIR/application/dist/cli/main.js" "$@"; }

# ---------------------------------------------------------------------------------------------
# One network operation at a time (several engineers may run tests at once). with-network.sh
# holds the lock while it brings the network up and exports ESTP_LOCK_HELD to its up.sh.

AUTO_STARTED="$RUN_DIR/auto-started" # the network was brought up by with-network.sh
LEASES_DIR="$RUN_DIR/leases"         # one file per with-network.sh run using the network

take_lock() {
  [[ -z ${ESTP_LOCK_HELD:-} ]] || return 0
  command -v flock >/dev/null 2>&1 || return 0
  exec 9>"$RUN_DIR/lock"
  if ! flock -n 9; then
    log "waiting for another network operation to finish (.fabric/run/lock)…"
    flock 9
  fi
  export ESTP_LOCK_HELD=1
}

release_lock() {
  [[ -n ${ESTP_LOCK_HELD:-} ]] || return 0
  command -v flock >/dev/null 2>&1 || return 0
  flock -u 9 2>/dev/null || true
  exec 9>&-
  unset ESTP_LOCK_HELD
}

# True when any process of the network runs.
network_running() {
  local name
  for name in $(process_names); do
    is_running "$name" && return 0
  done
  return 1
}

# ---------------------------------------------------------------------------------------------
# Onboarded orgs (see ONBOARDED_ORGS_FILE above)

has_org() { # <org> <list…>
  local org=$1 candidate
  shift
  for candidate in "$@"; do [[ $candidate == "$org" ]] && return 0; done
  return 1
}

# Adds a declared org to PEER_ORGS (and its users to CA_USERS), once.
declare_org() { # <org>
  local org=$1 file other
  has_org "$org" "${PEER_ORGS[@]}" && return 0
  [[ $org =~ ^[a-z][a-z0-9]*$ ]] || die "bad org name '$org' (lower-case letters and digits)"
  [[ $org != "$ORDERER_ORG" ]] || die "'$ORDERER_ORG' is the ordering service's org"
  file="$NETWORK_DIR/config/orgs/$org.sh"
  [[ -f $file ]] || die "org '$org' is not declared (no $file)"
  # shellcheck source=/dev/null
  source "$file"
  [[ -n ${ORG_MSP[$org]:-} && -n ${ORG_NAME[$org]:-} && -n ${ORG_BLOCK[$org]:-} ]] ||
    die "$file must set ORG_MSP, ORG_NAME and ORG_BLOCK for $org"
  for other in "${PEER_ORGS[@]}"; do
    ((ORG_BLOCK[$other] != ORG_BLOCK[$org])) || die "$org and $other both use port block ${ORG_BLOCK[$org]}"
  done
  resolve_org_address "$org"
  PEER_ORGS+=("$org")
  check_distinct_addresses
}

# The Organisation declarations of <org…> as a JSON array (Consortium:Bootstrap's `organisations`):
# MSP ID, display name, capabilities and self-metering zones from config/topology.sh or orgs/<org>.sh.
organisation_declarations() { # <org…>
  local org
  for org in "$@"; do
    [[ -n ${ORG_CAPABILITIES[$org]:-} ]] || die "no ORG_CAPABILITIES for $org (network/config)"
    printf '%s\t%s\t%s\t%s\n' "${ORG_MSP[$org]}" "${ORG_DISPLAY_NAME[$org]:-${ORG_NAME[$org]}}" \
      "${ORG_CAPABILITIES[$org]}" "${ORG_SELF_METERING_ZONES[$org]:-}"
  done | node -e '
    const list = (text) => (text ? text.split(",") : []);
    const rows = require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean);
    const declarations = rows.map((row) => {
      const [mspId, displayName, capabilities, zones] = row.split("\t");
      return { mspId, displayName, capabilities: list(capabilities), selfMeteringZones: list(zones) };
    });
    process.stdout.write(JSON.stringify(declarations));
  '
}

onboarded_state() { # <org>: prints pending, member or nothing
  [[ -f $ONBOARDED_ORGS_FILE ]] || return 0
  awk -v org="$1" '$1 == org { state = $2 } END { if (state) print state }' "$ONBOARDED_ORGS_FILE"
}

record_onboarded() { # <org> pending|member
  local tmp="$ONBOARDED_ORGS_FILE.tmp"
  mkdir -p "$CONFIG_DIR"
  {
    echo "# Generated by network/scripts/add-org.sh: orgs onboarded into this network (org state)."
    if [[ -f $ONBOARDED_ORGS_FILE ]]; then awk -v org="$1" '$1 != org && $1 !~ /^#/' "$ONBOARDED_ORGS_FILE"; fi
    echo "$1 $2"
  } >"$tmp"
  mv "$tmp" "$ONBOARDED_ORGS_FILE"
}

load_onboarded_orgs() {
  local org state
  [[ -f $ONBOARDED_ORGS_FILE ]] || return 0
  while read -r org state; do
    [[ -n $org && $org != \#* ]] || continue
    declare_org "$org"
    if [[ $state == member ]] && ! has_org "$org" "${CHANNEL_ORGS[@]}"; then CHANNEL_ORGS+=("$org"); fi
  done <"$ONBOARDED_ORGS_FILE"
}
check_distinct_addresses
load_onboarded_orgs

mkdir -p "$FABRIC_HOME" "$RUN_DIR" "$LOG_DIR"
touch "$UP_LOG"
export PATH="$BIN_DIR:$PATH"
