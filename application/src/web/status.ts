/**
 * The service's own routes: `GET /api/health` (no key needed: what the service is and how to show
 * money), `GET /api/me` (the caller: identity, roles, participant record) and `GET /api/chain`
 * (chain health: the channel's height on every org's peer, and the last verification this service
 * ran).
 */
import { peerHeight, peersOf } from '../admin/peer';
import { certificateRoles } from '../gateway/ca';
import { ChaincodeError } from '../gateway/errors';
import type { ChainAnswer, HealthAnswer, MeAnswer, PeerHealth } from './api-types';
import type { RequestContext, Route, ServiceState } from './context';
import { sendJson } from './http';

/** How long one peer may take to answer a height query. */
const HEIGHT_TIMEOUT_MS = 3_000;
/** Heights are cached this long, however many dashboards ask. */
const HEIGHT_CACHE_MS = 2_000;

function health(context: RequestContext): void {
  const { org, profile, display } = context.service;
  const answer: HealthAnswer = {
    status: 'ok',
    service: 'estp-web',
    org: { mspId: org.mspId, name: org.name },
    channel: profile.channel,
    chaincode: profile.chaincode,
    display,
  };
  sendJson(context.res, 200, answer);
}

/** A record, or null when the ledger has none (ESTP_NOT_FOUND). */
async function recordOrNull<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof ChaincodeError && error.code === 'ESTP_NOT_FOUND') return null;
    throw error;
  }
}

async function me(context: RequestContext): Promise<void> {
  const caller = context.caller();
  const client = await caller.client();
  const { org } = context.service;
  const identity = context.service.pool.identity(caller.key.user);
  const [participant, organisation] = await Promise.all([
    recordOrNull(client.evaluate('Participant', 'Self')),
    recordOrNull(client.evaluate('Consortium', 'GetOrganisation', { mspId: org.mspId })),
  ]);
  const claimedRoles = certificateRoles(identity.certificate);
  const capabilities: readonly string[] = organisation?.status === 'ACTIVE' ? organisation.capabilities : [];
  const answer: MeAnswer = {
    participantId: caller.participantId,
    user: caller.key.user,
    org: { mspId: org.mspId, name: org.name },
    key: { id: caller.key.id, label: caller.key.label, readOnly: caller.key.readOnly },
    claimedRoles,
    roles: claimedRoles.filter((role) => capabilities.includes(role)),
    organisation,
    participant,
  };
  sendJson(context.res, 200, answer);
}

const heightCache = new WeakMap<ServiceState, { at: number; peers: Promise<PeerHealth[]> }>();

async function chain(context: RequestContext): Promise<void> {
  const caller = context.caller();
  const { profile, pool } = context.service;
  const now = Date.now();
  let cached = heightCache.get(context.service);
  if (!cached || now - cached.at > HEIGHT_CACHE_MS) {
    const signer = pool.signer(caller.key.user);
    // Every peer of every member org (each org runs two).
    const peers = Promise.all(
      Object.values(profile.orgs)
        .flatMap(peersOf)
        .map(async (target): Promise<PeerHealth> => {
          const row = { mspId: target.mspId, peer: target.peer.endpoint };
          try {
            return { ...row, height: await peerHeight(target, signer, profile.channel, HEIGHT_TIMEOUT_MS) };
          } catch (error) {
            return { ...row, error: error instanceof Error ? error.message : String(error) };
          }
        }),
    );
    cached = { at: now, peers };
    heightCache.set(context.service, cached);
  }
  const answer: ChainAnswer = {
    channel: profile.channel,
    peers: await cached.peers,
    lastVerify: context.service.lastVerify ?? null,
  };
  sendJson(context.res, 200, answer);
}

export function statusRoutes(): Route[] {
  return [
    { method: 'GET', path: '/api/health', handle: health },
    { method: 'GET', path: '/api/me', handle: me },
    { method: 'GET', path: '/api/chain', handle: chain },
  ];
}
