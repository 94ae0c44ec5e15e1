#!/usr/bin/env bash
# supervise.sh <org>: the supervisor of one org's processes (docs/network.md#supervision), started
# by the org's own steps (org.sh) with its first process and stopped first by `org.sh stop` and
# `npm run network:down`. Once a second it looks at every process of the org that was started and
# not stopped on purpose (its recorded command in <org>/run/<name>.argv); one that is not running
# is started again from that command, after a backoff that doubles with each restart (0, 1, 2, 4,
# … 30 s) and resets once the process has stayed up for a minute. Each restart is one line in the
# org's logs/supervisor.<org>.log. A process stopped on purpose (stop_process) has no recorded
# command any more, so it stays stopped; start and stop take the org's process lock, so a restart
# never races them.
# The supervised processes are not its children (the org's steps start them), so it cannot wait
# for them: it polls, and a poll forks nothing (pid_of and the sleep are builtins), which keeps
# an idle supervisor near 0.1 ms of CPU per second; a fork costs ~1 ms.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ORG=${1:?usage: supervise.sh <org>}
RUN="$(org_home "$ORG")/run"
POLL_S=1
MAX_BACKOFF_S=30
STABLE_S=60

declare -A restarts=() due=() up_since=()

say() { printf '%s supervisor.%s: %s\n' "$(date '+%F %T')" "$ORG" "$*"; }

backoff_s() { # <restarts so far>
  local delay=0
  (($1 > 0)) && delay=$((1 << ($1 - 1)))
  ((delay > MAX_BACKOFF_S)) && delay=$MAX_BACKOFF_S
  echo "$delay"
}

check() { # <name>
  local name=$1 now=$SECONDS delay
  if is_running "$name"; then
    [[ -n ${up_since[$name]:-} ]] || up_since[$name]=$now
    if ((${restarts[$name]:-0} > 0 && now - up_since[$name] >= STABLE_S)); then
      say "$name stayed up ${STABLE_S}s: backoff reset"
      restarts[$name]=0
    fi
    return 0
  fi
  unset 'up_since[$name]'
  ((now >= ${due[$name]:-0})) || return 0
  local status=0
  respawn_process "$name" || status=$?
  ((status == 3)) && return 0 # started or stopped by its org's steps meanwhile
  restarts[$name]=$((${restarts[$name]:-0} + 1))
  delay=$(backoff_s "${restarts[$name]}")
  due[$name]=$((now + delay))
  if ((status == 0)); then
    say "$name was not running: restarted (restart ${restarts[$name]}; the next no sooner than ${delay}s)"
  else
    say "$name was not running and failed to start (attempt ${restarts[$name]}; the next in ${delay}s): see $(process_log "$name")"
  fi
}

trap 'say "stopping"; exit 0' TERM INT
exec {idle}<> <(:)
say "supervising $(org_home "$ORG" | sed "s|^$ROOT_DIR/||") (pid $$)"
while :; do
  for spec in "$RUN"/*.argv; do
    [[ -e $spec ]] || continue
    name=${spec##*/}
    name=${name%.argv}
    [[ $name == supervisor.* ]] && continue
    check "$name"
  done
  # Sleeps without a process: a read that times out on a pipe nobody writes to (a TERM
  # interrupts it at once).
  read -r -t "$POLL_S" -u "$idle"
done
