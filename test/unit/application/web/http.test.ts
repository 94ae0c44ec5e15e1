/** Errors as HTTP answers: a client's mistake is a 4xx with its ESTP code, never a 500; and routing. */
import {
  ChaincodeError,
  CommitFailedError,
  ConfigError,
  UnavailableError,
  UsageError,
} from '../../../../application/src/gateway/errors';
import { httpFailureOf, Router, WebError } from '../../../../application/src/web/http';

const rejected = (code: string) =>
  new ChaincodeError(`Market:PostOffer: ${code}: no`, { code, chaincodeMessage: 'no', transactionId: 'tx1' });

test.each([
  ['ESTP_INVALID_INPUT', 400],
  ['ESTP_FORBIDDEN', 403],
  ['ESTP_NOT_FOUND', 404],
  ['ESTP_ALREADY_EXISTS', 409],
  ['ESTP_ILLEGAL_STATE', 409],
  ['ESTP_INSUFFICIENT_FUNDS', 409],
  ['ESTP_TOO_EARLY', 409],
  ['ESTP_TOO_LATE', 409],
  ['ESTP_BAD_TIMESTAMP', 409],
  ['ESTP_LIMIT_EXCEEDED', 409],
])('the chaincode’s %s is %i with its code, message and transaction', (code, status) => {
  const answer = httpFailureOf(rejected(code));

  expect(answer.status).toBe(status);
  expect(answer.internal).toBe(false);
  expect(answer.body).toEqual({
    error: { code, message: `Market:PostOffer: ${code}: no`, transactionId: 'tx1' },
  });
});

test('a chaincode error without an ESTP code is a 502: the chaincode failed, not the client', () => {
  expect(httpFailureOf(rejected('CHAINCODE_ERROR')).status).toBe(502);
});

test.each<[Error, number, string]>([
  [new UnavailableError('down', 'UNAVAILABLE'), 503, 'UNAVAILABLE'],
  [new UnavailableError('slow', 'DEADLINE_EXCEEDED'), 504, 'DEADLINE_EXCEEDED'],
  [new UnavailableError('lost', 'COMMIT_STATUS_UNKNOWN', 'tx2'), 504, 'COMMIT_STATUS_UNKNOWN'],
  [new UnavailableError('split', 'ENDORSEMENT_FAILED'), 502, 'ENDORSEMENT_FAILED'],
  [
    new CommitFailedError({ transactionId: 'tx3', validationCode: 11, attempts: 4 }),
    409,
    'MVCC_READ_CONFLICT',
  ],
  [new UsageError('the transaction input must be a JSON object'), 400, 'ESTP_INVALID_INPUT'],
])('%s is %i %s', (error, status, code) => {
  const answer = httpFailureOf(error);

  expect(answer.status).toBe(status);
  expect(answer.body.error.code).toBe(code);
});

test('a gateway over its concurrency limit is a 503 with Retry-After: nothing was done, the same request soon will be', () => {
  const answer = httpFailureOf(new UnavailableError('too many requests', 'RESOURCE_EXHAUSTED'));

  expect(answer).toMatchObject({ status: 503, headers: { 'Retry-After': '1' } });
  expect(answer.body.error.code).toBe('RESOURCE_EXHAUSTED');
  expect(httpFailureOf(new UnavailableError('down', 'UNAVAILABLE')).headers).toEqual({});
});

test('a broken identity of the service is a 500 that keeps file paths out of the answer', () => {
  const answer = httpFailureOf(new ConfigError('cannot read private key /secret/path/key.pem'));

  expect(answer).toMatchObject({ status: 500, internal: true });
  expect(answer.body.error.message).not.toContain('/secret');
});

test('anything else is a 500 INTERNAL without details', () => {
  expect(httpFailureOf(new TypeError('x is undefined')).body).toEqual({
    error: { code: 'INTERNAL', message: 'internal error; see the service log' },
  });
});

describe('Router', () => {
  const router = new Router<string>([
    { method: 'GET', path: '/api/participants/me', handle: () => undefined },
    { method: 'GET', path: '/api/participants/:id', handle: () => undefined },
    { method: 'GET', path: '/api/trades/*tradeId', handle: () => undefined },
    { method: 'POST', path: '/api/meter/reports', handle: () => undefined },
  ]);

  test('routes match in order, with decoded parameters; a rest parameter keeps its slashes', () => {
    expect(router.match('GET', '/api/participants/me')).toMatchObject({ params: {} });
    expect(router.match('GET', '/api/participants/CommunityMSP%3Amember1')).toMatchObject({
      params: { id: 'CommunityMSP:member1' },
    });
    expect(router.match('GET', '/api/trades/M-1/c/00000001')).toMatchObject({
      params: { tradeId: 'M-1/c/00000001' },
    });
    expect(router.match('HEAD', '/api/participants/x')).toMatchObject({ params: { id: 'x' } });
  });

  test('another method lists the allowed ones; no match lists none', () => {
    expect(router.match('GET', '/api/meter/reports')).toEqual({ route: undefined, allowed: ['POST'] });
    expect(router.match('GET', '/api/nothing')).toEqual({ route: undefined, allowed: [] });
  });

  test('bad percent-encoding in a parameter is a 400', () => {
    expect(() => router.match('GET', '/api/participants/%E0%A4%A')).toThrow(WebError);
  });
});
