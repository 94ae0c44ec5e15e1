# shellcheck shell=bash
# Fabric binaries: use FABRIC_BIN if set, else build the pinned versions once into .fabric/bin
# (`go build` inside network/fabric-tools/*, whose go.mod files pin the versions).
# Also locates Fabric's sampleconfig (core.yaml, orderer.yaml) that config.sh copies.

STAMP_FILE="$FABRIC_HOME/bin/.versions"

binaries_stamp() { printf 'fabric=%s fabric-ca=%s\n' "$FABRIC_MODULE_VERSION" "$FABRIC_CA_MODULE_VERSION"; }

missing_binaries() {
  local tool
  for tool in $FABRIC_TOOLS $FABRIC_CA_TOOLS; do
    [[ -x $BIN_DIR/$tool ]] || echo "$tool"
  done
}

# True when nothing has to be built (or FABRIC_BIN provides everything).
binaries_ready() {
  [[ -z $(missing_binaries) ]] || return 1
  [[ -n ${FABRIC_BIN:-} ]] && return 0
  [[ -f $STAMP_FILE && $(<"$STAMP_FILE") == "$(binaries_stamp)" ]]
}

require_go() {
  command -v go >/dev/null 2>&1 ||
    die "Go is not installed: install Go >= 1.22 (https://go.dev/dl/) to build Fabric, or set FABRIC_BIN to a directory with official Fabric 2.5 and Fabric CA 1.5 binaries"
  local version
  version=$(go env GOVERSION | sed -E 's/^go([0-9]+\.[0-9]+).*/\1/')
  [[ $(printf '%s\n' 1.22 "$version" | sort -V | head -n1) == 1.22 ]] ||
    die "Go $version is too old: install Go >= 1.22, or set FABRIC_BIN to official binaries"
}

# versions.env and the go.mod files must name the same versions.
check_pins() {
  local mod
  mod="$NETWORK_DIR/fabric-tools/fabric/go.mod"
  grep -qE "^require github.com/hyperledger/fabric $FABRIC_MODULE_VERSION\$" "$mod" ||
    die "$mod does not require github.com/hyperledger/fabric $FABRIC_MODULE_VERSION (network/versions.env): keep them equal"
  mod="$NETWORK_DIR/fabric-tools/fabric-ca/go.mod"
  grep -qE "^require github.com/hyperledger/fabric-ca $FABRIC_CA_MODULE_VERSION\$" "$mod" ||
    die "$mod does not require github.com/hyperledger/fabric-ca $FABRIC_CA_MODULE_VERSION (network/versions.env): keep them equal"
}

build_binaries() {
  if [[ -n ${FABRIC_BIN:-} ]]; then
    local missing
    missing=$(missing_binaries | tr '\n' ' ')
    [[ -z $missing ]] || die "FABRIC_BIN=$FABRIC_BIN lacks: $missing"
    step_note "using FABRIC_BIN=$FABRIC_BIN"
    return 0
  fi
  if binaries_ready; then
    step_note "cached in .fabric/bin"
    return 0
  fi
  require_go
  check_pins
  step_log "$LOG_DIR/build-fabric.log"
  mkdir -p "$BIN_DIR"
  rm -f "$STAMP_FILE"
  local -a fabric_pkgs=() ca_pkgs=()
  local tool
  for tool in $FABRIC_TOOLS; do fabric_pkgs+=("github.com/hyperledger/fabric/cmd/$tool"); done
  for tool in $FABRIC_CA_TOOLS; do ca_pkgs+=("github.com/hyperledger/fabric-ca/cmd/$tool"); done
  # -checklinkname=0: dependencies of these versions go:linkname into the runtime, which newer
  # Go linkers refuse. The -X flags give `peer version` what Fabric's Makefile would.
  local ldflags="-checklinkname=0"
  ldflags+=" -X github.com/hyperledger/fabric/common/metadata.Version=$FABRIC_MODULE_VERSION"
  ldflags+=" -X github.com/hyperledger/fabric/common/metadata.CommitSHA=$FABRIC_COMMIT"
  {
    echo "== $(date '+%F %T') go build fabric $FABRIC_MODULE_VERSION ($(go version))"
    (cd "$NETWORK_DIR/fabric-tools/fabric" && go build -ldflags="$ldflags" -o "$BIN_DIR/" "${fabric_pkgs[@]}")
    echo "== $(date '+%F %T') go build fabric-ca $FABRIC_CA_MODULE_VERSION"
    # fabric-ca-server needs cgo (sqlite3); the client is built with the caclient tag, as upstream.
    (cd "$NETWORK_DIR/fabric-tools/fabric-ca" &&
      CGO_ENABLED=1 go build -tags caclient -ldflags=-checklinkname=0 -o "$BIN_DIR/" github.com/hyperledger/fabric-ca/cmd/fabric-ca-client &&
      CGO_ENABLED=1 go build -ldflags=-checklinkname=0 -o "$BIN_DIR/" github.com/hyperledger/fabric-ca/cmd/fabric-ca-server)
    echo "== $(date '+%F %T') done"
  } >>"$LOG_DIR/build-fabric.log" 2>&1
  binaries_stamp >"$STAMP_FILE"
  step_note "built into .fabric/bin"
}

# Directory holding Fabric's default core.yaml and orderer.yaml.
sampleconfig_dir() {
  if [[ -n ${FABRIC_CFG_TEMPLATE:-} ]]; then
    echo "$FABRIC_CFG_TEMPLATE"
  elif [[ -n ${FABRIC_BIN:-} && -f $FABRIC_BIN/../config/core.yaml &&
    $(cd "$FABRIC_BIN/../config" && pwd) != "$CONFIG_DIR" ]]; then
    # Official release tarballs ship bin/ next to config/ (not our own generated .fabric/config).
    (cd "$FABRIC_BIN/../config" && pwd)
  else
    require_go
    local dir
    dir=$(cd "$NETWORK_DIR/fabric-tools/fabric" &&
      go mod download -json "github.com/hyperledger/fabric@$FABRIC_MODULE_VERSION" |
      sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    [[ -n $dir ]] || die "could not locate github.com/hyperledger/fabric@$FABRIC_MODULE_VERSION in the Go module cache"
    echo "$dir/sampleconfig"
  fi
}
