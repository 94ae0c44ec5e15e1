/**
 * lib/iterate.ts: `for await` over a shim iterator closes it however the loop ends early, including the
 * case the shim's own async iteration misses (the next result failing), and on the stub's
 * iterators that fail when used after close.
 */
import { results } from '../../chaincode/src/lib/iterate';

/** An iterator over `values` that fails at `failAt` and records whether it was closed. */
function iteratorOf(values: readonly number[], failAt?: number) {
  let position = 0;
  const state = { closed: 0 };
  return {
    state,
    next() {
      if (state.closed > 0) return Promise.reject(new Error('used after close'));
      if (position === failAt) return Promise.reject(new Error('peer went away'));
      const value = values[position];
      position += 1;
      return Promise.resolve(value === undefined ? { value: 0, done: true } : { value, done: false });
    },
    close() {
      state.closed += 1;
      return Promise.resolve();
    },
  };
}

describe('results()', () => {
  test('yields every result; read to its end it costs no close round trip (the peer closes it)', async () => {
    const iterator = iteratorOf([1, 2, 3]);
    const seen: number[] = [];
    for await (const value of results(Promise.resolve(iterator))) seen.push(value);
    expect(seen).toEqual([1, 2, 3]);
    expect(iterator.state.closed).toBe(0);
  });

  test('closes on break', async () => {
    const iterator = iteratorOf([1, 2, 3]);
    for await (const value of results(iterator)) if (value === 2) break;
    expect(iterator.state.closed).toBe(1);
  });

  test('closes when the loop body throws, and the error goes on', async () => {
    const iterator = iteratorOf([1, 2, 3]);
    const loop = async () => {
      for await (const value of results(iterator))
        if (value === 1) throw new Error('ESTP_ILLEGAL_STATE: bad entry');
    };
    await expect(loop()).rejects.toThrow('bad entry');
    expect(iterator.state.closed).toBe(1);
  });

  test('closes when the next result fails', async () => {
    const iterator = iteratorOf([1, 2, 3], 1);
    const loop = async () => {
      for await (const _ of results(iterator)) continue;
    };
    await expect(loop()).rejects.toThrow('peer went away');
    expect(iterator.state.closed).toBe(1);
  });
});
