# shellcheck shell=bash
# CA-enrolled users (config/topology.sh CA_USERS): registered by the org's CA registrar with the
# certificate attribute estp.role and enrolled into the org's wallet, <org>/wallet/<id>.id (the
# file-system wallet format the application reads). The registrar is enrolled into the wallet
# too (label `registrar`): the application registers new identities with it.

ca_client() { # <org> <client-home> fabric-ca-client args…
  local org=$1 home=$2
  shift 2
  fabric-ca-client "$@" --home "$home" --caname "$(ca_name "$org")" --tls.certfiles "$(own_tlsca "$org")"
}

ca_url() { # <org> [id:secret]
  echo "https://${2:+$2@}$(org_endpoint "$1" ca)"
}

user_secret() { # <org> <id>: generated once, kept in <org>/fabric-ca/users/<id>.secret
  local file
  file="$(ca_home "$1")/users/$2.secret"
  if [[ ! -s $file ]]; then
    mkdir -p "$(dirname "$file")"
    (umask 077 && head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$file")
  fi
  cat "$file"
}

# The JSON attribute extension (OID 1.2.3.4.5.6.7.8.1) is plain text inside the DER certificate.
cert_has_attr() { # <cert.pem> <name> <value>
  sed '/-----/d' "$1" | base64 -d | grep -aqF "\"$2\":\"$3\""
}

wallet_entry() { echo "$(org_wallet "$1")/$2.id"; } # <org> <label>

# Writes an MSP directory's certificate and key as wallet entry <label> (owner-only).
write_wallet_entry() { # <org> <label> <msp-dir>
  local org=$1 label=$2 msp=$3 wallet
  wallet=$(org_wallet "$org")
  mkdir -p "$wallet"
  chmod 700 "$wallet"
  node -e '
    const fs = require("fs");
    const [cert, keystore, mspId, out] = process.argv.slice(1);
    const [key] = fs.readdirSync(keystore);
    const entry = {
      credentials: {
        certificate: fs.readFileSync(cert, "utf8"),
        privateKey: fs.readFileSync(`${keystore}/${key}`, "utf8"),
      },
      mspId,
      type: "X.509",
      version: 1,
    };
    fs.writeFileSync(`${out}.tmp`, JSON.stringify(entry), { mode: 0o600 });
    fs.renameSync(`${out}.tmp`, out);
  ' "$msp/signcerts/cert.pem" "$msp/keystore" "${ORG_MSP[$org]}" "$(wallet_entry "$org" "$label")"
}

# The registrar's fabric-ca-client home (used to register users) and its wallet entry.
enroll_registrar() { # <org>
  local org=$1 home
  home="$(ca_home "$org")/registrar"
  if [[ ! -f $home/msp/signcerts/cert.pem ]]; then
    ca_client "$org" "$home" enroll --url "$(ca_url "$org" "registrar:$(registrar_secret "$org")")"
  fi
  [[ -f $(wallet_entry "$org" registrar) ]] || write_wallet_entry "$org" registrar "$home/msp"
}

user_enrolled() { [[ -f $(wallet_entry "$1" "$2") ]]; } # <org> <id>

enroll_user() { # <org> <id> <roles>
  local org=$1 id=$2 roles=$3 msp registrar secret
  msp="$(ca_home "$org")/enrolling/$id"
  registrar="$(ca_home "$org")/registrar"
  secret=$(user_secret "$org" "$id")
  if ! ca_client "$org" "$registrar" identity list --id "$id" --url "$(ca_url "$org")" >/dev/null 2>&1; then
    # --id.attrs is parsed as CSV: quote the attribute so comma-separated roles stay one value.
    ca_client "$org" "$registrar" register --url "$(ca_url "$org")" \
      --id.name "$id" --id.secret "$secret" --id.type client --id.affiliation "$org" \
      --id.attrs "\"estp.role=$roles:ecert\""
  fi
  rm -rf "$msp"
  ca_client "$org" "$msp" enroll --url "$(ca_url "$org" "$id:$secret")" --mspdir "$msp/msp"
  cert_has_attr "$msp/msp/signcerts/cert.pem" estp.role "$roles" ||
    die "certificate of $id@$org lacks the attribute estp.role=$roles"
  write_wallet_entry "$org" "$id" "$msp/msp"
  rm -rf "$msp"
}

# Step: registrar + every user of <org> (skips users already in the wallet).
enroll_users() { # <org>
  local org=$1 entry u_org id roles enrolled=0 total=0
  step_log "$(process_log "ca.$org")"
  enroll_registrar "$org"
  for entry in "${CA_USERS[@]}"; do
    IFS=: read -r u_org id roles <<<"$entry"
    [[ $u_org == "$org" ]] || continue
    total=$((total + 1))
    if user_enrolled "$org" "$id"; then continue; fi
    enroll_user "$org" "$id" "$roles"
    enrolled=$((enrolled + 1))
  done
  if ((enrolled == 0)); then step_note "$total already in its wallet"; else step_note "$enrolled of $total enrolled into its wallet"; fi
}
