/**
 * Filling an offer posted in lots (PostOffer `lots`, docs/trading.md#hot-offers): the client picks
 * the lot, so that concurrent takers of one popular offer spread over its lots instead of
 * conflicting on one key.
 */
import { createHash } from 'node:crypto';
import type { EstpClient } from './client';
import { ChaincodeError } from './errors';
import type { ResultOf } from './transactions';

/** The ledger ID of lot `index` (1-based) of the offer `offerId` (`<owner>/<offerId>`). */
export function lotId(offerId: string, index: number): string {
  return `${offerId}.lot${String(index).padStart(3, '0')}`;
}

/** The lot a fill with `acceptId` tries first: sha256(acceptId) mod `count`, 1-based. */
export function firstLot(acceptId: string, count: number): number {
  return (createHash('sha256').update(acceptId).digest().readUInt32BE(0) % count) + 1;
}

/**
 * A lot that cannot take the fill, where another lot may: closed, too little left, or filled by
 * another taker after this proposal was timestamped (ESTP_BAD_TIMESTAMP: a lot's time only moves
 * forward, docs/trust.md; the next attempt is a new proposal with a new timestamp).
 */
function lotCannotTake(error: unknown): boolean {
  return (
    error instanceof ChaincodeError &&
    (error.code === 'ESTP_ILLEGAL_STATE' ||
      error.code === 'ESTP_BAD_TIMESTAMP' ||
      (error.code === 'ESTP_INVALID_INPUT' && error.chaincodeMessage.includes("the offer's remaining")))
  );
}

/**
 * Fills `quantityWh` of the offer `offerId` (`<owner>/<offerId>`, posted with `lots`) from one of
 * its lots: the lot {@link firstLot} picks, then the next whenever a lot is closed, has too
 * little left or was just filled by another taker, once round. The `acceptId` is once-only across the lots (the chaincode refuses its
 * second fill with ESTP_ALREADY_EXISTS), so a retry after a timeout never fills twice. `lots` is
 * the offer's lot count; read from its first lot when not given.
 * @throws {ChaincodeError} the last lot's refusal when none can take the fill, or any other refusal.
 */
export async function acceptLot(
  client: EstpClient,
  request: { offerId: string; quantityWh: number; acceptId: string; lots?: number },
): Promise<ResultOf<'Market', 'AcceptOffer'>> {
  const count =
    request.lots ??
    (await client.evaluate('Market', 'GetOffer', { id: lotId(request.offerId, 1) })).lot?.count ??
    1;
  const start = firstLot(request.acceptId, count);
  for (let step = 0; ; step++) {
    const id = lotId(request.offerId, ((start - 1 + step) % count) + 1);
    try {
      return await client.submit('Market', 'AcceptOffer', {
        id,
        quantityWh: request.quantityWh,
        acceptId: request.acceptId,
      });
    } catch (error) {
      if (step + 1 >= count || !lotCannotTake(error)) throw error;
    }
  }
}
