/**
 * What every step of the demo shares: the connection description, one gateway client per
 * (org, user) opened on first use and closed at the end, the run tag that makes this run's IDs
 * unique, and the printer.
 */
import { connect, type EstpClient, syncPeers } from '../gateway/client';
import { type ConnectionInfo, loadConnection } from '../gateway/connection';
import { ChaincodeError } from '../gateway/errors';
import { Printer } from './print';

/** `D20261201T201805Z-3f2a`: UTC time of the run plus a random suffix, safe inside ledger IDs. */
export function newRunTag(now: Date = new Date(), random: () => number = Math.random): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const suffix = Math.floor(random() * 0x10000)
    .toString(16)
    .padStart(4, '0');
  return `D${stamp}-${suffix}`;
}

/** An (org, user) the demo acts as; org is the short name (`community`). */
export interface Actor {
  readonly org: string;
  readonly user: string;
}

export class Session {
  readonly connection: ConnectionInfo;
  readonly runTag: string;
  readonly out: Printer;
  readonly #clients = new Map<string, Promise<EstpClient>>();

  constructor(options: { connection?: ConnectionInfo; runTag?: string; out?: Printer } = {}) {
    this.connection = options.connection ?? loadConnection();
    this.runTag = options.runTag ?? newRunTag();
    this.out = options.out ?? new Printer();
  }

  /** The client of an actor, connected on first use (wallet identity first, then connection.json). */
  client(actor: Actor): Promise<EstpClient> {
    const key = `${actor.org}/${actor.user}`;
    let client = this.#clients.get(key);
    if (!client) {
      client = connect({ org: actor.org, user: actor.user, connection: this.connection });
      this.#clients.set(key, client);
      // A failed connect is not cached, so a later step can try again.
      client.catch(() => this.#clients.delete(key));
    }
    return client;
  }

  /**
   * Waits until every org's peer has committed everything committed so far. A commit is reported by
   * the submitter's own peer; the next step, taken through another org's peer, must not see the
   * ledger as it was a moment before.
   */
  async sync(): Promise<void> {
    const readers = Object.values(this.connection.orgs)
      .filter((org) => org.users['admin'] !== undefined)
      .map((org) => this.client({ org: org.name, user: 'admin' }));
    await syncPeers(await Promise.all(readers));
  }

  /** A run-unique ledger ID, e.g. `D20261201T201805Z-3f2a-ELEC`. */
  id(name: string): string {
    return `${this.runTag}-${name}`;
  }

  /** Closes every client opened. */
  async close(): Promise<void> {
    const clients = await Promise.allSettled(this.#clients.values());
    for (const client of clients) if (client.status === 'fulfilled') client.value.close();
    this.#clients.clear();
  }
}

/** Whether `error` is the chaincode's rejection with `code` (e.g. `ESTP_ALREADY_EXISTS`). */
export function isRejection(error: unknown, code: string): boolean {
  return error instanceof ChaincodeError && error.code === code;
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
