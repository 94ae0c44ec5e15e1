# shellcheck shell=bash
# Shared helpers of the network scripts: paths, ports, logging, steps, processes, readiness.
# Sourced by every script in network/scripts; never run directly.
# shellcheck disable=SC2034 # variables used by the scripts that source this file

NETWORK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROOT_DIR=$(cd "$NETWORK_DIR/.." && pwd)
FABRIC_HOME="$ROOT_DIR/.fabric"
CONFIG_DIR="$FABRIC_HOME/config"
ORGS_DIR="$FABRIC_HOME/organizations"
CA_DIR="$FABRIC_HOME/ca"
DATA_DIR="$FABRIC_HOME/data"
RUN_DIR="$FABRIC_HOME/run"
LOG_DIR="$FABRIC_HOME/logs"
CC_DIR="$FABRIC_HOME/chaincode"
CONNECTION_FILE="$FABRIC_HOME/connection.json"
NETWORK_ENV="$CONFIG_DIR/network.env"

# shellcheck source=../versions.env
source "$NETWORK_DIR/versions.env"
# shellcheck source=../config/topology.sh
source "$NETWORK_DIR/config/topology.sh"

# Orgs onboarded into the running network (network/scripts/add-org.sh). Each is declared in
# network/config/orgs/<org>.sh (MSP, port block, users) and recorded in generated state,
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
# Ports: every process gets its own ports, offsets from the port base, all on 127.0.0.1.
#   orderer N (1..3): base+10N   listen, +1 admin, +2 operations
#   org block B (1..): base+100B peer listen, +1 peer chaincode, +2 peer operations,
#                                +4 CA, +5 CA operations
#   chaincode service: base+900
# The base is fixed when the network is created (the channel config holds the ports).

load_port_base() {
  local recorded=""
  if [[ -f $NETWORK_ENV ]]; then
    recorded=$(sed -n 's/^PORT_BASE=//p' "$NETWORK_ENV")
  fi
  if [[ -n $recorded ]]; then
    if [[ -n ${ESTP_PORT_BASE:-} && $ESTP_PORT_BASE != "$recorded" ]]; then
      die "the network was created with ESTP_PORT_BASE=$recorded; run 'npm run network:clean' to change it"
    fi
    PORT_BASE=$recorded
  else
    PORT_BASE=${ESTP_PORT_BASE:-7000}
  fi
  if ! [[ $PORT_BASE =~ ^[0-9]+$ ]] || ((PORT_BASE < 1024 || PORT_BASE > 64000)); then
    die "ESTP_PORT_BASE must be a number between 1024 and 64000 (got '$PORT_BASE')"
  fi
}
load_port_base

orderer_port() { # <n> listen|admin|operations
  local offset
  case $2 in listen) offset=0 ;; admin) offset=1 ;; operations) offset=2 ;; *) die "bad port kind $2" ;; esac
  echo $((PORT_BASE + 10 * $1 + offset))
}

org_port() { # <org> peer|chaincode|operations|ca|ca-operations
  local offset
  case $2 in
    peer) offset=0 ;; chaincode) offset=1 ;; operations) offset=2 ;; ca) offset=4 ;; ca-operations) offset=5 ;;
    *) die "bad port kind $2" ;;
  esac
  echo $((PORT_BASE + 100 * ${ORG_BLOCK[$1]} + offset))
}

CHAINCODE_PORT=$((PORT_BASE + 900))

# All ports the network listens on (down.sh waits until none is open).
all_ports() {
  local n org kind
  for ((n = 1; n <= ORDERER_COUNT; n++)); do
    for kind in listen admin operations; do orderer_port "$n" "$kind"; done
  done
  for org in "${PEER_ORGS[@]}"; do
    for kind in peer chaincode operations ca ca-operations; do org_port "$org" "$kind"; done
  done
  echo "$CHAINCODE_PORT"
}

# ---------------------------------------------------------------------------------------------
# Names and paths of the crypto material (cryptogen layout, moved to organizations/<org>)

orderer_host() { echo "orderer$1.$DOMAIN"; }
orderer_dir() { echo "$ORGS_DIR/orderer/orderers/$(orderer_host "$1")"; }
orderer_tlsca() { echo "$ORGS_DIR/orderer/tlsca/tlsca.$DOMAIN-cert.pem"; }
orderer_admin_tls() { echo "$ORGS_DIR/orderer/users/Admin@$DOMAIN/tls"; }

org_domain() { echo "$1.$DOMAIN"; }
peer_host() { echo "peer0.$1.$DOMAIN"; }
peer_dir() { echo "$ORGS_DIR/$1/peers/$(peer_host "$1")"; }
org_tlsca() { echo "$ORGS_DIR/$1/tlsca/tlsca.$1.$DOMAIN-cert.pem"; }
org_admin_msp() { echo "$ORGS_DIR/$1/users/Admin@$1.$DOMAIN/msp"; }
ca_name() { echo "ca-$1"; }
ca_host() { echo "ca.$1.$DOMAIN"; }
ca_home() { echo "$CA_DIR/$1"; }
user_dir() { echo "$ORGS_DIR/$1/users/$2"; }

chaincode_tls_dir() { echo "$ORGS_DIR/chaincode/peers/server.chaincode.$DOMAIN/tls"; }

# ---------------------------------------------------------------------------------------------
# Steps: one progress line each ("[ 3/14] starting peer0.utility … ok (1.2s)").
# The step's own output goes to .fabric/logs/up.log; on failure the tail of that log and of the
# process log named with step_log is printed and the script exits non-zero.

STEP_NO=0
STEP_TOTAL=0
STEP_OUTPUT="$LOG_DIR/up.log"

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
  printf '\nerror: step "%s" failed (exit %d); logs are in %s\n' "$label" "$rc" "$LOG_DIR" >&2
  exit "$rc"
}

# ---------------------------------------------------------------------------------------------
# Processes: started detached (own session), pid in .fabric/run/<name>.pid, output appended to
# .fabric/logs/<name>.log. A pid only counts if that process still runs the recorded program.

pid_of() { # <name> → pid of a running process, or fails
  local name=$1 pid program
  [[ -f $RUN_DIR/$name.pid ]] || return 1
  pid=$(<"$RUN_DIR/$name.pid")
  [[ -f $RUN_DIR/$name.program ]] || return 1
  program=$(<"$RUN_DIR/$name.program")
  [[ -r /proc/$pid/cmdline ]] || return 1
  # The process must still run the recorded command line (pids are recycled).
  [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" == "$program "* ]] || return 1
  echo "$pid"
}

is_running() { pid_of "$1" >/dev/null; }

start_process() { # <name> <env-file> <program> [args…]; run with cwd unchanged
  local name=$1 env_file=$2
  shift 2
  local log="$LOG_DIR/$name.log" pid_file="$RUN_DIR/$name.pid"
  rm -f "$pid_file"
  printf '%s' "$*" >"$RUN_DIR/$name.program"
  printf '\n===== %s starting %s\n' "$(date '+%F %T')" "$name" >>"$log"
  # The child writes its own pid (setsid may fork) before exec'ing the program.
  # shellcheck disable=SC2016 # expanded by the child shell
  setsid bash -c 'set -a; source "$1"; set +a; echo $$ >"$2"; shift 2; exec "$@"' \
    start "$env_file" "$pid_file" "$@" </dev/null >>"$log" 2>&1 9>&- &
  local i
  for ((i = 0; i < 50; i++)); do
    [[ -s $pid_file ]] && return 0
    sleep 0.1
  done
  die "$name did not start (no pid file)"
}

# Alive = exists and is not a zombie (an exited child may wait a while for its reaper).
process_alive() { # <pid>
  local state
  state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [[ -n $state && $state != Z ]]
}

stop_process() { # <name>: TERM, wait up to 15 s, then KILL
  local name=$1 pid i
  if pid=$(pid_of "$name"); then
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
  rm -f "$RUN_DIR/$name.pid" "$RUN_DIR/$name.program"
}

# Names of the processes of the network, in start order.
process_names() {
  local org n
  for org in "${PEER_ORGS[@]}"; do echo "ca.$org"; done
  for ((n = 1; n <= ORDERER_COUNT; n++)); do echo "orderer$n"; done
  for org in "${PEER_ORGS[@]}"; do echo "peer0.$org"; done
  echo chaincode
}

# ---------------------------------------------------------------------------------------------
# Readiness: poll, never sleep blindly.

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

port_in_use_by_other() { # <port> <name>: port open while <name> is not running
  port_open "$1" && ! is_running "$2"
}

wait_healthz() { # <name> <port> <tls-ca> [timeout-s]
  local name=$1 port=$2 cacert=$3 timeout=${4:-60} deadline body
  deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    is_running "$name" || die "$name exited during startup"
    body=$(curl --silent --max-time 2 --cacert "$cacert" "https://127.0.0.1:$port/healthz" 2>/dev/null || true)
    if [[ $body == *'"OK"'* ]]; then return 0; fi
    sleep 0.2
  done
  die "$name not healthy on https://127.0.0.1:$port/healthz after ${timeout}s (last answer: ${body:-none})"
}

wait_port() { # <name> <port> [timeout-s]
  local name=$1 port=$2 timeout=${3:-30} deadline
  deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    is_running "$name" || die "$name exited during startup"
    port_open "$port" && return 0
    sleep 0.2
  done
  die "$name not listening on 127.0.0.1:$port after ${timeout}s"
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
# Peer CLI as an org's Fabric admin (cryptogen Admin@<org>, NodeOU admin) or a CA-enrolled user.

export_peer_cli() { # <org> [msp-dir]
  local org=$1
  export FABRIC_CFG_PATH="$CONFIG_DIR"
  export CORE_PEER_TLS_ENABLED=true
  export CORE_PEER_LOCALMSPID="${ORG_MSP[$org]}"
  export CORE_PEER_MSPCONFIGPATH="${2:-$(org_admin_msp "$org")}"
  CORE_PEER_ADDRESS="127.0.0.1:$(org_port "$org" peer)"
  CORE_PEER_TLS_ROOTCERT_FILE=$(org_tlsca "$org")
  export CORE_PEER_ADDRESS CORE_PEER_TLS_ROOTCERT_FILE
  export FABRIC_LOGGING_SPEC=warning
}

# Orderer flags for peer CLI commands that submit transactions.
orderer_flags() {
  printf '%s\n' -o "127.0.0.1:$(orderer_port 1 listen)" --tls --cafile "$(orderer_tlsca)"
}

# --peerAddresses/--tlsRootCertFiles for the given orgs' peers.
peer_flags() {
  local org
  for org in "$@"; do
    printf '%s\n' --peerAddresses "127.0.0.1:$(org_port "$org" peer)" --tlsRootCertFiles "$(org_tlsca "$org")"
  done
}

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
  file="$NETWORK_DIR/config/orgs/$org.sh"
  [[ -f $file ]] || die "org '$org' is not declared (no $file)"
  # shellcheck source=/dev/null
  source "$file"
  [[ -n ${ORG_MSP[$org]:-} && -n ${ORG_NAME[$org]:-} && -n ${ORG_BLOCK[$org]:-} ]] ||
    die "$file must set ORG_MSP, ORG_NAME and ORG_BLOCK for $org"
  for other in "${PEER_ORGS[@]}"; do
    ((ORG_BLOCK[$other] != ORG_BLOCK[$org])) || die "$org and $other both use port block ${ORG_BLOCK[$org]}"
  done
  PEER_ORGS+=("$org")
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
load_onboarded_orgs

mkdir -p "$FABRIC_HOME" "$RUN_DIR" "$LOG_DIR"
touch "$STEP_OUTPUT"
export PATH="$BIN_DIR:$PATH"
