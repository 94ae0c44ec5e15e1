import type { Context } from 'fabric-contract-api';
import { callerOf, requireRole } from '../lib/caller';
import { ForbiddenError } from '../lib/errors';
import { EventName, emitEvent } from '../lib/events';
import { RecordType } from '../lib/keys';
import { writeRecord } from '../lib/state';
import { txTimeIso } from '../lib/time';
import { input } from '../lib/validate';
import { FOUNDING_ORGANISATIONS, type Organisation, readOrganisation } from './model';

/** Bootstrap takes no fields: the founding orgs are fixed by the design. */
export const BootstrapInput = input({});

export interface BootstrapResult {
  /** False when the founding orgs were recorded already (nothing written). */
  created: boolean;
  organisations: Organisation[];
}

/**
 * Records the founding orgs (UtilityMSP, EnterpriseMSP, CommunityMSP) as ACTIVE: the documented
 * deployment step the network scripts run once. Idempotent: when they exist, nothing is written
 * and the existing records are returned.
 * @throws {ForbiddenError} unless the caller is an `admin` of a founding org.
 */
export async function bootstrap(
  ctx: Context,
  _input: ReturnType<typeof BootstrapInput.parse>,
): Promise<BootstrapResult> {
  const caller = callerOf(ctx);
  requireRole(caller, 'admin');
  if (!FOUNDING_ORGANISATIONS.some((org) => org.mspId === caller.mspId)) {
    throw new ForbiddenError(
      `Bootstrap is limited to admins of the founding organisations; caller is of ${caller.mspId}`,
    );
  }
  const existing: Organisation[] = [];
  for (const founder of FOUNDING_ORGANISATIONS) {
    const organisation = await readOrganisation(ctx, founder.mspId);
    if (organisation) existing.push(organisation);
  }
  // Founders are only ever written together (nobody can propose an org before one is ACTIVE).
  if (existing.length > 0) return { created: false, organisations: existing };

  const now = txTimeIso(ctx);
  const organisations = FOUNDING_ORGANISATIONS.map((founder): Organisation => ({
    mspId: founder.mspId,
    displayName: founder.displayName,
    roles: [...founder.roles],
    status: 'ACTIVE',
    founding: true,
    proposedBy: `bootstrap:${caller.participantId}`,
    createdAt: now,
    updatedAt: now,
    activatedAt: now,
  }));
  for (const organisation of organisations) {
    await writeRecord(ctx, RecordType.Organisation, organisation.mspId, organisation);
  }
  emitEvent(ctx, EventName.OrganisationBootstrapped, {
    mspIds: organisations.map((organisation) => organisation.mspId),
    by: caller.participantId,
  });
  return { created: true, organisations };
}
