/**
 * Who is calling, and what it may do. The caller's MSP and enrolment ID come from its X.509
 * certificate through fabric-shim's ClientIdentity; its claimed ESTP roles travel in the
 * certificate attribute `estp.role` (comma-separated), as in fabric-samples asset-transfer-abac.
 *
 * A claim is not a permission: an org's CA can put any attribute in a certificate. {@link requireRole}
 * is the one authorisation check every transaction goes through (docs/trust.md): the caller's org
 * must be ACTIVE on the ledger and hold the role as a capability granted by the consortium, and the
 * caller must not be a SUSPENDED or REVOKED participant.
 */
import type { Context } from 'fabric-contract-api';
import type { Organisation } from '../consortium/model';
import type { Participant } from '../participant/model';
import { ForbiddenError } from './errors';
import { RecordType } from './keys';
import { readRecord } from './state';

/** The certificate attribute that carries a caller's ESTP roles. */
export const ROLE_ATTRIBUTE = 'estp.role';

export const ROLES = ['admin', 'member', 'meter', 'treasurer', 'verifier', 'arbiter', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** The authenticated caller of the current transaction, before any ledger check. */
export interface Caller {
  readonly mspId: string;
  /** Enrolment ID: the CA's `hf.EnrollmentID` attribute, else the certificate's common name. */
  readonly enrollmentId: string;
  /** `<mspId>:<enrollmentId>`: the participant ID bound to this identity. */
  readonly participantId: string;
  /** The roles the certificate's `estp.role` claims: a claim of the caller's org, not a permission. */
  readonly claimedRoles: ReadonlySet<Role>;
}

/** A caller {@link requireRole} let through. */
export interface AuthorizedCaller extends Caller {
  /** The claimed roles that the caller's org holds as capabilities: the roles it may exercise. */
  readonly roles: ReadonlySet<Role>;
  /** The caller's organisation (ACTIVE). */
  readonly organisation: Organisation;
}

/** The participant ID bound to an identity. */
export function participantIdOf(mspId: string, enrollmentId: string): string {
  return `${mspId}:${enrollmentId}`;
}

function commonName(x509Id: string): string {
  // ClientIdentity.getID() is "x509::/C=…/CN=name::/C=…issuer"; the subject is the first DN.
  const subject = x509Id.split('::')[1] ?? '';
  const match = /\/CN=((?:\\\/|[^/])+)/.exec(subject);
  return match?.[1]?.replace(/\\\//g, '/') ?? '';
}

/** Reads the caller of the transaction in `ctx` from its certificate (no ledger reads). */
export function callerOf(ctx: Context): Caller {
  const identity = ctx.clientIdentity;
  const mspId = identity.getMSPID();
  const enrollmentId = identity.getAttributeValue('hf.EnrollmentID') ?? commonName(identity.getID());
  if (!enrollmentId)
    throw new ForbiddenError('caller certificate has no enrolment ID (hf.EnrollmentID or CN)');
  const declared = (identity.getAttributeValue(ROLE_ATTRIBUTE) ?? '')
    .split(',')
    .map((role) => role.trim())
    .filter((role): role is Role => (ROLES as readonly string[]).includes(role));
  return {
    mspId,
    enrollmentId,
    participantId: participantIdOf(mspId, enrollmentId),
    claimedRoles: new Set(declared),
  };
}

const listed = (roles: Iterable<Role>): string => [...roles].sort().join(',') || 'none';

/**
 * Asserts the certificate claims at least one of `roles`, without any ledger check. Only for
 * `Consortium:Bootstrap`, which runs before any organisation is recorded; every other transaction
 * uses {@link requireRole}.
 * @throws {ForbiddenError} naming the roles required and those the caller claims.
 */
export function requireClaimedRole(caller: Caller, ...roles: Role[]): void {
  if (roles.some((role) => caller.claimedRoles.has(role))) return;
  throw new ForbiddenError(
    `requires ${ROLE_ATTRIBUTE} ${roles.join(' or ')}; ${caller.participantId} has ${listed(caller.claimedRoles)}`,
  );
}

/**
 * The authorisation of every transaction but Bootstrap: the caller may act in one of `roles` when
 * 1. its certificate claims the role (`estp.role`),
 * 2. its organisation is ACTIVE on the ledger (a PROPOSED or SUSPENDED org exercises no role),
 * 3. its organisation holds the role as a capability (granted by the consortium), and
 * 4. it is not a SUSPENDED or REVOKED participant (an unregistered or PENDING identity passes:
 *    transactions that need an ACTIVE participant check that themselves).
 * Reads two keys (the org and the participant record), so a transaction endorsed before a
 * suspension or a capability change that commits after it fails validation (MVCC read conflict).
 * @returns the caller with the roles it may exercise.
 * @throws {ForbiddenError} naming the org, the role and what is missing.
 */
export async function requireRole(ctx: Context, ...roles: Role[]): Promise<AuthorizedCaller> {
  const caller = callerOf(ctx);
  requireClaimedRole(caller, ...roles);
  const claimed = roles.filter((role) => caller.claimedRoles.has(role));
  const organisation = await readRecord<Organisation>(ctx, RecordType.Organisation, caller.mspId);
  if (organisation?.status !== 'ACTIVE') {
    const status = organisation ? organisation.status : 'not a recorded organisation';
    throw new ForbiddenError(
      `${caller.mspId} is ${status}; only identities of ACTIVE organisations act as ${claimed.join(' or ')}`,
    );
  }
  const capabilities = new Set<Role>(organisation.capabilities);
  if (!claimed.some((role) => capabilities.has(role))) {
    throw new ForbiddenError(
      `${caller.mspId} does not hold the capability ${claimed.join(' or ')} (${caller.participantId}'s ${ROLE_ATTRIBUTE} claims it; ` +
        `the consortium grants ${caller.mspId} ${listed(capabilities)})`,
    );
  }
  const participant = await readRecord<Participant>(ctx, RecordType.Participant, caller.participantId);
  if (participant?.status === 'SUSPENDED' || participant?.status === 'REVOKED') {
    throw new ForbiddenError(
      `${caller.participantId} is ${participant.status}; a SUSPENDED or REVOKED participant submits nothing`,
    );
  }
  return {
    ...caller,
    roles: new Set([...caller.claimedRoles].filter((role) => capabilities.has(role))),
    organisation,
  };
}

/**
 * Asserts the caller belongs to the MSP `mspId`.
 * @throws {ForbiddenError}
 */
export function requireMsp(caller: Caller, mspId: string, what: string): void {
  if (caller.mspId !== mspId) {
    throw new ForbiddenError(`${what} is limited to members of ${mspId}; caller is of ${caller.mspId}`);
  }
}
