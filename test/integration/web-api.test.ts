/**
 * The web API on the real network (docs/web.md), through Utility's service: API keys of its own
 * identities; a market traded over REST from opening to the meter gateway — the generic
 * /api/tx routes and the aliases, idempotent submissions, 401/403/4xx answers with their ESTP
 * codes; live events resumed with Last-Event-ID; audit (history, trades of a period, the report as
 * CSV, verify with streamed progress, search); chain health; one gateway connection per identity.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Account, Trade } from '../../chaincode/src/records';
import { marketTimes } from '../../application/src/demo/timeline';
import { resolveSettings } from '../../application/src/gateway/settings';
import type {
  ChainAnswer,
  MarketView,
  MeAnswer,
  ReportResult,
  SubmitAnswer,
} from '../../application/src/web/api-types';
import { addApiKey } from '../../application/src/web/api-keys';
import { WebService } from '../../application/src/web/server';
import { Clients, ensureActive, newRunTag, waitUntil } from './support/estp';
import { WEB } from './support/identities';
import { eventsOf, type StreamEvent, WebClient, webPort } from './support/web';

const RUN = newRunTag();
const clients = new Clients();
const dir = mkdtempSync(path.join(tmpdir(), 'estp-web-api-'));
let service: WebService;
type Role = 'seller' | 'buyer' | 'buyerReadOnly' | 'admin' | 'treasurer' | 'meter' | 'auditor';
let as: Record<Role, WebClient>;
let anonymous: WebClient;

const SELLER_METER = 'M-E2E-WEB-SELLER';
const marketId = `${RUN}-WEB`;
/** The market's times, set when it opens: 15 s for the offers and the refusals before gate closure. */
let times = marketTimes(Date.now());
/** Our committed transactions, in commit order, for the event stream checks. */
const committed: SubmitAnswer[] = [];
let tradeId = '';

beforeAll(async () => {
  const [seller, buyer] = await Promise.all([
    ensureActive(clients, WEB.seller, {
      displayName: 'e2e web seller',
      kind: 'PROSUMER',
      commodities: ['ELECTRICITY'],
      gridZone: 'ZONE-A',
      meterIds: [SELLER_METER],
    }),
    ensureActive(clients, WEB.buyer, {
      displayName: 'e2e web buyer',
      kind: 'CONSUMER',
      commodities: ['ELECTRICITY'],
      gridZone: 'ZONE-A',
    }),
  ]);
  expect([seller.id, buyer.id]).toEqual(['UtilityMSP:e2e-web-seller', 'UtilityMSP:e2e-web-buyer']);

  const keysFile = path.join(dir, 'api-keys.json');
  const key = (user: string, readOnly = false) => addApiKey(keysFile, 'UtilityMSP', user, { readOnly }).key;
  service = await WebService.start({
    settings: resolveSettings({ org: 'utility' }),
    keysFile,
    port: webPort(1),
    log: (line) => {
      process.stderr.write(`web: ${line}\n`);
    },
  });
  const client = (user: string, readOnly = false) => new WebClient(service.url, key(user, readOnly));
  as = {
    seller: client(WEB.seller.user),
    buyer: client(WEB.buyer.user),
    buyerReadOnly: client(WEB.buyer.user, true),
    admin: client('admin'),
    treasurer: client('treasurer'),
    meter: client('meter'),
    auditor: client('auditor'),
  };
  anonymous = new WebClient(service.url, '');
});

afterAll(async () => {
  await service.close();
  clients.closeAll();
  rmSync(dir, { recursive: true, force: true });
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('the caller', () => {
  test('GET /api/me names the key’s identity, the roles it may exercise and its records', async () => {
    const me = await as.seller.get<MeAnswer>('/api/me');
    const auditor = await as.auditor.get<MeAnswer>('/api/me');

    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      participantId: 'UtilityMSP:e2e-web-seller',
      claimedRoles: ['member'],
      roles: ['member'],
      organisation: { mspId: 'UtilityMSP', status: 'ACTIVE' },
      participant: { status: 'ACTIVE' },
    });
    expect(me.body.organisation?.capabilities).toEqual(
      expect.arrayContaining(['member', 'meter', 'auditor']),
    );
    expect(auditor.body).toMatchObject({ roles: ['auditor'], participant: null });
  });

  test('without a key, or with a revoked one, the ledger is not reached: 401', async () => {
    const answer = await anonymous.get('/api/tx/Market/ListMarkets');

    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ error: { code: 'ESTP_UNAUTHENTICATED' } });
  });
});

describe('a market traded over REST', () => {
  test('deposits are idempotent by their reference: the retry is 409 ESTP_ALREADY_EXISTS and credits nothing', async () => {
    const before = (await as.buyer.get<Account>('/api/accounts/me')).body.available;
    const deposit = { accountId: 'UtilityMSP:e2e-web-buyer', amount: 10_000, reference: `${RUN}-buyer` };

    const first = await as.treasurer.post<SubmitAnswer>('/api/tx/Settlement/Deposit', deposit);
    const retry = await as.treasurer.post('/api/tx/Settlement/Deposit', deposit);

    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      transactionId: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
      attempts: expect.any(Number) as unknown,
    });
    expect(first.headers.get('estp-transaction-id')).toBe(first.body.transactionId);
    expect(retry.status).toBe(409);
    expect(retry.body).toMatchObject({ error: { code: 'ESTP_ALREADY_EXISTS' } });
    expect((await as.buyer.get<Account>('/api/accounts/me')).body.available).toBe(before + 10_000);
    committed.push(first.body);
    const seller = await as.treasurer.post<SubmitAnswer>('/api/tx/Settlement/Deposit', {
      accountId: 'UtilityMSP:e2e-web-seller',
      amount: 1_000,
      reference: `${RUN}-seller`,
    });
    expect(seller.status).toBe(200);
    committed.push(seller.body);
  });

  test('the admin opens a market; offers come through the generic route and the alias', async () => {
    times = marketTimes(Date.now(), {
      offersMs: 15_000,
      deliveryMs: 1_000,
      reportsMs: 40_000,
      disputeWindowMs: 1_000,
      rulingNoticeMs: 0,
    });
    const opened = await as.admin.post<SubmitAnswer>('/api/tx/Market/OpenMarket', {
      marketId,
      commodity: 'ELECTRICITY',
      gridZone: 'ZONE-A',
      deliveryStart: times.deliveryStart,
      deliveryEnd: times.deliveryEnd,
      gateClosure: times.gateClosure,
      reportDeadline: times.reportDeadline,
      disputeWindowMs: times.disputeWindowMs,
    });
    expect(opened.status).toBe(200);
    committed.push(opened.body);

    const sell = await as.seller.post<SubmitAnswer<{ id: string }>>(`/api/markets/${marketId}/offers`, {
      offerId: `${RUN}-S`,
      side: 'SELL',
      quantityWh: 10_000,
      price: 18,
    });
    const buy = await as.buyer.post<SubmitAnswer<{ id: string }>>('/api/tx/Market/PostOffer', {
      offerId: `${RUN}-B`,
      marketId,
      side: 'BUY',
      quantityWh: 6_000,
      price: 22,
    });

    expect([sell.status, buy.status]).toEqual([200, 200]);
    expect(sell.body.result.id).toBe(`UtilityMSP:e2e-web-seller/${RUN}-S`);
    committed.push(sell.body, buy.body);
  });

  test('queries: query parameters typed by the schema, ?input=<json>, ?all=true, and the aliases agree', async () => {
    const byParams = await as.buyer.get<{ records: { id: string }[] }>('/api/tx/Market/ListOffers', {
      marketId,
      pageSize: 1,
    });
    const byInput = await as.buyer.get<{ records: { id: string }[] }>('/api/tx/Market/ListOffers', {
      input: JSON.stringify({ marketId, pageSize: 1 }),
    });
    const all = await as.buyer.get<{ records: { id: string }[]; bookmark: string }>(
      `/api/markets/${marketId}/offers`,
      { all: true },
    );
    const one = await as.buyer.get<{ id: string }>(`/api/offers/UtilityMSP:e2e-web-seller/${RUN}-S`);

    expect(byParams.body.records).toHaveLength(1);
    expect(byInput.body).toEqual(byParams.body);
    expect(all.body.records.map((offer) => offer.id).sort()).toEqual([
      `UtilityMSP:e2e-web-buyer/${RUN}-B`,
      `UtilityMSP:e2e-web-seller/${RUN}-S`,
    ]);
    expect(all.body.bookmark).toBe('');
    expect(one.body.id).toBe(`UtilityMSP:e2e-web-seller/${RUN}-S`);
  });

  test.each([
    [
      'an auditor submitting',
      403,
      'ESTP_FORBIDDEN',
      () =>
        as.auditor.post('/api/tx/Market/PostOffer', {
          offerId: `${RUN}-X`,
          marketId,
          side: 'BUY',
          quantityWh: 1_000,
          price: 20,
        }),
    ],
    [
      'a read-only key submitting',
      403,
      'ESTP_FORBIDDEN',
      () => as.buyerReadOnly.post('/api/tx/Market/CancelOffer', { id: `UtilityMSP:e2e-web-buyer/${RUN}-B` }),
    ],
    [
      'a negative quantity',
      400,
      'ESTP_INVALID_INPUT',
      () =>
        as.buyer.post('/api/tx/Market/PostOffer', {
          offerId: `${RUN}-Y`,
          marketId,
          side: 'BUY',
          quantityWh: -5,
          price: 20,
        }),
    ],
    [
      'a query parameter no declaration has',
      400,
      'ESTP_INVALID_INPUT',
      () => as.buyer.get('/api/tx/Market/ListMarkets', { colour: 'blue' }),
    ],
    [
      'a market ID in the body that is not the path’s',
      400,
      'ESTP_INVALID_INPUT',
      () =>
        as.buyer.post(`/api/markets/${marketId}/offers`, {
          marketId: `${RUN}-OTHER`,
          offerId: `${RUN}-Z`,
          side: 'BUY',
          quantityWh: 1_000,
          price: 20,
        }),
    ],
    [
      'an unknown record',
      404,
      'ESTP_NOT_FOUND',
      () => as.buyer.get('/api/tx/Market/GetMarket', { marketId: `${RUN}-NOPE` }),
    ],
    [
      'an offer ID used twice',
      409,
      'ESTP_ALREADY_EXISTS',
      () =>
        as.buyer.post('/api/tx/Market/PostOffer', {
          offerId: `${RUN}-B`,
          marketId,
          side: 'BUY',
          quantityWh: 1_000,
          price: 20,
        }),
    ],
    [
      'clearing before gate closure',
      409,
      'ESTP_TOO_EARLY',
      () => as.seller.post(`/api/markets/${marketId}/clear`, {}),
    ],
  ])('%s is %i %s with a message', async (_case, status, code, call) => {
    const answer = await call();

    expect(answer.status).toBe(status);
    expect(answer.body).toMatchObject({ error: { code, message: expect.stringMatching(/\S/) as unknown } });
  });

  test('after gate closure the market clears; its view’s curves total the auction’s volumes and cross at its price', async () => {
    await waitUntil(times.gateClosure);
    let done = false;
    for (let batch = 0; !done && batch < 20; batch++) {
      const cleared = await as.seller.post<SubmitAnswer<{ batch: { done: boolean } }>>(
        `/api/markets/${marketId}/clear`,
        {},
      );
      expect(cleared.status).toBe(200);
      done = cleared.body.result.batch.done;
    }

    const view = (await as.buyer.get<MarketView>(`/api/markets/${marketId}`)).body;

    expect(view.market.status).toBe('CLEARED');
    expect(view.clearing).toMatchObject({
      price: 20,
      volumeWh: 6_000,
      phase: 'DONE',
      bids: 1,
      asks: 1,
    });
    expect(view.book).toEqual({
      basis: 'auction',
      bids: [{ price: 22, quantityWh: 6_000, offers: 1, cumulativeWh: 6_000 }],
      asks: [{ price: 18, quantityWh: 10_000, offers: 1, cumulativeWh: 10_000 }],
    });
    expect(view.trades).toEqual([
      expect.objectContaining({
        id: `${marketId}/c/00000001`,
        quantityWh: 6_000,
        price: 20,
        status: 'MATCHED',
      }),
    ]);
    tradeId = view.trades[0]!.id;
  });
});

describe('the meter gateway', () => {
  const report = () => ({
    tradeId,
    deliveredWh: 6_000,
    meterId: SELLER_METER,
    readingHash: sha256(`reading ${tradeId}`),
  });

  test('a batch is applied report by report; sent again, nothing is applied twice', async () => {
    await waitUntil(times.deliveryEnd);
    const batch = {
      reports: [report(), report(), { deliveredWh: 1 }, { ...report(), tradeId: `${marketId}/c/99999999` }],
    };

    const first = await as.meter.post<{ results: ReportResult[]; summary: Record<string, number> }>(
      '/api/meter/reports',
      batch,
    );
    const again = await as.meter.post<{ results: ReportResult[]; summary: Record<string, number> }>(
      '/api/meter/reports',
      batch,
    );

    expect(first.status).toBe(200);
    expect(first.body.results.map((result) => [result.status, result.code])).toEqual([
      ['applied', undefined],
      ['applied', undefined],
      ['rejected', 'ESTP_INVALID_INPUT'],
      ['rejected', 'ESTP_NOT_FOUND'],
    ]);
    expect(first.body.summary).toEqual({ applied: 2, alreadyApplied: 0, rejected: 2, failed: 0 });
    expect(again.body.results.map((result) => result.status)).toEqual([
      'already-applied',
      'already-applied',
      'rejected',
      'rejected',
    ]);
    const trade = (await as.auditor.get<Trade>(`/api/trades/${tradeId}`)).body;
    expect(trade).toMatchObject({
      status: 'DELIVERED',
      delivery: { deliveredWh: 6_000, meterId: SELLER_METER },
    });
  });

  test('an identity without the meter role gets each report rejected with 403’s code', async () => {
    const answer = await as.seller.post<{ results: ReportResult[] }>('/api/meter/reports', {
      reports: [report()],
    });

    expect(answer.body.results).toEqual([
      expect.objectContaining({ status: 'rejected', code: 'ESTP_FORBIDDEN' }),
    ]);
  });
});

describe('live events', () => {
  const ours = (events: readonly StreamEvent[]) => {
    const ids = new Set(committed.map((answer) => answer.transactionId));
    return events.filter((event) => ids.has(event.transactionId));
  };

  test('a stream stopped part-way and resumed with Last-Event-ID misses and repeats none of our events', async () => {
    const fromBlock = Math.min(...committed.map((answer) => answer.blockNumber));
    expect(committed).toHaveLength(5);

    // When a client reads our first two events and disconnects
    const first = eventsOf(
      await as.auditor.stream('/api/events', {
        params: { fromBlock },
        enough: (messages) => ours(eventsOf(messages)).length >= 2,
      }),
    );
    const lastSeen = ours(first)[1]!;
    // And reconnects with the last event's ID
    const second = eventsOf(
      await as.auditor.stream('/api/events', {
        headers: { 'Last-Event-ID': lastSeen.id },
        enough: (messages) => ours(eventsOf(messages)).length >= 3,
      }),
    );

    // Then together they saw every one of our transactions once, in commit order
    const seen = [...ours(first.slice(0, first.indexOf(lastSeen) + 1)), ...ours(second)].map(
      (event) => event.transactionId,
    );
    expect(seen).toEqual(committed.map((answer) => answer.transactionId));
    expect(second[0]?.id).not.toBe(lastSeen.id);
    expect(lastSeen.id).toBe(`${lastSeen.blockNumber}:${lastSeen.transactionId}`);
    expect(ours(second).map((event) => event.name)).toEqual([
      'estp.market.opened',
      'estp.offer.posted',
      'estp.offer.posted',
    ]);
  });

  test('a live stream delivers an event committed after it opened', async () => {
    let deposit: SubmitAnswer | undefined;
    const messages = await as.auditor.stream('/api/events', {
      params: { prefix: 'estp.account.' },
      onOpen: async () => {
        deposit = (
          await as.treasurer.post<SubmitAnswer>('/api/tx/Settlement/Deposit', {
            accountId: 'UtilityMSP:e2e-web-buyer',
            amount: 1,
            reference: `${RUN}-live`,
          })
        ).body;
      },
      enough: (received) =>
        eventsOf(received).some((event) => event.transactionId === deposit?.transactionId),
    });

    expect(eventsOf(messages).find((event) => event.transactionId === deposit?.transactionId)).toMatchObject({
      name: 'estp.account.deposited',
      payload: { reference: `${RUN}-live`, amount: 1 },
    });
  });
});

describe('audit', () => {
  test('history of a record: every version with the transaction and the signed creator behind it', async () => {
    const answer = await as.auditor.get<{
      versions: { origin: { creator: string; function: string } | null }[];
    }>(`/api/audit/history/Trade/${tradeId}`);

    expect(answer.status).toBe(200);
    expect(
      answer.body.versions.map((version) => [version.origin?.function, version.origin?.creator]),
    ).toEqual([
      ['Settlement:ReportDelivery', 'UtilityMSP:meter'],
      ['Market:ClearMarket', 'UtilityMSP:e2e-web-seller'],
    ]);
  });

  test('trades of a period, as JSON and as CSV', async () => {
    const period = { from: times.gateClosure - 60_000, to: Date.now() + 1_000 };
    const json = await as.auditor.get<{ records: { id: string }[] }>('/api/audit/trades', period);
    const csv = await as.auditor.get('/api/audit/trades', { ...period, format: 'csv' });

    expect(json.body.records.map((trade) => trade.id)).toContain(tradeId);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.text.split('\r\n')[0]).toMatch(/^id,createdAt,marketId,/);
    expect(csv.text).toContain(tradeId);
  });

  test('the ledger report downloads as CSV, reconciled; a member may not read it (403)', async () => {
    const report = await as.auditor.get('/api/audit/report', {
      from: new Date(times.gateClosure - 60_000).toISOString(),
    });
    const refused = await as.seller.get('/api/audit/report');

    expect(report.status).toBe(200);
    expect(report.headers.get('content-disposition')).toMatch(/^attachment; filename="estp-report-.*\.csv"$/);
    expect(report.headers.get('estp-report-ok')).toBe('true');
    expect(report.text).toContain(tradeId);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { code: 'ESTP_FORBIDDEN' } });
  });

  test('verify streams progress, then an intact chain; chain health then shows it beside every peer’s height', async () => {
    const messages = await as.auditor.stream('/api/audit/verify', {
      enough: (received) =>
        received.some((message) => message.event === 'result' || message.event === 'error'),
      timeoutMs: 120_000,
    });
    const result = JSON.parse(messages.find((message) => message.event === 'result')?.data ?? 'null') as {
      ok: boolean;
      blocks: number;
    };

    expect(messages.some((message) => message.event === 'progress')).toBe(true);
    expect(result).toMatchObject({ ok: true });
    const chain = (await as.buyer.get<ChainAnswer>('/api/chain')).body;
    // Every peer of every member org (two each)
    expect(chain.peers.map((peer) => peer.peer)).toEqual(
      Object.values(resolveSettings({ org: 'utility' }).profile.orgs).flatMap((org) =>
        org.peers.map((peer) => peer.endpoint),
      ),
    );
    expect(chain.peers.every((peer) => (peer.height ?? 0) >= result.blocks)).toBe(true);
    expect(chain.lastVerify).toMatchObject({ ok: true, blocks: result.blocks, by: 'UtilityMSP:auditor' });
  });

  test('search finds a transaction by ID and a record by ID', async () => {
    const byTx = await as.buyer.get<{ transaction: { function: string; blockNumber: number } | null }>(
      '/api/search',
      {
        q: committed[3]!.transactionId,
      },
    );
    const byId = await as.buyer.get<{ records: { type: string }[] }>('/api/search', { q: tradeId });
    const nothing = await as.buyer.get<{ transaction: null; records: unknown[] }>('/api/search', {
      q: `${RUN}-${randomBytes(4).toString('hex')}`,
    });

    expect(byTx.body.transaction).toMatchObject({
      function: 'Market:PostOffer',
      blockNumber: committed[3]!.blockNumber,
    });
    expect(byId.body.records.map((hit) => hit.type)).toEqual(['Trade']);
    expect(nothing.body).toMatchObject({ transaction: null, records: [] });
  });
});

test('one gateway connection per identity, reused by every request', async () => {
  const users = ['e2e-web-seller', 'e2e-web-buyer', 'admin', 'treasurer', 'meter', 'auditor'];

  expect(service.state.pool.size).toBe(users.length);
  for (const user of users)
    expect(await service.state.pool.client(user)).toBe(await service.state.pool.client(user));
});
