/**
 * The meter gateway: `POST /api/meter/reports` takes a batch of delivery reports from a metering
 * head-end and submits each as `Settlement:ReportDelivery` (as the key's identity, which needs the
 * meter role), a few at a time, answering one result per report in the batch's order.
 *
 * Each report is applied at most once: the chaincode accepts one report per trade (MATCHED →
 * DELIVERED). A report the ledger already holds — the same trade, quantity, meter and reading hash,
 * e.g. a batch sent again after a lost answer — is `already-applied`, not an error; a different
 * report for a reported trade is `rejected`. A trade named twice in one batch is applied once, the
 * repeat answered by the first's outcome (or rejected when it differs). A commit whose status was
 * lost (`COMMIT_STATUS_UNKNOWN`) is looked up on the ledger before it is answered.
 */
import type { Trade } from '@estp/chaincode';
import type { EstpClient } from '../gateway/client';
import { ChaincodeError, EstpClientError } from '../gateway/errors';
import type { ReportResult } from './api-types';
import type { RequestContext, Route } from './context';
import { invalidInput, isJsonObject, readJson, sendJson } from './http';

/** Most reports in one batch. */
export const MAX_BATCH = 500;
/** Reports submitted at once (each is its own transaction on a different trade: no conflicts). */
export const BATCH_CONCURRENCY = 8;

/** What makes two reports the same report: the quantity, the meter and the reading's hash. */
function reportKey(report: object): string {
  const fields = report as Record<string, unknown>;
  return JSON.stringify([fields['deliveredWh'], fields['meterId'], fields['readingHash']]);
}

function sameReport(delivery: Trade['delivery'], report: Record<string, unknown>): boolean {
  return delivery !== undefined && reportKey(delivery) === reportKey(report);
}

/** Whether the ledger already holds this report (a read; undefined when it cannot tell). */
async function alreadyOnLedger(
  client: EstpClient,
  tradeId: string,
  report: Record<string, unknown>,
): Promise<Trade | undefined> {
  try {
    const trade = await client.evaluate('Settlement', 'GetTrade', { tradeId });
    return sameReport(trade.delivery, report) ? trade : undefined;
  } catch {
    return undefined;
  }
}

function failureOf(index: number, tradeId: string, error: unknown): ReportResult {
  if (error instanceof ChaincodeError) {
    return { index, tradeId, status: 'rejected', code: error.code, message: error.message };
  }
  if (error instanceof EstpClientError) {
    const transactionId =
      'transactionId' in error && typeof error.transactionId === 'string' ? error.transactionId : undefined;
    return {
      index,
      tradeId,
      status: 'failed',
      code: error.code,
      message: error.message,
      ...(transactionId === undefined ? {} : { transactionId }),
    };
  }
  throw error;
}

/** Submits one report and classifies the outcome. */
async function applyReport(
  client: EstpClient,
  index: number,
  report: Record<string, unknown>,
): Promise<ReportResult> {
  const tradeId = report['tradeId'] as string;
  try {
    const result = await client.submitText('Settlement', 'ReportDelivery', report);
    return {
      index,
      tradeId,
      status: 'applied',
      transactionId: result.transactionId,
      blockNumber: Number(result.blockNumber),
    };
  } catch (error) {
    // Refused because the trade was reported already, or the answer was lost: is it this report?
    const mayBeOnLedger =
      error instanceof EstpClientError &&
      (!(error instanceof ChaincodeError) || error.code === 'ESTP_ILLEGAL_STATE');
    const onLedger = mayBeOnLedger ? await alreadyOnLedger(client, tradeId, report) : undefined;
    if (onLedger?.delivery) {
      const lost = !(error instanceof ChaincodeError);
      return {
        index,
        tradeId,
        status: lost ? 'applied' : 'already-applied',
        message: lost
          ? 'committed (its status answer was lost)'
          : `reported at ${onLedger.delivery.reportedAt}`,
      };
    }
    return failureOf(index, tradeId, error);
  }
}

/** Runs `work` over `items` with at most `limit` at a time; results in input order. */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index] as T);
      }
    }),
  );
  return results;
}

/** Applies a batch of reports; malformed items and repeats are answered without a transaction. */
export async function applyReports(client: EstpClient, reports: readonly unknown[]): Promise<ReportResult[]> {
  const first = new Map<string, number>();
  const unique: { index: number; report: Record<string, unknown> }[] = [];
  const results = new Array<ReportResult | undefined>(reports.length);
  for (const [index, report] of reports.entries()) {
    if (!isJsonObject(report) || typeof report['tradeId'] !== 'string' || report['tradeId'] === '') {
      results[index] = {
        index,
        tradeId: null,
        status: 'rejected',
        code: 'ESTP_INVALID_INPUT',
        message: 'a report must be an object with a tradeId',
      };
    } else if (first.has(report['tradeId'])) {
      continue; // answered after its first occurrence
    } else {
      first.set(report['tradeId'], index);
      unique.push({ index, report });
    }
  }
  for (const result of await mapLimit(unique, BATCH_CONCURRENCY, ({ index, report }) =>
    applyReport(client, index, report),
  )) {
    results[result.index] = result;
  }
  return reports.map((report, index) => {
    const done = results[index];
    if (done) return done;
    const item = report as Record<string, unknown>;
    const tradeId = item['tradeId'] as string;
    const original = results[first.get(tradeId) ?? -1];
    if (original !== undefined && reportKey(reports[original.index] as object) === reportKey(item)) {
      return { ...original, index };
    }
    return {
      index,
      tradeId,
      status: 'rejected',
      code: 'ESTP_INVALID_INPUT',
      message: `trade ${tradeId} is reported twice in this batch with different values`,
    };
  });
}

/** `POST /api/meter/reports`: `{ reports: [...] }` → `{ results: [...], summary }`. */
async function meterReports(context: RequestContext): Promise<void> {
  const caller = context.caller();
  caller.requireWrite();
  const body = await readJson(context.req, 4 * 1024 * 1024);
  const reports = isJsonObject(body) ? body['reports'] : undefined;
  if (!Array.isArray(reports) || reports.length === 0)
    throw invalidInput('the body must be { "reports": [ … ] } with at least one report');
  if (reports.length > MAX_BATCH)
    throw invalidInput(`a batch holds at most ${MAX_BATCH} reports, got ${reports.length}`);
  const results = await applyReports(await caller.client(), reports);
  const count = (status: ReportResult['status']) =>
    results.filter((result) => result.status === status).length;
  sendJson(context.res, 200, {
    results,
    summary: {
      applied: count('applied'),
      alreadyApplied: count('already-applied'),
      rejected: count('rejected'),
      failed: count('failed'),
    },
  });
}

export function meterRoutes(): Route[] {
  return [{ method: 'POST', path: '/api/meter/reports', handle: meterReports }];
}
