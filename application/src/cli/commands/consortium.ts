/** `estp consortium …`: the organisations of the consortium, their capabilities and the votes on them (docs/trust.md). */
import { idField, optional, PAGE_FIELDS, required } from './fields';
import type { ContractGroup } from './types';

const MSP_ID = idField('mspId', 'MSP ID, e.g. CityMSP');
const PROPOSAL_ID = idField('proposalId', 'proposal ID, e.g. CommunityMSP/1/GRANT/verifier');

export const consortium: ContractGroup = {
  name: 'consortium',
  contract: 'Consortium',
  description: 'organisations of the consortium, their capabilities, and the proposals that change them',
  transactions: [
    {
      transaction: 'Bootstrap',
      kind: 'submit',
      description:
        "confirm the founding declaration for the caller's org (admin of a listed org); the founders are recorded once every listed org confirmed it",
      fields: [
        required(
          'organisations',
          'json',
          'the founding declaration: [{"mspId","displayName","capabilities":[…],"selfMeteringZones":[…]}, …] (network/config/topology.sh)',
        ),
      ],
    },
    {
      transaction: 'ProposeOrganisation',
      kind: 'submit',
      aliases: ['propose'],
      description:
        "propose to admit a new organisation with its capabilities (admin of an ACTIVE org); the proposer's org is its first approval",
      fields: [
        MSP_ID,
        required('displayName', 'string', 'display name'),
        required(
          'capabilities',
          'string[]',
          'roles its identities may exercise, comma-separated (admin required), e.g. admin,member,arbiter,auditor',
        ),
        optional(
          'selfMeteringZones',
          'string[]',
          'grid zones where its meters may report its own members (needs meter)',
        ),
      ],
    },
    {
      transaction: 'ApproveOrganisation',
      kind: 'submit',
      aliases: ['approve'],
      description:
        'approve the admission of a proposed organisation; ACTIVE once a majority of ACTIVE orgs approved',
      fields: [MSP_ID],
    },
    {
      transaction: 'ProposeChange',
      kind: 'submit',
      description:
        "propose to GRANT or REVOKE a capability of an org (meter with --grid-zone: self-metering in that zone), or to SUSPEND or REINSTATE it; the proposer's org is its first approval",
      fields: [
        MSP_ID,
        required('change', 'string', 'GRANT | REVOKE | SUSPEND | REINSTATE'),
        optional(
          'capability',
          'string',
          'GRANT/REVOKE: admin, member, meter, treasurer, verifier, arbiter or auditor',
        ),
        optional('gridZone', 'string', 'with --capability meter: the grid zone of a self-metering grant'),
        optional('reason', 'string', 'why (recorded with the proposal)'),
      ],
    },
    {
      transaction: 'ApproveChange',
      kind: 'submit',
      description:
        "approve a proposed change for the caller's org; adopted once a majority of ACTIVE orgs approved",
      fields: [PROPOSAL_ID],
    },
    {
      transaction: 'GetOrganisation',
      kind: 'evaluate',
      aliases: ['get'],
      description:
        'one organisation: status, capabilities, self-metering zones, the orgs that approved its admission',
      fields: [MSP_ID],
    },
    {
      transaction: 'ListOrganisations',
      kind: 'evaluate',
      aliases: ['list'],
      description: 'organisations in MSP ID order',
      fields: PAGE_FIELDS,
      paginated: true,
    },
    {
      transaction: 'GetProposal',
      kind: 'evaluate',
      aliases: ['proposal'],
      description: 'one proposal with the orgs that approved it and the approvals it needs now',
      fields: [PROPOSAL_ID],
    },
    {
      transaction: 'ListProposals',
      kind: 'evaluate',
      aliases: ['proposals'],
      description: 'proposals (founding, admissions, changes) in ID order',
      fields: PAGE_FIELDS,
      paginated: true,
    },
  ],
};
