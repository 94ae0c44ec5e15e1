/**
 * Identities from an org's Fabric CA: registration (with the ESTP roles as the certificate
 * attribute `estp.role`) and enrolment into the org's wallet.
 *
 * Registration is done by the CA's registrar — the wallet entry `registrar`, which the network
 * enrols into each org's wallet, so its secret stays in the org's directory — or by any identity
 * of the org holding registrar rights (`--as`). The roles travel as one ecert attribute,
 * comma-separated (`estp.role=member,arbiter`), which is how the chaincode reads them.
 */
import type FabricCAServices from 'fabric-ca-client';
import type { User } from 'fabric-common';
import { ConfigError, EstpClientError, ExitCode, UnavailableError, UsageError } from './errors';
import { resolveIdentity, type SigningIdentity, writeWalletEntry } from './identity';
import type { OrgInfo } from './profile';

/** The wallet label of the org's CA registrar (enrolled by `npm run network:up`). */
export const REGISTRAR_LABEL = 'registrar';

/** An org's CA as its own tools reach it: the org (with its CA) and its wallet. */
export interface OrgWallet {
  readonly org: OrgInfo;
  /** The org's wallet directory. */
  readonly wallet: string;
}

/** The ESTP roles (docs/design.md#roles). */
export const ESTP_ROLES = [
  'admin',
  'member',
  'meter',
  'treasurer',
  'arbiter',
  'auditor',
  'verifier',
] as const;

/** How long a CA request may stay silent before it fails as unreachable. */
export const CA_SOCKET_TIMEOUT_MS = 20_000;

/** The certificate attribute carrying the roles. */
export const ROLE_ATTRIBUTE = 'estp.role';

/** The CA refused the request (already registered, wrong secret, no authority). Exit code 1. */
export class CaRejectedError extends EstpClientError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'CA_REJECTED', ExitCode.Rejected, options);
  }
}

/**
 * Parses `member,arbiter` into roles, rejecting unknown ones and duplicates.
 * @throws {UsageError}
 */
export function parseRoles(text: string): string[] {
  const roles = text
    .split(',')
    .map((role) => role.trim())
    .filter((role) => role !== '');
  if (roles.length === 0) throw new UsageError('--roles needs at least one role');
  const known: readonly string[] = ESTP_ROLES;
  for (const role of roles) {
    if (!known.includes(role))
      throw new UsageError(`unknown role "${role}"; known: ${ESTP_ROLES.join(', ')}`);
  }
  if (new Set(roles).size !== roles.length) throw new UsageError(`--roles repeats a role: ${text}`);
  return roles;
}

const UNREACHABLE =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|socket hang up|CONNECTION Timeout|timeout/i;

/** Translates a fabric-ca-client failure. */
export function caError(error: unknown, action: string, org: OrgInfo): EstpClientError {
  if (error instanceof EstpClientError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const url = org.ca?.url ?? '?';
  if (UNREACHABLE.test(message)) {
    return new UnavailableError(
      `${action}: the CA of ${org.mspId} at ${url} is unreachable (${message}); is the network up?`,
      'CA_UNAVAILABLE',
      undefined,
      { cause: error },
    );
  }
  // fabric-ca-client: "fabric-ca request register failed with errors [[ { code: 74, message: '…' } ]]"
  const detail = /message:\s*(['"])(.*?)\1/s.exec(message)?.[2] ?? message;
  return new CaRejectedError(`${action}: the CA of ${org.mspId} refused: ${detail}`, { cause: error });
}

async function caService(org: OrgInfo): Promise<FabricCAServices> {
  const ca = org.ca;
  if (!ca)
    throw new ConfigError(
      `${org.mspId} has no CA in the connection profile (only the org's own profile names it)`,
    );
  const { default: Services } = await import('fabric-ca-client');
  // fabric-ca-client gives up after 3 s without a byte on the socket; a CA hashing secrets with
  // bcrypt for several callers on a busy machine takes longer (seen: register timing out at 3 s).
  // The setting is fabric-common's (inherited static), not in fabric-ca-client's typings.
  (Services as unknown as { setConfigSetting(name: string, value: unknown): void }).setConfigSetting(
    'connection-timeout',
    CA_SOCKET_TIMEOUT_MS,
  );
  return new Services(ca.url, { trustedRoots: [ca.tlsRootCert], verify: true }, ca.caName);
}

/** A fabric-common `User` for an identity (what fabric-ca-client signs requests with). */
async function userContext(identity: SigningIdentity): Promise<User> {
  const { User: Users } = await import('fabric-common');
  return Users.createUser(identity.user, '', identity.mspId, identity.certificate, identity.privateKey);
}

/** The attributes a (re-)enrolment asks for: the ESTP roles and the CA's standard ones. */
const ENROLL_ATTRIBUTES = [ROLE_ATTRIBUTE, 'hf.EnrollmentID', 'hf.Type', 'hf.Affiliation'].map((name) => ({
  name,
  optional: true,
}));

/** The outcome of an enrolment. */
export interface EnrollResult {
  readonly mspId: string;
  readonly user: string;
  readonly wallet: string;
  /** `enroll` with a secret, or `reenroll` of an existing identity. */
  readonly method: 'enroll' | 'reenroll';
  /** The roles in the new certificate (`estp.role`), when present. */
  readonly roles: readonly string[];
}

/**
 * Enrolls `user` with the org's CA into the org's wallet: with `secret` a first enrolment, without
 * one a re-enrolment of the wallet's identity `user`, which renews its certificate. The wallet
 * entry is replaced.
 */
export async function enroll(
  { org, wallet }: OrgWallet,
  user: string,
  secret: string | undefined,
): Promise<EnrollResult> {
  const ca = await caService(org);
  let response: FabricCAServices.IEnrollResponse;
  const method = secret === undefined ? 'reenroll' : 'enroll';
  try {
    if (secret === undefined) {
      response = await ca.reenroll(await userContext(resolveIdentity(wallet, org, user)), ENROLL_ATTRIBUTES);
    } else {
      response = await ca.enroll({
        enrollmentID: user,
        enrollmentSecret: secret,
        attr_reqs: ENROLL_ATTRIBUTES,
      });
    }
  } catch (error) {
    throw caError(error, `${method} ${user}`, org);
  }
  writeWalletEntry(wallet, {
    mspId: org.mspId,
    user,
    certificate: response.certificate,
    privateKey: response.key.toBytes(),
  });
  return { mspId: org.mspId, user, wallet, method, roles: certificateRoles(response.certificate) };
}

/** Options of {@link register}. */
export interface RegisterOptions {
  readonly user: string;
  readonly roles: readonly string[];
  /** The enrolment secret; the CA generates one when absent. */
  readonly secret?: string;
  /** Register as this wallet identity of the org instead of the CA's registrar (`registrar`). */
  readonly as?: string;
  /** How many enrolments the secret allows (CA default 1; -1 = unlimited where the CA allows). */
  readonly maxEnrollments?: number;
}

/** The outcome of a registration. */
export interface RegisterResult {
  readonly mspId: string;
  readonly user: string;
  readonly secret: string;
  readonly roles: readonly string[];
  /** The affiliation used ('' when the CA has none for the org). */
  readonly affiliation: string;
  readonly registrar: string;
}

/**
 * The registrar identity of the org: `as`, else the CA's registrar, from the org's wallet.
 * @throws {ConfigError} when the wallet does not hold it.
 */
function registrarOf({ org, wallet }: OrgWallet, as: string | undefined): SigningIdentity {
  return resolveIdentity(wallet, org, as ?? REGISTRAR_LABEL);
}

/**
 * Registers a new client identity with the org's CA, with `estp.role=<roles>` as an ecert attribute
 * and the org's affiliation (falling back to none when the CA does not know it).
 */
export async function register(orgWallet: OrgWallet, options: RegisterOptions): Promise<RegisterResult> {
  const { org } = orgWallet;
  const ca = await caService(org);
  const registrarIdentity = registrarOf(orgWallet, options.as);
  const registrar = await userContext(registrarIdentity);

  const request = (affiliation: string): FabricCAServices.IRegisterRequest => ({
    enrollmentID: options.user,
    role: 'client',
    affiliation,
    attrs: [{ name: ROLE_ATTRIBUTE, value: options.roles.join(','), ecert: true }],
    ...(options.secret === undefined ? {} : { enrollmentSecret: options.secret }),
    ...(options.maxEnrollments === undefined ? {} : { maxEnrollments: options.maxEnrollments }),
  });
  let affiliation = org.name;
  let secret: string;
  try {
    try {
      secret = await ca.register(request(affiliation), registrar);
    } catch (error) {
      if (!/affiliation/i.test(error instanceof Error ? error.message : String(error))) throw error;
      affiliation = '';
      secret = await ca.register(request(affiliation), registrar);
    }
  } catch (error) {
    const failure = caError(error, `register ${options.user}`, org);
    if (options.as !== undefined && /authori[sz]ation failure/i.test(failure.message)) {
      throw new CaRejectedError(
        `${failure.message}: ${options.as} has no registrar rights; omit --as to use the CA's registrar`,
        { cause: error },
      );
    }
    throw failure;
  }
  return {
    mspId: org.mspId,
    user: options.user,
    secret,
    roles: options.roles,
    affiliation,
    registrar: registrarIdentity.user,
  };
}

/**
 * Lets an identity the CA knows enrol again: sets its secret and unlimited enrolments, as the CA's
 * registrar (identity service update). For an identity whose earlier enrolment was lost (e.g. a
 * wallet deleted, a run killed between enrolment and saving it).
 */
export async function resetEnrollment(
  orgWallet: OrgWallet,
  options: { readonly user: string; readonly secret: string },
): Promise<void> {
  const { org } = orgWallet;
  const ca = await caService(org);
  const registrar = await userContext(registrarOf(orgWallet, undefined));
  try {
    // Empty fields are left as they are by the CA.
    await ca
      .newIdentityService()
      .update(
        options.user,
        { enrollmentID: options.user, affiliation: '', enrollmentSecret: options.secret, maxEnrollments: -1 },
        registrar,
      );
  } catch (error) {
    throw caError(error, `reset the enrolment of ${options.user}`, org);
  }
}

/**
 * The `estp.role` roles in a PEM certificate: Fabric CA puts attributes as JSON
 * (`{"attrs":{"estp.role":"member"}}`) into extension 1.2.3.4.5.6.7.8.1.
 */
export function certificateRoles(certificatePem: string): string[] {
  const attrs = certificateAttributes(certificatePem);
  const value = attrs[ROLE_ATTRIBUTE];
  return value === undefined ? [] : value.split(',').filter((role) => role !== '');
}

/** The Fabric CA attributes in a PEM certificate (empty when it has none). */
export function certificateAttributes(certificatePem: string): Record<string, string> {
  const base64 = certificatePem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const der = Buffer.from(base64, 'base64').toString('latin1');
  const match = /\{"attrs":\{[^}]*\}\}/.exec(der);
  if (!match) return {};
  try {
    const parsed = JSON.parse(match[0]) as { attrs: Record<string, unknown> };
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(parsed.attrs)) if (typeof value === 'string') out[key] = value;
    return out;
  } catch {
    return {};
  }
}
