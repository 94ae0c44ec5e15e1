#!/usr/bin/env node
/** The `estp` executable. */
import { sharedGrpcClients } from '../gateway/grpc';
import { run } from './run';

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
  });
