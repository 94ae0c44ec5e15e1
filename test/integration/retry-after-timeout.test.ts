/**
 * A submission retried after a client-side timeout does not apply twice.
 *
 * The client gives up waiting for the commit status after 1 ms (and its last look-up by ID waits
 * 1 ms too), so it cannot know whether its transaction committed (COMMIT_STATUS_UNKNOWN) — it
 * did, moments later. It then submits the same
 * request again: a new transaction with the same client-chosen ID (Deposit reference, offer ID,
 * AcceptOffer acceptId). Retried at once, the retry races the first (its endorsement saw the ID
 * free, its commit loses on MVCC and its resubmission finds the ID taken); retried later it finds
 * the ID taken at once. Either way the ledger shows the effect exactly once.
 */
import type { EstpClient } from '../../application/src/gateway/client';
import { UnavailableError } from '../../application/src/gateway/errors';
import {
  type AccountView,
  type Actor,
  AUDITOR,
  ensureActive,
  eventually,
  newRunTag,
  openElectricityMarket,
  type ParticipantView,
  rejectedWith,
  TREASURER,
  type Profile,
  suiteClients,
} from './support/estp';
import { RETRY } from './support/identities';

const RUN = newRunTag();
const clients = suiteClients();

const { buyer: BUYER, seller: SELLER } = RETRY;
const MARKET = `${RUN}-RETRY`;
let buyer: ParticipantView;
let seller: ParticipantView;

const profile = (name: string): Profile => ({
  displayName: name,
  kind: 'PROSUMER' as const,
  commodities: ['ELECTRICITY'],
  gridZone: 'ZONE-A',
});

beforeAll(async () => {
  [buyer, seller] = await Promise.all([
    ensureActive(clients, BUYER, profile('e2e retry buyer')),
    ensureActive(clients, SELLER, profile('e2e retry seller')),
  ]);
  const treasurer = await clients.of(TREASURER);
  for (const record of [buyer, seller]) {
    await treasurer.submit('Settlement', 'Deposit', {
      accountId: record.id,
      amount: 10_000,
      reference: `${RUN}-fund`,
    });
  }
  await openElectricityMarket(clients, MARKET, 10 * 60_000);
  await clients.sync();
});

async function accountOf(participantId: string): Promise<AccountView> {
  return (await clients.of(AUDITOR)).evaluate('Settlement', 'GetAccount', { participantId });
}

/** One idempotent request, and how many times its effect shows on the ledger. */
interface Case {
  readonly actor: Actor;
  readonly contract: string;
  readonly transaction: string;
  readonly input: Record<string, unknown>;
  /** Called after setup and before the first submission; returns a counter of applications. */
  readonly prepare: () => Promise<() => Promise<number>>;
}

let serial = 0;
const CASES: Record<string, () => Case> = {
  'Deposit (reference)': () => {
    const amount = 700;
    return {
      actor: TREASURER,
      contract: 'Settlement',
      transaction: 'Deposit',
      input: { accountId: buyer.id, amount, reference: `${RUN}-dep-${++serial}` },
      prepare: async () => {
        const before = await accountOf(buyer.id);
        return async () => ((await accountOf(buyer.id)).minted - before.minted) / amount;
      },
    };
  },
  'PostOffer (offerId)': () => {
    // BUY 5 kWh at 20 per kWh escrows 100
    return {
      actor: BUYER,
      contract: 'Market',
      transaction: 'PostOffer',
      input: {
        offerId: `${RUN}-buy-${++serial}`,
        marketId: MARKET,
        side: 'BUY',
        quantityWh: 5_000,
        price: 20,
      },
      prepare: async () => {
        const before = await accountOf(buyer.id);
        return async () => ((await accountOf(buyer.id)).escrowed - before.escrowed) / 100;
      },
    };
  },
  'AcceptOffer (acceptId)': () => {
    const offerId = `${RUN}-sell-${++serial}`;
    return {
      actor: BUYER,
      contract: 'Market',
      transaction: 'AcceptOffer',
      input: { id: `${seller.id}/${offerId}`, quantityWh: 1_000, acceptId: `${RUN}-take-${serial}` },
      prepare: async () => {
        // Given a SELL offer with room for several fills of 1 kWh
        await (
          await clients.of(SELLER)
        ).submit('Market', 'PostOffer', {
          offerId,
          marketId: MARKET,
          side: 'SELL',
          quantityWh: 10_000,
          price: 20,
        });
        await clients.sync();
        const auditor = await clients.of(AUDITOR);
        return async () =>
          (
            await auditor.evaluate('Market', 'GetOffer', {
              id: `${seller.id}/${offerId}`,
            })
          ).filledWh / 1_000;
      },
    };
  },
};

describe('a submission retried after a client-side timeout does not apply twice', () => {
  const table = Object.keys(CASES).flatMap((name) => [
    [name, 'at once, while the first is still in flight'] as const,
    [name, 'after the first has committed'] as const,
  ]);

  test.each(table)('%s, retried %s', async (name, when) => {
    const request = CASES[name]!();
    const applications = await request.prepare();
    // Given a client that waits only 1 ms for the commit status
    const impatient: EstpClient = await clients.open(request.actor, {
      deadlines: { commitStatusMs: 1, commitMs: 1 },
    });
    const resubmissions: string[] = [];
    const patient = await clients.open(request.actor, {
      onRetry: (error) =>
        resubmissions.push(error instanceof Error && 'code' in error ? String(error.code) : '?'),
    });

    // When its submission times out on the client side
    const first = impatient.submitText(request.contract, request.transaction, request.input);
    await expect(first).rejects.toBeInstanceOf(UnavailableError);
    await expect(first).rejects.toMatchObject({ code: 'COMMIT_STATUS_UNKNOWN' });
    if (when.startsWith('after')) {
      await eventually(async () => (await applications()) >= 1);
      await clients.sync();
    }

    // And the same request is submitted again
    const retry = await patient.submitText(request.contract, request.transaction, request.input).then(
      () => 'applied by the retry',
      (error: unknown) => {
        if (rejectedWith(error, 'ESTP_ALREADY_EXISTS')) return 'refused: already exists';
        throw error;
      },
    );

    // Then the effect shows exactly once (the first did commit, so the retry was refused)
    await eventually(async () => (await applications()) >= 1);
    await clients.sync();
    expect(await applications()).toBe(1);
    expect(retry).toBe('refused: already exists');
    console.log(
      `${name}, retried ${when}: ${retry} (resubmissions after: ${resubmissions.join(', ') || 'none'})`,
    );
  });
});
