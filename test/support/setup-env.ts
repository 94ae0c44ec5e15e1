/**
 * Jest `setupFiles` entry of the unit tests: runs before any test module loads, so the loggers
 * fabric-shim and fabric-contract-api create at import time are quiet (they log every decorator
 * and every failed transaction at info/error level otherwise). Set CORE_CHAINCODE_LOGGING_LEVEL
 * yourself (e.g. DEBUG) to see them.
 */
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'CRITICAL';

// The CLI reads its settings from ~/.config/estp/config.json: a developer's own defaults must not
// change what the tests see (ESTP_CONFIG='' means no settings file).
process.env.ESTP_CONFIG ??= '';
