/**
 * Energy-savings certificates, in Wh saved: RegisterSavingsProject, IssueCertificates,
 * RetireCertificates.
 *
 * - A member registers a project (baseline, measurement-and-verification method, evidence hash).
 * - A verifier of ANOTHER organisation than the project owner's issues certificates for verified
 *   savings of a past period into the ACTIVE owner's account; Σ issued never exceeds the project's
 *   baseline, and a project's periods never overlap: each batch's period starts at or after the end
 *   of the project's latest one, so the same savings cannot be certified twice.
 * - Certificates change hands only through trades on SAVINGS_CERT markets (the call auction or
 *   AcceptOffer), which deliver them at once against payment; there is no free transfer.
 * - The holder retires (burns) certificates to claim the savings; the retirement record keeps the
 *   claimed amount and beneficiary, and retired certificates can never be offered again.
 */
import type { Context } from 'fabric-contract-api';
import { requireRole } from '../lib/caller';
import { ForbiddenError, InvalidInputError } from '../lib/errors';
import { EventName, emitEvent } from '../lib/events';
import { RecordType } from '../lib/keys';
import { add } from '../lib/money';
import { assertAbsent, mustReadRecord, writeRecord } from '../lib/state';
import { isoOf, txTimeAfter, txTimeIso } from '../lib/time';
import { type InputOf, result, transaction } from '../lib/declaration';
import { id, sha256Hex, text } from '../lib/validate';
import { quantityWh, timeMs, uri } from '../lib/fields';
import { getParticipant, inactiveReason, requireActiveParticipant } from '../participant/model';
import { AccountBook } from '../lib/accounts';
import type { Account } from '../lib/accounts';
import type { CertificateBatch, CertificateRetirement, SavingsProject } from './model';

const PROJECT_ID = id().describe('the savings project (its ID, chosen when it was registered)');
const EVIDENCE_HASH = sha256Hex().describe('SHA-256 (hex) of the evidence document (kept off-chain)');
const EVIDENCE_URI = uri().orUndefined().describe('where the evidence document is kept');

export const RegisterSavingsProject = transaction({
  contract: 'Settlement',
  name: 'RegisterSavingsProject',
  kind: 'submit',
  summary:
    'Registers an energy-savings project of the caller (member role, ACTIVE): baseline, method, evidence.',
  input: {
    projectId: id().describe('project ID (client-chosen, unique)'),
    title: text({ max: 200 }).describe('what the project does'),
    method: text({ max: 200 }).describe('measurement-and-verification method'),
    baselineWh: quantityWh().describe('baseline consumption: the most certificates it can ever be issued'),
    gridZone: id().describe('grid zone of the project'),
    evidenceHash: EVIDENCE_HASH,
    evidenceUri: EVIDENCE_URI,
  },
  output: result<SavingsProject>('the project'),
  errors: { ESTP_FORBIDDEN: '', ESTP_ALREADY_EXISTS: '' },
  example: {
    projectId: 'BREWERY-HEAT-RECOVERY',
    title: 'Brewery heat recovery',
    method: 'IPMVP option B',
    baselineWh: 120000000,
    gridZone: 'ZONE-A',
    evidenceHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  },
});

/**
 * Registers a savings project owned by the caller (member role, ACTIVE).
 * @throws {ForbiddenError} without the member role or not ACTIVE.
 * @throws {AlreadyExistsError} the project ID is taken.
 */
export async function registerSavingsProject(
  ctx: Context,
  request: InputOf<typeof RegisterSavingsProject>,
): Promise<SavingsProject> {
  const caller = await requireRole(ctx, 'member');
  const owner = await requireActiveParticipant(ctx, caller);
  await assertAbsent(ctx, RecordType.SavingsProject, request.projectId);
  const at = txTimeIso(ctx);
  const project: SavingsProject = {
    id: request.projectId,
    owner: owner.id,
    ownerMspId: owner.mspId,
    title: request.title,
    method: request.method,
    baselineWh: request.baselineWh,
    gridZone: request.gridZone,
    evidenceHash: request.evidenceHash,
    evidenceUri: request.evidenceUri,
    issuedWh: 0,
    registeredAt: at,
    updatedAt: at,
  };
  await writeRecord(ctx, RecordType.SavingsProject, project.id, project);
  emitEvent(ctx, EventName.SavingsProjectRegistered, {
    projectId: project.id,
    owner: project.owner,
    baselineWh: project.baselineWh,
    evidenceHash: project.evidenceHash,
  });
  return project;
}

export const IssueCertificates = transaction({
  contract: 'Settlement',
  name: 'IssueCertificates',
  kind: 'submit',
  summary:
    "Issues certificates (Wh saved) for a past period to a project's ACTIVE owner (verifier role, of another organisation); a project's periods never overlap.",
  input: {
    projectId: PROJECT_ID,
    batchId: id().describe('certificate batch ID (client-chosen, unique per project)'),
    quantityWh: quantityWh().describe('savings certified'),
    evidenceHash: EVIDENCE_HASH,
    evidenceUri: EVIDENCE_URI,
    periodStart: timeMs().describe(
      "start of the savings period (not before the end of the project's previous one)",
    ),
    periodEnd: timeMs().describe('end of the savings period (exclusive; over by the transaction time)'),
  },
  output: result<IssueResult>("the batch and the owner's account"),
  errors: {
    ESTP_INVALID_INPUT: 'beyond the baseline; a period not over, empty, or overlapping a certified one',
    ESTP_FORBIDDEN: "the project owner's own organisation, or an owner (or its org) not ACTIVE",
    ESTP_NOT_FOUND: '',
    ESTP_ALREADY_EXISTS: 'batch',
    ESTP_BAD_TIMESTAMP: "before the project's latest recorded transaction",
    ESTP_LIMIT_EXCEEDED: "the owner's lifetime issued certificates would pass 10¹⁵",
  },
  example: {
    projectId: 'BREWERY-HEAT-RECOVERY',
    batchId: '2026-Q2',
    quantityWh: 4000000,
    evidenceHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    periodStart: '2026-04-01T00:00:00Z',
    periodEnd: '2026-07-01T00:00:00Z',
  },
});

/** The batch issued and the owner's account after it. */
export interface IssueResult {
  batch: CertificateBatch;
  account: Account;
}

/**
 * Issues certificates for verified savings of a project over [periodStart, periodEnd) to its owner
 * (verifier role, not of the owner's organisation; the owner ACTIVE). The period must have ended
 * and must start at or after the end of the project's latest certified period. The batch ID is the
 * verifier's idempotency key per project.
 * @throws {InvalidInputError} periodEnd not after periodStart, or in the future; a period that
 *   overlaps the project's certified ones; issuance beyond the project's baseline.
 * @throws {ForbiddenError} without the verifier role, of the project owner's organisation, or the
 *   owner is not ACTIVE.
 * @throws {NotFoundError} unknown project.
 * @throws {AlreadyExistsError} the batch ID was used for this project.
 * @throws {LimitExceededError} the owner's lifetime issued certificates would pass the per-account cap.
 */
export async function issueCertificates(
  ctx: Context,
  request: InputOf<typeof IssueCertificates>,
): Promise<IssueResult> {
  if (request.periodEnd <= request.periodStart) {
    throw new InvalidInputError('periodEnd', 'must be after periodStart');
  }
  const caller = await requireRole(ctx, 'verifier');
  const project = await mustReadRecord<SavingsProject>(ctx, RecordType.SavingsProject, request.projectId);
  if (caller.mspId === project.ownerMspId) {
    throw new ForbiddenError(
      `certificates of ${project.id} must be issued by a verifier of another organisation than ${project.ownerMspId}`,
    );
  }
  const nowMs = txTimeAfter(ctx, { [`project ${project.id}`]: project });
  if (request.periodEnd > nowMs) {
    throw new InvalidInputError(
      'periodEnd',
      `must not be after the transaction time ${isoOf(nowMs)}: savings are certified once measured`,
    );
  }
  if (project.certifiedUntilMs !== undefined && request.periodStart < project.certifiedUntilMs) {
    throw new InvalidInputError(
      'periodStart',
      `must not be before ${isoOf(project.certifiedUntilMs)}: ${project.id}'s savings are certified until then, and periods may not overlap`,
    );
  }
  const batchKey = `${project.id}/${request.batchId}`;
  await assertAbsent(ctx, RecordType.CertificateBatch, batchKey);
  const issuedWh = add(project.issuedWh, request.quantityWh, 'quantityWh');
  if (issuedWh > project.baselineWh) {
    throw new InvalidInputError(
      'quantityWh',
      `would bring ${project.id}'s certificates to ${issuedWh} Wh, above its baseline ${project.baselineWh} Wh`,
    );
  }
  const ownerInactive = await inactiveReason(ctx, await getParticipant(ctx, project.owner));
  if (ownerInactive !== undefined) {
    throw new ForbiddenError(
      `certificates go only to ACTIVE participants of ACTIVE organisations; ${ownerInactive}`,
    );
  }
  const at = txTimeIso(ctx);
  const accounts = new AccountBook(ctx, at);
  const account = await accounts.issueCertificates(project.owner, request.quantityWh);
  const batch: CertificateBatch = {
    id: batchKey,
    batchId: request.batchId,
    projectId: project.id,
    owner: project.owner,
    quantityWh: request.quantityWh,
    verifier: caller.participantId,
    verifierMspId: caller.mspId,
    evidenceHash: request.evidenceHash,
    evidenceUri: request.evidenceUri,
    periodStartMs: request.periodStart,
    periodEndMs: request.periodEnd,
    issuedAt: at,
  };
  project.issuedWh = issuedWh;
  project.certifiedUntilMs = request.periodEnd;
  project.updatedAt = at;
  await writeRecord(ctx, RecordType.CertificateBatch, batch.id, batch);
  await writeRecord(ctx, RecordType.SavingsProject, project.id, project);
  await accounts.flush();
  emitEvent(ctx, EventName.CertificatesIssued, {
    projectId: project.id,
    batchId: batch.batchId,
    owner: project.owner,
    quantityWh: batch.quantityWh,
    verifier: batch.verifier,
  });
  return { batch, account };
}

export const RetireCertificates = transaction({
  contract: 'Settlement',
  name: 'RetireCertificates',
  kind: 'submit',
  summary:
    'Retires (burns) held certificates of the caller (member role, ACTIVE), keeping the claimed amount.',
  input: {
    retirementId: id().describe('retirement ID (client-chosen, unique per holder)'),
    quantityWh: quantityWh().describe('certificates to retire'),
    beneficiary: text({ max: 200 }).orUndefined().describe('on whose behalf the savings are claimed'),
    purpose: text({ max: 500 }).orUndefined().describe('the claim'),
  },
  output: result<RetireResult>("the retirement and the holder's account"),
  errors: {
    ESTP_FORBIDDEN: '',
    ESTP_ALREADY_EXISTS: '',
    ESTP_INSUFFICIENT_FUNDS: '',
    ESTP_LIMIT_EXCEEDED: "the holder's lifetime retired certificates would pass 10¹⁵",
  },
  example: { retirementId: 'R-2026-1', quantityWh: 1000000, purpose: '2026 sustainability report' },
});

/** The retirement record and the holder's account after it. */
export interface RetireResult {
  retirement: CertificateRetirement;
  account: Account;
}

/**
 * Retires (burns) held certificates of the caller (member role, ACTIVE).
 * @throws {ForbiddenError} without the member role or not ACTIVE.
 * @throws {AlreadyExistsError} the caller used the retirement ID already.
 * @throws {InsufficientFundsError} fewer held certificates than quantityWh.
 */
export async function retireCertificates(
  ctx: Context,
  request: InputOf<typeof RetireCertificates>,
): Promise<RetireResult> {
  const caller = await requireRole(ctx, 'member');
  const holder = await requireActiveParticipant(ctx, caller);
  const retirementKey = `${holder.id}/${request.retirementId}`;
  await assertAbsent(ctx, RecordType.CertificateRetirement, retirementKey);
  const at = txTimeIso(ctx);
  const accounts = new AccountBook(ctx, at);
  const account = await accounts.retireCertificates(holder.id, request.quantityWh);
  const retirement: CertificateRetirement = {
    id: retirementKey,
    retirementId: request.retirementId,
    holder: holder.id,
    quantityWh: request.quantityWh,
    beneficiary: request.beneficiary,
    purpose: request.purpose,
    retiredAt: at,
  };
  await writeRecord(ctx, RecordType.CertificateRetirement, retirement.id, retirement);
  await accounts.flush();
  emitEvent(ctx, EventName.CertificatesRetired, {
    holder: holder.id,
    retirementId: request.retirementId,
    quantityWh: request.quantityWh,
    beneficiary: request.beneficiary,
  });
  return { retirement, account };
}
