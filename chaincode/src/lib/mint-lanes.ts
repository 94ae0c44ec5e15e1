/**
 * The lifetime mint cap of an account, split into lanes so that concurrent deposits to one account
 * do not conflict (docs/trading.md#hot-accounts).
 *
 * An account may be minted at most {@link MAX_ACCOUNT_TOTAL} in its lifetime. That allowance is
 * split into {@link MINT_LANES} equal lanes of {@link MINT_LANE_CAP} (10¹⁵ / 1000 = 10¹², exactly
 * one maximal Deposit), each its own record `(MintLane, accountId, lane) → { accountId, lane,
 * minted }`. A Deposit reads and writes only the lane its transaction ID hashes to (and pays the
 * account with a delta, lib/accounts.ts), so two deposits to one account conflict only when they
 * hash to the same lane (≈ 1 in 1000). When that lane has no room for the amount, the Deposit reads
 * every lane of the account (one range read, at most 1000 records) and takes the amount from the
 * lanes with room, in order from its own: it is refused only when all lanes together lack room, so
 * the cap is exact — Σ minted ≤ 10¹⁵ always, and reached to the unit. A client that grinds its
 * transaction IDs into one lane only makes its own deposits spill (and conflict) sooner.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'fabric-contract-api';
import { LimitExceededError } from './errors';
import { results } from './iterate';
import { fromBytes, toBytes } from './json';
import { MAX_ACCOUNT_TOTAL } from './money';

/** The object type of the lanes' composite keys `(MintLane, accountId, lane)`. */
export const MINT_LANE = 'MintLane';
/** How many lanes one account's lifetime mint allowance is split into. */
export const MINT_LANES = 1000;
/** Each lane's share of {@link MAX_ACCOUNT_TOTAL}: 10¹² (exact: 10¹⁵ / 1000). */
export const MINT_LANE_CAP = MAX_ACCOUNT_TOTAL / MINT_LANES;

/** One lane: how much of its share the account has minted. */
export interface MintLane {
  accountId: string;
  lane: number;
  minted: number;
}

/** The lane a transaction's deposits use: sha256(txId) mod {@link MINT_LANES}. */
export function laneOf(txId: string): number {
  const digest = createHash('sha256').update(txId).digest();
  return digest.readUInt32BE(0) % MINT_LANES;
}

function laneKey(ctx: Context, accountId: string, lane: number): string {
  return ctx.stub.createCompositeKey(MINT_LANE, [accountId, String(lane).padStart(3, '0')]);
}

/**
 * Records that `amount` is minted to `accountId` against the account's lifetime cap: on the lane of
 * this transaction when it has room, else spread over the lanes with room (see the module doc).
 * @throws {LimitExceededError} the account's lifetime minted would pass {@link MAX_ACCOUNT_TOTAL}.
 */
export async function recordMint(ctx: Context, accountId: string, amount: number): Promise<void> {
  const own = laneOf(ctx.stub.getTxID());
  const key = laneKey(ctx, accountId, own);
  const bytes = await ctx.stub.getState(key);
  const minted = bytes.length > 0 ? fromBytes<MintLane>(bytes).minted : 0;
  if (minted + amount <= MINT_LANE_CAP) {
    await writeLane(ctx, { accountId, lane: own, minted: minted + amount });
    return;
  }
  const lanes = new Map<number, number>();
  for await (const { value } of results(ctx.stub.getStateByPartialCompositeKey(MINT_LANE, [accountId]))) {
    const lane = fromBytes<MintLane>(value);
    lanes.set(lane.lane, lane.minted);
  }
  let total = 0;
  for (const used of lanes.values()) total += used;
  if (total + amount > MAX_ACCOUNT_TOTAL) {
    throw new LimitExceededError(
      `account ${accountId} minted would reach ${total + amount}, above the per-account cap of ${MAX_ACCOUNT_TOTAL}`,
    );
  }
  let left = amount;
  for (let step = 0; left > 0; step++) {
    const lane = (own + step) % MINT_LANES;
    const used = lanes.get(lane) ?? 0;
    const take = Math.min(left, MINT_LANE_CAP - used);
    if (take === 0) continue;
    await writeLane(ctx, { accountId, lane, minted: used + take });
    left -= take;
  }
}

async function writeLane(ctx: Context, lane: MintLane): Promise<void> {
  await ctx.stub.putState(laneKey(ctx, lane.accountId, lane.lane), toBytes(lane));
}
