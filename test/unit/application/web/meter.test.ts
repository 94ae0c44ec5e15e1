/**
 * The meter gateway's batch against a ledger that behaves like the chaincode (one report per
 * trade, MATCHED → DELIVERED): each report applied at most once, a resent report answered as
 * already applied, repeats in a batch answered once, a lost commit status looked up on the ledger.
 */
import type { EstpClient, SubmitResult } from '../../../../application/src/gateway/client';
import { ChaincodeError, UnavailableError } from '../../../../application/src/gateway/errors';
import { applyReports } from '../../../../application/src/web/meter';

interface Delivery {
  readonly deliveredWh: number;
  readonly meterId: string;
  readonly readingHash: string;
  readonly reportedAt: string;
}

/** Trades by ID and their delivery; ReportDelivery as the chaincode applies it. */
class FakeLedger {
  readonly trades = new Map<string, Delivery | undefined>();
  /** Makes the next submit of a trade commit but lose its status answer. */
  readonly loseStatusOf = new Set<string>();
  #tx = 0;

  submitText(_contract: string, _transaction: string, input: Record<string, unknown>): Promise<SubmitResult> {
    const tradeId = String(input['tradeId']);
    if (!this.trades.has(tradeId))
      return Promise.reject(rejected('ESTP_NOT_FOUND', `trade ${tradeId} does not exist`));
    if (this.trades.get(tradeId) !== undefined) {
      return Promise.reject(rejected('ESTP_ILLEGAL_STATE', `trade ${tradeId} is DELIVERED`));
    }
    this.trades.set(tradeId, {
      deliveredWh: input['deliveredWh'] as number,
      meterId: input['meterId'] as string,
      readingHash: input['readingHash'] as string,
      reportedAt: '2026-01-01T00:00:00.000Z',
    });
    this.#tx += 1;
    if (this.loseStatusOf.delete(tradeId))
      return Promise.reject(new UnavailableError('lost', 'COMMIT_STATUS_UNKNOWN', `tx${this.#tx}`));
    return Promise.resolve({
      text: '{}',
      transactionId: `tx${this.#tx}`,
      blockNumber: BigInt(this.#tx),
      attempts: 1,
    });
  }

  evaluate<T>(_contract: string, _transaction: string, input: Record<string, unknown>): Promise<T> {
    const tradeId = String(input['tradeId']);
    const delivery = this.trades.get(tradeId);
    return Promise.resolve({ id: tradeId, ...(delivery ? { delivery } : {}) } as T);
  }
}

function rejected(code: string, text: string): ChaincodeError {
  return new ChaincodeError(`Settlement:ReportDelivery: ${code}: ${text}`, { code, chaincodeMessage: text });
}

const report = (tradeId: string, deliveredWh = 1_000) => ({
  tradeId,
  deliveredWh,
  meterId: 'M-1',
  readingHash: 'a'.repeat(64),
});

let ledger: FakeLedger;
const client = (): EstpClient => ledger as unknown as EstpClient;
beforeEach(() => {
  ledger = new FakeLedger();
  for (const id of ['T1', 'T2', 'T3']) ledger.trades.set(id, undefined);
});

test('each report is applied once, and a batch sent again is answered as already applied', async () => {
  const batch = [report('T1'), report('T2')];

  const first = await applyReports(client(), batch);
  const again = await applyReports(client(), batch);

  expect(first.map((result) => result.status)).toEqual(['applied', 'applied']);
  expect(first[0]).toMatchObject({
    index: 0,
    tradeId: 'T1',
    transactionId: expect.stringMatching(/^tx/) as unknown,
  });
  expect(again.map((result) => result.status)).toEqual(['already-applied', 'already-applied']);
  expect(ledger.trades.get('T1')).toMatchObject({ deliveredWh: 1_000 });
});

test('a different report for a reported trade is rejected with the chaincode’s code', async () => {
  await applyReports(client(), [report('T1', 1_000)]);

  const [result] = await applyReports(client(), [report('T1', 900)]);

  expect(result).toMatchObject({ status: 'rejected', code: 'ESTP_ILLEGAL_STATE' });
  expect(ledger.trades.get('T1')).toMatchObject({ deliveredWh: 1_000 });
});

test('a trade named twice in a batch is applied once; an identical repeat shares its result, a different one is rejected', async () => {
  const results = await applyReports(client(), [report('T1'), report('T2'), report('T1'), report('T1', 5)]);

  expect(results.map((result) => [result.index, result.tradeId, result.status])).toEqual([
    [0, 'T1', 'applied'],
    [1, 'T2', 'applied'],
    [2, 'T1', 'applied'],
    [3, 'T1', 'rejected'],
  ]);
  expect(results[2]?.transactionId).toBe(results[0]?.transactionId);
});

test('malformed items and unknown trades are rejected, the others applied', async () => {
  const results = await applyReports(client(), [42, { deliveredWh: 1 }, report('T9'), report('T3')]);

  expect(results.map((result) => [result.status, result.code])).toEqual([
    ['rejected', 'ESTP_INVALID_INPUT'],
    ['rejected', 'ESTP_INVALID_INPUT'],
    ['rejected', 'ESTP_NOT_FOUND'],
    ['applied', undefined],
  ]);
});

test('a commit whose status answer was lost is found on the ledger and answered as applied', async () => {
  ledger.loseStatusOf.add('T2');

  const [result] = await applyReports(client(), [report('T2')]);

  expect(result).toMatchObject({ status: 'applied', tradeId: 'T2' });
});
