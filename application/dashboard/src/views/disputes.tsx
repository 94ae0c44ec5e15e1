/** Disputes over trades and their rulings. */
import type { Dispute } from '@estp/chaincode';
import { dateTime, energy, money as amount } from '../format';
import { useApp, useLedger } from '../state';
import { type Column, Ledger, LoadState, type Page, Status, Table } from './common';

export function DisputesView() {
  const { api, t, money, locale } = useApp();
  const loaded = useLedger(['disputes'], () => api.get<Page<Dispute>>('/api/disputes', { all: true }), []);
  const columns: Column<Dispute>[] = [
    { title: t('col.trade'), cell: (dispute) => <Ledger>{dispute.tradeId}</Ledger> },
    { title: t('col.openedBy'), cell: (dispute) => <Ledger>{dispute.openedBy}</Ledger> },
    { title: t('col.claim'), cell: (dispute) => <Ledger>{dispute.claim}</Ledger> },
    { title: t('col.status'), cell: (dispute) => <Status value={dispute.status} /> },
    {
      title: t('col.ruling'),
      cell: (dispute) =>
        dispute.ruling
          ? t('ruling.text', {
              delivered: energy(dispute.ruling.deliveredWh, locale),
              penalty: amount(dispute.ruling.penalty, money),
            })
          : '—',
    },
    {
      title: t('col.ruledBy'),
      cell: (dispute) => <Ledger>{dispute.ruling?.organisations.join(', ') ?? '—'}</Ledger>,
    },
    { title: t('col.openedAt'), cell: (dispute) => dateTime(dispute.openedAt, locale) },
  ];
  return (
    <section aria-labelledby="disputes-title">
      <h2 id="disputes-title">{t('disputes.title')}</h2>
      <LoadState loaded={loaded}>
        {(page) => (
          <Table
            rows={[...page.records].sort((a, b) => (a.openedAt < b.openedAt ? 1 : -1))}
            columns={columns}
            rowId={(dispute) => dispute.id}
            label={t('disputes.title')}
            empty={t('disputes.empty')}
          />
        )}
      </LoadState>
    </section>
  );
}
