/**
 * Numbers as people read them. The ledger counts integer euro cents, Wh and cents per kWh; the page
 * shows euros or — converted for display only, at the service's configured rate — yuan, kWh, and
 * prices per kWh. Conversion is exact integer arithmetic on the ledger's cents (rounded half up to
 * the fen), so a displayed amount never drifts from the ledger's.
 */
import type { DisplaySettings } from '../../src/web/api-types';

export type Currency = 'EUR' | 'CNY';

/** How amounts are shown: currency, locale and the display rate. */
export interface MoneyFormat {
  readonly currency: Currency;
  readonly locale: string;
  readonly display: DisplaySettings;
}

/** The rate `7.8000` as an integer of ten-thousandths (78000). */
export function rateTenThousandths(rate: string): bigint {
  const [whole = '0', fraction = ''] = rate.split('.');
  return BigInt(whole) * 10_000n + BigInt((fraction + '0000').slice(0, 4));
}

/** Euro cents in the display currency's minor units (cents, or fen rounded half up). */
export function displayMinorUnits(cents: number, currency: Currency, display: DisplaySettings): bigint {
  const value = BigInt(cents);
  if (currency === 'EUR') return value;
  const scaled = value * rateTenThousandths(display.cnyPerEur);
  const sign = scaled < 0n ? -1n : 1n;
  const magnitude = scaled < 0n ? -scaled : scaled;
  return sign * ((magnitude + 5_000n) / 10_000n);
}

/** Minor units (2 decimals) as the exact decimal text Intl.NumberFormat takes. */
function decimalText(minor: bigint): string {
  const sign = minor < 0n ? '-' : '';
  const magnitude = minor < 0n ? -minor : minor;
  return `${sign}${magnitude / 100n}.${String(magnitude % 100n).padStart(2, '0')}`;
}

/** `1234` cents → `€12.34`, or `¥96.25` in CNY. */
export function money(cents: number | undefined, format: MoneyFormat): string {
  if (cents === undefined) return '—';
  const minor = displayMinorUnits(cents, format.currency, format.display);
  const formatter = new Intl.NumberFormat(format.locale, {
    style: 'currency',
    currency: format.currency,
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  // Intl formats decimal strings exactly (no float on the way).
  return formatter.format(decimalText(minor) as unknown as number);
}

/** A price in cents per kWh → `€0.20/kWh` (or `¥1.56/kWh`). */
export function pricePerKwh(cents: number | undefined, format: MoneyFormat): string {
  return cents === undefined ? '—' : `${money(cents, format)}/kWh`;
}

/** Wh → `25.0 kWh` (up to 3 decimals, exact from the integer). */
export function energy(wh: number | undefined, locale: string): string {
  if (wh === undefined) return '—';
  const formatter = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 3 });
  const sign = wh < 0 ? '-' : '';
  const magnitude = Math.abs(wh);
  const text = `${sign}${Math.floor(magnitude / 1000)}.${String(magnitude % 1000).padStart(3, '0')}`;
  return `${formatter.format(text as unknown as number)} kWh`;
}

/** A ledger time (ISO text or ms) in the page's locale, to the second. */
export function dateTime(value: string | number | undefined, locale: string): string {
  if (value === undefined) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium' }).format(date);
}

/** The last part of an ID after the run tag's market prefix, for narrow screens. */
export function shortId(id: string, prefix: string): string {
  return prefix !== '' && id.startsWith(`${prefix}/`) ? id.slice(prefix.length + 1) : id;
}

/** One value as text: primitives as they are, anything else as JSON. */
function valueText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : JSON.stringify(value);
}

/**
 * Capabilities as text, whatever their shape: a list (each entry through `term`, e.g. a role's
 * translation), or named entries (`name` when true); a dash when there are none.
 */
export function capabilitiesText(
  capabilities: unknown,
  term: (value: string) => string = (value) => value,
): string {
  if (capabilities === undefined || capabilities === null) return '—';
  const parts = Array.isArray(capabilities)
    ? capabilities.map((item) => (typeof item === 'string' ? term(item) : valueText(item)))
    : typeof capabilities === 'object'
      ? Object.entries(capabilities as Record<string, unknown>).map(([name, value]) =>
          value === true ? term(name) : `${term(name)}: ${valueText(value)}`,
        )
      : [valueText(capabilities)];
  return parts.join(', ') || '—';
}

/** `offerId=O-1 side=BUY …`: the payload's top-level fields. */
export function payloadSummary(payload: unknown): string {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
    return JSON.stringify(payload);
  return Object.entries(payload)
    .map(([key, value]) => `${key}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join(' ');
}
