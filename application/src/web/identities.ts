/**
 * The gateway connections of a web service: one {@link EstpClient} per identity of its org, opened
 * on the first request that acts as it and reused by every later one (the gRPC connection to the
 * peer is shared by all of them, see gateway/grpc.ts). Identities come from the library's own
 * resolution (the org's wallet, then the connection description), and only of the service's org.
 */
import { type AdminSigner, newAdminSigner } from '../admin/signer';
import { connect, type ConnectOptions, type EstpClient } from '../gateway/client';
import type { ConnectionInfo, OrgInfo } from '../gateway/connection';
import { resolveIdentity, type SigningIdentity } from '../gateway/identity';

/** Options of an {@link IdentityPool}. */
export interface IdentityPoolOptions {
  readonly connection: ConnectionInfo;
  readonly org: OrgInfo;
  /** Wallet root (default: the library's, `ESTP_WALLET` or `wallet/` beside the connection). */
  readonly walletRoot?: string;
  /** Extra connect options (deadlines, retry policy). */
  readonly connectOptions?: Omit<ConnectOptions, 'org' | 'user' | 'connection' | 'walletRoot'>;
}

export class IdentityPool {
  readonly connection: ConnectionInfo;
  readonly org: OrgInfo;
  readonly #options: IdentityPoolOptions;
  readonly #clients = new Map<string, Promise<EstpClient>>();
  readonly #identities = new Map<string, Promise<SigningIdentity>>();
  #closed = false;

  constructor(options: IdentityPoolOptions) {
    this.connection = options.connection;
    this.org = options.org;
    this.#options = options;
  }

  /** The connected client of a user of the org; a failed connection is not kept. */
  client(user: string): Promise<EstpClient> {
    if (this.#closed) return Promise.reject(new Error('the identity pool is closed'));
    let client = this.#clients.get(user);
    if (!client) {
      client = connect({
        ...this.#options.connectOptions,
        org: this.org.mspId,
        user,
        connection: this.connection,
        ...(this.#options.walletRoot === undefined ? {} : { walletRoot: this.#options.walletRoot }),
      });
      this.#clients.set(user, client);
      client.catch(() => this.#clients.delete(user));
    }
    return client;
  }

  /** The signing identity of a user of the org (certificate and key), read once. */
  identity(user: string): Promise<SigningIdentity> {
    let identity = this.#identities.get(user);
    if (!identity) {
      identity = resolveIdentity(this.connection, this.org, user, this.#options.walletRoot);
      this.#identities.set(user, identity);
      identity.catch(() => this.#identities.delete(user));
    }
    return identity;
  }

  /**
   * A signer of system-chaincode proposals as a user (qscc GetChainInfo on any org's peer: every
   * member of the channel may ask).
   */
  async signer(user: string): Promise<AdminSigner> {
    const identity = await this.identity(user);
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
