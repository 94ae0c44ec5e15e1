/**
 * Typed chaincode errors. Every message starts with a stable code (`ESTP_…: `) so clients can match
 * on it without parsing prose; the rest of the message names the field or rule that failed. The
 * peer returns the message to the client in the endorsement error details.
 */

/** Stable error codes, part of the public API: clients and audits match on these. */
export const ErrorCode = {
  InvalidInput: 'ESTP_INVALID_INPUT',
  Forbidden: 'ESTP_FORBIDDEN',
  NotFound: 'ESTP_NOT_FOUND',
  AlreadyExists: 'ESTP_ALREADY_EXISTS',
  IllegalState: 'ESTP_ILLEGAL_STATE',
  InsufficientFunds: 'ESTP_INSUFFICIENT_FUNDS',
  TooEarly: 'ESTP_TOO_EARLY',
  TooLate: 'ESTP_TOO_LATE',
  BadTimestamp: 'ESTP_BAD_TIMESTAMP',
  LimitExceeded: 'ESTP_LIMIT_EXCEEDED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base class of every ESTP chaincode error. */
export class EstpError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(`${code}: ${message}`, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The input is malformed: a field is missing, of the wrong type, out of range or unknown. */
export class InvalidInputError extends EstpError {
  /** The dotted path of the offending field, e.g. `offer.quantityWh`; empty for the whole input. */
  readonly field: string;

  constructor(field: string, rule: string) {
    super(ErrorCode.InvalidInput, field ? `${field} ${rule}` : rule);
    this.field = field;
  }
}

/** The caller's MSP, role or ownership does not allow the transaction. */
export class ForbiddenError extends EstpError {
  constructor(message: string) {
    super(ErrorCode.Forbidden, message);
  }
}

/** The record the transaction names does not exist. */
export class NotFoundError extends EstpError {
  constructor(recordType: string, id: string) {
    super(ErrorCode.NotFound, `${recordType} ${id} does not exist`);
  }
}

/** The record the transaction would create exists already (client-chosen IDs are idempotent keys). */
export class AlreadyExistsError extends EstpError {
  constructor(recordType: string, id: string) {
    super(ErrorCode.AlreadyExists, `${recordType} ${id} already exists`);
  }
}

/** The record is in a status from which the requested transition is not allowed. */
export class IllegalStateError extends EstpError {
  constructor(message: string) {
    super(ErrorCode.IllegalState, message);
  }
}

/** An account does not hold enough available credits (or certificates) for the operation. */
export class InsufficientFundsError extends EstpError {
  constructor(message: string) {
    super(ErrorCode.InsufficientFunds, message);
  }
}

/** The transaction came before the time the rule allows (ledger time). */
export class TooEarlyError extends EstpError {
  constructor(message: string) {
    super(ErrorCode.TooEarly, message);
  }
}

/** The transaction came after the time the rule allows (ledger time). */
export class TooLateError extends EstpError {
  constructor(message: string) {
    super(ErrorCode.TooLate, message);
  }
}

/**
 * The transaction timestamp cannot be trusted: too far from the endorsing peer's clock, or before
 * the latest transaction time recorded on the record it acts on (docs/trust.md, "Ledger time").
 */
export class BadTimestampError extends EstpError {
  constructor(message: string) {
    super(ErrorCode.BadTimestamp, message);
  }
}

/**
 * A documented bound was reached: a per-account cap, a per-party evidence limit, or a range read
 * that may have been cut at the peer's totalQueryLimit (docs/trust.md, "Money rules and caps" and
 * "Bounded work").
 */
export class LimitExceededError extends EstpError {
  constructor(message: string) {
    super(ErrorCode.LimitExceeded, message);
  }
}
