/**
 * Idempotent provisioning of CA identities: "make sure the wallet holds user U of org O with roles
 * R", safe to call on every run of a script or test suite.
 *
 * A wallet entry is reused as it is. Otherwise the user is registered with the org's CA (an
 * "already registered" refusal is fine) and enrolled. The enrolment secret is derived from the
 * CA registrar's secret and the user's name (HMAC-SHA256), so a later run — or another machine
 * with the same connection description — can enrol the same identity again without having kept
 * the secret. Identities are registered with unlimited enrolments (the network's CAs allow it,
 * `registry.maxenrollments: -1`); one registered otherwise, or whose enrolment was lost, is reset
 * by the registrar (secret and enrolment limit) and enrolled again.
 */
import { createHmac } from 'node:crypto';
import { CaRejectedError, certificateRoles, enroll, register, resetEnrollment } from './ca';
import type { ConnectionInfo, OrgInfo } from './connection';
import { ConfigError } from './errors';
import { identityFromWallet, walletDir, walletRoot } from './identity';

/** What {@link ensureIdentity} did. */
export interface EnsuredIdentity {
  readonly mspId: string;
  readonly user: string;
  /** `wallet`: found there; `registered`: new with the CA and enrolled; `enrolled`: known to the CA, enrolled again. */
  readonly outcome: 'wallet' | 'registered' | 'enrolled';
  /** The roles the certificate carries (`estp.role`). */
  readonly roles: readonly string[];
}

/**
 * The enrolment secret {@link ensureIdentity} registers `user` with: an HMAC of the user under the
 * CA registrar's secret.
 * @throws {ConfigError} when the connection description has no registrar for the org.
 */
export function provisioningSecret(org: OrgInfo, user: string): string {
  const registrar = org.ca?.registrar;
  if (!registrar) throw new ConfigError(`${org.mspId}'s CA has no registrar in the connection description`);
  return createHmac('sha256', registrar.enrollmentSecret)
    .update(`estp-provision/${org.mspId}/${user}`)
    .digest('hex')
    .slice(0, 32);
}

/**
 * Makes sure the org's wallet holds `user` with `roles`: reused from the wallet, else registered
 * (if the CA does not know it yet) and enrolled with the derived secret.
 * @throws {ConfigError} when the identity exists with other roles than asked for.
 * @throws {CaRejectedError} when the CA refuses (e.g. the user was registered with another secret).
 */
export async function ensureIdentity(
  connection: ConnectionInfo,
  org: OrgInfo,
  options: { readonly user: string; readonly roles: readonly string[] },
  root: string = walletRoot(connection),
): Promise<EnsuredIdentity> {
  const check = (roles: readonly string[], where: string): void => {
    const missing = options.roles.filter((role) => !roles.includes(role));
    if (missing.length > 0) {
      throw new ConfigError(
        `${options.user} of ${org.mspId} (${where}) has estp.role ${roles.join(',') || 'none'}, not ${options.roles.join(',')}`,
      );
    }
  };
  const existing = await identityFromWallet(walletDir(root, org), options.user);
  if (existing) {
    const roles = certificateRoles(existing.certificate);
    check(roles, 'wallet');
    return { mspId: org.mspId, user: options.user, outcome: 'wallet', roles };
  }
  const secret = provisioningSecret(org, options.user);
  let outcome: EnsuredIdentity['outcome'] = 'registered';
  try {
    await register(connection, org, { user: options.user, roles: options.roles, secret, maxEnrollments: -1 });
  } catch (error) {
    if (!(error instanceof CaRejectedError && /already registered/i.test(error.message))) throw error;
    outcome = 'enrolled';
  }
  let enrolled;
  try {
    enrolled = await enroll(connection, org, options.user, secret, root);
  } catch (error) {
    // Enrolled before, but the wallet entry was never written (or was deleted): allow it again.
    if (!(outcome === 'enrolled' && error instanceof CaRejectedError)) throw error;
    await resetEnrollment(connection, org, { user: options.user, secret });
    enrolled = await enroll(connection, org, options.user, secret, root);
  }
  check(enrolled.roles, 'CA');
  return { mspId: org.mspId, user: options.user, outcome, roles: enrolled.roles };
}
