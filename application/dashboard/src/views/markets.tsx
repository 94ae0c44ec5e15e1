/**
 * Markets: the list (most recently opened first, with each cleared market's price), and one market
 * with its clearing result, the supply and demand curves, the order book's depth per side and its
 * trades.
 */
import type { ClearingResult, Market } from '@estp/chaincode';
import { useState } from 'preact/hooks';
import type { BookLevel, MarketView } from '../../../src/web/api-types';
import { dateTime, energy, money as amount, pricePerKwh } from '../format';
import { ledgerTerm } from '../i18n';
import { useApp, useLedger } from '../state';
import { type Column, Figure, Ledger, LoadState, type Page, Status, Table } from './common';
import { StepCurves } from './curves';
import { TradesTable } from './trades';

const SHOWN = 12;

/** `#/markets/<id>`. */
export function marketHref(id: string): string {
  return `#/markets/${encodeURIComponent(id)}`;
}

/** The clearing price and volume of one market in the list (read per row). */
function ClearingCells(props: { readonly market: Market }) {
  const { api, money, locale } = useApp();
  const loaded = useLedger(
    ['markets'],
    () =>
      api.get<{ clearing: ClearingResult | null }>('/api/tx/Market/GetMarket', { marketId: props.market.id }),
    [props.market.id, props.market.status],
  );
  const clearing = loaded.data?.clearing;
  return (
    <>
      <td class="num" data-clearing-price={clearing?.price ?? ''}>
        {clearing ? pricePerKwh(clearing.price, money) : '—'}
      </td>
      <td class="num">{clearing ? energy(clearing.volumeWh, locale) : '—'}</td>
    </>
  );
}

function MarketList() {
  const { api, t, locale } = useApp();
  const [shown, setShown] = useState(SHOWN);
  const loaded = useLedger(['markets'], () => api.get<Page<Market>>('/api/markets', { all: true }), []);
  return (
    <section aria-labelledby="markets-title">
      <h2 id="markets-title">{t('markets.title')}</h2>
      <LoadState loaded={loaded}>
        {(page) => {
          // The most recently opened first (ISO times sort as text), then by ID.
          const markets = [...page.records].sort((a, b) =>
            a.openedAt === b.openedAt ? (a.id < b.id ? -1 : 1) : a.openedAt < b.openedAt ? 1 : -1,
          );
          if (markets.length === 0) return <p class="empty">{t('markets.empty')}</p>;
          return (
            <>
              <div class="table-scroll" role="region" aria-label={t('markets.title')} tabIndex={0}>
                <table class="markets">
                  <thead>
                    <tr>
                      <th>{t('col.market')}</th>
                      <th>{t('col.commodity')}</th>
                      <th>{t('col.zone')}</th>
                      <th>{t('col.delivery')}</th>
                      <th>{t('col.status')}</th>
                      <th class="num">{t('col.clearingPrice')}</th>
                      <th class="num">{t('col.volume')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {markets.slice(0, shown).map((market) => (
                      <tr data-id={market.id}>
                        <td>
                          <a href={marketHref(market.id)}>
                            <Ledger>{market.id}</Ledger>
                          </a>
                        </td>
                        <td>{ledgerTerm(t, 'commodity', market.commodity)}</td>
                        <td>
                          <Ledger>{market.gridZone}</Ledger>
                        </td>
                        <td>{dateTime(market.deliveryStartMs, locale)}</td>
                        <td>
                          <Status value={market.status} />
                        </td>
                        <ClearingCells market={market} />
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {markets.length > shown && (
                <button
                  type="button"
                  onClick={() => {
                    setShown(shown + SHOWN);
                  }}
                >
                  {t('common.showMore')}
                </button>
              )}
            </>
          );
        }}
      </LoadState>
    </section>
  );
}

function DepthTable(props: {
  readonly levels: readonly BookLevel[];
  readonly title: string;
  readonly side: 'bids' | 'asks';
}) {
  const { t, money, locale } = useApp();
  const columns: Column<BookLevel>[] = [
    { title: t('col.price'), cell: (level) => pricePerKwh(level.price, money), numeric: true },
    { title: t('col.quantity'), cell: (level) => energy(level.quantityWh, locale), numeric: true },
    { title: t('col.offers'), cell: (level) => level.offers, numeric: true },
    { title: t('col.cumulative'), cell: (level) => energy(level.cumulativeWh, locale), numeric: true },
  ];
  return (
    <div class={`depth depth-${props.side}`}>
      <h4>{props.title}</h4>
      <Table
        rows={props.levels}
        columns={columns}
        rowId={(level) => String(level.price)}
        label={props.title}
        empty="—"
      />
    </div>
  );
}

/** One side of the auction's book: its offers and their total quantity ("3 · 95.0 kWh"). */
function sideTotal(levels: readonly BookLevel[], locale: string): string {
  const offers = levels.reduce((sum, level) => sum + level.offers, 0);
  return `${offers} · ${energy(levels.at(-1)?.cumulativeWh ?? 0, locale)}`;
}

function MarketDetail(props: { readonly id: string }) {
  const { api, t, money, locale } = useApp();
  const loaded = useLedger(
    ['markets', 'trades'],
    () => api.get<MarketView>(`/api/markets/${encodeURIComponent(props.id)}`),
    [props.id],
  );
  return (
    <section aria-labelledby="market-title" class="market-detail">
      <p>
        <a href="#/markets">← {t('common.back')}</a>
      </p>
      <h2 id="market-title">
        <Ledger>{props.id}</Ledger>
      </h2>
      <LoadState loaded={loaded}>
        {({ market, clearing, book, trades, truncated }) => (
          <>
            <dl class="figures">
              <Figure label={t('col.commodity')} value={ledgerTerm(t, 'commodity', market.commodity)} />
              <Figure label={t('col.zone')} value={<Ledger>{market.gridZone}</Ledger>} />
              <Figure
                label={t('col.delivery')}
                value={`${dateTime(market.deliveryStartMs, locale)} – ${dateTime(market.deliveryEndMs, locale)}`}
              />
              <Figure label={t('col.gateClosure')} value={dateTime(market.gateClosureMs, locale)} />
              <Figure label={t('col.status')} value={<Status value={market.status} />} name="status" />
            </dl>
            <h3>{t('market.clearing')}</h3>
            {clearing === null ? (
              <p class="empty">{t('market.notCleared')}</p>
            ) : (
              <>
                {clearing.price === undefined && (
                  <p class="empty">{t(clearing.phase === 'PRICING' ? 'market.pricing' : 'market.noCross')}</p>
                )}
                <dl class="figures clearing-result">
                  <Figure
                    label={t('market.price')}
                    value={pricePerKwh(clearing.price, money)}
                    name="clearing-price"
                  />
                  <Figure
                    label={t('market.volume')}
                    value={energy(clearing.volumeWh, locale)}
                    name="clearing-volume"
                  />
                  <Figure label={t('market.value')} value={amount(clearing.tradedValue, money)} />
                  <Figure label={t('market.bids')} value={sideTotal(book.bids, locale)} />
                  <Figure label={t('market.asks')} value={sideTotal(book.asks, locale)} />
                </dl>
              </>
            )}
            <h3>{t('market.curves')}</h3>
            <p class="note">{t(book.basis === 'open' ? 'market.basisOpen' : 'market.basisAuction')}</p>
            <StepCurves book={book} clearing={clearing} />
            <h3>{t('market.depth')}</h3>
            <div class="depth-pair">
              <DepthTable levels={book.bids} title={t('depth.bids')} side="bids" />
              <DepthTable levels={book.asks} title={t('depth.asks')} side="asks" />
            </div>
            <h3>{t('market.trades')}</h3>
            <TradesTable trades={trades} prefix={market.id} />
            {truncated && <p class="note">{t('market.truncated')}</p>}
          </>
        )}
      </LoadState>
    </section>
  );
}

/** `#/markets` or `#/markets/<id>`. */
export function MarketsView(props: { readonly marketId: string | undefined }) {
  return props.marketId === undefined ? <MarketList /> : <MarketDetail id={props.marketId} />;
}
