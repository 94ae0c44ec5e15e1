# shellcheck shell=bash
# .fabric/connection.json: how the application and the tests reach the network (absolute paths).
# Its shape is an interface other code depends on: see docs/network.md before changing it.

write_connection_profile() {
  local org n entry u_org id roles
  local -a orgs=() users=() orderers=()
  # Channel members only: an org whose onboarding has not reached the channel is not usable yet.
  for org in "${CHANNEL_ORGS[@]}"; do
    orgs+=("$(
      printf '%s\t' "$org" "${ORG_MSP[$org]}" "127.0.0.1:$(org_port "$org" peer)" "$(peer_host "$org")" \
        "$(org_tlsca "$org")" "https://127.0.0.1:$(org_port "$org" operations)" \
        "https://127.0.0.1:$(org_port "$org" ca)" "$(ca_name "$org")" "registrar" "$(registrar_secret "$org")" \
        "$(org_admin_msp "$org")" "$(org_domain "$org")"
    )")
  done
  for entry in "${CA_USERS[@]}"; do
    IFS=: read -r u_org id roles <<<"$entry"
    has_org "$u_org" "${CHANNEL_ORGS[@]}" || continue
    users+=("$(printf '%s\t' "$u_org" "$id" "$roles" "$(user_dir "$u_org" "$id")/msp")")
  done
  for ((n = 1; n <= ORDERER_COUNT; n++)); do
    orderers+=("$(printf '%s\t' "127.0.0.1:$(orderer_port "$n" listen)" "$(orderer_host "$n")" \
      "$(orderer_tlsca)" "127.0.0.1:$(orderer_port "$n" admin)")")
  done
  # shellcheck disable=SC2016 # JavaScript template literals
  ORGS_TSV=$(printf '%s\n' "${orgs[@]}") USERS_TSV=$(printf '%s\n' "${users[@]}") \
    ORDERERS_TSV=$(printf '%s\n' "${orderers[@]}") CHANNEL="$CHANNEL_NAME" CHAINCODE="$CHAINCODE_NAME" \
    BIN="$BIN_DIR" CFG="$CONFIG_DIR" node -e '
    const fs = require("fs");
    const rows = (name) => process.env[name].split("\n").filter(Boolean).map((line) => line.split("\t"));
    const orgs = {};
    for (const [name, mspId, peer, hostAlias, tlsca, operations, caUrl, caName, regId, regSecret, adminMsp, domain] of rows("ORGS_TSV")) {
      orgs[mspId] = {
        mspId,
        name,
        peer: { endpoint: peer, hostAlias, tlsRootCertPath: tlsca, operations },
        ca: {
          url: caUrl,
          caName,
          tlsRootCertPath: tlsca,
          registrar: { enrollmentId: regId, enrollmentSecret: regSecret },
        },
        users: {},
        fabricAdmin: {
          certPath: `${adminMsp}/signcerts/Admin@${domain}-cert.pem`,
          keyPath: `${adminMsp}/keystore/priv_sk`,
          mspPath: adminMsp,
        },
      };
    }
    const byName = Object.fromEntries(Object.values(orgs).map((org) => [org.name, org]));
    for (const [org, id, roles, msp] of rows("USERS_TSV")) {
      byName[org].users[id] = {
        certPath: `${msp}/signcerts/cert.pem`,
        keyPath: `${msp}/keystore/key.pem`,
        roles: roles.split(","),
      };
    }
    const orderers = rows("ORDERERS_TSV").map(([endpoint, hostAlias, tlsRootCertPath, adminEndpoint]) => ({
      endpoint, hostAlias, tlsRootCertPath, adminEndpoint,
    }));
    const connection = {
      channel: process.env.CHANNEL,
      chaincode: process.env.CHAINCODE,
      orgs,
      orderers,
      binDir: process.env.BIN,
      fabricCfgPath: process.env.CFG,
    };
    fs.writeFileSync(process.argv[1], JSON.stringify(connection, null, 2) + "\n");
  ' "$CONNECTION_FILE.tmp"
  mv "$CONNECTION_FILE.tmp" "$CONNECTION_FILE"
  step_note "${CONNECTION_FILE#"$ROOT_DIR"/}"
}
