/**
 * The consortium's organisations. A record may carry `capabilities` (what the org is trusted to do
 * on the ledger); older records do not, and show a dash.
 */
import type { Organisation } from '@estp/chaincode';
import { capabilitiesText } from '../format';
import { ledgerTerm } from '../i18n';
import { useApp, useLedger } from '../state';
import { type Column, Ledger, LoadState, type Page, Status, Table } from './common';

/** An organisation record, which may have capabilities. */
type OrganisationRecord = Organisation & { readonly capabilities?: unknown };

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
    { title: t('col.roles'), cell: (org) => org.roles.map((role) => ledgerTerm(t, 'role', role)).join(', ') },
    { title: t('col.capabilities'), cell: (org) => <Ledger>{capabilitiesText(org.capabilities)}</Ledger> },
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
