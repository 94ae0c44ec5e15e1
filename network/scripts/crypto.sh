# shellcheck shell=bash
# Crypto material: cryptogen issues the MSPs and TLS certificates of the nodes and of each org's
# Fabric admin (Admin@<org>.estp.local, NodeOU admin). Each org's fabric-ca-server then runs with
# that org's cryptogen CA certificate and key, so the users it enrols (ca.sh) chain to the MSP
# root already in the channel (Microfab's approach).
#
# Layout (.fabric/organizations):
#   orderer/    OrdererMSP: msp/, tlsca/, orderers/orderer<N>.estp.local/{msp,tls}, users/Admin@estp.local
#   <org>/      msp/, ca/, tlsca/, peers/{peer0,ca}.<org>.estp.local/{msp,tls},
#               users/Admin@<org>.estp.local (Fabric admin), users/<enrolmentId> (CA-enrolled users)
#   chaincode/  TLS CA and server certificate of the chaincode service (not a channel member)

crypto_complete() {
  local org
  [[ -d $ORGS_DIR/orderer/msp && -d $ORGS_DIR/chaincode/tlsca ]] || return 1
  for org in "${FOUNDING_ORGS[@]}"; do
    [[ -d $ORGS_DIR/$org/msp ]] || return 1
  done
}

generate_crypto() {
  if crypto_complete; then
    step_note "reusing .fabric/organizations"
    return 0
  fi
  [[ ! -d $ORGS_DIR ]] || die "incomplete crypto material in $ORGS_DIR: run 'npm run network:clean' first"
  local out="$FABRIC_HOME/crypto.tmp" org
  rm -rf "$out" "$ORGS_DIR.tmp"
  cryptogen generate --config "$CONFIG_DIR/crypto-config.yaml" --output "$out"
  mkdir -p "$ORGS_DIR.tmp"
  mv "$out/ordererOrganizations/$DOMAIN" "$ORGS_DIR.tmp/orderer"
  for org in "${FOUNDING_ORGS[@]}"; do
    mv "$out/peerOrganizations/$(org_domain "$org")" "$ORGS_DIR.tmp/$org"
  done
  mv "$out/peerOrganizations/chaincode.$DOMAIN" "$ORGS_DIR.tmp/chaincode"
  rm -rf "$out"
  mv "$ORGS_DIR.tmp" "$ORGS_DIR"
  step_note "cryptogen: $ORDERER_COUNT orderers, ${#FOUNDING_ORGS[@]} peer orgs"
}

# Step (add-org.sh): the crypto material of an onboarded org, issued by its own new CAs.
generate_org_crypto() { # <org>
  local org=$1 out="$FABRIC_HOME/crypto-$1.tmp"
  if [[ -d $ORGS_DIR/$org/msp ]]; then
    step_note "reusing .fabric/organizations/$org"
    return 0
  fi
  rm -rf "$out"
  write_org_crypto_config "$org" "$CONFIG_DIR/crypto-config-$org.yaml"
  cryptogen generate --config "$CONFIG_DIR/crypto-config-$org.yaml" --output "$out"
  mv "$out/peerOrganizations/$(org_domain "$org")" "$ORGS_DIR/$org"
  rm -rf "$out"
  step_note "cryptogen: ${ORG_MSP[$org]} (peer0, CA TLS, Admin@$(org_domain "$org"))"
}
