# shellcheck shell=bash
# Chaincode `estp` as a service. The peers' ccaas external builder (network/builders/ccaas) only
# reads connection.json from the package; the chaincode itself is ONE Node process started here
# with fabric-shim's server mode, dialled by every peer over TLS.
#
# Upgrade on change: the package label is estp_<hash of chaincode/dist + package.json> and the
# definition version is that hash. When the hash differs from the committed version, up.sh
# installs the new package, restarts the service with the new package ID, approves the next
# sequence for every org and commits it.

# ESTP_CHAINCODE_DIR: another chaincode package to deploy instead (experiments with a stub).
CHAINCODE_SRC="${ESTP_CHAINCODE_DIR:-$ROOT_DIR/chaincode}"
CC_STATE="$CC_DIR/current.env" # CC_VERSION, CC_LABEL, CC_PACKAGE, CC_PACKAGE_ID of the build

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

# connection.json the peers use to dial the chaincode service (TLS, server auth only).
write_connection_json() { # <out>
  ADDRESS="127.0.0.1:$CHAINCODE_PORT" ROOT_CERT="$(chaincode_tls_dir)/ca.crt" node -e '
    const fs = require("fs");
    const json = {
      address: process.env.ADDRESS,
      dial_timeout: "10s",
      tls_required: true,
      client_auth_required: false,
      root_cert: fs.readFileSync(process.env.ROOT_CERT, "utf8"),
    };
    fs.writeFileSync(process.argv[1], JSON.stringify(json, null, 2) + "\n");
  ' "$1"
}

# Deterministic tar.gz of <dir>'s listed entries (same input → same package ID).
det_tgz() { # <out> <dir> <entries…>
  local out=$1 dir=$2
  shift 2
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$dir" -cf - "$@" | gzip -n >"$out"
}

# Step: package the current build (the outer tgz holds exactly metadata.json and code.tar.gz).
package_chaincode() {
  local hash version label pkg work id
  hash=$(chaincode_hash)
  version=${hash:0:12}
  label="${CHAINCODE_NAME}_$version"
  pkg="$CC_DIR/$label.tgz"
  mkdir -p "$CC_DIR"
  if [[ ! -f $pkg ]]; then
    work=$(mktemp -d)
    write_connection_json "$work/connection.json"
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
  } >"$CC_STATE"
  step_note "$label"
}

load_cc_state() {
  [[ -f $CC_STATE ]] || die "no chaincode package: the package step did not run"
  # shellcheck source=/dev/null
  source "$CC_STATE"
}

# Step: install the package on <org>'s peer (once).
install_chaincode() { # <org>
  local org=$1
  load_cc_state
  step_log "$LOG_DIR/peer0.$org.log"
  export_peer_cli "$org"
  if peer lifecycle chaincode queryinstalled --output json | grep -qF "\"$CC_PACKAGE_ID\""; then
    step_note "already installed"
    return 0
  fi
  peer lifecycle chaincode install "$CC_PACKAGE"
}

shim_cli() {
  (cd "$CHAINCODE_SRC" && node -p 'require.resolve("fabric-shim/cli.js")')
}

# Step: the chaincode service runs the current package ID (restarted when the build changed).
start_chaincode_server() {
  local tls running_id="" restarted=false
  load_cc_state
  [[ -f $RUN_DIR/chaincode.package-id ]] && running_id=$(<"$RUN_DIR/chaincode.package-id")
  if is_running chaincode; then
    if [[ $running_id == "$CC_PACKAGE_ID" ]]; then
      step_note "already running $CC_LABEL (pid $(pid_of chaincode))"
      return 0
    fi
    stop_process chaincode
    restarted=true
  fi
  if port_open "$CHAINCODE_PORT"; then
    die "port $CHAINCODE_PORT is in use by another program: stop it or set ESTP_PORT_BASE"
  fi
  tls=$(chaincode_tls_dir)
  step_log "$LOG_DIR/chaincode.log"
  env_line CORE_CHAINCODE_LOGGING_LEVEL "${ESTP_CHAINCODE_LOGGING:-info}" >"$CONFIG_DIR/nodes/chaincode.env"
  local cli
  cli=$(shim_cli)
  (
    cd "$CHAINCODE_SRC" || exit 1
    start_process chaincode "$CONFIG_DIR/nodes/chaincode.env" node "$cli" server \
      --chaincode-address "127.0.0.1:$CHAINCODE_PORT" --chaincode-id "$CC_PACKAGE_ID" \
      --chaincode-tls-cert-file "$tls/server.crt" --chaincode-tls-key-file "$tls/server.key" \
      --module-path "$CHAINCODE_SRC"
  )
  printf '%s' "$CC_PACKAGE_ID" >"$RUN_DIR/chaincode.package-id"
  wait_port chaincode "$CHAINCODE_PORT"
  if $restarted; then step_note "restarted with $CC_LABEL (was ${running_id%%:*})"; else step_note "$CC_LABEL"; fi
}

# Committed definition: "<sequence> <version>", or "0 -" when none.
committed_definition() {
  local json
  if ! json=$(peer lifecycle chaincode querycommitted -C "$CHANNEL_NAME" -n "$CHAINCODE_NAME" --output json 2>/dev/null); then
    echo "0 -"
    return 0
  fi
  # shellcheck disable=SC2016 # JavaScript template literal
  node -e 'const d = JSON.parse(process.argv[1]); console.log(`${d.sequence} ${d.version}`)' "$json"
}

approved_by() { # <org> <sequence>: true when <org> approved the current definition
  local json
  json=$(peer lifecycle chaincode checkcommitreadiness -C "$CHANNEL_NAME" -n "$CHAINCODE_NAME" \
    -v "$CC_VERSION" --sequence "$2" --output json)
  node -e 'process.exit(JSON.parse(process.argv[1]).approvals[process.argv[2]] ? 0 : 1)' "$json" "${ORG_MSP[$1]}"
}

# Step: approve (every org) and commit the definition of the current build, if not committed.
commit_chaincode() {
  local org sequence version
  load_cc_state
  export_peer_cli "${PEER_ORGS[0]}"
  read -r sequence version <<<"$(committed_definition)"
  if [[ $version == "$CC_VERSION" ]]; then
    step_note "up to date (sequence $sequence, $CC_LABEL)"
    return 0
  fi
  sequence=$((sequence + 1))
  local -a orderer
  mapfile -t orderer < <(orderer_flags)
  for org in "${CHANNEL_ORGS[@]}"; do
    export_peer_cli "$org"
    if approved_by "$org" "$sequence"; then continue; fi
    # No --signature-policy: the definition uses /Channel/Application/Endorsement (MAJORITY).
    retry 3 2 peer lifecycle chaincode approveformyorg "${orderer[@]}" -C "$CHANNEL_NAME" \
      -n "$CHAINCODE_NAME" -v "$CC_VERSION" --package-id "$CC_PACKAGE_ID" --sequence "$sequence"
  done
  local -a peers
  mapfile -t peers < <(peer_flags "${CHANNEL_ORGS[@]}")
  retry 3 2 peer lifecycle chaincode commit "${orderer[@]}" -C "$CHANNEL_NAME" -n "$CHAINCODE_NAME" \
    -v "$CC_VERSION" --sequence "$sequence" "${peers[@]}"
  step_note "sequence $sequence committed ($CC_LABEL)"
}

# Step: Consortium:Bootstrap — the ESTP admin (estp.role=admin) of every founding org confirms the
# founding declaration of config/topology.sh; the chaincode records the founders once all have
# confirmed the identical declaration (docs/trust.md). Each confirmation is idempotent (a repeat
# writes nothing), so an interrupted run resumes; the marker file skips the step afterwards.
bootstrap_consortium() {
  local org out declaration args listed
  if [[ -f $CC_DIR/bootstrapped ]]; then
    step_note "done earlier"
    return 0
  fi
  declaration=$(organisation_declarations "${FOUNDING_ORGS[@]}")
  args=$(DECLARATION=$declaration node -e '
    const input = JSON.stringify({ organisations: JSON.parse(process.env.DECLARATION) });
    process.stdout.write(JSON.stringify({ function: "Consortium:Bootstrap", Args: [input] }));
  ')
  local -a orderer peers
  mapfile -t orderer < <(orderer_flags)
  mapfile -t peers < <(peer_flags "${CHANNEL_ORGS[@]}")
  for org in "${FOUNDING_ORGS[@]}"; do
    export_peer_cli "$org" "$(user_dir "$org" admin)/msp"
    # --waitForEvent waits for the commit on every peer named, so the next org's endorsers see it.
    if ! out=$(retry 3 2 peer chaincode invoke "${orderer[@]}" -C "$CHANNEL_NAME" -n "$CHAINCODE_NAME" \
      "${peers[@]}" --waitForEvent -c "$args" 2>&1); then
      echo "$out"
      if grep -qE 'unknown transaction|function that does not exist|Contract name is not known' <<<"$out"; then
        step_note "skipped: this chaincode build has no Consortium:Bootstrap yet"
        return 0
      fi
      die "Consortium:Bootstrap as admin@$org failed: $(grep -m1 -oE 'message:.*|Error:.*' <<<"$out")"
    fi
    echo "$out"
  done
  export_peer_cli "${FOUNDING_ORGS[0]}" "$(user_dir "${FOUNDING_ORGS[0]}" admin)/msp"
  listed=$(peer chaincode query -C "$CHANNEL_NAME" -n "$CHAINCODE_NAME" \
    -c '{"function":"Consortium:ListOrganisations","Args":["{}"]}')
  echo "$listed"
  LISTED=$listed DECLARATION=$declaration node -e '
    const recorded = JSON.parse(process.env.LISTED).records;
    const missing = JSON.parse(process.env.DECLARATION).filter(
      (org) => !recorded.some((record) => record.mspId === org.mspId && record.status === "ACTIVE"),
    );
    if (missing.length > 0) {
      console.error(`not ACTIVE on the ledger after every confirmation: ${missing.map((org) => org.mspId).join(", ")}`);
      process.exit(1);
    }
  '
  date '+%F %T' >"$CC_DIR/bootstrapped"
  step_note "founding declaration confirmed by the admins of ${FOUNDING_ORGS[*]}"
}
