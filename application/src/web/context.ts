/**
 * What every request handler of the web service works with: the service's state (its org, the
 * identity pool, the API keys, display settings) and, per request, the URL and the caller.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { EstpClient } from '../gateway/client';
import type { ConnectionProfile, OrgInfo } from '../gateway/profile';
import { type ApiKeyEntry, type ApiKeyStore, presentedKey } from './api-keys';
import type { DisplaySettings, VerifySummary } from './api-types';
import { type RouteSpec, WebError } from './http';
import type { IdentityPool } from './identities';

/** The state one web service shares between its requests. */
export interface ServiceState {
  /** The org's connection profile (channel, chaincode, every member org's peers). */
  readonly profile: ConnectionProfile;
  /** The org whose identities this service holds (and no other). */
  readonly org: OrgInfo;
  readonly pool: IdentityPool;
  readonly keys: ApiKeyStore;
  readonly display: DisplaySettings;
  /** One line per notable event (startup, 5xx errors) for the service's log. */
  readonly log: (line: string) => void;
  /** Aborted when the service shuts down: long-running answers (event streams, verify) end. */
  readonly shutdown: AbortSignal;
  lastVerify: VerifySummary | undefined;
  verifying: boolean;
  /** Open event streams (bounded). */
  streams: number;
}

/** The caller of an authenticated request: the API key's entry and its identity's client. */
export interface Caller {
  readonly key: ApiKeyEntry;
  /** `<mspId>:<user>`, the caller's participant ID. */
  readonly participantId: string;
  /** The shared gateway client of the key's identity. */
  client(): Promise<EstpClient>;
  /** @throws {WebError} 403 when the key is read-only. */
  requireWrite(): void;
}

/** One request being answered. */
export class RequestContext {
  readonly service: ServiceState;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  /** When the request arrived (performance.now()). */
  readonly started = performance.now();
  #caller: Caller | undefined;

  constructor(service: ServiceState, req: IncomingMessage, res: ServerResponse, url: URL) {
    this.service = service;
    this.req = req;
    this.res = res;
    this.url = url;
  }

  /**
   * A `Server-Timing` header value: the time spent waiting for the ledger (the gateway call) and
   * the web layer's own time (everything else since the request arrived), in ms.
   */
  serverTiming(ledgerMs: number): string {
    const web = performance.now() - this.started - ledgerMs;
    return `ledger;dur=${ledgerMs.toFixed(2)}, web;dur=${web.toFixed(2)}`;
  }

  /** The caller if the request was authenticated, without asking for a key. */
  get authenticated(): Caller | undefined {
    return this.#caller;
  }

  /** The query parameters. */
  get query(): URLSearchParams {
    return this.url.searchParams;
  }

  /**
   * The caller, from the request's API key.
   * @throws {WebError} 401 `ESTP_UNAUTHENTICATED` without a key, or with an unknown or revoked one.
   */
  caller(): Caller {
    if (this.#caller) return this.#caller;
    const presented = presentedKey(this.req.headers);
    const challenge = { 'WWW-Authenticate': 'Bearer realm="estp"' };
    if (presented === undefined) {
      throw new WebError(
        401,
        'ESTP_UNAUTHENTICATED',
        'an API key is required: Authorization: Bearer <key> (create one with `estp api-key create`)',
        challenge,
      );
    }
    const key = this.service.keys.authenticate(presented);
    if (!key) {
      throw new WebError(401, 'ESTP_UNAUTHENTICATED', 'the API key is unknown or revoked', challenge);
    }
    const { pool, org } = this.service;
    this.#caller = {
      key,
      participantId: `${org.mspId}:${key.user}`,
      client: () => pool.client(key.user),
      requireWrite: () => {
        if (key.readOnly) {
          throw new WebError(
            403,
            'ESTP_FORBIDDEN',
            `API key ${key.id} is read-only: it cannot submit transactions`,
          );
        }
      },
    };
    return this.#caller;
  }
}

/** A route of the web service. */
export type Route = RouteSpec<RequestContext>;
