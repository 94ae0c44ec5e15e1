/**
 * Proposals: the one voting machinery of the consortium (docs/trust.md). Every change of an
 * Organisation record is a proposal that admins approve, one vote per org:
 *
 * | kind                     | made by                           | electorate                 | adopted with        |
 * | ------------------------ | --------------------------------- | -------------------------- | ------------------- |
 * | FOUND (Bootstrap)        | an admin of an org it lists       | the orgs it lists          | every one of them   |
 * | ADMIT (ProposeOrg…)      | an admin of an ACTIVE org         | the ACTIVE orgs            | floor(n/2) + 1      |
 * | GRANT, REVOKE, SUSPEND,  | an admin of an ACTIVE org         | the ACTIVE orgs            | floor(n/2) + 1      |
 * | REINSTATE (ProposeChange)|                                   |                            |                     |
 *
 * The proposer's org is the first approval. Votes are counted against the electorate at the time
 * of each vote, so a vote of an org that has since been suspended no longer counts.
 *
 * Races, and why they are safe:
 * - Each vote writes only its own key `(OrganisationApproval, proposalId, approverMspId)`, but
 *   counts the others with a range read: of two votes committed in one block the later fails
 *   validation (phantom read) and is resubmitted, never double counted.
 * - Every vote reads all Organisation records (the electorate); a vote endorsed while another
 *   transaction changes any organisation (admission, suspension) fails validation the same way.
 * - A change proposal names the revision of the record it changes (`baseRevision`) and is adopted
 *   only while the record is at that revision: of two competing proposals on one org only the
 *   first adopted wins; the other is outdated and must be proposed again against the new record.
 * - A founding declaration is adopted only while no Organisation record exists, so of two
 *   competing declarations at most one is ever adopted.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'fabric-contract-api';
import type { Caller, Role } from '../lib/caller';
import { AlreadyExistsError, ForbiddenError, IllegalStateError, NotFoundError } from '../lib/errors';
import { EventName, emitEvent } from '../lib/events';
import { results } from '../lib/iterate';
import { fromBytes, toBytes, toCanonicalJson } from '../lib/json';
import { RecordType } from '../lib/keys';
import { readRecord, writeRecord } from '../lib/state';
import { txTimeIso } from '../lib/time';
import { text } from '../lib/validate';
import {
  ADMIN_CAPABILITY,
  type Organisation,
  type OrganisationDeclaration,
  activeMspIds,
  requiredApprovals,
} from './model';

export const PROPOSAL_KINDS = ['FOUND', 'ADMIT', 'GRANT', 'REVOKE', 'SUSPEND', 'REINSTATE'] as const;
export type ProposalKind = (typeof PROPOSAL_KINDS)[number];

/** The changes of an admitted organisation (Consortium:ProposeChange). */
export const CHANGES = ['GRANT', 'REVOKE', 'SUSPEND', 'REINSTATE'] as const satisfies readonly ProposalKind[];
export type Change = (typeof CHANGES)[number];

export const PROPOSAL_STATUSES = ['OPEN', 'ADOPTED'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

export interface OrganisationProposal {
  /** Derived from its content (see {@link changeProposalId}, {@link foundingProposalId}). */
  id: string;
  kind: ProposalKind;
  /** The organisation it changes (every kind but FOUND). */
  mspId?: string;
  /** The revision of that organisation's record it changes; adopted only while still current. */
  baseRevision?: number;
  /** GRANT / REVOKE: the capability. */
  capability?: Role;
  /** GRANT / REVOKE of `meter` in one grid zone: the self-metering grant. */
  gridZone?: string;
  /** FOUND: the founding declaration, in MSP ID order. */
  organisations?: OrganisationDeclaration[];
  reason?: string;
  status: ProposalStatus;
  /** Participant ID of the admin who made it. */
  proposedBy: string;
  proposedAt: string;
  adoptedAt?: string;
}

/** One org's vote for a proposal. */
export interface OrganisationApproval {
  proposalId: string;
  approverMspId: string;
  /** Participant ID of the approving admin. */
  approvedBy: string;
  approvedAt: string;
}

/** Where a proposal stands after a vote. */
export interface ProposalDecision {
  proposal: OrganisationProposal;
  /** The MSP IDs whose approvals count now, sorted. */
  approvals: string[];
  requiredApprovals: number;
  /** The organisation records its adoption wrote (empty while it is OPEN). */
  adopted: Organisation[];
}

/** A proposal ID input: `<mspId>/<revision>/<kind>[/<capability>[/<gridZone>]]` or `FOUND/<sha256>`. */
export function proposalIdField() {
  return text({
    max: 200,
    pattern: /^[A-Za-z][A-Za-z0-9.-]{0,63}\/[A-Za-z0-9._/-]{1,135}$/,
    patternName: 'a proposal ID such as CommunityMSP/1/GRANT/verifier',
  });
}

/** The ID of a proposal to change (or admit) `mspId` at `revision`: the same change gets the same ID. */
export function changeProposalId(
  mspId: string,
  revision: number,
  kind: Exclude<ProposalKind, 'FOUND'>,
  capability?: Role,
  gridZone?: string,
): string {
  return [mspId, String(revision), kind, capability, gridZone].filter((part) => part !== undefined).join('/');
}

/** The admission proposal of `mspId` (its record is at revision 0 while PROPOSED). */
export function admissionProposalId(mspId: string): string {
  return changeProposalId(mspId, 0, 'ADMIT');
}

/** `FOUND/<SHA-256 of the declaration's canonical JSON>`: identical declarations, identical IDs. */
export function foundingProposalId(declaration: readonly OrganisationDeclaration[]): string {
  return `FOUND/${createHash('sha256').update(toCanonicalJson(declaration)).digest('hex')}`;
}

/** Reads a proposal, or undefined. */
export function readProposal(ctx: Context, proposalId: string): Promise<OrganisationProposal | undefined> {
  return readRecord<OrganisationProposal>(ctx, RecordType.OrganisationProposal, proposalId);
}

/**
 * Reads a proposal or fails.
 * @throws {NotFoundError}
 */
export async function mustReadProposal(ctx: Context, proposalId: string): Promise<OrganisationProposal> {
  const proposal = await readProposal(ctx, proposalId);
  if (!proposal) throw new NotFoundError(RecordType.OrganisationProposal, proposalId);
  return proposal;
}

/** Composite key of `approverMspId`'s approval of `proposalId`. */
export function approvalKey(ctx: Context, proposalId: string, approverMspId: string): string {
  return ctx.stub.createCompositeKey(RecordType.OrganisationApproval, [proposalId, approverMspId]);
}

/** The MSP IDs that approved `proposalId`, sorted (unpaginated). */
export async function approversOf(ctx: Context, proposalId: string): Promise<string[]> {
  const approvals = ctx.stub.getStateByPartialCompositeKey(RecordType.OrganisationApproval, [proposalId]);
  const approvers: string[] = [];
  for await (const { value } of results(approvals)) {
    approvers.push(fromBytes<OrganisationApproval>(value).approverMspId);
  }
  return approvers.sort();
}

/** Who votes on `proposal` now, and how many of them adopt it. */
export function electorate(
  proposal: Pick<OrganisationProposal, 'kind' | 'organisations'>,
  organisations: readonly Organisation[],
): { voters: string[]; required: number } {
  if (proposal.kind === 'FOUND') {
    const voters = (proposal.organisations ?? []).map((organisation) => organisation.mspId);
    return { voters, required: voters.length };
  }
  const voters = activeMspIds(organisations);
  return { voters, required: requiredApprovals(voters.length) };
}

const sortedWith = <T>(values: readonly T[], value: T): T[] => [...new Set([...values, value])].sort();
const sortedWithout = <T>(values: readonly T[], value: T): T[] => values.filter((item) => item !== value);

/**
 * The record of `target` once `proposal` (not FOUND) is applied to it.
 * @throws {IllegalStateError} when the change does not apply to the record as it is.
 */
export function changedOrganisation(
  proposal: OrganisationProposal,
  target: Organisation,
  organisations: readonly Organisation[],
  now: string,
): Organisation {
  const { mspId } = target;
  const next: Organisation = { ...target, revision: target.revision + 1, updatedAt: now };
  if (proposal.kind === 'ADMIT') {
    if (target.status !== 'PROPOSED')
      throw new IllegalStateError(`organisation ${mspId} is ${target.status}`);
    return { ...next, status: 'ACTIVE', activatedAt: now };
  }
  if (target.status === 'PROPOSED') {
    throw new IllegalStateError(`organisation ${mspId} is PROPOSED: admit it first (ApproveOrganisation)`);
  }
  const { capability, gridZone } = proposal;
  switch (proposal.kind) {
    case 'GRANT':
      if (gridZone !== undefined) {
        if (target.selfMeteringZones.includes(gridZone)) {
          throw new IllegalStateError(
            `${mspId} holds the meter capability for grid zone ${gridZone} already`,
          );
        }
        return {
          ...next,
          capabilities: sortedWith(target.capabilities, 'meter'),
          selfMeteringZones: sortedWith(target.selfMeteringZones, gridZone),
        };
      }
      if (capability === undefined || target.capabilities.includes(capability)) {
        throw new IllegalStateError(`${mspId} holds the capability ${String(capability)} already`);
      }
      return { ...next, capabilities: sortedWith(target.capabilities, capability) };
    case 'REVOKE':
      if (gridZone !== undefined) {
        if (!target.selfMeteringZones.includes(gridZone)) {
          throw new IllegalStateError(`${mspId} holds no meter capability for grid zone ${gridZone}`);
        }
        return { ...next, selfMeteringZones: sortedWithout(target.selfMeteringZones, gridZone) };
      }
      if (capability === undefined || !target.capabilities.includes(capability)) {
        throw new IllegalStateError(`${mspId} does not hold the capability ${String(capability)}`);
      }
      if (capability === ADMIN_CAPABILITY) {
        throw new IllegalStateError(`${ADMIN_CAPABILITY} is never revoked: suspend ${mspId} instead`);
      }
      return {
        ...next,
        capabilities: sortedWithout(target.capabilities, capability),
        selfMeteringZones: capability === 'meter' ? [] : target.selfMeteringZones,
      };
    case 'SUSPEND':
      if (target.status !== 'ACTIVE')
        throw new IllegalStateError(`organisation ${mspId} is ${target.status}`);
      if (activeMspIds(organisations).every((active) => active === mspId)) {
        throw new IllegalStateError(`suspending ${mspId} would leave no ACTIVE organisation to vote`);
      }
      return { ...next, status: 'SUSPENDED', suspendedAt: now };
    case 'REINSTATE':
      if (target.status !== 'SUSPENDED') {
        throw new IllegalStateError(`organisation ${mspId} is ${target.status}, not SUSPENDED`);
      }
      return { ...next, status: 'ACTIVE' };
    default:
      throw new IllegalStateError(`proposal ${proposal.id} of kind ${proposal.kind} changes no organisation`);
  }
}

/**
 * The Organisation records adopting `proposal` writes, given the records as they are now.
 * @throws {IllegalStateError} when it no longer applies (the consortium is founded already, the
 *   org changed since the proposal was made, or the change does not apply).
 * @throws {NotFoundError} when the org it changes is not recorded.
 */
export function adoption(
  proposal: OrganisationProposal,
  organisations: readonly Organisation[],
  now: string,
): Organisation[] {
  if (proposal.kind === 'FOUND') {
    if (organisations.length > 0) {
      throw new IllegalStateError(
        `the consortium was founded already; the founding declaration ${proposal.id} can no longer be adopted`,
      );
    }
    return (proposal.organisations ?? []).map((declaration): Organisation => ({
      ...declaration,
      status: 'ACTIVE',
      founding: true,
      proposedBy: proposal.proposedBy,
      revision: 1,
      createdAt: now,
      updatedAt: now,
      activatedAt: now,
    }));
  }
  const mspId = proposal.mspId ?? '';
  const target = organisations.find((organisation) => organisation.mspId === mspId);
  if (!target) throw new NotFoundError(RecordType.Organisation, mspId);
  if (target.revision !== proposal.baseRevision) {
    throw new IllegalStateError(
      `proposal ${proposal.id} changes revision ${String(proposal.baseRevision)} of ${mspId}, which is at revision ` +
        `${target.revision} since ${target.updatedAt}: propose the change again`,
    );
  }
  return [changedOrganisation(proposal, target, organisations, now)];
}

const EVENTS: Record<ProposalKind, { proposed: EventName; approved: EventName; adopted: EventName }> = {
  FOUND: {
    proposed: EventName.FoundingConfirmed,
    approved: EventName.FoundingConfirmed,
    adopted: EventName.OrganisationBootstrapped,
  },
  ADMIT: {
    proposed: EventName.OrganisationProposed,
    approved: EventName.OrganisationApproved,
    adopted: EventName.OrganisationActivated,
  },
  GRANT: {
    proposed: EventName.OrganisationChangeProposed,
    approved: EventName.OrganisationChangeApproved,
    adopted: EventName.OrganisationChanged,
  },
  REVOKE: {
    proposed: EventName.OrganisationChangeProposed,
    approved: EventName.OrganisationChangeApproved,
    adopted: EventName.OrganisationChanged,
  },
  SUSPEND: {
    proposed: EventName.OrganisationChangeProposed,
    approved: EventName.OrganisationChangeApproved,
    adopted: EventName.OrganisationChanged,
  },
  REINSTATE: {
    proposed: EventName.OrganisationChangeProposed,
    approved: EventName.OrganisationChangeApproved,
    adopted: EventName.OrganisationChanged,
  },
};

/**
 * Records `voter`'s approval of `proposal` on behalf of its org and adopts the proposal when the
 * approvals of its electorate reach the number required. Writes the approval, the proposal (when
 * new or adopted) and the adopted Organisation records; emits the transaction's event. The caller
 * has authorised the voter (requireRole, or Bootstrap's own check) and read `organisations`.
 * @throws {IllegalStateError} the proposal is ADOPTED or no longer applies.
 * @throws {ForbiddenError} the voter's org is not in the electorate.
 * @throws {AlreadyExistsError} the voter's org approved it already.
 */
export async function approveProposal(
  ctx: Context,
  voter: Caller,
  proposal: OrganisationProposal,
  organisations: readonly Organisation[],
  isNew: boolean,
): Promise<ProposalDecision> {
  if (proposal.status !== 'OPEN') {
    throw new IllegalStateError(`proposal ${proposal.id} is ${proposal.status} already`);
  }
  const { voters, required } = electorate(proposal, organisations);
  if (!voters.includes(voter.mspId)) {
    throw new ForbiddenError(
      `${voter.mspId} does not vote on proposal ${proposal.id}; voters: ${voters.join(',')}`,
    );
  }
  const approvers = isNew ? [] : await approversOf(ctx, proposal.id);
  if (approvers.includes(voter.mspId)) {
    throw new AlreadyExistsError(RecordType.OrganisationApproval, `${proposal.id}:${voter.mspId}`);
  }
  const now = txTimeIso(ctx);
  const changed = adoption(proposal, organisations, now);
  const approvals = sortedWith(approvers, voter.mspId).filter((mspId) => voters.includes(mspId));
  const adopted = approvals.length >= required;
  const approval: OrganisationApproval = {
    proposalId: proposal.id,
    approverMspId: voter.mspId,
    approvedBy: voter.participantId,
    approvedAt: now,
  };
  await ctx.stub.putState(approvalKey(ctx, proposal.id, voter.mspId), toBytes(approval));
  const decided: OrganisationProposal = adopted
    ? { ...proposal, status: 'ADOPTED', adoptedAt: now }
    : proposal;
  if (isNew || adopted) await writeRecord(ctx, RecordType.OrganisationProposal, decided.id, decided);
  if (adopted) {
    for (const organisation of changed) {
      await writeRecord(ctx, RecordType.Organisation, organisation.mspId, organisation);
    }
  }
  const events = EVENTS[proposal.kind];
  emitEvent(ctx, adopted ? events.adopted : isNew ? events.proposed : events.approved, {
    proposalId: proposal.id,
    kind: proposal.kind,
    mspIds: changed.map((organisation) => organisation.mspId),
    approvals,
    requiredApprovals: required,
    adopted,
    by: voter.participantId,
  });
  return { proposal: decided, approvals, requiredApprovals: required, adopted: adopted ? changed : [] };
}
