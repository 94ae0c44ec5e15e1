/**
 * Money on the page: euro cents as euros, or as yuan converted exactly from the integer cents
 * (rounded half up to the fen) for display only; energy in kWh exactly from Wh.
 */
import type { DisplaySettings } from '../../../application/src/web/api-types';
import {
  capabilitiesText,
  displayMinorUnits,
  energy,
  money,
  payloadSummary,
  pricePerKwh,
  rateTenThousandths,
} from '../../../application/dashboard/src/format';

const display: DisplaySettings = {
  settlementCurrency: 'EUR',
  minorUnitsPerMajor: 100,
  cnyPerEur: '7.8000',
  rateSource: null,
};
const eur = { currency: 'EUR', locale: 'en-GB', display } as const;
const cny = { currency: 'CNY', locale: 'zh-CN', display } as const;

test('euro cents are shown as euros, unchanged', () => {
  expect(money(1234, eur)).toBe('€12.34');
  expect(money(-5, eur)).toBe('-€0.05');
  expect(money(Number.MAX_SAFE_INTEGER, eur)).toBe('€90,071,992,547,409.91');
});

test('yuan are converted from the exact cents, rounded half up to the fen', () => {
  expect(rateTenThousandths('7.8123')).toBe(78_123n);
  expect(displayMinorUnits(20, 'CNY', display)).toBe(156n);
  expect(displayMinorUnits(1, 'CNY', { ...display, cnyPerEur: '7.8500' })).toBe(8n); // 7.85 fen → 8
  expect(displayMinorUnits(-1, 'CNY', { ...display, cnyPerEur: '7.8500' })).toBe(-8n);
  expect(money(1200, cny)).toBe('¥93.60');
});

test('prices are per kWh in the display currency', () => {
  expect(pricePerKwh(20, eur)).toBe('€0.20/kWh');
  expect(pricePerKwh(20, cny)).toBe('¥1.56/kWh');
  expect(pricePerKwh(undefined, eur)).toBe('—');
});

test('energy is kWh exactly from Wh', () => {
  expect(energy(25_000, 'en-GB')).toBe('25.0 kWh');
  expect(energy(1_234_567, 'en-GB')).toBe('1,234.567 kWh');
  expect(energy(1, 'en-GB')).toBe('0.001 kWh');
});

test('capabilities show as a list whatever their shape, a dash when absent', () => {
  expect(capabilitiesText(undefined)).toBe('—');
  expect(capabilitiesText(['meter', 'verifier'])).toBe('meter, verifier');
  expect(capabilitiesText({ meter: true, maxWh: 5 })).toBe('meter, maxWh: 5');
  expect(capabilitiesText([])).toBe('—');
  expect(capabilitiesText(['admin', 'meter'], (role) => role.toUpperCase())).toBe('ADMIN, METER');
});

test('an event payload is summarised as key=value', () => {
  expect(payloadSummary({ offerId: 'O-1', quantityWh: 5, tags: ['a'] })).toBe(
    'offerId=O-1 quantityWh=5 tags=["a"]',
  );
});
