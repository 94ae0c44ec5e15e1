import type { Context } from 'fabric-contract-api';
import { callerOf, requireClaimedRole } from '../lib/caller';
import { ForbiddenError, IllegalStateError, InvalidInputError } from '../lib/errors';
import { txTimeIso } from '../lib/time';
import { type InputOf, result, transaction } from '../lib/declaration';
import { list } from '../lib/validate';
import {
  type Organisation,
  type OrganisationDeclaration,
  allOrganisations,
  declarationField,
  declarationOf,
} from './model';
import {
  type OrganisationProposal,
  approveProposal,
  approversOf,
  electorate,
  foundingProposalId,
  readProposal,
} from './proposals';

/** The most organisations a founding declaration lists. */
export const MAX_FOUNDING_ORGANISATIONS = 32;

export const Bootstrap = transaction({
  contract: 'Consortium',
  name: 'Bootstrap',
  kind: 'submit',
  summary:
    "Confirms the founding declaration (the founding orgs with their capabilities and self-metering zones) for the caller's org; the orgs are recorded ACTIVE once the admin of every org listed confirmed the identical declaration. A repeat, or a confirmation after the founding, changes nothing.",
  input: {
    organisations: list(declarationField(), { min: 2, max: MAX_FOUNDING_ORGANISATIONS }).describe(
      'the founding organisations: { mspId, displayName, capabilities, selfMeteringZones? } each',
    ),
  },
  output: result<BootstrapResult>(
    '`{ proposal, approvals, requiredApprovals, founded, changed, organisations }`',
  ),
  errors: {
    ESTP_INVALID_INPUT:
      'naming the field (fewer than 2 orgs, an org twice, no admin capability, zones without meter)',
    ESTP_FORBIDDEN: "unless the caller's certificate claims admin and its org is listed",
    ESTP_ILLEGAL_STATE: 'when the consortium was founded by another declaration',
  },
  example: {
    organisations: [
      {
        mspId: 'UtilityMSP',
        displayName: 'Utility (grid operator)',
        capabilities: ['admin', 'member', 'meter', 'treasurer'],
      },
      {
        mspId: 'CommunityMSP',
        displayName: 'Community (energy co-op)',
        capabilities: ['admin', 'member', 'arbiter'],
      },
    ],
  },
});

export interface BootstrapResult {
  /** The founding declaration as a proposal (`FOUND/<sha256>`), OPEN until every listed org confirmed. */
  proposal: OrganisationProposal;
  /** The orgs whose admins confirmed it, sorted. */
  approvals: string[];
  /** How many confirmations it needs: every org it lists. */
  requiredApprovals: number;
  /** True once the consortium is founded by this declaration. */
  founded: boolean;
  /** False when this call wrote nothing (the caller's org had confirmed it already). */
  changed: boolean;
  /** The founding Organisation records (empty until founded). */
  organisations: Organisation[];
}

/**
 * The declaration in canonical form: organisations in MSP ID order, each canonical.
 * @throws {InvalidInputError} for a listed org twice or a declaration without admin.
 */
function canonicalDeclaration(request: InputOf<typeof Bootstrap>): OrganisationDeclaration[] {
  const seen = new Set<string>();
  const declaration = request.organisations.map((organisation, index) => {
    if (seen.has(organisation.mspId)) {
      throw new InvalidInputError(`organisations[${index}].mspId`, `lists ${organisation.mspId} twice`);
    }
    seen.add(organisation.mspId);
    return declarationOf(organisation, `organisations[${index}]`);
  });
  return declaration.sort((a, b) => (a.mspId < b.mspId ? -1 : a.mspId > b.mspId ? 1 : 0));
}

/**
 * Confirms the founding declaration on behalf of the caller's org (docs/trust.md): the founding
 * organisations and their capabilities, as the network topology declares them. The declaration
 * takes effect — its organisations recorded ACTIVE — only when the admin of every org it lists
 * has confirmed the identical declaration (same canonical JSON, same `FOUND/<sha256>` ID), so no
 * founding org decides alone; it lists at least two orgs, and once one declaration is adopted no
 * other ever is. Idempotent: a repeated confirmation, or one of the adopted declaration, writes
 * nothing. The only transaction checked by the certificate's role alone: no organisation is
 * recorded yet.
 * @throws {InvalidInputError} a malformed declaration.
 * @throws {ForbiddenError} the caller is not an admin of an org the declaration lists.
 * @throws {IllegalStateError} the consortium was founded by another declaration.
 */
export async function bootstrap(ctx: Context, request: InputOf<typeof Bootstrap>): Promise<BootstrapResult> {
  const declaration = canonicalDeclaration(request);
  const caller = callerOf(ctx);
  requireClaimedRole(caller, 'admin');
  if (!declaration.some((organisation) => organisation.mspId === caller.mspId)) {
    throw new ForbiddenError(
      `${caller.mspId} is not listed in the founding declaration; only admins of the orgs it lists confirm it`,
    );
  }
  const id = foundingProposalId(declaration);
  const organisations = await allOrganisations(ctx);
  const existing = await readProposal(ctx, id);
  const approvals = existing ? await approversOf(ctx, id) : [];
  const { required } = electorate({ kind: 'FOUND', organisations: declaration }, organisations);
  if (existing?.status === 'ADOPTED') {
    const founders = organisations.filter((organisation) => organisation.founding);
    return {
      proposal: existing,
      approvals,
      requiredApprovals: required,
      founded: true,
      changed: false,
      organisations: founders,
    };
  }
  if (organisations.length > 0) {
    throw new IllegalStateError(`the consortium was founded already, by another declaration than ${id}`);
  }
  if (existing && approvals.includes(caller.mspId)) {
    return {
      proposal: existing,
      approvals,
      requiredApprovals: required,
      founded: false,
      changed: false,
      organisations: [],
    };
  }
  const proposal: OrganisationProposal = existing ?? {
    id,
    kind: 'FOUND',
    organisations: declaration,
    status: 'OPEN',
    proposedBy: caller.participantId,
    proposedAt: txTimeIso(ctx),
  };
  const decision = await approveProposal(ctx, caller, proposal, organisations, existing === undefined);
  return {
    proposal: decision.proposal,
    approvals: decision.approvals,
    requiredApprovals: decision.requiredApprovals,
    founded: decision.adopted.length > 0,
    changed: true,
    organisations: decision.adopted,
  };
}
