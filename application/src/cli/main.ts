#!/usr/bin/env node
/** The `estp` executable. */
import { sharedGrpcClients } from '../gateway/grpc';
import { run } from './run';

// `estp … | head` closes stdout early: stop quietly instead of crashing on EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  sharedGrpcClients.closeAll();
  process.exit(process.exitCode ?? 0);
});

run(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    // run() never rejects; this is the last line of defence.
    process.stderr.write(`internal error: ${String(error)}\n`);
    process.exitCode = 70;
  })
  .finally(() => {
    sharedGrpcClients.closeAll();
    exitOnceIdle();
  });

/**
 * Closing the gRPC clients ends their connections, pending TLS handshakes included, so the process
 * normally exits at once. A TCP connection attempt the operating system still holds (to a host that
 * drops packets: minutes of retries) would keep it alive; after a moment the process exits anyway,
 * once stdout and stderr are flushed.
 */
function exitOnceIdle(): void {
  setTimeout(() => {
    process.stdout.write('', () => process.stderr.write('', () => process.exit()));
  }, 500).unref();
}
