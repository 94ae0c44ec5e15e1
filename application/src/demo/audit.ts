/**
 * Evening: the auditor's view. Audit:Totals sums every account on the ledger (all runs, not just
 * today's): money minted − burned must equal available + escrowed, and certificates issued −
 * retired must equal held + escrowed.
 */
import { AUDITOR, CAST, type CastMember } from './cast';
import { euros, kwh } from './print';
import type { ParticipantRecord } from './records';
import type { Session } from './session';

/** The cast's accounts at the end of the day. */
export async function printAccounts(
  session: Session,
  participants: ReadonlyMap<CastMember, ParticipantRecord>,
): Promise<void> {
  const auditor = await session.client(AUDITOR);
  const rows = [];
  for (const member of CAST) {
    const record = participants.get(member);
    if (!record) continue;
    const account = await auditor.evaluate('Settlement', 'GetAccount', {
      participantId: record.id,
    });
    rows.push({
      participant: record.id,
      role: member.role,
      available: euros(account.available),
      escrowed: euros(account.escrowed),
      'certificates held': kwh(account.certificatesHeldWh),
      'certificates retired': kwh(account.certificatesRetiredWh),
    });
  }
  session.out.table(rows);
}

/**
 * Prints the conservation totals.
 * @returns whether both money and certificates balance.
 */
export async function auditTotals(session: Session): Promise<boolean> {
  const auditor = await session.client(AUDITOR);
  const totals = await auditor.evaluate('Audit', 'Totals');
  const { money, certificates, accounts } = totals.conservation;
  // Totals are exact decimal strings beyond 2⁵³ − 1; the demo's ledger stays far below that.
  const euro = (amount: number | string): string => euros(Number(amount));
  const energy = (wh: number | string): string => kwh(Number(wh));
  const mark = (ok: boolean): string => (ok ? 'balanced ✓' : 'NOT BALANCED ✗');
  session.out.line(`as of ${totals.asOf}, over ${accounts} accounts (every run on this ledger):`);
  session.out.line(
    `money:        minted ${euro(money.minted)} − burned ${euro(money.burned)} = ` +
      `available ${euro(money.available)} + escrowed ${euro(money.escrowed)}   ${mark(money.balanced)}`,
  );
  session.out.line(
    `certificates: issued ${energy(certificates.issuedWh)} − retired ${energy(certificates.retiredWh)} = ` +
      `held ${energy(certificates.heldWh)} + escrowed ${energy(certificates.escrowedWh)}   ${mark(certificates.balanced)}`,
  );
  const counts = Object.entries(totals.records)
    .filter(([, count]) => count > 0)
    .map(([type, count]) => `${type} ${count}`)
    .join(', ');
  session.out.line(`records: ${counts}`);
  return money.balanced && certificates.balanced;
}
