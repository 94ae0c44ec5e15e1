/** The CNY display rate: a positive decimal of at most 4 places, normalised; the default has no source. */
import { ConfigError } from '../../../../application/src/gateway/errors';
import { displaySettings } from '../../../../application/src/web/display';

test('the default is the illustrative 7.8000 CNY per EUR, marked as such (no source)', () => {
  expect(displaySettings()).toEqual({
    settlementCurrency: 'EUR',
    minorUnitsPerMajor: 100,
    cnyPerEur: '7.8000',
    rateSource: null,
  });
});

test('a configured rate is normalised to 4 decimals and carries its source', () => {
  expect(displaySettings('7.61', 'ECB reference rate 2026-12-01')).toMatchObject({
    cnyPerEur: '7.6100',
    rateSource: 'ECB reference rate 2026-12-01',
  });
  expect(displaySettings('8')).toMatchObject({
    cnyPerEur: '8.0000',
    rateSource: 'set by the service operator',
  });
});

test.each(['0', '-7.8', '7.80001', 'seven', '1e3'])('%s is refused', (rate) => {
  expect(() => displaySettings(rate)).toThrow(ConfigError);
});
