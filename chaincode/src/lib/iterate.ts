/**
 * Iteration over the shim's query iterators as a primitive: `for await (const { key, value } of
 * results(ctx.stub.getStateByPartialCompositeKey(type, [])))`. The iterator is closed however the
 * loop ends early: on `break` or `return`, when the loop body throws, and when fetching the next
 * result fails (the shim's own async iteration leaves the iterator open in that last case).
 * Every range, partial-key and history query of the chaincode goes through it.
 *
 * An iterator read to its end is not closed: a close is one more round trip to the peer (it was
 * one of GetAccount's three), and the peer needs none — it records the range in the read set as it is
 * read and closes every iterator of a simulation when the simulation ends (Fabric 2.5,
 * core/ledger/kvledger/txmgmt/txmgr/query_executor.go `Done`).
 */

/** What the shim's state and history iterators have in common. */
interface QueryIterator<T> {
  next(): Promise<{ value: T; done?: boolean }>;
  close(): Promise<void>;
}

/** The results of a query, for `for await`; the iterator (or its promise) is closed at the end. */
export async function* results<T>(
  query: QueryIterator<T> | Promise<QueryIterator<T>>,
): AsyncGenerator<T, void, undefined> {
  const iterator = await query;
  let exhausted = false;
  try {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    exhausted = true;
  } finally {
    if (!exhausted) await iterator.close();
  }
}
