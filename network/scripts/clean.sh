#!/usr/bin/env bash
# Stops the network and removes its generated state (crypto material, CA databases, ledgers,
# chaincode packages, run files, logs, connection.json, the wallets). Keeps the built binaries in
# .fabric/bin. The wallets go too: their certificates were issued by the CAs removed here, and a
# new network's CAs have new keys, so a kept wallet entry would only fail later as "access denied".
set -euo pipefail
source "$(dirname "$0")/lib.sh"
take_lock

bash "$NETWORK_DIR/scripts/down.sh"
rm -rf "$CONFIG_DIR" "$ORGS_DIR" "$ORGS_DIR.tmp" "$FABRIC_HOME/crypto.tmp" "$FABRIC_HOME"/crypto-*.tmp "$CA_DIR" "$DATA_DIR" \
  "$CC_DIR" "$FABRIC_HOME/channel" "$CONNECTION_FILE" "$FABRIC_HOME/wallet"
find "$LOG_DIR" -maxdepth 1 -type f ! -name 'build-*.log' -delete
find "$RUN_DIR" -mindepth 1 ! -name lock -exec rm -rf {} +
echo "network state removed (binaries kept in .fabric/bin)"
