/**
 * One shared gRPC client per peer. A gRPC client owns a connection (HTTP/2, TLS handshake), which is
 * expensive and meant to be reused by every gateway talking to the same peer, whatever the identity.
 * Clients are reference-counted: {@link GrpcClientPool.acquire} opens or reuses one, the returned
 * lease's `release()` closes it when the last user is done.
 */
import * as grpc from '@grpc/grpc-js';
import type { PeerInfo } from './profile';

/** A use of a shared client; call `release()` exactly once (later calls are ignored). */
export interface GrpcLease {
  readonly client: grpc.Client;
  release(): void;
}

interface Entry {
  readonly client: grpc.Client;
  users: number;
}

/** Creates a TLS gRPC client for a peer, checking its certificate against the org's TLS root. */
export function newPeerClient(peer: PeerInfo): grpc.Client {
  return new grpc.Client(peer.endpoint, grpc.credentials.createSsl(Buffer.from(peer.tlsRootCert)), {
    // The peer's certificate names its host alias (and its address and host name).
    'grpc.ssl_target_name_override': peer.hostAlias,
    'grpc.default_authority': peer.hostAlias,
  });
}

/** Reference-counted gRPC clients keyed by peer endpoint. */
export class GrpcClientPool {
  readonly #entries = new Map<string, Entry>();
  readonly #create: (peer: PeerInfo) => grpc.Client;

  constructor(create: (peer: PeerInfo) => grpc.Client = newPeerClient) {
    this.#create = create;
  }

  /** A lease on the shared client for `peer`, creating the client on first use. */
  acquire(peer: PeerInfo): GrpcLease {
    const key = `${peer.endpoint}|${peer.hostAlias}|${peer.tlsRootCert}`;
    let entry = this.#entries.get(key);
    if (!entry) {
      entry = { client: this.#create(peer), users: 0 };
      this.#entries.set(key, entry);
    }
    entry.users++;
    const leased = entry;
    let released = false;
    return {
      client: leased.client,
      release: () => {
        if (released) return;
        released = true;
        leased.users--;
        if (leased.users === 0) {
          this.#entries.delete(key);
          leased.client.close();
        }
      },
    };
  }

  /** Number of open clients. */
  get size(): number {
    return this.#entries.size;
  }

  /** Closes every client, leased or not (process shutdown). */
  closeAll(): void {
    for (const entry of this.#entries.values()) entry.client.close();
    this.#entries.clear();
  }
}

/** The process-wide pool {@link connect} uses unless given another. */
export const sharedGrpcClients = new GrpcClientPool();
