# shellcheck shell=bash
# CA-enrolled users (config/topology.sh CA_USERS): registered by each org's CA registrar with the
# certificate attribute estp.role, enrolled into .fabric/organizations/<org>/users/<id>/msp with
# fixed file names (signcerts/cert.pem, keystore/key.pem) for the application.

ca_client() { # <org> <client-home> fabric-ca-client args…
  local org=$1 home=$2
  shift 2
  fabric-ca-client "$@" --home "$home" --caname "$(ca_name "$org")" --tls.certfiles "$(org_tlsca "$org")"
}

ca_url() { # <org> [id:secret]
  echo "https://${2:+$2@}127.0.0.1:$(org_port "$1" ca)"
}

user_secret() { # <org> <id>: generated once, kept in .fabric/ca/<org>/users/<id>.secret
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

enroll_registrar() { # <org>
  local org=$1 home
  home="$(ca_home "$org")/registrar"
  [[ -f $home/msp/signcerts/cert.pem ]] && return 0
  ca_client "$org" "$home" enroll --url "$(ca_url "$org" "registrar:$(registrar_secret "$org")")"
}

# NodeOU classification (as in the org's MSP), so the peer CLI can also sign as this user.
write_user_msp_config() { # <org> <msp-dir>
  local cacert
  cacert=$(cd "$2/cacerts" && ls)
  sed "s|cacerts/[^[:space:]]*|cacerts/$cacert|" "$ORGS_DIR/$1/msp/config.yaml" >"$2/config.yaml"
}

user_enrolled() { # <org> <id>
  local dir
  dir=$(user_dir "$1" "$2")
  [[ -f $dir/msp/signcerts/cert.pem && -f $dir/msp/keystore/key.pem && -f $dir/msp/config.yaml ]]
}

enroll_user() { # <org> <id> <roles>
  local org=$1 id=$2 roles=$3 dir registrar secret
  dir=$(user_dir "$org" "$id")
  registrar="$(ca_home "$org")/registrar"
  secret=$(user_secret "$org" "$id")
  if ! ca_client "$org" "$registrar" identity list --id "$id" --url "$(ca_url "$org")" >/dev/null 2>&1; then
    # --id.attrs is parsed as CSV: quote the attribute so comma-separated roles stay one value.
    ca_client "$org" "$registrar" register --url "$(ca_url "$org")" \
      --id.name "$id" --id.secret "$secret" --id.type client --id.affiliation "$org" \
      --id.attrs "\"estp.role=$roles:ecert\""
  fi
  rm -rf "$dir/msp"
  ca_client "$org" "$dir" enroll --url "$(ca_url "$org" "$id:$secret")" --mspdir "$dir/msp"
  mv "$dir/msp/keystore/"*_sk "$dir/msp/keystore/key.pem"
  write_user_msp_config "$org" "$dir/msp"
  cert_has_attr "$dir/msp/signcerts/cert.pem" estp.role "$roles" ||
    die "certificate of $id@$org lacks the attribute estp.role=$roles"
}

# Step: registrar + every user of <org> (skips users already enrolled).
enroll_users() { # <org>
  local org=$1 entry u_org id roles enrolled=0 total=0
  step_log "$LOG_DIR/ca.$org.log"
  enroll_registrar "$org"
  for entry in "${CA_USERS[@]}"; do
    IFS=: read -r u_org id roles <<<"$entry"
    [[ $u_org == "$org" ]] || continue
    total=$((total + 1))
    if user_enrolled "$org" "$id"; then continue; fi
    enroll_user "$org" "$id" "$roles"
    enrolled=$((enrolled + 1))
  done
  if ((enrolled == 0)); then step_note "$total already enrolled"; else step_note "$enrolled of $total enrolled"; fi
}
