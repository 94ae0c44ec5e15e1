/**
 * Jest globalSetup of the integration tests: makes sure each org's wallet holds its e2e identities
 * and the trust matrix's identities (identities.ts), registering and enrolling the missing ones
 * with the org's CA, and that every org's `arbiter` is an ACTIVE participant (arbiters rule only
 * as such, docs/trust.md).
 *
 * Done here rather than in the suites because globalSetup runs in plain Node: fabric-ca-client's
 * pure-JS cryptography ran about five times slower inside a test file's sandbox (2.2 s against
 * 0.45 s per identity, measured), which made a fresh network's 50 traders take 100 s.
 */
import * as https from 'node:https';
import { ensureIdentity } from '../../../application/src/gateway/provision';
import { resolveSettings } from '../../../application/src/gateway/settings';
import { Clients, ensureArbiters, mapLimit } from './estp';
import { E2E_MEMBERS, type Enrolment, trustMatrixIdentities } from './identities';
import { loadNetwork } from './network';

export default async function globalSetup(): Promise<void> {
  // fabric-ca-client adds a socket timeout listener per request; on Node's keep-alive sockets they
  // pile up (MaxListenersExceededWarning after 10 requests). Fresh sockets in this process only.
  (https.globalAgent as https.Agent & { keepAlive: boolean }).keepAlive = false;
  const network = loadNetwork();
  const started = Date.now();
  // The CA hashes secrets with bcrypt and writes one SQLite database: two at a time is as fast
  // as more and keeps a shared machine responsive.
  const enrolments: Enrolment[] = [
    ...E2E_MEMBERS.map((actor) => ({ ...actor, roles: ['member'] })),
    ...Object.values(network.orgs).flatMap((org) => trustMatrixIdentities(org.name)),
  ];
  const outcomes = await mapLimit(enrolments, 2, (actor) =>
    ensureIdentity(resolveSettings({ org: actor.org }), { user: actor.user, roles: actor.roles }),
  );
  const created = outcomes.filter((outcome) => outcome.outcome !== 'wallet').length;
  if (created > 0) {
    process.stdout.write(
      `\nintegration setup: enrolled ${created} of ${outcomes.length} e2e identities in ${Date.now() - started} ms\n`,
    );
  }
  const clients = new Clients(network);
  try {
    await ensureArbiters(clients);
  } finally {
    clients.closeAll();
  }
}
