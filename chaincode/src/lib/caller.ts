/**
 * Who is calling: MSP, enrolment ID and ESTP roles, read from the client's X.509 certificate through
 * fabric-shim's ClientIdentity (attribute-based access control, as in fabric-samples
 * asset-transfer-abac). Roles travel in the certificate attribute `estp.role`, comma-separated.
 */
import type { Context } from 'fabric-contract-api';
import { ForbiddenError } from './errors';

/** The certificate attribute that carries a caller's ESTP roles. */
export const ROLE_ATTRIBUTE = 'estp.role';

export const ROLES = ['admin', 'member', 'meter', 'treasurer', 'verifier', 'arbiter', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** The authenticated caller of the current transaction. */
export interface Caller {
  readonly mspId: string;
  /** Enrolment ID: the CA's `hf.EnrollmentID` attribute, else the certificate's common name. */
  readonly enrollmentId: string;
  /** `<mspId>:<enrollmentId>`: the participant ID bound to this identity. */
  readonly participantId: string;
  readonly roles: ReadonlySet<Role>;
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

/** Reads the caller of the transaction in `ctx`. */
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
    roles: new Set(declared),
  };
}

/**
 * Asserts the caller holds at least one of `roles` in its certificate.
 * @throws {ForbiddenError} naming the roles required and those the caller has.
 */
export function requireRole(caller: Caller, ...roles: Role[]): void {
  if (roles.some((role) => caller.roles.has(role))) return;
  const held = caller.roles.size > 0 ? [...caller.roles].sort().join(',') : 'none';
  throw new ForbiddenError(
    `requires ${ROLE_ATTRIBUTE} ${roles.join(' or ')}; ${caller.participantId} has ${held}`,
  );
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
