/**
 * Error translation: gateway errors as the peers return them become one line naming the failing
 * peer/org and the chaincode's ESTP_* code, with the exit code the CLI uses.
 */
import { Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { CommitError, EndorseError, GatewayError } from '@hyperledger/fabric-gateway';
import { ErrorCode } from '../../../../chaincode/src/lib/errors';
import {
  CHAINCODE_ERROR_CODES,
  ChaincodeError,
  CommitFailedError,
  ConfigError,
  EstpClientError,
  ExitCode,
  exitCodeOf,
  formatError,
  isChaincodeUnreachable,
  isGatewayPeerFailure,
  parseChaincodeMessage,
  toClientError,
  UnavailableError,
  UsageError,
} from '../../../../application/src/gateway/errors';

function serviceError(code: GrpcStatus, message: string): ServiceError {
  return Object.assign(new Error(message), { code, details: message, metadata: new Metadata() });
}

const community = { address: 'peer0.community.estp.local:7300', mspId: 'CommunityMSP' };
const utility = { address: 'peer0.utility.estp.local:7100', mspId: 'UtilityMSP' };
const context = { transaction: 'Participant:Get', gatewayPeer: '127.0.0.1:7300', mspId: 'CommunityMSP' };

function endorseError(
  details: { address: string; mspId: string; message: string }[],
  code = GrpcStatus.ABORTED,
) {
  return new EndorseError({
    code,
    details,
    cause: serviceError(code, 'failed to endorse transaction'),
    transactionId: 'tx-1',
    message: `${code} ABORTED: failed to endorse transaction, see attached details for more info`,
  });
}

/** A gateway-error-like object for the classes fabric-gateway exports only as types. */
function gatewayErrorLike(name: string, code: number, message: string, transactionId = 'tx-9'): Error {
  return Object.assign(new Error(message), { name, code, details: [], transactionId });
}

describe('chaincode rejections', () => {
  test('the client knows every code the chaincode declares, and no other', () => {
    expect([...CHAINCODE_ERROR_CODES].sort()).toEqual(Object.values(ErrorCode).sort());
  });

  test('an ESTP code in the peer details becomes a ChaincodeError naming the peer and org', () => {
    // Given an endorsement refused by the chaincode on one peer
    const error = endorseError([
      {
        ...community,
        message: 'chaincode response 500, ESTP_NOT_FOUND: participant CommunityMSP:x does not exist',
      },
    ]);

    // When it is translated
    const translated = toClientError(error, context);

    // Then it is one line with the transaction, the code, the chaincode's text, the peer and its org
    expect(translated).toBeInstanceOf(ChaincodeError);
    expect(translated).toMatchObject({
      code: 'ESTP_NOT_FOUND',
      exitCode: ExitCode.Rejected,
      chaincodeMessage: 'participant CommunityMSP:x does not exist',
      transactionId: 'tx-1',
    });
    expect(translated?.message).toBe(
      'Participant:Get: ESTP_NOT_FOUND: participant CommunityMSP:x does not exist ' +
        '(rejected by peer0.community.estp.local:7300 (CommunityMSP))',
    );
    expect(translated?.cause).toBe(error);
  });

  test('several peers rejecting with a code are counted, the first one named', () => {
    const error = endorseError([
      { ...utility, message: 'chaincode response 500, ESTP_FORBIDDEN: caller lacks role admin' },
      { ...community, message: 'chaincode response 500, ESTP_FORBIDDEN: caller lacks role admin' },
    ]);

    const translated = toClientError(error, context);

    expect(translated?.code).toBe('ESTP_FORBIDDEN');
    expect(translated?.message).toContain(
      'rejected by peer0.utility.estp.local:7100 (UtilityMSP) and 1 other peer(s)',
    );
  });

  test('an evaluate error carries the code in its own message when details are empty', () => {
    // Given the gateway's evaluate failure, which names the chaincode response in its message
    const error = new GatewayError({
      code: GrpcStatus.UNKNOWN,
      details: [],
      cause: serviceError(GrpcStatus.UNKNOWN, 'x'),
      message:
        '2 UNKNOWN: evaluate call to endorser returned error: chaincode response 500, ESTP_TOO_EARLY: gate closes at 12:00',
    });

    const translated = toClientError(error, { transaction: 'Market:ClearMarket' });

    expect(translated).toMatchObject({ code: 'ESTP_TOO_EARLY', exitCode: 1 });
    expect(translated?.message).toBe('Market:ClearMarket: ESTP_TOO_EARLY: gate closes at 12:00');
  });

  test('a chaincode error without an ESTP code is still a rejection (CHAINCODE_ERROR)', () => {
    const error = endorseError([
      {
        ...utility,
        message: "chaincode response 500, You've asked to invoke a function that does not exist: Foo",
      },
    ]);

    const translated = toClientError(error);

    expect(translated).toMatchObject({ code: 'CHAINCODE_ERROR', exitCode: ExitCode.Rejected });
    expect(translated?.message).toBe(
      "chaincode error: You've asked to invoke a function that does not exist: Foo " +
        '(rejected by peer0.utility.estp.local:7100 (UtilityMSP))',
    );
  });

  test('a multi-line chaincode message is cut to its first line; the full text stays available', () => {
    const error = endorseError([
      { ...utility, message: 'chaincode response 500, ESTP_INVALID_INPUT: bad\nstack line' },
    ]);

    const translated = toClientError(error) as ChaincodeError;

    expect(translated.message.split('\n')).toHaveLength(1);
    expect(translated.chaincodeMessage).toBe('bad\nstack line');
  });

  test('parseChaincodeMessage splits code and text, and ignores messages without a code', () => {
    expect(parseChaincodeMessage('chaincode response 500, ESTP_TOO_LATE: window closed')).toEqual({
      code: 'ESTP_TOO_LATE',
      text: 'window closed',
    });
    expect(parseChaincodeMessage('no code here')).toBeUndefined();
  });
});

describe('network and commit failures', () => {
  const refused = (): GatewayError =>
    new GatewayError({
      code: GrpcStatus.UNAVAILABLE,
      details: [],
      cause: serviceError(GrpcStatus.UNAVAILABLE, 'No connection established'),
      message:
        '14 UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:7300. ' +
        'Resolution note: ',
    });

  test("an unreachable peer of this machine's network is UNAVAILABLE (exit 3) with a hint to start it", () => {
    const translated = toClientError(refused(), { ...context, localNetwork: true });

    expect(translated).toBeInstanceOf(UnavailableError);
    expect(translated).toMatchObject({ code: 'UNAVAILABLE', exitCode: ExitCode.Unavailable });
    expect(translated?.message).toBe(
      'Participant:Get: peer gateway via 127.0.0.1:7300 (CommunityMSP) failed (UNAVAILABLE): connect ' +
        'ECONNREFUSED 127.0.0.1:7300; is the network up? (`npm run network:up`)',
    );
  });

  test('an unreachable peer elsewhere is exit 3 with a hint to check that peer, not to start a network', () => {
    const translated = toClientError(refused(), context);

    expect(translated).toMatchObject({ code: 'UNAVAILABLE', exitCode: ExitCode.Unavailable });
    expect(translated?.message).toBe(
      'Participant:Get: peer gateway via 127.0.0.1:7300 (CommunityMSP) failed (UNAVAILABLE): connect ' +
        'ECONNREFUSED 127.0.0.1:7300; is the peer at 127.0.0.1:7300 running and reachable from here?',
    );
  });

  test('only a gateway peer that could not serve the call is worth failing over from', () => {
    // Unreachable, or over its concurrency limit: another peer of the org may serve the call
    expect(isGatewayPeerFailure(refused())).toBe(true);
    const busy = new GatewayError({
      code: GrpcStatus.RESOURCE_EXHAUSTED,
      details: [],
      cause: serviceError(GrpcStatus.RESOURCE_EXHAUSTED, 'too many requests'),
      message:
        '8 RESOURCE_EXHAUSTED: too many requests for /gateway.Gateway, exceeding concurrency limit (500)',
    });
    expect(isGatewayPeerFailure(busy)).toBe(true);
    expect(toClientError(busy, context)).toMatchObject({ code: 'RESOURCE_EXHAUSTED', exitCode: 3 });
    expect(toClientError(busy, context)?.message).toContain('try again shortly');
    // As the real peer says it: status UNKNOWN, the limit in the message
    const throttled = new GatewayError({
      code: GrpcStatus.UNKNOWN,
      details: [],
      cause: serviceError(GrpcStatus.UNKNOWN, 'too many requests'),
      message: '2 UNKNOWN: too many requests for /gateway.Gateway, exceeding concurrency limit (500)',
    });
    expect(isGatewayPeerFailure(throttled)).toBe(true);
    expect(toClientError(throttled, context)).toMatchObject({ code: 'RESOURCE_EXHAUSTED', exitCode: 3 });
    // A verdict the gateway relays from the peers it asked is not
    expect(isGatewayPeerFailure(endorseError([{ ...utility, message: 'chaincode unavailable' }]))).toBe(
      false,
    );
    // Nor a deadline: the call's time is spent
    expect(isGatewayPeerFailure(endorseError([], GrpcStatus.DEADLINE_EXCEEDED))).toBe(false);
  });

  test("a peer that could not reach its chaincode service is worth asking the org's other peer; a refusal never", () => {
    // As the real network words it with the org's chaincode service stopped (docs/reliability.md)
    const enterprise = { address: '127.0.2.1:14200', mspId: 'EnterpriseMSP' };
    const unreachable = endorseError([
      {
        ...enterprise,
        message:
          'error in simulation: failed to execute transaction 276d81c0: could not launch chaincode estp_a29d:b135: ' +
          'connection to estp_a29d:b135 failed: error cannot create connection for estp_a29d:b135: error creating grpc ' +
          'connection to 127.0.2.1:14206: failed to create new connection: connection error: desc = "transport: error ' +
          'while dialing: dial tcp 127.0.2.1:14206: connect: connection refused"',
      },
    ]);
    expect(isChaincodeUnreachable(unreachable)).toBe(true);
    expect(toClientError(unreachable)).toMatchObject({ code: 'ENDORSEMENT_FAILED', exitCode: 3 });
    // An ESTP refusal is the chaincode's verdict, even beside an unreachable peer
    const refused = endorseError([
      { ...enterprise, message: 'chaincode response 500, ESTP_INSUFFICIENT_FUNDS: account A has 5' },
      { ...utility, message: 'could not launch chaincode estp_a29d:b135: connection refused' },
    ]);
    expect(isChaincodeUnreachable(refused)).toBe(false);
    // Peers that disagreed, or a transport failure of the gateway itself, are not this
    expect(
      isChaincodeUnreachable(
        endorseError([{ ...utility, message: 'ProposalResponsePayloads do not match' }]),
      ),
    ).toBe(false);
    expect(isChaincodeUnreachable(new Error('could not launch chaincode'))).toBe(false);
  });

  test('a deadline is exit 3 with code DEADLINE_EXCEEDED', () => {
    const error = endorseError([], GrpcStatus.DEADLINE_EXCEEDED);
    expect(toClientError(error)).toMatchObject({ code: 'DEADLINE_EXCEEDED', exitCode: 3 });
  });

  test('peers that fail to endorse for other reasons are ENDORSEMENT_FAILED (exit 3), each peer named', () => {
    const error = endorseError([
      { ...utility, message: 'ProposalResponsePayloads do not match' },
      { ...community, message: 'ProposalResponsePayloads do not match' },
    ]);

    const translated = toClientError(error);

    expect(translated).toMatchObject({ code: 'ENDORSEMENT_FAILED', exitCode: 3 });
    expect(translated?.message).toContain(
      'peer0.utility.estp.local:7100 (UtilityMSP): ProposalResponsePayloads',
    );
    expect(translated?.message).toContain(
      'peer0.community.estp.local:7300 (CommunityMSP): ProposalResponsePayloads',
    );
  });

  test('an unknown commit status warns that the transaction may still commit', () => {
    const error = gatewayErrorLike(
      'CommitStatusError',
      GrpcStatus.DEADLINE_EXCEEDED,
      '4 DEADLINE_EXCEEDED: deadline',
    );

    const translated = toClientError(error, { transaction: 'Market:PostOffer' });

    expect(translated).toMatchObject({ code: 'COMMIT_STATUS_UNKNOWN', exitCode: 3, transactionId: 'tx-9' });
    expect(translated?.message).toContain('commit status of transaction tx-9 unknown');
    expect(translated?.message).toContain('it may still commit');
  });

  test('an orderer refusal (SubmitError) is exit 3', () => {
    const error = gatewayErrorLike('SubmitError', GrpcStatus.UNAVAILABLE, '14 UNAVAILABLE: no orderer');
    expect(toClientError(error)).toMatchObject({ code: 'UNAVAILABLE', exitCode: 3 });
    expect(toClientError(error)?.message).toContain('the orderers did not accept transaction tx-9');
  });

  test("fabric-gateway's CommitError becomes CommitFailedError with the validation code name (exit 4)", () => {
    const error = new CommitError({ code: 11, transactionId: 'tx-7', message: 'failed to commit' });

    const translated = toClientError(error);

    expect(translated).toBeInstanceOf(CommitFailedError);
    expect(translated).toMatchObject({
      code: 'MVCC_READ_CONFLICT',
      exitCode: ExitCode.CommitFailed,
      transactionId: 'tx-7',
    });
    expect(translated?.message).toBe('transaction tx-7 was invalidated: MVCC_READ_CONFLICT');
  });

  test('CommitFailedError names the block and the attempts', () => {
    const error = new CommitFailedError({
      transactionId: 't',
      validationCode: 12,
      attempts: 4,
      blockNumber: 9n,
    });
    expect(error.message).toBe(
      'transaction t was invalidated in block 9: PHANTOM_READ_CONFLICT after 4 attempts',
    );
  });

  test('access denied by the gateway is a configuration problem (exit 2)', () => {
    const error = new GatewayError({
      code: GrpcStatus.PERMISSION_DENIED,
      details: [],
      cause: serviceError(GrpcStatus.PERMISSION_DENIED, 'x'),
      message: '7 PERMISSION_DENIED: access denied: creator org unknown',
    });
    expect(toClientError(error)).toMatchObject({ code: 'CONFIG', exitCode: 2 });
  });

  test('a bare gRPC ServiceError (an event stream) is translated by its status', () => {
    expect(toClientError(serviceError(GrpcStatus.UNAVAILABLE, '14 UNAVAILABLE: gone'))).toMatchObject({
      code: 'UNAVAILABLE',
      exitCode: 3,
    });
  });
});

describe('exit codes and printing', () => {
  test.each([
    [new UsageError('bad flag'), 2],
    [new ConfigError('no file'), 2],
    [new ChaincodeError('x', { code: 'ESTP_NOT_FOUND', chaincodeMessage: 'x' }), 1],
    [new UnavailableError('x', 'UNAVAILABLE'), 3],
    [new CommitFailedError({ transactionId: 't', validationCode: 11, attempts: 1 }), 4],
    [new TypeError('undefined is not a function'), 70],
    ['a thrown string', 70],
  ])('%p exits %i', (error, code) => {
    expect(exitCodeOf(error)).toBe(code);
  });

  test('every client error is an EstpClientError with a code', () => {
    const error = new UsageError('x');
    expect(error).toBeInstanceOf(EstpClientError);
    expect(error).toMatchObject({ name: 'UsageError', code: 'USAGE' });
  });

  test('an expected error prints one line; a usage error adds its usage text', () => {
    expect(formatError(new ConfigError('no connection description'))).toBe(
      'error: no connection description',
    );
    expect(formatError(new UsageError('missing --org', 'Usage: estp …'))).toBe(
      'error: missing --org\n\nUsage: estp …',
    );
  });

  test('a bug prints no stack unless --debug', () => {
    const bug = new TypeError('cannot read properties of undefined');

    const quiet = formatError(bug);
    const loud = formatError(bug, { debug: true });

    expect(quiet).toBe(
      'internal error: cannot read properties of undefined\n(run again with --debug for the stack trace)',
    );
    expect(loud).toContain('at ');
    expect(loud.startsWith('internal error: cannot read properties of undefined\nTypeError')).toBe(true);
  });

  test('--debug prints the cause chain of an expected error', () => {
    const cause = new Error('socket closed');
    const text = formatError(new UnavailableError('peer down', 'UNAVAILABLE', undefined, { cause }), {
      debug: true,
    });
    expect(text).toContain('caused by: Error: socket closed');
  });
});
