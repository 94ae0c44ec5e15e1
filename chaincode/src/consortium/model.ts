/**
 * Organisations of the consortium and the capabilities they hold (docs/trust.md). An organisation
 * record says which ESTP roles its identities may exercise (`capabilities`: a certificate's
 * `estp.role` claim counts only for a role its org holds, see lib/caller.ts) and in which grid
 * zones its meters may report trades of its own members (`selfMeteringZones`).
 *
 * Founding organisations are recorded by `Consortium:Bootstrap` once the admin of every org listed
 * in the founding declaration confirmed it; every later change — admitting an org, granting or
 * revoking a capability, suspending or reinstating an org — is a proposal adopted by the admins of
 * a majority of the ACTIVE orgs (consortium/proposals.ts). Each adopted change increments the
 * record's `revision`.
 */
import type { Context } from 'fabric-contract-api';
import { ROLES, type Role } from '../lib/caller';
import { InvalidInputError } from '../lib/errors';
import { fromBytes } from '../lib/json';
import { results } from '../lib/iterate';
import { RecordType } from '../lib/keys';
import { gridZone, mspId } from '../lib/fields';
import { readRecord } from '../lib/state';
import { list, object, oneOf, text } from '../lib/validate';

/** PROPOSED (admission voted on) → ACTIVE ↔ SUSPENDED (each by a majority of the ACTIVE orgs). */
export const ORGANISATION_STATUSES = ['PROPOSED', 'ACTIVE', 'SUSPENDED'] as const;
export type OrganisationStatus = (typeof ORGANISATION_STATUSES)[number];

/** What a founding or admission declaration states about an organisation. */
export interface OrganisationDeclaration {
  mspId: string;
  displayName: string;
  /** The ESTP roles its identities may exercise, sorted; always includes `admin`. */
  capabilities: Role[];
  /** Grid zones in which its meters may report trades of its own members, sorted (needs `meter`). */
  selfMeteringZones: string[];
}

export interface Organisation extends OrganisationDeclaration {
  status: OrganisationStatus;
  /** True for the orgs recorded by Bootstrap. */
  founding: boolean;
  /** Participant ID of the admin who proposed the org (for founders: who first submitted the declaration). */
  proposedBy: string;
  /** 0 while PROPOSED; +1 with every adopted change. A change proposal names the revision it changes. */
  revision: number;
  createdAt: string;
  updatedAt: string;
  activatedAt?: string;
  /** When it was last suspended (kept after a reinstatement, like the record's history). */
  suspendedAt?: string;
}

/** The role every organisation holds: its admins vote and run its participants. Never revoked. */
export const ADMIN_CAPABILITY: Role = 'admin';

/** A list of capabilities (ESTP roles), each once. */
export function capabilitiesField() {
  return list(oneOf(ROLES), { min: 1, max: ROLES.length, unique: true });
}

/** A list of grid zones for self-metering grants, each once. */
export function selfMeteringZonesField() {
  return list(gridZone(), { max: 100, unique: true });
}

/** The input shape of an {@link OrganisationDeclaration} (validate with {@link declarationOf}). */
export const declarationShape = {
  mspId: mspId().describe('MSP ID of the organisation'),
  displayName: text({ max: 100 }).describe('its name'),
  capabilities: capabilitiesField().describe(
    'the ESTP roles its identities may exercise (must include admin)',
  ),
  selfMeteringZones: selfMeteringZonesField()
    .orUndefined()
    .describe('grid zones where its meters may report trades of its own members (needs meter)'),
};

/** One declaration as an input field (Bootstrap's list). */
export function declarationField() {
  return object(declarationShape);
}

/**
 * A declaration in canonical form (capabilities and zones sorted), checked: it holds `admin`, and
 * self-metering zones come with the `meter` capability.
 * @throws {InvalidInputError} naming the field under `path`.
 */
export function declarationOf(
  fields: { mspId: string; displayName: string; capabilities: Role[]; selfMeteringZones?: string[] },
  path = '',
): OrganisationDeclaration {
  const at = (field: string) => (path ? `${path}.${field}` : field);
  if (!fields.capabilities.includes(ADMIN_CAPABILITY)) {
    throw new InvalidInputError(
      at('capabilities'),
      'must include admin (every organisation has admins who vote and approve its participants)',
    );
  }
  const zones = fields.selfMeteringZones ?? [];
  if (zones.length > 0 && !fields.capabilities.includes('meter')) {
    throw new InvalidInputError(at('selfMeteringZones'), 'needs the meter capability');
  }
  return {
    mspId: fields.mspId,
    displayName: fields.displayName,
    capabilities: [...fields.capabilities].sort(),
    selfMeteringZones: [...zones].sort(),
  };
}

/** Approvals needed to adopt a proposal: a majority of the ACTIVE orgs, floor(n/2) + 1. */
export function requiredApprovals(activeOrganisations: number): number {
  return Math.floor(activeOrganisations / 2) + 1;
}

/** Reads an organisation, or undefined. */
export function readOrganisation(ctx: Context, mspId: string): Promise<Organisation | undefined> {
  return readRecord<Organisation>(ctx, RecordType.Organisation, mspId);
}

/** Every organisation, in key order (unpaginated: usable in writing transactions). */
export async function allOrganisations(ctx: Context): Promise<Organisation[]> {
  const organisations: Organisation[] = [];
  for await (const { value } of results(
    ctx.stub.getStateByPartialCompositeKey(RecordType.Organisation, []),
  )) {
    organisations.push(fromBytes<Organisation>(value));
  }
  return organisations;
}

/** MSP IDs of the ACTIVE organisations among `organisations`, sorted. */
export function activeMspIds(organisations: readonly Organisation[]): string[] {
  return organisations
    .filter((organisation) => organisation.status === 'ACTIVE')
    .map((organisation) => organisation.mspId)
    .sort();
}
