/**
 * How the dashboard shows money. The ledger counts integer minor units of the settlement currency
 * (euro cents, docs/trading.md); the dashboard can show them in euros or, converted at a configured
 * rate, in yuan. The conversion is for display only: nothing on the ledger and nothing the API
 * returns changes, and amounts are converted from the exact integers each time they are shown.
 */
import { ConfigError } from '../gateway/errors';
import type { DisplaySettings } from './api-types';

export type { DisplaySettings } from './api-types';

/**
 * The default display rate: a round illustrative figure in the range of the European Central
 * Bank's euro reference rates for the yuan in 2025, not a quote. Operators set the rate of the day
 * with `--cny-per-eur` or `ESTP_CNY_PER_EUR` (docs/web.md).
 */
export const DEFAULT_CNY_PER_EUR = '7.8000';
export const DEFAULT_RATE_SOURCE =
  'an illustrative fixed rate, not a quote; set ESTP_CNY_PER_EUR to the ECB euro reference rate of the day';

/**
 * The display settings from a rate text (`7.8`, `7.8123`) and its source.
 * @throws {ConfigError} when the rate is not a positive decimal with at most 4 decimals.
 */
export function displaySettings(rate: string = DEFAULT_CNY_PER_EUR, source?: string): DisplaySettings {
  const match = /^(\d{1,4})(?:\.(\d{1,4}))?$/.exec(rate.trim());
  if (!match || Number(rate) <= 0) {
    throw new ConfigError(
      `the CNY per EUR rate must be a positive decimal with at most 4 decimals, got "${rate}"`,
    );
  }
  const cnyPerEur = `${Number(match[1])}.${(match[2] ?? '').padEnd(4, '0')}`;
  return {
    settlementCurrency: 'EUR',
    minorUnitsPerMajor: 100,
    cnyPerEur,
    rateSource: source ?? (cnyPerEur === DEFAULT_CNY_PER_EUR ? null : 'set by the service operator'),
  };
}
