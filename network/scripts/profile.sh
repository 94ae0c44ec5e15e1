# shellcheck shell=bash
# Each org's common connection profile, <org>/connection-<org>.json: the JSON format of Fabric's
# test-network (connection-org1.json) that any Fabric SDK or Hyperledger Explorer reads. It names
# the org (client.organization), its CA, the channel with its orderers and chaincode, and the peers
# of every member org (peer0, peer1: a client fails over between its org's) with their TLS root inline — public material only: no private key, no
# registrar secret. Identities come from the org's wallet (<org>/wallet). Its shape is an
# interface the application depends on (application/src/gateway/profile.ts, docs/network.md).

# Step: write <org>'s profile from its own settings and the consortium's public files.
write_profile() { # <org>
  local org=$1 member n file peer
  local -a peers=() orderers=() members=("${CHANNEL_ORGS[@]}")
  file=$(profile_file "$org")
  # The channel's members (and the org itself, while its onboarding has not reached the channel).
  has_org "$org" "${members[@]}" || members+=("$org")
  for member in "${members[@]}"; do
    for peer in $(org_peers "$member"); do
      peers+=("$(printf '%s\t' "${ORG_NAME[$member]}" "${ORG_MSP[$member]}" "$(peer_host_alias "$member" "$peer")" \
        "$(peer_endpoint "$member" "$peer" listen)" "$(public_tlsca "$member")")")
    done
  done
  for ((n = 1; n <= ORDERER_COUNT; n++)); do
    orderers+=("$(printf '%s\t' "$(orderer_host_alias "$n")" "$(orderer_endpoint "$n")")")
  done
  PEERS_TSV=$(printf '%s\n' "${peers[@]}") ORDERERS_TSV=$(printf '%s\n' "${orderers[@]}") \
    ORG_NAME_="${ORG_NAME[$org]}" ORG_SHORT="$org" CA_HOST="$(ca_host_alias "$org")" \
    CA_URL="https://$(org_endpoint "$org" ca)" CA_NAME="$(ca_name "$org")" CA_TLS="$(own_tlsca "$org")" \
    ORDERER_TLS="$(public_tlsca "$ORDERER_ORG")" CHANNEL="$CHANNEL_NAME" CHAINCODE="$CHAINCODE_NAME" node -e '
    const fs = require("fs");
    const env = process.env;
    const rows = (name) => env[name].split("\n").filter(Boolean).map((line) => line.split("\t"));
    const pem = (file) => fs.readFileSync(file, "utf8");
    const grpcOptions = (alias) => ({ "ssl-target-name-override": alias, hostnameOverride: alias });
    const organizations = {};
    const peers = {};
    const channelPeers = {};
    for (const [name, mspid, alias, endpoint, tlsca] of rows("PEERS_TSV")) {
      organizations[name] ??= { mspid, peers: [] };
      organizations[name].peers.push(alias);
      peers[alias] = { url: `grpcs://${endpoint}`, tlsCACerts: { pem: pem(tlsca) }, grpcOptions: grpcOptions(alias) };
      channelPeers[alias] = { endorsingPeer: true, chaincodeQuery: true, ledgerQuery: true, eventSource: true, discover: true };
    }
    organizations[env.ORG_NAME_].certificateAuthorities = [env.CA_HOST];
    const orderers = {};
    for (const [alias, endpoint] of rows("ORDERERS_TSV")) {
      orderers[alias] = { url: `grpcs://${endpoint}`, tlsCACerts: { pem: pem(env.ORDERER_TLS) }, grpcOptions: grpcOptions(alias) };
    }
    const profile = {
      name: `estp-${env.ORG_SHORT}`,
      version: "1.0.0",
      client: { organization: env.ORG_NAME_, connection: { timeout: { peer: { endorser: "300" } } } },
      organizations,
      channels: {
        [env.CHANNEL]: { orderers: Object.keys(orderers), peers: channelPeers, chaincodes: [env.CHAINCODE] },
      },
      peers,
      orderers,
      certificateAuthorities: {
        [env.CA_HOST]: {
          url: env.CA_URL,
          caName: env.CA_NAME,
          tlsCACerts: { pem: [pem(env.CA_TLS)] },
          httpOptions: { verify: true },
        },
      },
    };
    fs.writeFileSync(`${process.argv[1]}.tmp`, JSON.stringify(profile, null, 2) + "\n");
    fs.renameSync(`${process.argv[1]}.tmp`, process.argv[1]);
  ' "$file"
  step_note "${file#"$ROOT_DIR"/}"
}
