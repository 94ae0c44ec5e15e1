#!/usr/bin/env bash
# Stops the network and removes its generated state: every org's directory (keys, CA databases,
# wallets, ledgers, chaincode packages, logs), the consortium's public files, the generated
# configuration, run files and logs. Keeps the built binaries in .fabric/bin. The wallets go too:
# their certificates were issued by the CAs removed here, and a new network's CAs have new keys,
# so a kept wallet entry would only fail later as "access denied".
set -euo pipefail
source "$(dirname "$0")/lib.sh"
take_lock

bash "$NETWORK_DIR/scripts/down.sh"
rm -rf "$ORGS_DIR" "$CONSORTIUM_DIR" "$CONFIG_DIR"
# The layout before per-org directories (one connection.json, shared organizations/ and wallet/).
rm -rf "$FABRIC_HOME/organizations" "$FABRIC_HOME/ca" "$FABRIC_HOME/data" "$FABRIC_HOME/chaincode" \
  "$FABRIC_HOME/channel" "$FABRIC_HOME/connection.json" "$FABRIC_HOME/wallet"
find "$LOG_DIR" -maxdepth 1 -type f ! -name 'build-*.log' -delete
find "$RUN_DIR" -mindepth 1 ! -name lock -exec rm -rf {} +
echo "network state removed (binaries kept in .fabric/bin)"
