/**
 * The consortium's organisations with their capabilities — the ESTP roles their identities may
 * exercise (docs/trust.md) — and self-metering zones. Records written before capabilities existed
 * have none, and show a dash.
 */
import type { Organisation } from '@estp/chaincode';
import { capabilitiesText } from '../format';
import { ledgerTerm } from '../i18n';
import { useApp, useLedger } from '../state';
import { type Column, Ledger, LoadState, type Page, Status, Table } from './common';

/** An organisation record, which may lack the fields capabilities brought. */
type OrganisationRecord = Omit<Organisation, 'capabilities' | 'selfMeteringZones'> & {
  readonly capabilities?: unknown;
  readonly selfMeteringZones?: readonly string[];
};

export function ConsortiumView() {
  const { api, t } = useApp();
  const loaded = useLedger(
    ['orgs'],
    () => api.get<Page<OrganisationRecord>>('/api/organisations', { all: true }),
    [],
  );
  const columns: Column<OrganisationRecord>[] = [
    { title: t('col.org'), cell: (org) => <Ledger>{org.mspId}</Ledger> },
    { title: t('col.name'), cell: (org) => <Ledger>{org.displayName}</Ledger> },
    { title: t('col.status'), cell: (org) => <Status value={org.status} /> },
    { title: t('col.founding'), cell: (org) => t(org.founding ? 'common.yes' : 'common.no') },
    {
      title: t('col.capabilities'),
      cell: (org) => capabilitiesText(org.capabilities, (role) => ledgerTerm(t, 'role', role)),
    },
    {
      title: t('col.meteringZones'),
      cell: (org) => <Ledger>{org.selfMeteringZones?.join(', ') || '—'}</Ledger>,
    },
  ];
  return (
    <section aria-labelledby="orgs-title">
      <h2 id="orgs-title">{t('orgs.title')}</h2>
      <LoadState loaded={loaded}>
        {(page) => (
          <Table
            rows={page.records}
            columns={columns}
            rowId={(org) => org.mspId}
            label={t('orgs.title')}
            empty="—"
          />
        )}
      </LoadState>
    </section>
  );
}
