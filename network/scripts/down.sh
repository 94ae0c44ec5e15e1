#!/usr/bin/env bash
# Stops every process of the network (the orgs' supervisors first, so they restart nothing, then the
# chaincode services, peers, orderers, CAs) and waits until nothing listens on the network's
# addresses and ports. Keeps all state: up.sh restarts the same network. (One org alone:
# network/scripts/org.sh stop --org <org>.)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
take_lock

stopped=0
# Reverse start order: the supervisors first (so they restart nothing), the CAs last.
for name in $(process_names | tac); do
  if is_running "$name"; then
    printf 'stopping %s (pid %s) … ' "$name" "$(pid_of "$name")"
    stop_process "$name"
    echo ok
    stopped=$((stopped + 1))
  else
    stop_process "$name" # clears stale pid files
  fi
done
rm -f "$AUTO_STARTED"

deadline=$((SECONDS + 20))
while :; do
  open_listeners=()
  while read -r address port; do
    if port_open "$address" "$port"; then open_listeners+=("$address:$port"); fi
  done < <(all_listeners)
  ((${#open_listeners[@]} == 0)) && break
  if ((SECONDS >= deadline)); then
    die "still listening after 20s on ${open_listeners[*]}: see 'ss -ltnp'"
  fi
  sleep 0.2
done
echo "network down ($stopped process(es) stopped, state kept in .fabric; 'npm run network:up' restarts it)"
