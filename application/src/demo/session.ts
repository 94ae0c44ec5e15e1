/**
 * What every step of the demo shares: each org's settings (its connection profile and wallet,
 * `.fabric/orgs/<org>`), one gateway client per (org, user) opened on first use and closed at the
 * end, the run tag that makes this run's IDs unique, and the printer. The demo plays every org of
 * this machine's network, each through its own profile, wallet and peer.
 */
import { connect, type EstpClient, syncPeers } from '../gateway/client';
import { ChaincodeError } from '../gateway/errors';
import type { ConnectionProfile } from '../gateway/profile';
import { type ClientSettings, resolveSettings } from '../gateway/settings';
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

/** The org whose profile tells the demo the channel and its member orgs. */
const HOST_ORG = 'utility';

export class Session {
  /** The channel, chaincode and member orgs, from the host org's profile. */
  readonly profile: ConnectionProfile;
  readonly runTag: string;
  readonly out: Printer;
  readonly #clients = new Map<string, Promise<EstpClient>>();
  readonly #settings = new Map<string, ClientSettings>();

  constructor(options: { runTag?: string; out?: Printer } = {}) {
    this.profile = this.settings(HOST_ORG).profile;
    this.runTag = options.runTag ?? newRunTag();
    this.out = options.out ?? new Printer();
  }

  /** An org's settings: its own profile and wallet (.fabric/orgs/<org>). */
  settings(org: string): ClientSettings {
    let settings = this.#settings.get(org);
    if (!settings) {
      settings = resolveSettings({ org });
      this.#settings.set(org, settings);
    }
    return settings;
  }

  /** The client of an actor, connected on first use with the identity in its org's wallet. */
  client(actor: Actor): Promise<EstpClient> {
    const key = `${actor.org}/${actor.user}`;
    let client = this.#clients.get(key);
    if (!client) {
      const settings = this.settings(actor.org);
      client = connect({
        profile: settings.profile,
        org: actor.org,
        user: actor.user,
        wallet: settings.wallet,
      });
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
    const readers = Object.values(this.profile.orgs).map((org) =>
      this.client({ org: org.name, user: 'admin' }),
    );
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
