/**
 * GetTrade and ListTrades.
 */
import type { Context } from 'fabric-contract-api';
import { InvalidInputError } from '../lib/errors';
import { RecordType } from '../lib/keys';
import { type Page, listByIndex, listRecords, pageFields } from '../lib/pagination';
import { type Infer, id, input } from '../lib/validate';
import { participantId, tradeRef } from '../market/inputs';
import { getTradeRecord } from './delivery';
import { TRADES_BY_MARKET, TRADES_BY_PARTICIPANT, type Trade } from './model';

export const GetTradeInput = input({ tradeId: tradeRef() });

/**
 * A trade by ID.
 * @throws {NotFoundError}
 */
export function getTrade(ctx: Context, request: Infer<typeof GetTradeInput.shape>): Promise<Trade> {
  return getTradeRecord(ctx, request.tradeId);
}

export const ListTradesInput = input({
  marketId: id().orUndefined(),
  participantId: participantId().orUndefined(),
  ...pageFields,
});

/**
 * Lists the trades of a market, of a participant (as buyer or seller), or all; one filter at most.
 * @throws {InvalidInputError} when both filters are given.
 */
export function listTrades(ctx: Context, request: Infer<typeof ListTradesInput.shape>): Promise<Page<Trade>> {
  if (request.marketId !== undefined && request.participantId !== undefined) {
    throw new InvalidInputError('participantId', 'cannot be combined with marketId');
  }
  if (request.marketId !== undefined) {
    return listByIndex<Trade>(
      ctx,
      TRADES_BY_MARKET,
      [request.marketId],
      RecordType.Trade,
      request.pageSize,
      request.bookmark,
    );
  }
  if (request.participantId !== undefined) {
    return listByIndex<Trade>(
      ctx,
      TRADES_BY_PARTICIPANT,
      [request.participantId],
      RecordType.Trade,
      request.pageSize,
      request.bookmark,
    );
  }
  return listRecords<Trade>(ctx, RecordType.Trade, request.pageSize, request.bookmark);
}
