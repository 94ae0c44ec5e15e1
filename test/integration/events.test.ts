/**
 * Chaincode events with a checkpoint (what `estp events --checkpoint-file` does): a listener that
 * stops part-way and is started again with the same checkpoint file continues right after the last
 * event it handled — nothing missed, nothing repeated.
 */
import { checkpointers } from '@hyperledger/fabric-gateway';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type EstpEvent, followEvents } from '../../application/src/gateway/events';
import { AUDITOR, Clients, ensureActive, newRunTag, TREASURER } from './support/estp';
import { EVENTS } from './support/identities';

const RUN = newRunTag();
const clients = new Clients();
const dir = mkdtempSync(path.join(tmpdir(), 'estp-events-'));
afterAll(() => {
  clients.closeAll();
  rmSync(dir, { recursive: true, force: true });
});

const HOLDER = EVENTS.holder;
const DEPOSITS = 6;

/** Listens from `startBlock` (or the checkpoint) and stops after `count` of the wanted transactions. */
async function listen(
  startBlock: bigint,
  checkpointFile: string,
  wanted: ReadonlySet<string>,
  count: number,
): Promise<EstpEvent[]> {
  const auditor = await clients.of(AUDITOR);
  const checkpointer = await checkpointers.file(checkpointFile);
  const stop = new AbortController();
  const got: EstpEvent[] = [];
  const timer = setTimeout(() => {
    stop.abort();
  }, 30_000);
  try {
    await followEvents(
      auditor,
      { startBlock, checkpointer, namePrefix: 'estp.account.', signal: stop.signal },
      (event) => {
        if (!wanted.has(event.transactionId)) return;
        got.push(event);
        if (got.length === count) stop.abort();
      },
    );
  } finally {
    clearTimeout(timer);
  }
  return got;
}

test('a listener restarted from its checkpoint file misses and repeats no event', async () => {
  // Given six deposits, each emitting one estp.account.deposited event
  const holder = await ensureActive(clients, HOLDER, {
    displayName: 'e2e events',
    kind: 'CONSUMER',
    commodities: ['ELECTRICITY'],
    gridZone: 'ZONE-A',
  });
  const treasurer = await clients.of(TREASURER);
  const committed = [];
  for (let index = 0; index < DEPOSITS; index++) {
    committed.push(
      await treasurer.submitText('Settlement', 'Deposit', {
        accountId: holder.id,
        amount: 1 + index,
        reference: `${RUN}-ev-${index}`,
      }),
    );
  }
  await clients.sync();
  const wanted = new Set(committed.map((result) => result.transactionId));
  const firstBlock = committed[0]!.blockNumber;
  const file = path.join(dir, 'checkpoint.json');

  // When a listener handles two of them and stops, and a new one starts from the same checkpoint
  const before = await listen(firstBlock, file, wanted, 2);
  const after = await listen(firstBlock, file, wanted, DEPOSITS - 2);

  // Then together they saw every deposit exactly once, in commit order
  expect(before).toHaveLength(2);
  const seen = [...before, ...after].map((event) => event.transactionId);
  expect(seen).toEqual(committed.map((result) => result.transactionId));
  expect([...before, ...after].map((event) => event.name)).toEqual(
    Array(DEPOSITS).fill('estp.account.deposited'),
  );
  expect(after[0]!.payload).toMatchObject({ accountId: holder.id, amount: 3, reference: `${RUN}-ev-2` });
});
