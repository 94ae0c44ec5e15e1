/**
 * The ESTP chaincode service: `node dist/server.js` with the options of `fabric-chaincode-node
 * server` (--chaincode-address, --chaincode-id, --chaincode-tls-*, grpc.*), as
 * network/scripts/chaincode.sh starts it. It serves {@link EstpChaincode} (chaincode.ts) instead of
 * the contract API's own dispatch, and quiets fabric-shim's loggers below their level
 * ({@link quietBelowLevel}).
 *
 * Logging: `CORE_CHAINCODE_LOGGING_LEVEL` (the peer's convention: DEBUG, INFO, WARNING, ERROR;
 * network/scripts sets it from `ESTP_CHAINCODE_LOGGING`, docs/performance.md). Errors and warnings
 * are always logged; at INFO the shim adds a line per completed transaction.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { toCanonicalJson } from './lib/json';
// The module object itself (an ES import would copy it): quietBelowLevel replaces its getLogger.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import shimLogger = require('fabric-shim/lib/logger');

/**
 * fabric-shim's loggers (winston 3) format every message, timestamp and all, before their transport
 * drops those below its level, so the shim's debug lines for every message it exchanges with the
 * peer cost the CPU of printing them. Every logger the shim creates from now on checks the level
 * first; what is logged does not change.
 */
function quietBelowLevel(): void {
  const quieted = new WeakSet();
  const getLogger = shimLogger.getLogger;
  const levels = ['debug', 'verbose', 'info', 'warn', 'error'] as const;
  shimLogger.getLogger = (name?: string) => {
    const logger = getLogger(name);
    if (!quieted.has(logger)) {
      quieted.add(logger);
      for (const level of levels) {
        const log = logger[level];
        if (typeof log !== 'function') continue;
        logger[level] = (...args: unknown[]): unknown =>
          logger.isLevelEnabled(level) ? (log as (...a: unknown[]) => unknown).apply(logger, args) : logger;
      }
    }
    return logger;
  };
}

/** The options of `fabric-chaincode-node server`, parsed as it parses them (defaults included). */
function serverArguments(validOptions: Record<string, { type: string; default?: unknown }>) {
  const { values } = parseArgs({
    options: Object.fromEntries(Object.keys(validOptions).map((name) => [name, { type: 'string' }])),
    strict: true,
  });
  const argv: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(validOptions)) {
    const value = values[name];
    if (value === undefined) argv[name] = option.default;
    else argv[name] = option.type === 'number' ? Number(value) : value;
  }
  return { argv };
}

/**
 * With `ESTP_CHAINCODE_CPU_PROFILE=<dir>`, profiles the service's CPU from its start until it is
 * stopped (SIGTERM or SIGINT), then writes `<dir>/<pid>.cpuprofile` (node refuses --cpu-prof in
 * NODE_OPTIONS, and a signal would end the process before node wrote it).
 */
function profileUntilStopped(dir: string | undefined): void {
  const stop = (): void => process.exit(0);
  if (!dir) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, stop);
    return;
  }
  const session = new Session();
  session.connect();
  session.post('Profiler.enable', () => {
    session.post('Profiler.start');
  });
  const write = (): void => {
    session.post('Profiler.stop', (error, result) => {
      try {
        if (error) throw error;
        // The project's one JSON writer (a V8 profile holds integers and strings only).
        writeFileSync(join(dir, `${process.pid}.cpuprofile`), toCanonicalJson(result.profile));
      } catch (failure) {
        console.error('CPU profile not written:', failure);
      }
      stop();
    });
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, write);
}

async function main(): Promise<void> {
  quietBelowLevel();
  profileUntilStopped(process.env.ESTP_CHAINCODE_CPU_PROFILE);
  // Loaded after the loggers are quieted: each shim module takes its logger when it loads.
  const { Shim } = await import('fabric-shim');
  const serverCommand = await import('fabric-shim/lib/cmds/serverCommand');
  const { EstpChaincode } = await import('./chaincode');
  const { contracts } = await import('./index');
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  const options = serverCommand.getArgs(serverArguments(serverCommand.validOptions));
  await Shim.server(new EstpChaincode(contracts, pkg.name, pkg.version), options).start();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
