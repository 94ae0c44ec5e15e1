/**
 * Certificates of the day: the brewery registers its heat-recovery project, the utility's verifier
 * issues certificates for the verified savings, the brewery sells some on the certificate market
 * (markets.ts) and the district-heating company retires what it bought against its obligation.
 */
import { DISTRICT_HEATING, ENTERPRISE_SAVER, GRID_ZONE } from './cast';
import { sha256 } from './onboarding';
import { kwh } from './print';

import type { Actor, Session } from './session';

const BASELINE_WH = 500_000;
const ISSUED_WH = 200_000;
const RETIRED_WH = 80_000;

/** Registers the brewery's savings project and has the verifier issue certificates for it. */
export async function issueSavingsCertificates(session: Session, verifier: Actor): Promise<void> {
  const owner = await session.client(ENTERPRISE_SAVER);
  const projectId = session.id('brewery-heat-recovery');
  await owner.submit('Settlement', 'RegisterSavingsProject', {
    projectId,
    title: 'Hansen Brewery: wort-boiler heat recovery and LED retrofit',
    method: 'IPMVP option B, metered boiler gas and lighting circuits',
    baselineWh: BASELINE_WH,
    gridZone: GRID_ZONE,
    evidenceHash: sha256(`${projectId}: baseline audit report`),
    evidenceUri: 'https://example.org/estp-demo/brewery/baseline-audit.pdf',
  });
  session.out.line(`${owner.participantId} registers project ${projectId} (baseline ${kwh(BASELINE_WH)})`);

  const issuer = await session.client(verifier);
  const period = lastQuarter(Date.now());
  const { account } = await issuer.submit('Settlement', 'IssueCertificates', {
    projectId,
    batchId: period.name,
    periodStart: period.start,
    periodEnd: period.end,
    quantityWh: ISSUED_WH,
    evidenceHash: sha256(`${projectId}: M&V report ${period.name}`),
    evidenceUri: `https://example.org/estp-demo/brewery/mv-report-${period.name}.pdf`,
  });
  session.out.line(
    `${issuer.participantId} verifies the savings of ${period.name} and issues ${kwh(ISSUED_WH)} saved → the brewery holds ${kwh(account.certificatesHeldWh)}`,
  );
}

/** The last calendar quarter that ended before `now` (certificates are issued for past savings). */
function lastQuarter(now: number): { name: string; start: number; end: number } {
  const date = new Date(now);
  const quarter = Math.floor(date.getUTCMonth() / 3);
  const end = Date.UTC(date.getUTCFullYear(), quarter * 3, 1);
  const start = new Date(end);
  start.setUTCMonth(start.getUTCMonth() - 3);
  return {
    name: `${start.getUTCFullYear()}-Q${Math.floor(start.getUTCMonth() / 3) + 1}`,
    start: start.getTime(),
    end,
  };
}

/** The district-heating company retires certificates it bought. */
export async function retireCertificates(session: Session): Promise<void> {
  const holder = await session.client(DISTRICT_HEATING);
  const { account } = await holder.submit('Settlement', 'RetireCertificates', {
    retirementId: session.id('obligation-2026'),
    quantityWh: RETIRED_WH,
    beneficiary: 'City energy-efficiency obligation 2026',
    purpose: 'savings claimed against the supplier obligation',
  });
  session.out.line(
    `${holder.participantId} retires ${kwh(RETIRED_WH)} saved (still holds ${kwh(account.certificatesHeldWh)}, ` +
      `retired in total ${kwh(account.certificatesRetiredWh)})`,
  );
}
