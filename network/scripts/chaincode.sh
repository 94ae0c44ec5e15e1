# shellcheck shell=bash
# Chaincode `estp` as a service, one service per peer: each peer of each org dials its own
# chaincode process (Node, fabric-shim server mode) on its org's address, its own port, and only the
# org's own peers can dial it (mutual TLS: the service accepts client certificates of the org's TLS
# CA only). So no org endorses with code another org runs, and MAJORITY endorsement means what it
# says; and one chaincode process down costs its org nothing while its other peer's serves.
#
# Each org packages its own ccaas package and installs it on its peers; its approval names that
# package ID, which all its peers launch. The package names no peer: its connection.json has the
# placeholder address ${ESTP_CHAINCODE_SERVICE} and no key, and each peer's ccaas builder
# (network/builders/ccaas) fills in the peer's own service and TLS key pair. The package label is
# estp_<hash of chaincode/dist + package.json> and the definition version is that hash: every org
# building the same code from the same commit gets the same version. When the hash differs from the
# committed version, up.sh has every org install its new package, restart its services with the
# new package ID and approve the next sequence, then one org commits it.

# ESTP_CHAINCODE_DIR: another chaincode package to deploy instead (experiments with a stub).
CHAINCODE_SRC="${ESTP_CHAINCODE_DIR:-$ROOT_DIR/chaincode}"
# The services' process name and directory: network/scripts/baseline.sh sets it to deploy the
# benchmark's baseline chaincode beside estp with these same steps — one service per org (port
# kind `baseline`) that both of the org's peers dial, since it serves benchmarks, not members.
CC_SERVICE=${CC_SERVICE:-chaincode}

cc_dir() { echo "$(org_home "$1")/$CC_SERVICE"; }
cc_state() { echo "$(cc_dir "$1")/current.env"; } # CC_VERSION, CC_LABEL, CC_PACKAGE, CC_PACKAGE_ID

# Hash of what the chaincode process runs: compiled JS/JSON in dist, package.json, META-INF.
chaincode_hash() {
  [[ -f $CHAINCODE_SRC/dist/index.js ]] ||
    die "chaincode/dist/index.js not found: run 'npm run build' first"
  (
    cd "$CHAINCODE_SRC" || exit 1
    {
      find dist -type f \( -name '*.js' -o -name '*.json' -o -name '*.cjs' -o -name '*.mjs' \)
      echo package.json
      if [[ -d META-INF ]]; then find META-INF -type f; fi
    } | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-64
  )
}

# The connection.json of <org>'s package: mutual TLS with the org's TLS root; the address is a
# placeholder and the client key absent, both filled in by each peer's builder (its own service,
# its own TLS key pair), so the package holds no secret.
CCAAS_ADDRESS_PLACEHOLDER='${ESTP_CHAINCODE_SERVICE}'
write_connection_json() { # <org> <out>
  local address=$CCAAS_ADDRESS_PLACEHOLDER
  if [[ $CC_SERVICE != chaincode ]]; then address=$(org_endpoint "$1" "$CC_SERVICE"); fi
  ADDRESS=$address ROOT_CERT=$(own_tlsca "$1") node -e '
    const fs = require("fs");
    const json = {
      address: process.env.ADDRESS,
      dial_timeout: "10s",
      tls_required: true,
      client_auth_required: true,
      root_cert: fs.readFileSync(process.env.ROOT_CERT, "utf8"),
    };
    fs.writeFileSync(process.argv[1], JSON.stringify(json, null, 2) + "\n");
  ' "$2"
}

# Whether a package's connection.json has the placeholder (packages of the one-peer layout named
# peer0's service and held its key: those are built again).
package_is_per_peer() { # <package.tgz>
  tar -xzOf "$1" code.tar.gz | tar -xzO connection.json | grep -qF "$CCAAS_ADDRESS_PLACEHOLDER"
}

# Deterministic tar.gz of <dir>'s listed entries (same input → same package ID).
det_tgz() { # <out> <dir> <entries…>
  local out=$1 dir=$2
  shift 2
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$dir" -cf - "$@" | gzip -n >"$out"
}

# Step: <org> packages the current build (the outer tgz holds exactly metadata.json and
# code.tar.gz) and records it as the org's current package.
package_chaincode() { # <org>
  local org=$1 hash version label pkg work id dir
  dir=$(cc_dir "$org")
  hash=$(chaincode_hash)
  version=${hash:0:12}
  label="${CHAINCODE_NAME}_$version"
  pkg="$dir/$label.tgz"
  mkdir -p "$dir"
  if [[ ! -f $pkg ]] || { [[ $CC_SERVICE == chaincode ]] && ! package_is_per_peer "$pkg"; }; then
    work=$(mktemp -d "$dir/package.XXXXXX")
    write_connection_json "$org" "$work/connection.json"
    printf '{"type":"ccaas","label":"%s"}\n' "$label" >"$work/metadata.json"
    det_tgz "$work/code.tar.gz" "$work" connection.json
    det_tgz "$pkg.tmp" "$work" metadata.json code.tar.gz
    mv "$pkg.tmp" "$pkg"
    rm -rf "$work"
  fi
  export FABRIC_CFG_PATH="$CONFIG_DIR"
  id=$(peer lifecycle chaincode calculatepackageid "$pkg")
  {
    printf 'CC_VERSION=%s\n' "$version"
    printf 'CC_LABEL=%s\n' "$label"
    printf 'CC_PACKAGE=%q\n' "$pkg"
    printf 'CC_PACKAGE_ID=%s\n' "$id"
  } >"$(cc_state "$org")"
  step_note "$id"
}

load_cc_state() { # <org>
  local file
  file=$(cc_state "$1")
  [[ -f $file ]] || die "$1 has no chaincode package: its package step did not run"
  # shellcheck source=/dev/null
  source "$file"
}

# Step: install <org>'s package on each of its peers (once).
install_chaincode() { # <org>
  local org=$1 peer done=() installed=()
  load_cc_state "$org"
  for peer in $(org_peers "$org"); do
    step_log "$(process_log "$peer.$org")"
    export_peer_cli "$org" "$peer"
    if peer lifecycle chaincode queryinstalled --output json | grep -qF "\"$CC_PACKAGE_ID\""; then
      done+=("$peer")
      continue
    fi
    peer lifecycle chaincode install "$CC_PACKAGE"
    installed+=("$peer")
  done
  if ((${#installed[@]} == 0)); then
    step_note "already installed"
  else
    step_note "installed on ${installed[*]}${done[*]:+ (already on ${done[*]})}"
  fi
}

shim_cli() {
  (cd "$CHAINCODE_SRC" && node -p 'require.resolve("fabric-shim/cli.js")')
}

# Step: <org>'s chaincode services, one per peer (or only <peer>'s), run its current package ID
# (restarted when the build changed).
start_chaincode_servers() { # <org> [peer]
  local org=$1 peer notes=() note
  load_cc_state "$org"
  # The one service of the one-peer layout (before each peer had its own) held peer0's port: stop
  # it, and forget its record (down.sh and add-org.sh would look for it).
  if [[ -e $(process_run_dir "chaincode.$org")/chaincode.$org.pid ]]; then stop_process "chaincode.$org"; fi
  for peer in ${2:-$(org_peers "$org")}; do
    note=$(start_chaincode_server "$org" "$peer")
    notes+=("$note")
  done
  ensure_supervisor "$org"
  step_note "$(printf '%s; ' "${notes[@]}" | sed 's/; $//')"
}

# One peer's chaincode service (the org's one baseline service); prints what it did.
start_chaincode_server() { # <org> <peer>
  local org=$1 peer=$2 name tls running_id="" id_file address port
  address=$(org_address "$org")
  if [[ $CC_SERVICE == chaincode ]]; then
    name="$(chaincode_service "$peer").$org" id_file="$(cc_dir "$org")/running-$peer.package-id"
    port=$(peer_port "$org" "$peer" ccaas)
  else
    name="$CC_SERVICE.$org" id_file="$(cc_dir "$org")/running.package-id" port=$(org_port "$org" "$CC_SERVICE")
  fi
  [[ -f $id_file ]] && running_id=$(<"$id_file")
  if is_running "$name"; then
    if [[ $running_id == "$CC_PACKAGE_ID" ]]; then
      wait_port "$name" "$address" "$port" >&2 # its supervisor may have just restarted it
      echo "$name already running $CC_LABEL"
      return 0
    fi
    stop_process "$name"
    # The stopped service's socket may outlive its process for a moment on a loaded machine.
    local deadline=$((SECONDS + 15))
    while port_open "$address" "$port" && ((SECONDS < deadline)); do sleep 0.2; done
  fi
  if port_open "$address" "$port"; then
    if is_running "$name"; then # its supervisor restarted it meanwhile, from its last start
      echo "$name restarted by its supervisor $(<"$id_file")"
      return 0
    fi
    die "$address:$port is in use by another program: stop it or set ESTP_PORT_BASE"
  fi
  tls=$(ccaas_tls_dir "$org")
  step_log "$(process_log "$name")"
  # The same level for estp and the baseline (docs/performance.md). At info the shim logs a line per
  # transaction; errors and warnings are logged at any level. ESTP_CHAINCODE_CPU_PROFILE=<dir>
  # profiles an estp service until it stops (chaincode/src/server.ts, docs/performance.md).
  {
    env_line CORE_CHAINCODE_LOGGING_LEVEL "${ESTP_CHAINCODE_LOGGING:-warning}"
    if [[ -n ${ESTP_CHAINCODE_CPU_PROFILE:-} ]]; then env_line ESTP_CHAINCODE_CPU_PROFILE "$ESTP_CHAINCODE_CPU_PROFILE"; fi
  } | replace_file "$(node_env_file "$name")"
  # estp runs its own entry (chaincode/src/server.ts: the shim's server with ESTP's dispatch), the
  # baseline the shim's `fabric-chaincode-node server` as fabric-samples do; same options.
  local -a entry
  if [[ $CC_SERVICE == chaincode ]]; then
    entry=("$CHAINCODE_SRC/dist/server.js")
  else
    entry=("$(shim_cli)" server)
  fi
  (
    cd "$CHAINCODE_SRC" || exit 1
    start_process "$name" node "${entry[@]}" \
      --chaincode-address "$address:$port" --chaincode-id "$CC_PACKAGE_ID" \
      --chaincode-tls-cert-file "$tls/server.crt" --chaincode-tls-key-file "$tls/server.key" \
      --chaincode-tls-client-cacert-file "$(own_tlsca "$org")" \
      --module-path "$CHAINCODE_SRC"
  ) >&2
  printf '%s' "$CC_PACKAGE_ID" >"$id_file"
  wait_port "$name" "$address" "$port" >&2
  if [[ -n $running_id && $running_id != "$CC_PACKAGE_ID" ]]; then
    echo "$name restarted with $CC_LABEL (was ${running_id%%:*})"
  else
    echo "$name $CC_LABEL on $address:$port"
  fi
}

# Committed definition: "<sequence> <version> <approved>", approved = yes when <org> (default: the
# peer CLI's org) approved it; "0 - no" when none. One query (peer CLI already exported).
committed_definition() { # [org]
  local json msp=${CORE_PEER_LOCALMSPID:-}
  if [[ -n ${1:-} ]]; then msp=${ORG_MSP[$1]}; fi
  if ! json=$(peer lifecycle chaincode querycommitted -C "$CHANNEL_NAME" -n "$CHAINCODE_NAME" --output json 2>/dev/null); then
    echo "0 - no"
    return 0
  fi
  # shellcheck disable=SC2016 # JavaScript template literal
  node -e '
    const d = JSON.parse(process.argv[1]);
    console.log(`${d.sequence} ${d.version} ${d.approvals && d.approvals[process.argv[2]] ? "yes" : "no"}`);
  ' "$json" "$msp"
}

# Whether <org> approved the committed definition.
approved_committed() { # <org>
  local approved
  read -r _ _ approved <<<"$(committed_definition "$1")"
  [[ $approved == yes ]]
}

# Whether <org> approved the current version at the next, uncommitted <sequence>.
approved_next() { # <org> <sequence>
  local json
  json=$(peer lifecycle chaincode checkcommitreadiness -C "$CHANNEL_NAME" -n "$CHAINCODE_NAME" \
    -v "$CC_VERSION" --sequence "$2" --output json)
  node -e 'process.exit(JSON.parse(process.argv[1]).approvals[process.argv[2]] ? 0 : 1)' "$json" "${ORG_MSP[$1]}"
}

# The package ID <org> approved for <sequence> (empty when none).
approved_package_id() { # <org> <sequence>
  local json
  json=$(peer lifecycle chaincode queryapproved -C "$CHANNEL_NAME" -n "$CHAINCODE_NAME" --sequence "$2" \
    --output json 2>/dev/null) || return 0
  node -e '
    const approved = JSON.parse(process.argv[1]);
    process.stdout.write(approved.source?.Type?.LocalPackage?.package_id ?? "");
  ' "$json"
}

# Step: <org>'s Fabric admin approves the definition with its own package ID, if not yet: the
# committed sequence when the committed version is its package's (an org that joined later: the
# MAJORITY policies grow with the channel, so no new sequence is needed; or an org whose package
# changed but not the code, e.g. when each peer got its own service), else the next one.
approve_chaincode() { # <org>
  local org=$1 sequence version approved
  load_cc_state "$org"
  step_log "$(process_log "peer0.$org")"
  export_peer_cli "$org"
  read -r sequence version approved <<<"$(committed_definition "$org")"
  if [[ $version == "$CC_VERSION" ]]; then
    if [[ $approved == yes && $(approved_package_id "$org" "$sequence") == "$CC_PACKAGE_ID" ]]; then
      step_note "already approved (sequence $sequence, $CC_LABEL)"
      return 0
    fi
  else
    sequence=$((sequence + 1))
    if approved_next "$org" "$sequence"; then
      step_note "already approved (sequence $sequence, $CC_LABEL)"
      return 0
    fi
  fi
  local -a orderer
  mapfile -t orderer < <(orderer_flags)
  # No --signature-policy: the definition uses /Channel/Application/Endorsement (MAJORITY).
  retry 3 2 peer lifecycle chaincode approveformyorg "${orderer[@]}" -C "$CHANNEL_NAME" \
    -n "$CHAINCODE_NAME" -v "$CC_VERSION" --package-id "$CC_PACKAGE_ID" --sequence "$sequence"
  step_note "sequence $sequence approved by ${ORG_MSP[$org]} ($CC_LABEL)"
}

# Step: <org>'s Fabric admin commits the definition its package approved once a majority of the
# channel's orgs approved it (the channel orgs' peers endorse the commit), if not committed yet.
commit_chaincode() { # <org>
  local org=$1 sequence version
  load_cc_state "$org"
  export_peer_cli "$org"
  read -r sequence version _ <<<"$(committed_definition)"
  if [[ $version == "$CC_VERSION" ]]; then
    step_note "up to date (sequence $sequence, $CC_LABEL)"
    return 0
  fi
  sequence=$((sequence + 1))
  local -a orderer peers
  mapfile -t orderer < <(orderer_flags)
  mapfile -t peers < <(peer_flags "${CHANNEL_ORGS[@]}")
  retry 3 2 peer lifecycle chaincode commit "${orderer[@]}" -C "$CHANNEL_NAME" -n "$CHAINCODE_NAME" \
    -v "$CC_VERSION" --sequence "$sequence" "${peers[@]}"
  step_note "sequence $sequence committed by ${ORG_MSP[$org]} ($CC_LABEL)"
}

# Step: Consortium:Bootstrap — <org>'s ESTP admin (estp.role=admin) confirms the founding
# declaration of config/topology.sh through its own peer; the chaincode records the founders once
# the admins of every founding org have confirmed the identical declaration (docs/trust.md). Each
# confirmation is idempotent (a repeat writes nothing), so an interrupted run resumes; the org's
# marker skips the step afterwards.
bootstrap_consortium() { # <org>
  local org=$1 marker out declaration input listed waiting
  marker="$(cc_dir "$org")/bootstrap-confirmed"
  if [[ -f $marker ]]; then
    step_note "confirmed earlier"
    return 0
  fi
  declaration=$(organisation_declarations "${FOUNDING_ORGS[@]}")
  input=$(DECLARATION=$declaration node -e '
    process.stdout.write(JSON.stringify({ organisations: JSON.parse(process.env.DECLARATION) }));
  ')
  if ! out=$(estp_cli call Consortium Bootstrap --submit --org "$org" --user admin --input "$input" 2>&1); then
    echo "$out"
    if grep -qE 'unknown transaction|function that does not exist|Contract name is not known' <<<"$out"; then
      step_note "skipped: this chaincode build has no Consortium:Bootstrap yet"
      return 0
    fi
    die "Consortium:Bootstrap as admin@$org failed: $(tail -n 1 <<<"$out")"
  fi
  echo "$out"
  date '+%F %T' >"$marker"
  listed=$(estp_cli consortium list --org "$org" --user admin --json)
  echo "$listed"
  waiting=$(LISTED=$listed DECLARATION=$declaration node -e '
    const recorded = JSON.parse(process.env.LISTED).records;
    const waiting = JSON.parse(process.env.DECLARATION).filter(
      (org) => !recorded.some((record) => record.mspId === org.mspId && record.status === "ACTIVE"),
    );
    process.stdout.write(waiting.map((org) => org.mspId).join(", "));
  ')
  if [[ -n $waiting ]]; then
    step_note "confirmed by admin@$org; not yet ACTIVE (their admins confirm next): $waiting"
  else
    step_note "confirmed by admin@$org; the founding orgs are ACTIVE"
  fi
}
