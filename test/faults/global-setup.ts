/**
 * Jest globalSetup of the fault tests: each org's fault-load members (support.ts FAULT_MEMBERS)
 * in its wallet, registered and enrolled with the org's CA when missing (in plain Node, as the
 * integration tests' global-setup.ts explains).
 */
import * as https from 'node:https';
import { enrolMembers, FAULT_MEMBERS } from './support';

export default async function globalSetup(): Promise<void> {
  // fabric-ca-client's timeout listeners pile up on keep-alive sockets (integration global-setup.ts).
  (https.globalAgent as https.Agent & { keepAlive: boolean }).keepAlive = false;
  await enrolMembers(FAULT_MEMBERS);
}
