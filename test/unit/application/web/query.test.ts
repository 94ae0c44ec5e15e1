/**
 * A GET request's query string becomes the transaction input, each parameter read as its field's
 * declaration says; a parameter that is no field is refused before the ledger is asked.
 */
import { catalogEntry } from '../../../../application/src/web/catalog';
import { WebError } from '../../../../application/src/web/http';
import { inputFromQuery } from '../../../../application/src/web/query';

const listMarkets = catalogEntry('Market', 'ListMarkets')!;
const listTrades = catalogEntry('Settlement', 'ListTrades')!;
const register = catalogEntry('Participant', 'Register')!;

const query = (text: string) => new URLSearchParams(text);

test('fields are read by their declared kind; text stays text', () => {
  expect(inputFromQuery(query('commodity=HEAT&pageSize=50&bookmark=abc'), listMarkets)).toEqual({
    commodity: 'HEAT',
    pageSize: 50,
    bookmark: 'abc',
  });
});

test('a list is comma-separated, repeated, or a JSON array', () => {
  expect(inputFromQuery(query('commodities=ELECTRICITY,HEAT'), register)).toEqual({
    commodities: ['ELECTRICITY', 'HEAT'],
  });
  expect(inputFromQuery(query('commodities=ELECTRICITY&commodities=HEAT'), register)).toEqual({
    commodities: ['ELECTRICITY', 'HEAT'],
  });
  expect(inputFromQuery(query('commodities=["HEAT"]'), register)).toEqual({ commodities: ['HEAT'] });
});

test('a ledger time is ms (a number) or ISO text for the chaincode to parse', () => {
  expect(inputFromQuery(query('from=1700000000000&to=2026-01-01T12:00:00Z'), listTrades)).toEqual({
    from: 1_700_000_000_000,
    to: '2026-01-01T12:00:00Z',
  });
});

test('?input=<json> gives the base object the parameters extend', () => {
  expect(
    inputFromQuery(
      query(`input=${encodeURIComponent('{"commodity":"HEAT","pageSize":5}')}&pageSize=7`),
      listMarkets,
    ),
  ).toEqual({ commodity: 'HEAT', pageSize: 7 });
});

test('reserved parameters are not input', () => {
  expect(inputFromQuery(query('all=true&pageSize=5'), listMarkets, new Set(['all']))).toEqual({
    pageSize: 5,
  });
});

test('a `__proto__` key in ?input stays a plain field (refused by the chaincode), not a prototype', () => {
  const input = inputFromQuery(
    query(`input=${encodeURIComponent('{"__proto__":{"polluted":1}}')}`),
    listMarkets,
  );

  expect(Object.getPrototypeOf(input)).toBe(Object.prototype);
  expect(JSON.stringify(input)).toBe('{"__proto__":{"polluted":1}}');
});

test.each([
  ['pageSize=1.5', 'pageSize must be a whole number'],
  ['pageSize=9007199254740993', 'pageSize must be a whole number'],
  ['pageSize=1&pageSize=2', 'pageSize is given more than once'],
  ['input=[1]', 'input must be a JSON object'],
  ['input={oops', 'input is not valid JSON'],
  [
    'colour=blue',
    'colour is not a field of Market:ListMarkets (known: commodity, gridZone, pageSize, bookmark, input)',
  ],
  ['__proto__=1', '__proto__ is not a field'],
])('%s is a 400 saying %s', (text, message) => {
  let error: unknown;
  try {
    inputFromQuery(query(text), listMarkets);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(WebError);
  expect(error).toMatchObject({
    status: 400,
    code: 'ESTP_INVALID_INPUT',
    message: expect.stringContaining(message) as unknown,
  });
});
