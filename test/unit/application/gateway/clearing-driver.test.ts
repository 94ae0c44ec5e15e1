/**
 * application/src/gateway/clearing.ts: the clearing driver against a market that another clearer
 * moves on at the same time. Its steps are modelled by a fake `submit` that plays the market's
 * sequence of steps; a commit lost to the other clearer is the CommitFailedError the client raises.
 */
import {
  type ClearMarketInput,
  type ClearMarketStep,
  clearMarket,
} from '../../../../application/src/gateway/clearing';
import { ChaincodeError, CommitFailedError } from '../../../../application/src/gateway/errors';

const MVCC_READ_CONFLICT = 11;

/** A step of a market cleared without slices: `done` on the last one. */
function step(number: number, done: boolean): ClearMarketStep {
  return {
    batch: { number, done, trades: 0 },
    clearing: { phase: done ? 'DONE' : 'PRICING' },
  } as unknown as ClearMarketStep;
}

const lost = (): CommitFailedError =>
  new CommitFailedError({ transactionId: 'tx', validationCode: MVCC_READ_CONFLICT, attempts: 4 });

describe('clearMarket()', () => {
  test('a step lost to another clearer is followed by the next step, from what that clearer committed', async () => {
    // Given a market of three steps, whose second the other clearer commits first
    let committed = 0;
    const calls: ClearMarketInput[] = [];
    const submit = (input: ClearMarketInput): Promise<ClearMarketStep> => {
      calls.push(input);
      if (calls.length === 2) {
        committed += 1; // the other clearer's step
        return Promise.reject(lost());
      }
      committed += 1;
      return Promise.resolve(step(committed, committed === 3));
    };

    // When the driver clears it
    const last = await clearMarket(submit, 'M1');

    // Then it ends with the market cleared, having run the third step itself
    expect(last.batch).toMatchObject({ number: 3, done: true });
    expect(calls.every((input) => input.marketId === 'M1' && input.slice === undefined)).toBe(true);
  });

  test('a refusal is not a lost race: it ends the clearing with the refusal', async () => {
    const refusal = new ChaincodeError('ESTP_ILLEGAL_STATE: market M1 is already CLEARED', {
      code: 'ESTP_ILLEGAL_STATE',
      chaincodeMessage: 'market M1 is already CLEARED',
    });
    await expect(clearMarket(() => Promise.reject(refusal), 'M1')).rejects.toBe(refusal);
  });

  test('a race lost again and again ends with the conflict instead of a client that never returns', async () => {
    await expect(clearMarket(() => Promise.reject(lost()), 'M1')).rejects.toThrow('MVCC_READ_CONFLICT');
  });
});
