/**
 * A trading world for the Market, Settlement and Dispute tests: the founding orgs bootstrapped,
 * service identities (market admin, treasurer, meter, verifier, one ACTIVE arbiter per org) and helpers to
 * make funded ACTIVE traders, open markets and read accounts — all through the real transactions.
 */
import { DisputeContract } from '../../chaincode/src/contracts/dispute';
import { MarketContract } from '../../chaincode/src/contracts/market';
import { SettlementContract } from '../../chaincode/src/contracts/settlement';
import type { Market, Offer } from '../../chaincode/src/market/model';
import { ChaincodeStub } from 'fabric-shim';
import { type Account, type AccountDelta, emptyAccount } from '../../chaincode/src/lib/accounts';
import type { Trade } from '../../chaincode/src/settlement/model';
import { MINT_LANE, MINT_LANE_CAP, type MintLane } from '../../chaincode/src/lib/mint-lanes';
import { type Endorsed, TestLedger, type TestIdentity, type ValidationCode } from '../support/fixture';
import {
  activeParticipant,
  adminOf,
  bootstrapConsortium,
  participantContract,
  type Profile,
} from '../support/world';

export const markets = new MarketContract();
export const settlement = new SettlementContract();
export const disputes = new DisputeContract();

export const HOUR = 60 * 60 * 1000;
export const HASH = 'a'.repeat(64);
export const HASH2 = 'b'.repeat(64);

export interface TradingWorld {
  ledger: TestLedger;
  /** UtilityMSP admin: opens markets. */
  admin: TestIdentity;
  treasurer: TestIdentity;
  meter: TestIdentity;
  /** EnterpriseMSP verifier. */
  verifier: TestIdentity;
  arbiters: { UtilityMSP: TestIdentity; EnterpriseMSP: TestIdentity; CommunityMSP: TestIdentity };
}

export async function tradingWorld(): Promise<TradingWorld> {
  const ledger = await TestLedger.create();
  await bootstrapConsortium(ledger);
  return {
    ledger,
    admin: await adminOf(ledger, 'UtilityMSP'),
    treasurer: await ledger.identity('UtilityMSP', 'treasurer', ['treasurer']),
    meter: await ledger.identity('UtilityMSP', 'meter', ['meter']),
    verifier: await ledger.identity('EnterpriseMSP', 'verifier', ['verifier']),
    // Arbiters rule only as ACTIVE participants (docs/trust.md).
    arbiters: {
      UtilityMSP: await activeParticipant(ledger, 'UtilityMSP', 'arbiter', ['arbiter']),
      EnterpriseMSP: await activeParticipant(ledger, 'EnterpriseMSP', 'arbiter', ['arbiter']),
      CommunityMSP: await activeParticipant(ledger, 'CommunityMSP', 'arbiter', ['arbiter']),
    },
  };
}

let references = 0;

/** Deposits `amount` credits into `participantId`'s account. */
export async function fund(world: TradingWorld, participantId: string, amount: number): Promise<void> {
  references += 1;
  await world.ledger.submit(settlement, 'Deposit', world.treasurer, {
    accountId: participantId,
    amount,
    reference: `dep-${references}`,
  });
}

/** An ACTIVE member trading every commodity in ZONE-A (override with `profile`), funded with `credits`. */
export async function trader(
  world: TradingWorld,
  mspId: string,
  enrollmentId: string,
  credits = 0,
  profile: Partial<Profile> = {},
): Promise<TestIdentity> {
  const identity = await activeParticipant(world.ledger, mspId, enrollmentId, ['member'], {
    commodities: ['ELECTRICITY', 'HEAT', 'SAVINGS_CERT'],
    gridZone: 'ZONE-A',
    ...profile,
  });
  if (credits > 0) await fund(world, identity.participantId, credits);
  return identity;
}

/** Market times relative to a start time: gate closure +1 h, delivery +2 h…+3 h, report deadline +4 h, settle +5 h. */
export function marketTimes(start: number) {
  return {
    gateClosure: start + HOUR,
    deliveryStart: start + 2 * HOUR,
    deliveryEnd: start + 3 * HOUR,
    reportDeadline: start + 4 * HOUR,
    disputeWindowMs: HOUR,
  };
}

/** Opens a market whose gate closes one hour after the ledger's current time. */
export async function openMarket(
  world: TradingWorld,
  marketId: string,
  overrides: Record<string, unknown> = {},
): Promise<Market> {
  const { result } = await world.ledger.submit<Market>(markets, 'OpenMarket', world.admin, {
    marketId,
    commodity: 'ELECTRICITY',
    gridZone: 'ZONE-A',
    ...marketTimes(world.ledger.now()),
    ...overrides,
  });
  return result;
}

/** The participant's org admin suspends it (its offers are then skipped by the clearing). */
export async function suspend(world: TradingWorld, who: TestIdentity, reason = 'audit'): Promise<void> {
  await world.ledger.submit(participantContract, 'Suspend', await adminOf(world.ledger, who.mspId), {
    id: who.participantId,
    reason,
  });
}

export async function post(
  world: TradingWorld,
  who: TestIdentity,
  input: {
    offerId: string;
    marketId: string;
    side: 'BUY' | 'SELL';
    quantityWh: number;
    price: number;
    minFillWh?: number;
  },
): Promise<Offer> {
  return (await world.ledger.submit<Offer>(markets, 'PostOffer', who, input)).result;
}

/** Runs ClearMarket until the market is CLEARED; returns the number of transactions. */
export async function clearFully(
  world: TradingWorld,
  who: TestIdentity,
  marketId: string,
  batchSize?: number,
): Promise<number> {
  for (let n = 1; ; n += 1) {
    const { result } = await world.ledger.submit<{ batch: { done: boolean } }>(markets, 'ClearMarket', who, {
      marketId,
      batchSize,
    });
    if (result.batch.done) return n;
  }
}

/**
 * Whether `key` is an account delta's `(Account, id, txId, n)` (lib/keys.ts `accountDeltaKey`),
 * not an account record's `(Account, id)`: the two share one key range.
 */
export function isAccountDeltaKey(key: string): boolean {
  const { objectType, attributes } = ChaincodeStub.prototype.splitCompositeKey.call(undefined, key);
  return objectType === 'Account' && attributes.length === 3;
}

/** The committed account records (without the deltas beside them in the `Account` range). */
export function accountRecords(ledger: TestLedger): Account[] {
  return [...ledger.state()]
    .filter(([key]) => key.startsWith(ledger.key('Account')) && !isAccountDeltaKey(key))
    .map(([, bytes]) => JSON.parse(Buffer.from(bytes).toString('utf8')) as Account);
}

/** The committed account deltas, in key order (each account's after its record). */
export function accountDeltas(ledger: TestLedger): AccountDelta[] {
  return [...ledger.state()]
    .filter(([key]) => isAccountDeltaKey(key))
    .map(([, bytes]) => JSON.parse(Buffer.from(bytes).toString('utf8')) as AccountDelta);
}

/** A participant's account as GetAccount shows it: its record plus its unmerged deltas. */
export function account(world: TradingWorld, participantId: string): Account {
  return accounts(world).find((a) => a.id === participantId) ?? emptyAccount(participantId, '');
}

/**
 * Every account as it stands (record + deltas), checking on the way that the record alone never
 * holds a negative balance and that deltas only add, except to escrow (lib/accounts.ts).
 */
export function accounts(world: TradingWorld): Account[] {
  const byId = new Map<string, Account>();
  for (const record of accountRecords(world.ledger)) {
    expect(Math.min(record.available, record.escrowed, record.certificatesHeldWh)).toBeGreaterThanOrEqual(0);
    byId.set(record.id, { ...record });
  }
  for (const delta of accountDeltas(world.ledger)) {
    const a = byId.get(delta.accountId) ?? emptyAccount(delta.accountId, '');
    for (const field of ['available', 'certificatesHeldWh', 'minted'] as const) {
      expect(delta[field] ?? 0).toBeGreaterThanOrEqual(0);
      a[field] += delta[field] ?? 0;
    }
    for (const field of ['escrowed', 'certificatesEscrowedWh'] as const) {
      expect(delta[field] ?? 0).toBeLessThanOrEqual(0);
      a[field] += delta[field] ?? 0;
    }
    byId.set(a.id, a);
  }
  // The cap's count: every account's lanes hold exactly what its record and deltas say it minted.
  const inLanes = new Map<string, number>();
  for (const lane of world.ledger.records<MintLane>(MINT_LANE)) {
    expect(lane.minted).toBeGreaterThan(0);
    expect(lane.minted).toBeLessThanOrEqual(MINT_LANE_CAP);
    inLanes.set(lane.accountId, (inLanes.get(lane.accountId) ?? 0) + lane.minted);
  }
  for (const a of byId.values()) expect([a.id, inLanes.get(a.id) ?? 0]).toEqual([a.id, a.minted]);
  for (const id of inLanes.keys()) expect(byId.has(id)).toBe(true);
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

export function trades(world: TradingWorld): Trade[] {
  return world.ledger.records<Trade>('Trade');
}

export function offer(world: TradingWorld, id: string): Offer {
  const record = world.ledger.readRecord<Offer>('Offer', id);
  if (!record) throw new Error(`no offer ${id}`);
  return record;
}

/**
 * Both conservation invariants over the committed state, plus the escrow cross-check: every
 * account's escrow equals what its open offers and unsettled trades lock.
 */
export function checkInvariants(world: TradingWorld): void {
  const all = accounts(world);
  const sum = (f: (a: Account) => number) => all.reduce((total, a) => total + f(a), 0);
  expect(sum((a) => a.minted) - sum((a) => a.burned)).toBe(sum((a) => a.available) + sum((a) => a.escrowed));
  expect(sum((a) => a.certificatesIssuedWh) - sum((a) => a.certificatesRetiredWh)).toBe(
    sum((a) => a.certificatesHeldWh) + sum((a) => a.certificatesEscrowedWh),
  );
  for (const a of all) {
    expect(a.available).toBeGreaterThanOrEqual(0);
    expect(a.escrowed).toBeGreaterThanOrEqual(0);
  }
  const lockedMoney = new Map<string, number>();
  const lockedCerts = new Map<string, number>();
  const addTo = (map: Map<string, number>, id: string, amount: number) =>
    map.set(id, (map.get(id) ?? 0) + amount);
  for (const o of world.ledger.records<Offer>('Offer')) {
    if (o.status !== 'OPEN') {
      expect(o.moneyLocked).toBe(0);
      expect(o.certificatesLockedWh).toBe(0);
    }
    addTo(lockedMoney, o.owner, o.moneyLocked);
    addTo(lockedCerts, o.owner, o.certificatesLockedWh);
  }
  for (const t of world.ledger.records<Trade>('Trade')) {
    if (t.status === 'SETTLED') continue;
    addTo(lockedMoney, t.buyer, t.value);
    addTo(lockedMoney, t.seller, t.collateral);
  }
  for (const a of all) {
    expect([a.id, a.escrowed]).toEqual([a.id, lockedMoney.get(a.id) ?? 0]);
    expect([a.id, a.certificatesEscrowedWh]).toEqual([a.id, lockedCerts.get(a.id) ?? 0]);
  }
}

/**
 * Commits transactions simulated together in the order `seed` picks (any order, as the peer's
 * validator meets them), checking the invariants after each; returns their validation codes.
 */
export function commitInAnyOrder(
  world: TradingWorld,
  endorsed: readonly Endorsed<unknown>[],
  seed: number,
): ValidationCode[] {
  const codes: ValidationCode[] = [];
  const pending = [...endorsed];
  let pick = seed;
  while (pending.length > 0) {
    const [tx] = pending.splice(pick % pending.length, 1);
    pick = Math.floor(pick / 2) + 7;
    codes.push(world.ledger.commitEndorsed(tx!));
    checkInvariants(world);
  }
  return codes;
}
