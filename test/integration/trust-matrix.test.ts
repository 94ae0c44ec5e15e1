/**
 * The trust matrix on the real network (docs/trust.md): every write transaction × every ACTIVE org
 * × every ESTP role, as a CA-enrolled identity of that org whose certificate claims exactly that
 * role (`trust-<role>`, enrolled once by support/global-setup.ts). Only the intended combinations
 * succeed; every other cell is refused at endorsement (nothing is ordered) with ESTP_FORBIDDEN
 * naming the org and the role, none of the records the transaction would touch changes, and
 * Audit:Totals still balances.
 *
 * What is intended comes from two tables:
 * - which org holds which capability: the founding declaration of network/config/topology.sh (and
 *   config/orgs/*.sh for onboarded orgs), read through the network scripts — the declaration
 *   Consortium:Bootstrap recorded and the chaincode enforces; the suite first checks that the
 *   ledger's Organisation records still say exactly that;
 * - which roles may submit which transaction with this fixture: ROWS below, written down from the
 *   design (docs/trust.md, the README's roles table) independently of the chaincode's requireRole
 *   calls, so a role added to or dropped from a check by mistake fails here.
 *
 * Allowed cells are evaluated — simulated by a peer exactly as for endorsement, not ordered — so
 * one fixture serves every allowed identity and the ledger keeps no matrix state beyond it. They
 * must succeed, with two exceptions where success needs state a shared ledger must not keep:
 * ApproveOrganisation/ApproveChange of a proposal that does not exist (a standing proposal could be
 * adopted by some later vote) answer ESTP_NOT_FOUND, and Register of an identity the fixture
 * registered answers ESTP_ALREADY_EXISTS; both come after the authorisation checks (unit tests
 * cover their successes). Refused cells are submitted, and must fail at endorsement.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { ensureIdentity } from '../../application/src/gateway/provision';
import { parseResult } from '../../application/src/gateway/client';
import { resolveSettings } from '../../application/src/gateway/settings';
import { ChaincodeError } from '../../application/src/gateway/errors';
import { NO_RETRY } from '../../application/src/gateway/retry';
import { ROLES } from '../../chaincode/src/lib/caller';
import {
  type Actor,
  AUDITOR,
  Clients,
  MARKET_OPERATOR,
  METER,
  TREASURER,
  ensureActive,
  ensureRegistered,
  mapLimit,
  newRunTag,
  type ParticipantView,
  type Profile,
  timeline,
  totals,
  waitUntil,
} from './support/estp';
import { trustMatrixIdentities } from './support/identities';
import { PUBLIC_API } from '../support/public-api';

type Role = (typeof ROLES)[number];

const RUN = newRunTag();
const ROOT = path.resolve(__dirname, '../..');
const clients = new Clients();
afterAll(() => {
  clients.closeAll();
});

/** An Organisation record as the network's configuration declares it. */
interface Declaration {
  readonly mspId: string;
  readonly displayName: string;
  readonly capabilities: readonly Role[];
  readonly selfMeteringZones: readonly string[];
}

/** The founding declaration and onboarded orgs' declarations, as the network scripts build them. */
function declaredOrganisations(): Declaration[] {
  const script = [
    'source network/scripts/lib.sh',
    'for file in network/config/orgs/*.sh; do declare_org "$(basename "$file" .sh)"; done',
    'organisation_declarations "${PEER_ORGS[@]}"',
  ].join(' && ');
  return JSON.parse(execFileSync('bash', ['-c', script], { cwd: ROOT, encoding: 'utf8' })) as Declaration[];
}

/** One org of the matrix. */
interface MatrixOrg {
  readonly name: string;
  readonly mspId: string;
  readonly capabilities: readonly Role[];
}

/** One cell: an org and the one role its identity claims. */
interface Cell {
  readonly org: MatrixOrg;
  readonly role: Role;
  readonly actor: Actor;
}

/** A query whose answer must be the same before and after a row's refusals. */
interface Probe {
  readonly contract: string;
  readonly transaction: string;
  readonly input: object;
}

/** One write transaction of the matrix. */
interface Row {
  readonly contract: string;
  readonly transaction: string;
  /** The roles that may submit it (any one suffices), when the caller's org holds the capability. */
  readonly roles: readonly Role[];
  /** Which of those callers succeed with this fixture (default all); the others are refused with `otherwise`. */
  readonly succeeds?: (cell: Cell) => boolean;
  readonly otherwise?: (cell: Cell) => RegExp;
  /** What an allowed cell answers: `succeeds`, or a code after the authorisation (see the header). */
  readonly allowedOutcome?: (cell: Cell) => string;
  readonly input: (cell: Cell) => object;
  readonly transient?: (cell: Cell) => Record<string, string>;
  /** The records it would touch, read before and after the row. */
  readonly probes: (cell: Cell) => Probe[];
  /** `open`: runs while the matrix's open market takes offers; `traded`: after its trades' delivery. */
  readonly phase: 'open' | 'traded';
}

const ZONE = 'ZONE-A';
/** The Community members who make the matrix's offers and open its dispute (not cells of the matrix). */
const MAKER: Actor = { org: 'community', user: 'trust-maker' };
const DISPUTANT: Actor = { org: 'community', user: 'trust-disputant' };
const PRICE = 100; // minor units per kWh
const KWH = 1_000;
const hash = (text: string) => createHash('sha256').update(text).digest('hex');
/**
 * The savings period certificates are issued for: the last minute, over. A project's periods may
 * not overlap, so a later run's period (a later minute) never overlaps an earlier run's.
 */
const pastPeriod = () => ({ periodStart: Date.now() - 61_000, periodEnd: Date.now() - 1_000 });

/** What the fixture prepared (filled in by beforeAll). */
const fixture = {
  orgs: [] as MatrixOrg[],
  founding: [] as Declaration[],
  /** Participant IDs by org name and user. */
  ids: new Map<string, string>(),
  markets: { open: `${RUN}-TM-OPEN`, traded: `${RUN}-TM-TRADE`, settle: `${RUN}-TM-SETTLE` },
  /** The maker's SELL offer every member may fill (open market). */
  makerOffer: '',
  /** Each org's member's BUY offer it may cancel (open market). */
  memberOffers: new Map<string, string>(),
  /** Each org's member's trade with the maker (delivered), which it may dispute. */
  memberTrades: new Map<string, string>(),
  /** A MATCHED trade the meter may report. */
  reportTrade: '',
  /** A disputed trade between two Community members (the maker and the disputant). */
  disputedTrade: '',
  /** A trade past its dispute window that any member or treasurer may settle. */
  settleTrade: '',
  /** The maker's savings project (Community), for verifiers of other orgs. */
  makerProject: 'TRUST-P-maker',
  tradedTimes: undefined as ReturnType<typeof timeline> | undefined,
  settleTimes: undefined as ReturnType<typeof timeline> | undefined,
};

const id = (org: string, user: string): string => {
  const found = fixture.ids.get(`${org}/${user}`);
  if (!found) throw new Error(`no participant ${org}/${user} in the fixture`);
  return found;
};
const member = (cell: Cell) => id(cell.org.name, 'trust-member');
const get = (contract: string, transaction: string, input: object): Probe => ({
  contract,
  transaction,
  input,
});
const account = (participantId: string) => get('Settlement', 'GetAccount', { participantId });
const participant = (participantId: string) => get('Participant', 'Get', { id: participantId });
const historyOf = (recordType: string, recordId: string) =>
  get('Audit', 'History', { recordType, id: recordId });
const COMMUNITY = 'CommunityMSP';

/** The intended permissions, one row per write transaction (Consortium first, as in the reference). */
const ROWS: readonly Row[] = [
  {
    contract: 'Consortium',
    transaction: 'Bootstrap',
    roles: ['admin'],
    succeeds: (cell) => fixture.founding.some((org) => org.mspId === cell.org.mspId),
    otherwise: (cell) => new RegExp(`${cell.org.mspId} is not listed in the founding declaration`),
    input: () => ({ organisations: fixture.founding }),
    probes: () => [get('Consortium', 'ListOrganisations', { pageSize: 200 })],
    phase: 'open',
  },
  {
    contract: 'Consortium',
    transaction: 'ProposeOrganisation',
    roles: ['admin'],
    input: () => ({ mspId: `Trust${RUN}MSP`, displayName: 'matrix', capabilities: ['admin', 'member'] }),
    probes: () => [get('Consortium', 'ListOrganisations', { pageSize: 200 })],
    phase: 'open',
  },
  {
    contract: 'Consortium',
    transaction: 'ApproveOrganisation',
    roles: ['admin'],
    allowedOutcome: () => 'ESTP_NOT_FOUND',
    input: () => ({ mspId: `Trust${RUN}MSP` }),
    probes: () => [get('Consortium', 'ListOrganisations', { pageSize: 200 })],
    phase: 'open',
  },
  {
    contract: 'Consortium',
    transaction: 'ProposeChange',
    roles: ['admin'],
    input: () => ({ mspId: COMMUNITY, change: 'GRANT', capability: 'treasurer', reason: 'trust matrix' }),
    probes: () => [
      get('Consortium', 'GetOrganisation', { mspId: COMMUNITY }),
      get('Consortium', 'ListProposals', { pageSize: 200 }),
    ],
    phase: 'open',
  },
  {
    contract: 'Consortium',
    transaction: 'ApproveChange',
    roles: ['admin'],
    allowedOutcome: () => 'ESTP_NOT_FOUND',
    input: () => ({ proposalId: `${COMMUNITY}/${RUN}/SUSPEND` }),
    probes: () => [get('Consortium', 'ListProposals', { pageSize: 200 })],
    phase: 'open',
  },
  {
    contract: 'Participant',
    transaction: 'Register',
    roles: ['admin', 'member', 'meter', 'treasurer', 'verifier', 'arbiter'],
    // The fixture registered the members and arbiters; the other identities never register.
    allowedOutcome: (cell) =>
      ['member', 'arbiter'].includes(cell.role) ? 'ESTP_ALREADY_EXISTS' : 'succeeds',
    input: (cell) => profileOf(cell.actor),
    transient: (cell) => ({ verification: `trust matrix ${cell.actor.org}/${cell.actor.user}` }),
    probes: (cell) => [participant(`${cell.org.mspId}:${cell.actor.user}`)],
    phase: 'open',
  },
  {
    contract: 'Participant',
    transaction: 'Approve',
    roles: ['admin'],
    input: (cell) => ({ id: id(cell.org.name, 'trust-applicant') }),
    probes: (cell) => [participant(id(cell.org.name, 'trust-applicant'))],
    phase: 'open',
  },
  {
    contract: 'Participant',
    transaction: 'Suspend',
    roles: ['admin'],
    input: (cell) => ({ id: member(cell), reason: 'trust matrix' }),
    probes: (cell) => [participant(member(cell))],
    phase: 'open',
  },
  {
    contract: 'Participant',
    transaction: 'Reinstate',
    roles: ['admin'],
    input: (cell) => ({ id: id(cell.org.name, 'trust-suspended') }),
    probes: (cell) => [participant(id(cell.org.name, 'trust-suspended'))],
    phase: 'open',
  },
  {
    contract: 'Participant',
    transaction: 'Revoke',
    roles: ['admin'],
    input: (cell) => ({ id: id(cell.org.name, 'trust-applicant'), reason: 'trust matrix' }),
    probes: (cell) => [participant(id(cell.org.name, 'trust-applicant'))],
    phase: 'open',
  },
  {
    contract: 'Market',
    transaction: 'OpenMarket',
    roles: ['admin'],
    input: () => ({ ...marketInput(`${RUN}-TM-NEW`, timeline({ offersMs: 600_000 })) }),
    probes: () => [get('Market', 'GetMarket', { marketId: `${RUN}-TM-NEW` })],
    phase: 'open',
  },
  {
    contract: 'Market',
    transaction: 'PostOffer',
    roles: ['member'],
    input: () => ({
      offerId: `${RUN}-post`,
      marketId: fixture.markets.open,
      side: 'BUY',
      quantityWh: KWH,
      price: PRICE,
    }),
    probes: (cell) => [
      account(member(cell)),
      get('Market', 'GetOffer', { id: `${member(cell)}/${RUN}-post` }),
    ],
    phase: 'open',
  },
  {
    contract: 'Market',
    transaction: 'CancelOffer',
    roles: ['member'],
    input: (cell) => ({ id: fixture.memberOffers.get(cell.org.mspId) }),
    probes: (cell) => [
      account(member(cell)),
      get('Market', 'GetOffer', { id: fixture.memberOffers.get(cell.org.mspId) }),
    ],
    phase: 'open',
  },
  {
    contract: 'Market',
    transaction: 'AcceptOffer',
    roles: ['member'],
    input: () => ({ id: fixture.makerOffer, quantityWh: KWH }),
    probes: (cell) => [
      account(member(cell)),
      account(id(MAKER.org, MAKER.user)),
      get('Market', 'GetOffer', { id: fixture.makerOffer }),
    ],
    phase: 'open',
  },
  {
    contract: 'Market',
    transaction: 'ClearMarket',
    roles: ['member'],
    input: () => ({ marketId: fixture.markets.traded }),
    probes: () => [get('Market', 'GetMarket', { marketId: fixture.markets.traded })],
    phase: 'traded',
  },
  {
    contract: 'Settlement',
    transaction: 'Deposit',
    roles: ['treasurer'],
    input: (cell) => ({ accountId: member(cell), amount: 1_000_000, reference: `${RUN}-mint` }),
    probes: (cell) => [account(member(cell))],
    phase: 'open',
  },
  {
    contract: 'Settlement',
    transaction: 'Withdraw',
    roles: ['treasurer'],
    input: (cell) => ({ accountId: member(cell), amount: 1, reference: `${RUN}-burn` }),
    probes: (cell) => [account(member(cell))],
    phase: 'open',
  },
  {
    contract: 'Settlement',
    transaction: 'ReportDelivery',
    roles: ['meter'],
    input: () => ({
      tradeId: fixture.reportTrade,
      deliveredWh: KWH,
      meterId: meterIdOf(MAKER),
      readingHash: hash(`${RUN} reading`),
    }),
    probes: () => [get('Settlement', 'GetTrade', { tradeId: fixture.reportTrade })],
    phase: 'traded',
  },
  {
    contract: 'Settlement',
    transaction: 'Settle',
    roles: ['member', 'treasurer'],
    input: () => ({ tradeId: fixture.settleTrade }),
    probes: () => [
      get('Settlement', 'GetTrade', { tradeId: fixture.settleTrade }),
      account(id('utility', 'trust-member')),
      account(id(MAKER.org, MAKER.user)),
    ],
    phase: 'traded',
  },
  {
    contract: 'Settlement',
    transaction: 'RegisterSavingsProject',
    roles: ['member'],
    input: () => projectInput(`${RUN}-TM-P`),
    probes: () => [historyOf('SavingsProject', `${RUN}-TM-P`)],
    phase: 'open',
  },
  {
    contract: 'Settlement',
    transaction: 'IssueCertificates',
    roles: ['verifier'],
    // The project is the maker's: Community's verifiers may not certify it (nor hold the capability).
    succeeds: (cell) => cell.org.mspId !== COMMUNITY,
    otherwise: () => /must be issued by a verifier of another organisation than CommunityMSP/,
    input: () => ({
      projectId: fixture.makerProject,
      batchId: `${RUN}-B`,
      quantityWh: KWH,
      evidenceHash: hash(`${RUN} m&v`),
      ...pastPeriod(),
    }),
    probes: () => [historyOf('SavingsProject', fixture.makerProject), account(id(MAKER.org, MAKER.user))],
    phase: 'open',
  },
  {
    contract: 'Settlement',
    transaction: 'RetireCertificates',
    roles: ['member'],
    input: () => ({ retirementId: `${RUN}-R`, quantityWh: 1 }),
    probes: (cell) => [account(member(cell))],
    phase: 'open',
  },
  {
    contract: 'Dispute',
    transaction: 'Open',
    roles: ['member'],
    input: (cell) => ({
      tradeId: fixture.memberTrades.get(cell.org.mspId),
      claim: 'trust matrix',
      evidenceHash: hash(`${RUN} claim`),
    }),
    probes: (cell) => [
      get('Settlement', 'GetTrade', { tradeId: fixture.memberTrades.get(cell.org.mspId) }),
      get('Dispute', 'List', { participantId: member(cell), pageSize: 200 }),
    ],
    phase: 'traded',
  },
  {
    contract: 'Dispute',
    transaction: 'AddEvidence',
    roles: ['member', 'arbiter'],
    // The dispute is between two Community members: arbiters of the other orgs are neutral; no
    // matrix member is a party.
    succeeds: (cell) => cell.role === 'arbiter' && cell.org.mspId !== COMMUNITY,
    otherwise: (cell) =>
      new RegExp(`${cell.org.mspId}:trust-${cell.role} is neither a party to .* nor a neutral arbiter`),
    input: () => ({ tradeId: fixture.disputedTrade, evidenceHash: hash(`${RUN} evidence`) }),
    probes: () => [get('Dispute', 'Get', { tradeId: fixture.disputedTrade })],
    phase: 'traded',
  },
  {
    contract: 'Dispute',
    transaction: 'Rule',
    roles: ['arbiter'],
    succeeds: (cell) => cell.org.mspId !== COMMUNITY,
    otherwise: () => /arbiters of CommunityMSP, a party's organisation, do not rule/,
    input: () => ({ tradeId: fixture.disputedTrade, deliveredWh: KWH, penalty: 0, reason: 'trust matrix' }),
    probes: () => [
      get('Dispute', 'Get', { tradeId: fixture.disputedTrade }),
      get('Settlement', 'GetTrade', { tradeId: fixture.disputedTrade }),
    ],
    phase: 'traded',
  },
];

function profileOf(actor: Actor): Profile {
  return {
    displayName: `trust matrix ${actor.user}`,
    kind: 'PROSUMER',
    commodities: ['ELECTRICITY', 'SAVINGS_CERT'],
    gridZone: ZONE,
    meterIds: [meterIdOf(actor)],
  };
}

function meterIdOf(actor: Actor): string {
  return `TRUST-${actor.org}-${actor.user}`;
}

function marketInput(marketId: string, times: ReturnType<typeof timeline>) {
  return {
    marketId,
    commodity: 'ELECTRICITY' as const,
    gridZone: ZONE,
    gateClosure: times.gateClosure,
    deliveryStart: times.deliveryStart,
    deliveryEnd: times.deliveryEnd,
    reportDeadline: times.reportDeadline,
    disputeWindowMs: times.disputeWindowMs,
    rulingNoticeMs: times.rulingNoticeMs,
  };
}

function projectInput(projectId: string) {
  return {
    projectId,
    title: 'trust matrix insulation',
    method: 'IPMVP Option C',
    baselineWh: 1_000_000,
    gridZone: ZONE,
    evidenceHash: hash(projectId),
  };
}

/** What a cell is expected to answer, as the text {@link outcomeOf} produces. */
function expected(row: Row, cell: Cell): string | RegExp {
  const who = `${cell.org.mspId}:trust-${cell.role}`;
  if (!row.roles.includes(cell.role)) {
    return new RegExp(
      `^refused at endorsement: ESTP_FORBIDDEN: requires estp\\.role ${row.roles.join(' or ')}; ${who} has ${cell.role}$`,
    );
  }
  if (row.transaction !== 'Bootstrap' && !cell.org.capabilities.includes(cell.role)) {
    return new RegExp(
      `^refused at endorsement: ESTP_FORBIDDEN: ${cell.org.mspId} does not hold the capability ${cell.role} \\(${who}'s`,
    );
  }
  if (row.succeeds && !row.succeeds(cell)) {
    const reason = row.otherwise?.(cell).source ?? '';
    return new RegExp(`^refused at endorsement: ESTP_FORBIDDEN: .*${reason}`);
  }
  return row.allowedOutcome?.(cell) ?? 'succeeds';
}

function isAllowed(row: Row, cell: Cell): boolean {
  return typeof expected(row, cell) === 'string';
}

/** Runs a cell: evaluated when allowed, submitted when it must be refused; the answer as text. */
async function outcomeOf(row: Row, cell: Cell): Promise<string> {
  const client = await clients.of(cell.actor);
  const input = row.input(cell);
  const transient = row.transient?.(cell);
  try {
    // Rows name any transaction: they go through the raw calls, by name.
    if (isAllowed(row, cell)) {
      await client.evaluateText(row.contract, row.transaction, input, transient ? { transient } : {});
      return 'succeeds';
    }
    await client.submitText(row.contract, row.transaction, input, {
      ...(transient ? { transient, endorsingOrganizations: client.majorityEndorsers() } : {}),
      retry: NO_RETRY,
    });
    return 'COMMITTED';
  } catch (error) {
    if (!(error instanceof ChaincodeError)) throw error;
    if (isAllowed(row, cell)) return error.code;
    // Refused by the chaincode at endorsement: the gateway never sent it to the orderer.
    const phase =
      (error.cause as { name?: string } | undefined)?.name === 'EndorseError'
        ? 'at endorsement'
        : 'after endorsement';
    return `refused ${phase}: ${error.code}: ${error.chaincodeMessage}`;
  }
}

/** Reads every probe of a row (errors as their code: "does not exist" is a state too). */
async function readProbes(probes: readonly Probe[]): Promise<unknown[]> {
  const auditor = await clients.of(AUDITOR);
  return Promise.all(
    probes.map(async (probe) => {
      try {
        return parseResult(await auditor.evaluateText(probe.contract, probe.transaction, probe.input));
      } catch (error) {
        if (error instanceof ChaincodeError) return { error: error.code };
        throw error;
      }
    }),
  );
}

const cellsOf = (): Cell[] =>
  fixture.orgs.flatMap((org) =>
    ROLES.map((role) => ({ org, role, actor: { org: org.name, user: `trust-${role}` } })),
  );

const measured = { cells: 0, refused: 0, allowed: 0, ms: 0 };

/** Runs every cell of a row, and checks what it must: outcomes, unchanged records, balanced totals. */
async function checkRow(row: Row): Promise<void> {
  const cells = cellsOf();
  const probes = [
    ...new Map(
      cells.flatMap((cell) => row.probes(cell)).map((probe) => [JSON.stringify(probe), probe]),
    ).values(),
  ];
  const before = await readProbes(probes);
  const started = Date.now();
  const outcomes = await mapLimit(cells, 4, (cell) => outcomeOf(row, cell));
  measured.ms += Date.now() - started;
  measured.cells += cells.length;
  measured.allowed += cells.filter((cell) => isAllowed(row, cell)).length;
  measured.refused += cells.filter((cell) => !isAllowed(row, cell)).length;
  const label = (cell: Cell) => `${row.contract}:${row.transaction} as ${cell.org.mspId} ${cell.role}`;
  expect(Object.fromEntries(cells.map((cell, index) => [label(cell), outcomes[index]]))).toEqual(
    Object.fromEntries(
      cells.map((cell) => {
        const want = expected(row, cell);
        return [label(cell), typeof want === 'string' ? want : expect.stringMatching(want)];
      }),
    ),
  );
  // Nothing a refusal would have touched changed, and conservation holds after the row's refusals.
  expect(await readProbes(probes)).toEqual(before);
  const { conservation } = await totals(clients);
  expect([conservation.money.balanced, conservation.certificates.balanced]).toEqual([true, true]);
}

// ------------------------------------------------------------------------------------------------
// The fixture: each org's participants of the matrix, and markets, offers, trades and a dispute.

async function topUp(participantId: string, minimum: number): Promise<void> {
  const treasurer = await clients.of(TREASURER);
  const { available } = await treasurer.evaluate('Settlement', 'GetAccount', {
    participantId,
  });
  if (available >= minimum) return;
  await treasurer.submit('Settlement', 'Deposit', {
    accountId: participantId,
    amount: minimum,
    reference: `${RUN}-fund`,
  });
}

/** `actor` holds at least `minimumWh` certificates of its own project, verified by another org. */
async function ensureCertificates(actor: Actor, mspId: string, minimumWh: number): Promise<void> {
  const holder = await clients.of(actor);
  const held = await holder.evaluate('Settlement', 'GetAccount', {});
  if (held.certificatesHeldWh >= minimumWh) return;
  const projectId = `TRUST-P-${actor.org}`;
  try {
    await holder.submit('Settlement', 'RegisterSavingsProject', projectInput(projectId));
  } catch (error) {
    if (!(error instanceof ChaincodeError && error.code === 'ESTP_ALREADY_EXISTS')) throw error;
  }
  const verifier = await clients.of({
    org: mspId === 'UtilityMSP' ? 'enterprise' : 'utility',
    user: 'trust-verifier',
  });
  await clients.sync();
  await verifier.submit('Settlement', 'IssueCertificates', {
    projectId,
    batchId: `${RUN}-fix`,
    quantityWh: 10 * minimumWh,
    evidenceHash: hash(`${projectId} fixture`),
    ...pastPeriod(),
  });
}

/** A member kept SUSPENDED by its org's admin. */
async function ensureSuspended(actor: Actor): Promise<ParticipantView> {
  let record = await ensureRegistered(clients, actor, profileOf(actor));
  const admin = await clients.of({ org: actor.org, user: 'admin' });
  if (record.status !== 'SUSPENDED') await clients.sync();
  if (record.status === 'PENDING') record = await admin.submit('Participant', 'Approve', { id: record.id });
  if (record.status === 'ACTIVE') {
    record = await admin.submit('Participant', 'Suspend', { id: record.id, reason: 'trust matrix fixture' });
  }
  return record;
}

async function prepareParticipants(): Promise<void> {
  // Identities of orgs onboarded after the integration setup ran (e.g. CityMSP by add-org.test.ts).
  for (const org of fixture.orgs) {
    for (const enrolment of trustMatrixIdentities(org.name)) {
      await ensureIdentity(resolveSettings({ org: org.name }), enrolment);
    }
  }
  const remember = (actor: Actor, record: ParticipantView) =>
    fixture.ids.set(`${actor.org}/${actor.user}`, record.id);
  await mapLimit(fixture.orgs, 2, async (org) => {
    for (const role of ['member', 'arbiter'] as const) {
      if (!org.capabilities.includes(role)) continue;
      const actor = { org: org.name, user: `trust-${role}` };
      remember(actor, await ensureActive(clients, actor, profileOf(actor)));
    }
    const applicant = { org: org.name, user: 'trust-applicant' };
    remember(applicant, await ensureRegistered(clients, applicant, profileOf(applicant)));
    const suspended = { org: org.name, user: 'trust-suspended' };
    remember(suspended, await ensureSuspended(suspended));
  });
  for (const actor of [MAKER, DISPUTANT])
    remember(actor, await ensureActive(clients, actor, profileOf(actor)));
  await clients.sync();
  await mapLimit(
    [...fixture.ids.entries()].filter(([key]) => /trust-(member|maker|disputant)$/.test(key)),
    3,
    ([, participantId]) => topUp(participantId, 200_000),
  );
  for (const org of fixture.orgs)
    await ensureCertificates({ org: org.name, user: 'trust-member' }, org.mspId, 10);
  const maker = await clients.of(MAKER);
  try {
    await maker.submit('Settlement', 'RegisterSavingsProject', projectInput(fixture.makerProject));
  } catch (error) {
    if (!(error instanceof ChaincodeError && error.code === 'ESTP_ALREADY_EXISTS')) throw error;
  }
  await clients.sync();
}

/** Markets, offers and trades of this run: the trades are accepted before the gate closes. */
async function prepareMarkets(): Promise<void> {
  const operator = await clients.of(MARKET_OPERATOR);
  const open = timeline({ offersMs: 600_000 });
  // Time to post and fill the trades' offers before gate closure (about 2 N + 4 submits).
  const traded = timeline({ offersMs: 25_000, reportsMs: 600_000 });
  const settle = timeline({ offersMs: 25_000, reportsMs: 1_000, disputeWindowMs: 1_000 });
  fixture.tradedTimes = traded;
  fixture.settleTimes = settle;
  await Promise.all([
    operator.submit('Market', 'OpenMarket', marketInput(fixture.markets.open, open)),
    operator.submit('Market', 'OpenMarket', marketInput(fixture.markets.traded, traded)),
    operator.submit('Market', 'OpenMarket', marketInput(fixture.markets.settle, settle)),
  ]);
  await clients.sync();
  const maker = await clients.of(MAKER);
  const sell = async (marketId: string, offerId: string, quantityWh: number) =>
    (
      await maker.submit('Market', 'PostOffer', {
        offerId,
        marketId,
        side: 'SELL',
        quantityWh,
        price: PRICE,
      })
    ).id;
  const takers = [
    ...fixture.orgs.map((org) => ({ org: org.name, user: 'trust-member' })),
    DISPUTANT,
    DISPUTANT,
  ];
  const tradedOffers: string[] = [];
  for (const [index] of takers.entries())
    tradedOffers.push(await sell(fixture.markets.traded, `${RUN}-t${index}`, KWH));
  const settleOffer = await sell(fixture.markets.settle, `${RUN}-s`, KWH);
  fixture.makerOffer = await sell(fixture.markets.open, `${RUN}-o`, 10 * KWH);
  await clients.sync();
  const accept = async (actor: Actor, offerId: string) =>
    (await (await clients.of(actor)).submit('Market', 'AcceptOffer', { id: offerId, quantityWh: KWH })).trade
      .id;
  const tradeIds = await mapLimit(takers, 2, (taker, index) => accept(taker, tradedOffers[index] ?? ''));
  fixture.orgs.forEach((org, index) => fixture.memberTrades.set(org.mspId, tradeIds[index] ?? ''));
  fixture.disputedTrade = tradeIds[fixture.orgs.length] ?? '';
  fixture.reportTrade = tradeIds[fixture.orgs.length + 1] ?? '';
  fixture.settleTrade = await accept({ org: 'utility', user: 'trust-member' }, settleOffer);
  await mapLimit(fixture.orgs, 2, async (org) => {
    const owner = await clients.of({ org: org.name, user: 'trust-member' });
    const offer = await owner.submit('Market', 'PostOffer', {
      offerId: `${RUN}-c`,
      marketId: fixture.markets.open,
      side: 'BUY',
      quantityWh: KWH,
      price: PRICE,
    });
    fixture.memberOffers.set(org.mspId, offer.id);
  });
  if (Date.now() > traded.gateClosure) {
    throw new Error(
      `the fixture's trades took longer than the ${traded.gateClosure - Date.now()} ms to gate closure`,
    );
  }
  await clients.sync();
}

/** After delivery: the meter reports the members' and the disputant's trades; the disputant disputes. */
async function prepareDeliveries(): Promise<void> {
  const meter = await clients.of(METER);
  const makerMeter = meterIdOf(MAKER);
  await mapLimit([...fixture.memberTrades.values(), fixture.disputedTrade], 3, (tradeId) =>
    meter.submit('Settlement', 'ReportDelivery', {
      tradeId,
      deliveredWh: KWH,
      meterId: makerMeter,
      readingHash: hash(tradeId),
    }),
  );
  await clients.sync();
  await (
    await clients.of(DISPUTANT)
  ).submit('Dispute', 'Open', {
    tradeId: fixture.disputedTrade,
    claim: 'trust matrix fixture',
    evidenceHash: hash(`${RUN} dispute`),
  });
  await clients.sync();
}

beforeAll(async () => {
  // Given the orgs ACTIVE on the ledger, each with the capabilities the network's declaration states
  const declared = declaredOrganisations();
  const auditor = await clients.of(AUDITOR);
  const { records } = await auditor.evaluate('Consortium', 'ListOrganisations', {
    pageSize: 200,
  });
  const active = records.filter((org) => org.status === 'ACTIVE' && clients.network.orgs[org.mspId]);
  for (const org of active) {
    const declaration = declared.find((candidate) => candidate.mspId === org.mspId);
    expect({
      mspId: org.mspId,
      capabilities: org.capabilities,
      selfMeteringZones: org.selfMeteringZones,
    }).toEqual({
      mspId: org.mspId,
      capabilities: [...(declaration?.capabilities ?? [])].sort(),
      selfMeteringZones: [...(declaration?.selfMeteringZones ?? [])].sort(),
    });
  }
  fixture.founding = records
    .filter((org) => org.founding)
    .map((org) => declared.find((candidate) => candidate.mspId === org.mspId))
    .filter((org): org is Declaration => org !== undefined);
  fixture.orgs = active.map((org) => ({
    name: clients.network.orgs[org.mspId]?.name ?? org.mspId,
    mspId: org.mspId,
    capabilities: org.capabilities,
  }));
  // And the matrix's participants, markets, offers and trades
  await prepareParticipants();
  await prepareMarkets();
}, 600_000);

afterAll(async () => {
  // Take the run's open offers off the book (their escrow back to the owners); settle what can be.
  const cancel = async (actor: Actor, offerId: string) =>
    (await clients.of(actor)).submit('Market', 'CancelOffer', { id: offerId });
  await Promise.allSettled([
    cancel(MAKER, fixture.makerOffer),
    ...fixture.orgs.map((org) =>
      cancel({ org: org.name, user: 'trust-member' }, fixture.memberOffers.get(org.mspId) ?? ''),
    ),
    (await clients.of(TREASURER)).submit('Settlement', 'Settle', { tradeId: fixture.settleTrade }),
  ]);
}, 120_000);

describe('the trust matrix: every write transaction × every org × every role', () => {
  test('covers every write transaction of the chaincode', () => {
    const writes = Object.entries(PUBLIC_API).flatMap(([contract, transactions]) =>
      Object.entries(transactions)
        .filter(([, kind]) => kind === 'submit')
        .map(([transaction]) => `${contract}:${transaction}`),
    );
    expect(ROWS.map((row) => `${row.contract}:${row.transaction}`).sort()).toEqual(writes.sort());
  });

  describe('while the markets take offers', () => {
    test.each(
      ROWS.filter((row) => row.phase === 'open').map(
        (row) => [`${row.contract}:${row.transaction}`, row] as const,
      ),
    )('%s', async (_name, row) => {
      await checkRow(row);
    });
  });

  describe('after delivery, with trades to report, settle and dispute', () => {
    beforeAll(async () => {
      await waitUntil(Math.max(fixture.tradedTimes?.deliveryEnd ?? 0, fixture.settleTimes?.settleAfter ?? 0));
      await prepareDeliveries();
    }, 120_000);

    test.each(
      ROWS.filter((row) => row.phase === 'traded').map(
        (row) => [`${row.contract}:${row.transaction}`, row] as const,
      ),
    )('%s', async (_name, row) => {
      await checkRow(row);
    });
  });

  afterAll(() => {
    process.stdout.write(
      `\ntrust matrix: ${measured.cells} cells (${measured.allowed} allowed, ${measured.refused} refused) over ` +
        `${fixture.orgs.length} orgs in ${(measured.ms / 1000).toFixed(1)} s of cells\n`,
    );
  });
});
