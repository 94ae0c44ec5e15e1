/**
 * Field rules of the domain shared by every concern's inputs (on top of lib/validate.ts): MSP and
 * participant IDs, record references, ledger times and durations, and the quantities with their
 * units (Wh, minor units, minor units per kWh, basis points).
 */
import { InvalidInputError } from './errors';
import { MAX_OPERATION_AMOUNT, MAX_PRICE, MAX_QUANTITY_WH } from './money';
import { int, rule, text } from './validate';

/** An MSP ID: a letter, then letters, digits, `.` or `-` (64 characters at most). */
export function mspId() {
  return text({
    max: 64,
    pattern: /^[A-Za-z][A-Za-z0-9.-]{0,63}$/,
    patternName: 'an MSP ID (a letter, then letters, digits, . or -)',
  });
}

/** `<mspId>:<enrollmentId>`, both parts safe inside composite keys. */
export const PARTICIPANT_ID_PATTERN = /^[A-Za-z][A-Za-z0-9.-]{0,63}:[A-Za-z0-9._@-][A-Za-z0-9._:@-]{0,127}$/;

/** A grid zone code, as participants and self-metering grants name it. */
export function gridZone() {
  return text({
    max: 64,
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    patternName: 'a grid zone code of letters, digits and ._- (max 64)',
  });
}

/** A participant ID `<mspId>:<enrollmentId>`. */
export function participantId() {
  return text({
    max: 192,
    pattern: PARTICIPANT_ID_PATTERN,
    patternName: 'a participant ID <mspId>:<enrollmentId>',
  });
}

const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?Z$/;

/** Latest accepted time: 9999-12-31T23:59:59.999Z. */
export const MAX_TIME_MS = 253_402_300_799_999;

/**
 * Parses an ISO-8601 UTC time strictly: a real calendar date (no February 30), hours 00–23 (no
 * 24:00), minutes and seconds 00–59, from 1970 on. JavaScript's Date.parse would roll February 30
 * over to March and read 24:00 as the next midnight.
 */
function parseIsoUtc(value: string, path: string): number {
  const match = ISO_UTC.exec(value);
  if (!match) throw new InvalidInputError(path, 'must be ms since the epoch or an ISO-8601 UTC time (…Z)');
  // Absent optional groups (seconds, milliseconds) are undefined at run time, whatever the typings say.
  const group = (index: number): string => match[index] ?? '';
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((index) =>
    Number(group(index)),
  ) as [number, number, number, number, number, number];
  const millis = Number(group(7).padEnd(3, '0'));
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const date = new Date(ms);
  const exact =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() + 1 === month &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  if (!exact) throw new InvalidInputError(path, `is not a valid UTC calendar time: ${value}`);
  if (ms < 0) throw new InvalidInputError(path, 'must not be before 1970-01-01T00:00:00Z');
  return ms;
}

/**
 * A point in ledger time: integer ms since the epoch, or an ISO-8601 UTC string
 * (`2026-01-01T12:00:00Z`, optional seconds and milliseconds) of a real calendar date from 1970 on.
 * Parsed to ms.
 */
export function timeMs() {
  return rule<number, number | string>({
    constraint: 'ms since the epoch or ISO-8601 UTC time (…Z) of a real calendar date from 1970 on',
    schema: {
      anyOf: [
        { type: 'integer', minimum: 0, maximum: MAX_TIME_MS },
        { type: 'string', format: 'date-time', pattern: ISO_UTC.source },
      ],
    },
    flag: 'time',
    parse: (value, path) => {
      if (typeof value === 'string' && !/^\d+$/.test(value)) return parseIsoUtc(value, path);
      return int({ min: 0, max: MAX_TIME_MS }).parse(value, path);
    },
  });
}

/** A duration in ms (0 – 10 years). */
export function durationMs() {
  return int({ min: 0, max: 10 * 366 * 24 * 60 * 60 * 1000, unit: 'ms' });
}

/** A quantity of energy (or certificates, in Wh saved) in Wh, ≥ `min` (default 1). */
export function quantityWh(min = 1) {
  return int({ min, max: MAX_QUANTITY_WH, unit: 'Wh' });
}

/** A price in minor units per kWh. */
export function price() {
  return int({ min: 0, max: MAX_PRICE, unit: 'minor units per kWh' });
}

/** An amount of money in minor units, ≥ `min` (default 1). */
export function amount(min = 1) {
  return int({ min, unit: 'minor units' });
}

/** The amount one Deposit or Withdraw moves, in minor units (1 – 10¹², lib/money.ts's cap). */
export function treasuryAmount() {
  return int({ min: 1, max: MAX_OPERATION_AMOUNT, unit: 'minor units' });
}

/** Basis points 0 – 10 000. */
export function bps() {
  return int({ min: 0, max: 10_000, unit: 'basis points' });
}

const CLIENT_ID = '[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}';

/**
 * An offer's ledger ID `<owner participant ID>/<offerId>`, as PostOffer returns it. Neither
 * participant IDs nor client offer IDs contain `/`, so the split is unambiguous.
 */
export function offerRef() {
  return text({
    max: 400,
    pattern: new RegExp(`^${PARTICIPANT_ID_PATTERN.source.slice(1, -1)}/${CLIENT_ID}$`),
    patternName: 'an offer ID <owner participant ID>/<offerId>',
  });
}

/** A trade ID `<marketId>/c/<seq>` or `<marketId>/a/<txId>`. */
export function tradeRef() {
  return text({
    max: 300,
    pattern: /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}\/[ac]\/[0-9a-f]{1,64}$/,
    patternName: 'a trade ID <marketId>/c/<n> or <marketId>/a/<txId>',
  });
}

/** An https/ipfs/… URI where evidence can be fetched (never fetched by the chaincode). */
export function uri() {
  return text({ max: 1024, pattern: /^[a-z][a-z0-9+.-]*:\S+$/, patternName: 'a URI' });
}
