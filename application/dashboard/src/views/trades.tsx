/** Trades and their settlement state: the caller's, all, or a market's (shared table). */
import type { Trade } from '@estp/chaincode';
import { useState } from 'preact/hooks';
import { energy, money as amount, pricePerKwh } from '../format';
import { ledgerTerm } from '../i18n';
import { useApp, useLedger } from '../state';
import { type Column, Ledger, LoadState, type Page, Status, Table } from './common';

/** The trades table; `prefix` (a market ID) is cut from trade IDs to keep them short. */
export function TradesTable(props: {
  readonly trades: readonly Trade[];
  readonly prefix?: string;
  readonly me?: string;
}) {
  const { t, money, locale } = useApp();
  const prefix = props.prefix;
  const columns: Column<Trade>[] = [
    {
      title: t('col.trade'),
      cell: (trade) => (
        <Ledger title={trade.id}>
          {prefix !== undefined && trade.id.startsWith(`${prefix}/`)
            ? trade.id.slice(prefix.length + 1)
            : trade.id}
        </Ledger>
      ),
    },
    ...(props.me === undefined
      ? []
      : [
          {
            title: t('col.role'),
            cell: (trade: Trade) => t(trade.buyer === props.me ? 'party.buyer' : 'party.seller'),
          },
        ]),
    { title: t('col.origin'), cell: (trade) => ledgerTerm(t, 'origin', trade.origin) },
    { title: t('col.seller'), cell: (trade) => <Ledger>{trade.seller}</Ledger> },
    { title: t('col.buyer'), cell: (trade) => <Ledger>{trade.buyer}</Ledger> },
    { title: t('col.quantity'), cell: (trade) => energy(trade.quantityWh, locale), numeric: true },
    { title: t('col.price'), cell: (trade) => pricePerKwh(trade.price, money), numeric: true },
    { title: t('col.value'), cell: (trade) => amount(trade.value, money), numeric: true },
    { title: t('col.status'), cell: (trade) => <Status value={trade.status} /> },
    {
      title: t('col.delivered'),
      cell: (trade) =>
        energy(
          trade.settlement?.deliveredWh ?? trade.ruling?.deliveredWh ?? trade.delivery?.deliveredWh,
          locale,
        ),
      numeric: true,
    },
    { title: t('col.paid'), cell: (trade) => amount(trade.settlement?.paid, money), numeric: true },
    { title: t('col.refund'), cell: (trade) => amount(trade.settlement?.buyerRefund, money), numeric: true },
    { title: t('col.penalty'), cell: (trade) => amount(trade.settlement?.penalty, money), numeric: true },
    {
      title: t('col.basis'),
      cell: (trade) => (trade.settlement ? ledgerTerm(t, 'basis', trade.settlement.basis) : '—'),
    },
  ];
  return (
    <Table
      rows={props.trades}
      columns={columns}
      rowId={(trade) => trade.id}
      label={t('trades.title')}
      empty={t('trades.empty')}
    />
  );
}

/** The Trades view: the caller's trades, or every trade page by page. */
export function TradesView() {
  const { api, t, me } = useApp();
  const [scope, setScope] = useState<'mine' | 'all'>('mine');
  const [pages, setPages] = useState(1);
  const loaded = useLedger(
    ['trades'],
    async () => {
      if (scope === 'mine')
        return api.get<Page<Trade>>('/api/trades', { participantId: me.participantId, all: true });
      const records: Trade[] = [];
      let bookmark = '';
      for (let page = 0; page < pages; page++) {
        const next = await api.get<Page<Trade>>('/api/trades', { pageSize: 50, bookmark });
        records.push(...next.records);
        bookmark = next.bookmark;
        if (bookmark === '') break;
      }
      return { records, bookmark };
    },
    [scope, pages],
  );
  return (
    <section aria-labelledby="trades-title">
      <h2 id="trades-title">{t('trades.title')}</h2>
      <div class="segmented" role="group">
        <button
          type="button"
          aria-pressed={scope === 'mine'}
          onClick={() => {
            setScope('mine');
          }}
        >
          {t('trades.mine')}
        </button>
        <button
          type="button"
          aria-pressed={scope === 'all'}
          onClick={() => {
            setScope('all');
          }}
        >
          {t('trades.all')}
        </button>
      </div>
      <LoadState loaded={loaded}>
        {(page) => (
          <>
            <TradesTable trades={page.records} {...(scope === 'mine' ? { me: me.participantId } : {})} />
            {scope === 'all' && page.bookmark !== '' && (
              <button
                type="button"
                onClick={() => {
                  setPages(pages + 1);
                }}
              >
                {t('common.showMore')}
              </button>
            )}
          </>
        )}
      </LoadState>
    </section>
  );
}
