/**
 * Jest globalSetup of the integration tests: makes sure the wallet holds every e2e identity
 * (identities.ts), registering and enrolling the missing ones with their org's CA.
 *
 * Done here rather than in the suites because globalSetup runs in plain Node: fabric-ca-client's
 * pure-JS cryptography ran about five times slower inside a test file's sandbox (2.2 s against
 * 0.45 s per identity, measured), which made a fresh network's 50 traders take 100 s.
 */
import * as https from 'node:https';
import { loadConnection, resolveOrg } from '../../../application/src/gateway/connection';
import { ensureIdentity } from '../../../application/src/gateway/provision';
import { mapLimit } from './estp';
import { E2E_MEMBERS } from './identities';

export default async function globalSetup(): Promise<void> {
  // fabric-ca-client adds a socket timeout listener per request; on Node's keep-alive sockets they
  // pile up (MaxListenersExceededWarning after 10 requests). Fresh sockets in this process only.
  (https.globalAgent as https.Agent & { keepAlive: boolean }).keepAlive = false;
  const connection = loadConnection();
  const started = Date.now();
  // The CA hashes secrets with bcrypt and writes one SQLite database: two at a time is as fast
  // as more and keeps a shared machine responsive.
  const outcomes = await mapLimit(E2E_MEMBERS, 2, (actor) =>
    ensureIdentity(connection, resolveOrg(connection, actor.org), { user: actor.user, roles: ['member'] }),
  );
  const created = outcomes.filter((outcome) => outcome.outcome !== 'wallet').length;
  if (created > 0) {
    process.stdout.write(
      `\nintegration setup: enrolled ${created} of ${outcomes.length} e2e identities in ${Date.now() - started} ms\n`,
    );
  }
}
