/**
 * Idempotent provisioning of CA identities: "make sure the wallet holds user U of org O with roles
 * R", safe to call on every run of a script or test suite.
 *
 * A wallet entry is reused as it is. Otherwise the user is registered with the org's CA (an
 * "already registered" refusal is fine) and enrolled. The enrolment secret is derived from the
 * private key of the org's CA registrar (its wallet entry) and the user's name (HMAC-SHA256), so a
 * later run can enrol the same identity again without having kept the secret. Identities are
 * registered with unlimited enrolments (the network's CAs allow it, `registry.maxenrollments: -1`);
 * one registered otherwise, or whose enrolment was lost, or registered while the registrar had
 * another key, is reset by the registrar (secret and enrolment limit) and enrolled again.
 */
import { createHmac } from 'node:crypto';
import {
  CaRejectedError,
  certificateRoles,
  enroll,
  type OrgWallet,
  register,
  REGISTRAR_LABEL,
  resetEnrollment,
} from './ca';
import { identityFromWallet, resolveIdentity, type SigningIdentity } from './identity';
import { ConfigError } from './errors';

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
 * private key of the org's CA registrar.
 */
export function provisioningSecret(registrar: SigningIdentity, user: string): string {
  return createHmac('sha256', registrar.privateKey)
    .update(`estp-provision/${registrar.mspId}/${user}`)
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
  orgWallet: OrgWallet,
  options: { readonly user: string; readonly roles: readonly string[] },
): Promise<EnsuredIdentity> {
  const { org, wallet } = orgWallet;
  const check = (roles: readonly string[], where: string): void => {
    const missing = options.roles.filter((role) => !roles.includes(role));
    if (missing.length > 0) {
      throw new ConfigError(
        `${options.user} of ${org.mspId} (${where}) has estp.role ${roles.join(',') || 'none'}, not ${options.roles.join(',')}`,
      );
    }
  };
  const existing = identityFromWallet(wallet, options.user);
  if (existing) {
    const roles = certificateRoles(existing.certificate);
    check(roles, 'wallet');
    return { mspId: org.mspId, user: options.user, outcome: 'wallet', roles };
  }
  const secret = provisioningSecret(resolveIdentity(wallet, org, REGISTRAR_LABEL), options.user);
  let outcome: EnsuredIdentity['outcome'] = 'registered';
  try {
    await register(orgWallet, { user: options.user, roles: options.roles, secret, maxEnrollments: -1 });
  } catch (error) {
    if (!(error instanceof CaRejectedError && /already registered/i.test(error.message))) throw error;
    outcome = 'enrolled';
  }
  let enrolled;
  try {
    enrolled = await enroll(orgWallet, options.user, secret);
  } catch (error) {
    // Enrolled before, but the wallet entry was never written (or was deleted): allow it again.
    if (!(outcome === 'enrolled' && error instanceof CaRejectedError)) throw error;
    await resetEnrollment(orgWallet, { user: options.user, secret });
    enrolled = await enroll(orgWallet, options.user, secret);
  }
  check(enrolled.roles, 'CA');
  return { mspId: org.mspId, user: options.user, outcome, roles: enrolled.roles };
}
