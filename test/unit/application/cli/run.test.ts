/**
 * The CLI end to end without a network: dispatch, usage text, the command table and the exit code
 * of each kind of failure. One test dials a closed local port to see a real UNAVAILABLE.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { isQueryName } from '../../../../application/src/cli/commands/call';
import { eventJson, eventLine, payloadSummary } from '../../../../application/src/cli/commands/events';
import { CONTRACT_GROUPS, findGroup, findTransaction } from '../../../../application/src/cli/commands';
import { normaliseName } from '../../../../application/src/cli/argv';
import { run } from '../../../../application/src/cli/run';
import { writeWalletEntry } from '../../../../application/src/gateway/identity';
import { testCa, testIdentity } from '../../../support/certs';

/** Runs the CLI and captures what it prints. */
async function estp(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (text) => out.push(text), err: (text) => err.push(text) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('help', () => {
  test('estp --help lists contracts, commands, global options and exit codes (exit 0)', async () => {
    const { code, out } = await estp('--help');

    expect(code).toBe(0);
    for (const text of [
      'consortium',
      'participant',
      'identity enroll|register|list',
      'events',
      '--org <org>',
      'Exit codes:',
    ]) {
      expect(out).toContain(text);
    }
  });

  test.each([
    ['market', 'clear'],
    ['Market', 'ClearMarket'],
    ['market', 'clear-market'],
    ['MARKET', 'clear_market'],
  ])('estp %s %s --help shows Market:ClearMarket and its fields', async (group, transaction) => {
    const { code, out } = await estp(group, transaction, '--help');

    expect(code).toBe(0);
    expect(out).toContain('Transaction Market:ClearMarket, submitted');
    expect(out).toContain('--market-id <string>');
  });

  test('estp market clear --help offers --all, which runs the clearing to its end', async () => {
    const { out } = await estp('market', 'clear', '--help');
    expect(out).toMatch(/--all\s+run the clearing to its end/);
    const { out: get } = await estp('market', 'get', '--help');
    expect(get).not.toContain('--all');
  });

  test('estp market accept --help offers --any-lot, for an offer posted in lots; other commands refuse it', async () => {
    const { out } = await estp('market', 'accept', '--help');
    expect(out).toMatch(/--any-lot\s+the offer was posted in lots/);
    expect((await estp('market', 'cancel', '--help')).out).not.toContain('--any-lot');
    const cancel = await estp('market', 'cancel', '--id', 'a/b', '--any-lot', '--org', 'u', '--user', 'a');
    expect(cancel).toMatchObject({ code: 2 });
    expect(cancel.err).toContain('--any-lot');
  });

  test('a contract without transaction and --help lists its transactions', async () => {
    const { code, out } = await estp('participant', '--help');
    expect(code).toBe(0);
    expect(out).toContain('register');
    expect(out).toContain('query   One participant, for any caller of the channel');
  });

  test('estp audit --help lists its transactions and its commands; a command has its own help', async () => {
    const group = await estp('audit', '--help');
    expect(group.code).toBe(0);
    for (const text of ['history', 'list', 'totals', 'verify', 'trades', 'report', 'take precedence']) {
      expect(group.out).toContain(text);
    }
    const verify = await estp('audit', 'verify', '--help');
    expect(verify.out).toContain('estp audit verify — verify the chain');
    expect(verify.out).toContain('--from <N>');
    expect((await estp('help', 'audit', 'history')).out).toContain('estp audit history <recordType> <id>');
  });

  test('help <command> is --help', async () => {
    expect((await estp('help', 'events')).out).toContain('--checkpoint-file <path>');
    expect((await estp('identity', 'register', '--help')).out).toContain('--roles <roles>');
  });
});

describe('usage errors exit 2', () => {
  test.each([
    [[], 'missing command'],
    [['trade'], 'unknown command "trade"'],
    [['market', 'sell'], 'market has no transaction "sell"'],
    [['market'], 'market needs a transaction'],
    [['market', 'list', 'extra'], 'unexpected argument "extra"'],
    [['consortium', 'list', '--user', 'admin'], '--org required (or set ESTP_ORG;'],
    [['participant', 'get', '--all', '--org', 'u', '--user', 'a'], '--all is only for list queries'],
    [['participant', 'get', '--input', '[]', '--org', 'u', '--user', 'a'], 'must be a JSON object'],
    [
      ['market', 'clear', '--market-id', 'M', '--all', '--slice', '1', '--org', 'u', '--user', 'a'],
      '--all runs every slice itself: give --all or --slice, not both',
    ],
    [
      ['market', 'accept', '--id', 'a/b', '--quantity-wh', '1000', '--any-lot', '--org', 'u', '--user', 'a'],
      '--any-lot needs --accept-id',
    ],
    [
      [
        'market',
        'accept',
        '--id',
        'a/b',
        '--quantity-wh',
        '1000',
        '--any-lot=yes',
        '--accept-id',
        'A-1',
        '--org',
        'u',
        '--user',
        'a',
      ],
      '--any-lot takes no value (given "--any-lot=yes")',
    ],
    [['market', 'list-offers', '--all=false', '--org', 'u', '--user', 'a'], '--all takes no value'],
    [['identity'], 'identity needs a command'],
    [['identity', 'enroll', '--org', 'u', '--user', 'x', '--sekret', 's'], 'unknown option --sekret'],
    [['events', '--from-block', 'ten', '--org', 'u', '--user', 'a'], '--from-block must be a block number'],
    [['call', 'Participant'], 'call needs <Contract> <Transaction>'],
    [['audit', 'verify', '--from', 'x', '--org', 'u', '--user', 'a'], '--from must be a block number ≥ 0'],
    [['audit', 'verify', 'all', '--org', 'u', '--user', 'a'], 'unexpected argument "all"'],
    [['audit', 'verify', '--since', '3', '--org', 'u', '--user', 'a'], 'unknown option --since'],
    [['audit', 'history', 'Trade', '--org', 'u', '--user', 'a'], 'history needs <recordType> <id>'],
    [['audit', 'history', 'Trade', 'T', '--limit', 'many'], '--limit must be a whole number'],
    [
      ['audit', 'trades', '--org', 'u', '--user', 'a'],
      'give one of --participant, --market, or --from with --to',
    ],
    [['audit', 'trades', '--market', 'M', '--participant', 'P'], 'give one of --participant'],
    [['audit', 'trades', '--from', '2026-01-01', '--org', 'u', '--user', 'a'], '--from and --to go together'],
    [
      ['audit', 'trades', '--from', 'monday', '--to', '2026-01-02'],
      '--from must be ms since the epoch or an ISO-8601 time',
    ],
    [['audit', 'trades', '--market', 'M', '--format', 'xml'], '--format must be table or csv or json'],
    [['audit', 'report', '--format', 'table', '--org', 'u', '--user', 'a'], '--format must be csv or json'],
    [['audit', 'report', '--from', '2026-02-01', '--to', '2026-01-01'], '--to must be after --from'],
    [['audit', 'report', '--json', '--format', 'csv'], '--json and --format conflict'],
  ])('estp %p', async (argv, message) => {
    const { code, err } = await estp(...argv);
    expect(code).toBe(2);
    expect(err).toContain(message);
  });

  test('with --json the error is also printed as one JSON line', async () => {
    const { err } = await estp('market', 'sell', '--json');
    expect(JSON.parse(err.split('\n').at(-1) ?? '')).toEqual({
      error: {
        code: 'USAGE',
        exitCode: 2,
        message: expect.stringContaining('market has no transaction "sell"') as unknown,
      },
    });
  });

  test('an unknown transaction points to estp call', async () => {
    expect((await estp('market', 'sell')).err).toContain('estp call Market <Transaction>');
  });

  test('a missing connection profile says to start the network', async () => {
    const { code, err } = await estp(
      'consortium',
      'list',
      '--org',
      'utility',
      '--user',
      'admin',
      '--profile',
      '/nonexistent/c.json',
    );
    expect(code).toBe(2);
    expect(err).toBe(
      'error: no connection profile at /nonexistent/c.json: network not running? run `npm run network:up`',
    );
  });
});

describe('against a local directory without a network', () => {
  let dir: string;
  let port: number;
  let profile: string;
  let wallet: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'estp-cli-'));
    const ca = await testCa('UtilityMSP');
    const admin = await testIdentity('UtilityMSP', 'admin', ['admin']);
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    wallet = path.join(dir, 'wallet');
    writeWalletEntry(wallet, {
      mspId: 'UtilityMSP',
      user: 'admin',
      certificate: admin.certificatePem,
      privateKey: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
    // A port nothing listens on: bind one, then close it.
    port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => {
          resolve(typeof address === 'object' && address ? address.port : 1);
        });
      });
    });
    const peer = 'peer0.utility.estp.local';
    profile = path.join(dir, 'connection-utility.json');
    writeFileSync(
      profile,
      JSON.stringify({
        client: { organization: 'Utility' },
        organizations: { Utility: { mspid: 'UtilityMSP', peers: [peer] } },
        channels: { estp: { orderers: [], chaincodes: ['estp'] } },
        peers: {
          [peer]: { url: `grpcs://127.0.0.1:${port}`, tlsCACerts: { pem: ca.certificate.toString('pem') } },
        },
      }),
    );
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('an unreachable peer exits 3 with one line naming the transaction and the peer', async () => {
    const { code, err } = await estp(
      'consortium',
      'list',
      '--user',
      'admin',
      '--profile',
      profile,
      '--wallet',
      wallet,
    );

    expect(code).toBe(3);
    expect(err.split('\n')).toHaveLength(1);
    expect(err).toMatch(
      new RegExp(
        `^error: Consortium:ListOrganisations: peer gateway via 127\\.0\\.0\\.1:${port} \\(UtilityMSP\\) failed \\(UNAVAILABLE\\)`,
      ),
    );
  });

  test('an unknown user exits 2 listing the wallet labels', async () => {
    const { code, err } = await estp(
      'participant',
      'self',
      '--org',
      'UtilityMSP',
      '--user',
      'eve',
      '--profile',
      profile,
      '--wallet',
      wallet,
    );
    expect(code).toBe(2);
    expect(err).toContain('known: admin');
  });

  test("identity list shows the wallet's identities with the roles in their certificates", async () => {
    const { code, out } = await estp('identity', 'list', '--profile', profile, '--wallet', wallet, '--json');

    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual([
      { org: 'utility', user: 'admin', roles: 'admin', expires: '2035-01-01' },
    ]);
  });
});

describe('the command table', () => {
  const API: Record<string, string[]> = {
    Consortium: [
      'Bootstrap',
      'ProposeOrganisation',
      'ApproveOrganisation',
      'ProposeChange',
      'ApproveChange',
      'GetOrganisation',
      'ListOrganisations',
      'GetProposal',
      'ListProposals',
    ],
    Participant: ['Register', 'Approve', 'Suspend', 'Reinstate', 'Revoke', 'Get', 'Self', 'List'],
    Market: [
      'OpenMarket',
      'GetMarket',
      'ListMarkets',
      'PostOffer',
      'CancelOffer',
      'AcceptOffer',
      'GetOffer',
      'ListOffers',
      'ClearMarket',
    ],
    Settlement: [
      'Deposit',
      'Withdraw',
      'GetAccount',
      'ReportDelivery',
      'Settle',
      'GetTrade',
      'ListTrades',
      'RegisterSavingsProject',
      'IssueCertificates',
      'RetireCertificates',
    ],
    Dispute: ['Open', 'AddEvidence', 'Rule', 'Get', 'List'],
    Audit: ['History', 'List', 'Totals'],
  };

  test('covers exactly the public transaction API (docs/design.md#public-api)', () => {
    const table = Object.fromEntries(
      CONTRACT_GROUPS.map((group) => [group.contract, group.transactions.map((spec) => spec.transaction)]),
    );
    expect(table).toEqual(API);
  });

  test('queries are evaluated and everything else submitted', () => {
    for (const group of CONTRACT_GROUPS) {
      for (const spec of group.transactions) {
        expect(`${group.contract}:${spec.transaction} ${spec.kind}`).toBe(
          `${group.contract}:${spec.transaction} ${isQueryName(spec.transaction) ? 'evaluate' : 'submit'}`,
        );
        expect(spec.paginated).toBe(spec.transaction.startsWith('List'));
      }
    }
  });

  test('names and aliases are unambiguous within each contract', () => {
    for (const group of CONTRACT_GROUPS) {
      const names = group.transactions.flatMap((spec) =>
        [spec.transaction, ...(spec.aliases ?? [])].map(normaliseName),
      );
      expect(new Set(names).size).toBe(names.length);
      for (const spec of group.transactions) {
        for (const alias of spec.aliases ?? []) expect(findTransaction(group, alias)).toBe(spec);
      }
    }
  });

  test('friendly aliases resolve', () => {
    const resolve = (group: string, name: string) => {
      const found = findGroup(group);
      return found && `${found.contract}:${findTransaction(found, name)?.transaction ?? '?'}`;
    };
    expect(resolve('consortium', 'list')).toBe('Consortium:ListOrganisations');
    expect(resolve('participant', 'register')).toBe('Participant:Register');
    expect(resolve('market', 'clear')).toBe('Market:ClearMarket');
    expect(resolve('settlement', 'settle')).toBe('Settlement:Settle');
  });
});

describe('event lines', () => {
  const event = {
    blockNumber: 12n,
    transactionId: '0123456789abcdef0123',
    name: 'estp.offer.posted',
    payload: { offerId: 'O-1', side: 'BUY', quantityWh: 1000, meterIds: ['M-1'] },
  };

  test('one human line: block, short tx, name, payload fields', () => {
    expect(eventLine(event)).toBe(
      'block 12  tx 0123456789ab…  estp.offer.posted  offerId=O-1 side=BUY quantityWh=1000 meterIds=M-1',
    );
  });

  test('one JSON line with the full payload', () => {
    expect(JSON.parse(eventJson(event))).toEqual({ ...event, blockNumber: 12 });
  });

  test('long payloads are cut', () => {
    expect(payloadSummary({ text: 'x'.repeat(200) }, 20)).toBe(`text=${'x'.repeat(14)}…`);
    expect(payloadSummary('plain')).toBe('plain');
  });
});
