/**
 * One shared gRPC client per peer. A gRPC client owns a connection (HTTP/2, TLS handshake), which is
 * expensive and meant to be reused by every gateway talking to the same peer, whatever the identity.
 * Clients are reference-counted: {@link GrpcClientPool.acquire} opens or reuses one, the returned
 * lease's `release()` closes it when the last user is done.
 *
 * Closing a client also ends a TLS handshake still in progress: grpc-js leaves that socket open
 * when its channel closes, so a peer that accepts TCP and never answers TLS would keep the process
 * alive after every client was closed (see {@link HandshakeClosingCredentials}).
 */
import type { Socket } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import type { PeerInfo } from './profile';

type SecureConnector = ReturnType<grpc.ChannelCredentials['_createSecureConnector']>;

/**
 * TLS channel credentials whose connections are torn down when their channel shuts down, pending
 * handshakes included. They wrap grpc-js's own TLS credentials and only track the sockets handed
 * to the TLS handshake until it completes: grpc-js's connector forgets those on shutdown, and an
 * unanswered handshake has no timeout of its own.
 */
export class HandshakeClosingCredentials extends grpc.ChannelCredentials {
  readonly #tls: grpc.ChannelCredentials;

  constructor(tls: grpc.ChannelCredentials) {
    super();
    this.#tls = tls;
  }

  override _isSecure(): boolean {
    return this.#tls._isSecure();
  }

  override _equals(other: grpc.ChannelCredentials): boolean {
    return other === this;
  }

  override _createSecureConnector(
    ...args: Parameters<grpc.ChannelCredentials['_createSecureConnector']>
  ): SecureConnector {
    const connector = this.#tls._createSecureConnector(...args);
    const handshaking = new Set<Socket>();
    return {
      connect: async (socket) => {
        handshaking.add(socket);
        try {
          return await connector.connect(socket);
        } finally {
          handshaking.delete(socket);
        }
      },
      waitForReady: () => connector.waitForReady(),
      getCallCredentials: () => connector.getCallCredentials(),
      destroy: () => {
        for (const socket of handshaking) socket.destroy();
        handshaking.clear();
        connector.destroy();
      },
    };
  }
}

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
  const tls = grpc.credentials.createSsl(Buffer.from(peer.tlsRootCert));
  return new grpc.Client(peer.endpoint, new HandshakeClosingCredentials(tls), {
    // The peer's certificate names its host alias (and its address and host name).
    'grpc.ssl_target_name_override': peer.hostAlias,
    'grpc.default_authority': peer.hostAlias,
  });
}

/**
 * Whether `client` has (or makes) a connection to its peer before `deadline` (ms since the epoch):
 * `true` once READY; `false` at the deadline or as soon as a connection attempt fails (refused,
 * reset, TLS error), without waiting for gRPC's reconnect backoff.
 */
export function connectsWithin(client: grpc.Client, deadline: number): Promise<boolean> {
  const channel = client.getChannel();
  return new Promise((resolve) => {
    const check = (): void => {
      const state = channel.getConnectivityState(true);
      if (state === grpc.connectivityState.READY) {
        resolve(true);
      } else if (
        state === grpc.connectivityState.TRANSIENT_FAILURE ||
        state === grpc.connectivityState.SHUTDOWN ||
        Date.now() >= deadline
      ) {
        resolve(false);
      } else {
        channel.watchConnectivityState(state, deadline, (error) => {
          if (error) resolve(false);
          else check();
        });
      }
    };
    check();
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
