# shellcheck shell=bash
# Each org's keys and certificates, generated on its own host into its own directory, and the
# public part it exports to the consortium.
#
# cryptogen, run by each org for itself alone (config.sh write_org_crypto_config), issues the org's
# CA and TLS CA, its nodes' MSPs and TLS certificates and its Fabric admin (Admin@<domain>, NodeOU
# admin) into <org>/crypto. The org's fabric-ca-server then runs with that CA's certificate and key,
# so the users it enrols chain to the MSP root in the channel (Microfab's approach). The TLS
# certificates of its CA and chaincode service keep only their tls/ (their cryptogen MSP identities
# would be peer identities nobody needs).
#
# <org>/crypto (cryptogen layout):
#   msp/ ca/ tlsca/                           the org's MSP definition, CA and TLS CA (keys: ca/, tlsca/)
#   peers/{peer0,peer1,ca,ccaas}.<org>.estp.local/  each peer's MSP and TLS; the CA's and the
#                                             chaincode services' TLS
#   orderers/orderer<N>.estp.local/           (orderer org) each orderer's MSP and TLS
#   users/Admin@<domain>/                     the org's Fabric admin (channel and lifecycle work)

org_crypto_complete() { [[ -d $(org_crypto "$1")/msp ]]; }

# The org's peers that have no keys yet (a network created with fewer peers per org).
peers_without_keys() { # <org>
  local peer
  [[ $1 == "$ORDERER_ORG" ]] && return 0
  for peer in $(org_peers "$1"); do
    [[ -d $(peer_dir "$1" "$peer") ]] || echo "$peer"
  done
}

# Keys for the org's new peers from its existing CA and TLS CA (cryptogen extend), nothing else
# touched: the org's MSP in the channel stays as it is.
extend_org_crypto() { # <org>
  local org=$1 home work
  home=$(org_home "$org")
  work="$home/crypto.extend"
  rm -rf "$work"
  mkdir -p "$work/peerOrganizations"
  write_org_crypto_config "$org" "$home/config/crypto-config.yaml"
  mv "$(org_crypto "$org")" "$work/peerOrganizations/$(org_domain "$org")"
  local status=0
  cryptogen extend --input "$work" --config "$home/config/crypto-config.yaml" || status=$?
  mv "$work/peerOrganizations/$(org_domain "$org")" "$(org_crypto "$org")"
  rm -rf "$work"
  return "$status"
}

# Step (org.sh crypto): the org's keys, once; later only those of peers added since.
generate_org_crypto() { # <org>
  local org=$1 home out config missing
  home=$(org_home "$org")
  if org_crypto_complete "$org"; then
    missing=$(peers_without_keys "$org" | tr '\n' ' ')
    if [[ -n $missing ]]; then
      extend_org_crypto "$org"
      step_note "cryptogen extend: keys of ${missing% } from ${ORG_MSP[$org]}'s own CAs"
      return 0
    fi
    step_note "reusing ${home#"$ROOT_DIR"/}/crypto"
    return 0
  fi
  mkdir -p "$home/config"
  chmod 700 "$home"
  out="$home/crypto.tmp"
  config="$home/config/crypto-config.yaml"
  rm -rf "$out" "$(org_crypto "$org")"
  write_org_crypto_config "$org" "$config"
  cryptogen generate --config "$config" --output "$out"
  if [[ $org == "$ORDERER_ORG" ]]; then
    mv "$out/ordererOrganizations/$DOMAIN" "$(org_crypto "$org")"
    step_note "cryptogen: $ORDERER_MSP, $ORDERER_COUNT orderers"
  else
    mv "$out/peerOrganizations/$(org_domain "$org")" "$(org_crypto "$org")"
    rm -rf "$(org_crypto "$org")/peers/$(ca_host_alias "$org")/msp" \
      "$(org_crypto "$org")/peers/$(ccaas_host_alias "$org")/msp"
    step_note "cryptogen: ${ORG_MSP[$org]} ($(org_peers "$org" | paste -sd, -), CA and chaincode TLS, Admin@$(org_domain "$org"))"
  fi
  rm -rf "$out"
}

# Fails when a file under <dir> holds a private key (the export must be public).
assert_no_private_key() { # <dir>
  local found
  found=$(grep -rlE -- '-----BEGIN ([A-Z]+ )?PRIVATE KEY-----' "$1" || true)
  [[ -z $found ]] || die "refusing to export private keys: $found"
}

# Step (org.sh export): the org's public part, into .fabric/consortium/orgs/<org>: its MSP
# definition without keys (msp/), its TLS root (tlsca.pem); for a peer org its channel definition
# (<MSP>.json, `configtxgen -printOrg`), for the orderer org each orderer's TLS certificate (the
# Raft consenters). Written once from the org's keys (which never change); nothing else is ever
# copied there.
export_org() { # <org>
  local org=$1 crypto public tmp n
  crypto=$(org_crypto "$org")
  public=$(org_public "$org")
  tmp="$public.tmp"
  if [[ -f $public/tlsca.pem && ($org == "$ORDERER_ORG" || -f $public/${ORG_MSP[$org]}.json) ]]; then
    step_note "${public#"$ROOT_DIR"/} (exported earlier)"
    return 0
  fi
  rm -rf "$tmp"
  mkdir -p "$tmp/msp"
  cp -R "$crypto/msp/cacerts" "$crypto/msp/tlscacerts" "$crypto/msp/config.yaml" "$tmp/msp/"
  cp "$(own_tlsca "$org")" "$tmp/tlsca.pem"
  if [[ $org == "$ORDERER_ORG" ]]; then
    for ((n = 1; n <= ORDERER_COUNT; n++)); do
      cp "$(orderer_dir "$n")/tls/server.crt" "$tmp/orderer$n-tls.crt"
    done
  fi
  assert_no_private_key "$tmp"
  rm -rf "$public"
  mv "$tmp" "$public"
  if [[ $org != "$ORDERER_ORG" ]]; then
    write_org_configtx "$org" "$(org_home "$org")/config/configtx.yaml"
    configtxgen -configPath "$(org_home "$org")/config" -printOrg "${ORG_MSP[$org]}" >"$public/${ORG_MSP[$org]}.json"
  fi
  step_note "${public#"$ROOT_DIR"/}"
}
