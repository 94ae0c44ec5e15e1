/**
 * The clearing result as a picture: the demand (bids, price descending) and supply (asks, price
 * ascending) step curves of the auction's book, the clearing price as a horizontal line and the
 * matched volume as a vertical one. Plain SVG drawn from the book's cumulative levels.
 */
import type { ClearingResult } from '@estp/chaincode';
import type { MarketBook } from '../../../src/web/api-types';
import { energy, pricePerKwh } from '../format';
import { stepPoints, ticks } from '../geometry';
import { useApp } from '../state';

const WIDTH = 640;
const HEIGHT = 340;
const MARGIN = { left: 84, right: 16, top: 16, bottom: 44 } as const;
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;

export function StepCurves(props: { readonly book: MarketBook; readonly clearing: ClearingResult | null }) {
  const { t, money, locale } = useApp();
  const { bids, asks } = props.book;
  if (bids.length === 0 && asks.length === 0) return <p class="empty">{t('curve.empty')}</p>;
  const price = props.clearing?.price;
  const volume = props.clearing?.volumeWh ?? 0;
  const prices = [...bids, ...asks].map((level) => level.price).concat(price === undefined ? [] : [price]);
  const topPrice = Math.max(1, ...prices) * 1.15;
  const maxQuantity =
    Math.max(1, bids.at(-1)?.cumulativeWh ?? 0, asks.at(-1)?.cumulativeWh ?? 0, volume) * 1.08;
  const x = (wh: number): number => MARGIN.left + (wh / maxQuantity) * PLOT_W;
  const y = (p: number): number => MARGIN.top + PLOT_H - (p / topPrice) * PLOT_H;
  const path = (points: [number, number][]): string =>
    points
      .map(([q, p], index) => `${index === 0 ? 'M' : 'L'}${x(q).toFixed(1)},${y(p).toFixed(1)}`)
      .join(' ');
  const demand = path(stepPoints(bids, 'down', topPrice));
  const supply = path(stepPoints(asks, 'up', topPrice));
  const quantityTicks = ticks(maxQuantity / 1.08);
  const priceTicks = ticks(topPrice / 1.15);
  const label = t('curve.label');

  return (
    <figure class="curves">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={label}
        data-clearing-price={price === undefined ? '' : String(price)}
        data-volume={String(volume)}
      >
        <title>{label}</title>
        <g class="axis">
          <line
            x1={MARGIN.left}
            y1={MARGIN.top + PLOT_H}
            x2={WIDTH - MARGIN.right}
            y2={MARGIN.top + PLOT_H}
          />
          <line x1={MARGIN.left} y1={MARGIN.top} x2={MARGIN.left} y2={MARGIN.top + PLOT_H} />
          {quantityTicks.map((wh) => (
            <text x={x(wh)} y={MARGIN.top + PLOT_H + 16} text-anchor="middle">
              {(wh / 1000).toLocaleString(locale, { maximumFractionDigits: 1 })}
            </text>
          ))}
          {priceTicks.map((p) => (
            <text x={MARGIN.left - 6} y={y(p) + 4} text-anchor="end">
              {pricePerKwh(p, money).replace('/kWh', '')}
            </text>
          ))}
          <text x={MARGIN.left + PLOT_W / 2} y={HEIGHT - 6} text-anchor="middle" class="axis-title">
            {t('curve.axisQuantity')}
          </text>
          <text
            x={12}
            y={MARGIN.top + PLOT_H / 2}
            text-anchor="middle"
            class="axis-title"
            transform={`rotate(-90 12 ${MARGIN.top + PLOT_H / 2})`}
          >
            {t('curve.axisPrice')}
          </text>
        </g>
        <path class="demand" d={demand} />
        <path class="supply" d={supply} />
        {price !== undefined && volume > 0 && (
          <g class="clearing">
            <line x1={MARGIN.left} y1={y(price)} x2={WIDTH - MARGIN.right} y2={y(price)} />
            <line x1={x(volume)} y1={MARGIN.top} x2={x(volume)} y2={MARGIN.top + PLOT_H} />
            <circle cx={x(volume)} cy={y(price)} r={5} />
            <text
              x={WIDTH - MARGIN.right - 4}
              y={y(price) - 6}
              text-anchor="end"
              class="clearing-price-label"
            >
              {t('curve.price', { price: pricePerKwh(price, money) })}
            </text>
            <text x={x(volume) + 6} y={MARGIN.top + 14} class="clearing-volume-label">
              {t('curve.volume', { volume: energy(volume, locale) })}
            </text>
          </g>
        )}
      </svg>
      <figcaption class="legend">
        <span class="key demand">{t('curve.demand')}</span>
        <span class="key supply">{t('curve.supply')}</span>
      </figcaption>
    </figure>
  );
}
