/**
 * The gateway connections of a web service: one {@link EstpClient} per identity of its org, opened
 * on the first request that acts as it and reused by every later one (the gRPC connection to the
 * peer is shared by all of them, see gateway/grpc.ts). Identities come from the library's own
 * resolution (gateway/settings.ts, gateway/identity.ts): the org's profile and wallet in its own
 * directory, and only the service's org.
 */
import { type AdminSigner, newAdminSigner } from '../admin/signer';
import { connect, type ConnectOptions, type EstpClient } from '../gateway/client';
import { resolveIdentity, type SigningIdentity } from '../gateway/identity';
import type { ConnectionProfile, OrgInfo } from '../gateway/profile';
import type { ClientSettings } from '../gateway/settings';

/** Options of an {@link IdentityPool}. */
export interface IdentityPoolOptions {
  /** The org's settings: its profile, org, wallet and directory (gateway/settings.ts). */
  readonly settings: ClientSettings;
  /** Extra connect options (deadlines, retry policy). */
  readonly connectOptions?: Pick<ConnectOptions, 'deadlines' | 'retry' | 'onRetry' | 'pool'>;
}

export class IdentityPool {
  readonly profile: ConnectionProfile;
  readonly org: OrgInfo;
  readonly #options: IdentityPoolOptions;
  readonly #clients = new Map<string, Promise<EstpClient>>();
  readonly #identities = new Map<string, SigningIdentity>();
  #closed = false;

  constructor(options: IdentityPoolOptions) {
    this.profile = options.settings.profile;
    this.org = options.settings.org;
    this.#options = options;
  }

  /** The connected client of a user of the org; a failed connection is not kept. */
  client(user: string): Promise<EstpClient> {
    if (this.#closed) return Promise.reject(new Error('the identity pool is closed'));
    let client = this.#clients.get(user);
    if (!client) {
      const { profile, org, wallet, orgHome } = this.#options.settings;
      client = connect({ ...this.#options.connectOptions, profile, org: org.mspId, wallet, orgHome, user });
      this.#clients.set(user, client);
      client.catch(() => this.#clients.delete(user));
    }
    return client;
  }

  /**
   * The signing identity of a user of the org (certificate and key), read from the org's wallet
   * once.
   * @throws {ConfigError} when the wallet has no such identity of the org.
   */
  identity(user: string): SigningIdentity {
    let identity = this.#identities.get(user);
    if (!identity) {
      identity = resolveIdentity(this.#options.settings.wallet, this.org, user);
      this.#identities.set(user, identity);
    }
    return identity;
  }

  /**
   * A signer of system-chaincode proposals as a user (qscc GetChainInfo on any org's peer: every
   * member of the channel may ask).
   */
  signer(user: string): AdminSigner {
    const identity = this.identity(user);
    return newAdminSigner(identity.mspId, identity.certificate, identity.privateKey);
  }

  /** How many identities have an open connection. */
  get size(): number {
    return this.#clients.size;
  }

  /** Closes every connection. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    const clients = await Promise.allSettled(this.#clients.values());
    for (const client of clients) if (client.status === 'fulfilled') client.value.close();
    this.#clients.clear();
    this.#identities.clear();
  }
}
