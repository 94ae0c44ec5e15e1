/**
 * Field rules of the domain shared by every concern's inputs (on top of lib/validate.ts): MSP and
 * participant IDs, record references, ledger times and durations, and the quantities with their
 * units (Wh, minor units, minor units per kWh, basis points).
 */
import { InvalidInputError } from './errors';
import { MAX_PRICE, MAX_QUANTITY_WH } from './money';
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

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?Z$/;

/** Latest accepted time: 9999-12-31T23:59:59.999Z. */
const MAX_TIME_MS = 253_402_300_799_999;

/**
 * A point in ledger time: integer ms since the epoch, or an ISO-8601 UTC string
 * (`2026-01-01T12:00:00Z`, optional seconds and milliseconds). Parsed to ms.
 */
export function timeMs() {
  return rule<number, number | string>({
    constraint: 'ms since the epoch or ISO-8601 UTC time (…Z)',
    schema: {
      anyOf: [
        { type: 'integer', minimum: 0, maximum: MAX_TIME_MS },
        { type: 'string', format: 'date-time', pattern: ISO_UTC.source },
      ],
    },
    flag: 'time',
    parse: (value, path) => {
      if (typeof value === 'string' && !/^\d+$/.test(value)) {
        if (!ISO_UTC.test(value)) {
          throw new InvalidInputError(path, 'must be ms since the epoch or an ISO-8601 UTC time (…Z)');
        }
        const ms = Date.parse(value);
        if (!Number.isSafeInteger(ms)) throw new InvalidInputError(path, 'is not a valid date');
        return ms;
      }
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
