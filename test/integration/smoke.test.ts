/**
 * Smoke test of the real network (network/scripts/up.sh): every org's gateway serves the `estp`
 * chaincode, transactions are endorsed by a majority, ordered by Raft and committed, and a
 * participant registered in one org is approved there and visible through another org's peer.
 */
import { EndorseError } from '@hyperledger/fabric-gateway';
import { connect, type GatewayConnection, loadNetwork } from './support/network';
import type { Participant as ParticipantView } from '../../chaincode/src/records';

const network = loadNetwork();
const utf8 = new TextDecoder();
const ORGS = ['utility', 'enterprise', 'community'] as const;

const connections: GatewayConnection[] = [];
/** A connection closed in afterAll. */
function gatewayFor(org: string, user: string): GatewayConnection {
  const connection = connect(org, user);
  connections.push(connection);
  return connection;
}
afterAll(() => {
  for (const connection of connections) connection.close();
});

/** `own` and enough other orgs of the channel for a MAJORITY endorsement. */
function majorityWith(own: string): string[] {
  const others = Object.keys(network.orgs).filter((mspId) => mspId !== own);
  return [own, ...others.slice(0, Math.floor((others.length + 1) / 2))];
}

function parse(bytes: Uint8Array): unknown {
  return JSON.parse(utf8.decode(bytes));
}

/** Matches a gateway error whose peer details carry the chaincode's error code. */
function rejectedWith(code: string) {
  return {
    details: expect.arrayContaining([
      expect.objectContaining({ message: expect.stringContaining(code) as unknown }),
    ]) as unknown,
  };
}

describe('network', () => {
  test.each(ORGS)('the %s peer serves the estp chaincode through its gateway', async (org) => {
    // Given a member of the org, When it evaluates the contract API's metadata function
    const bytes = await gatewayFor(org, 'member1').contract('org.hyperledger.fabric').evaluate('GetMetadata');

    // Then the peer answers from the running chaincode service
    const metadata = parse(bytes) as { contracts: Record<string, unknown> };
    expect(Object.keys(metadata.contracts)).toEqual(expect.arrayContaining(['Consortium', 'Participant']));
  });

  test('a list query that matches nothing returns an empty page with an empty bookmark', async () => {
    // Given a grid zone no market was ever opened in, When its markets are listed (the real shim
    // gives such an empty last page no metadata at all)
    const bytes = await gatewayFor('utility', 'member1')
      .contract('Market')
      .evaluate('ListMarkets', {
        arguments: [JSON.stringify({ commodity: 'HEAT', gridZone: `NO-MARKETS-${Date.now()}` })],
      });

    // Then the page is empty and says there is no further page
    expect(parse(bytes)).toEqual({ records: [], bookmark: '' });
  });

  test('a submitted transaction is endorsed, ordered and committed', async () => {
    // Given the gateway of one org, When a transaction is submitted (discovery plans the
    // endorsement across orgs, Raft orders it)
    const commit = await gatewayFor('enterprise', 'member1')
      .contract('org.hyperledger.fabric')
      .submitAsync('GetMetadata');

    // Then every peer validates and commits it
    const status = await commit.getStatus();
    expect(status.successful).toBe(true);
  });
});

describe('participant onboarding across orgs', () => {
  const profile = {
    displayName: 'Smoke Co-op',
    kind: 'PROSUMER',
    commodities: ['ELECTRICITY'],
    gridZone: 'ZONE-A',
    meterIds: ['M-1'],
    capacityW: 5000,
  };
  const participantId = `${network.orgs['CommunityMSP']!.mspId}:member1`;

  /** Registers community member1, or reads the record when an earlier run registered it. */
  async function registerOrGet(): Promise<ParticipantView> {
    const participants = gatewayFor('community', 'member1').contract('Participant');
    try {
      const bytes = await participants.submit('Register', {
        arguments: [JSON.stringify(profile)],
        transientData: { verification: Buffer.from('smoke-test identity document') },
        // Register keeps the verification data in the org's implicit collection; the gateway only
        // sends transient data to other orgs' peers (needed for MAJORITY) when told which. A
        // majority of the channel's orgs: 2 of the founding 3, 3 once an org is onboarded.
        endorsingOrganizations: majorityWith('CommunityMSP'),
      });
      return parse(bytes) as ParticipantView;
    } catch (error) {
      if (
        !(error instanceof EndorseError) ||
        !error.details.some((d) => d.message.includes('ESTP_ALREADY_EXISTS'))
      ) {
        throw error;
      }
      const bytes = await participants.evaluate('Get', {
        arguments: [JSON.stringify({ id: participantId })],
      });
      return parse(bytes) as ParticipantView;
    }
  }

  test('registered in community, approved by its admin, ACTIVE through the utility peer', async () => {
    // Given community member1 registered (PENDING, or ACTIVE from an earlier run)
    const registered = await registerOrGet();
    expect(registered.id).toBe(participantId);

    // When the community admin approves it
    if (registered.status === 'PENDING') {
      await gatewayFor('community', 'admin')
        .contract('Participant')
        .submit('Approve', { arguments: [JSON.stringify({ id: participantId })] });
    }

    // Then another org's peer returns it as ACTIVE
    const bytes = await gatewayFor('utility', 'member1')
      .contract('Participant')
      .evaluate('Get', { arguments: [JSON.stringify({ id: participantId })] });
    expect(parse(bytes)).toMatchObject({ id: participantId, status: 'ACTIVE' });
  });

  test('a caller without the admin role cannot approve', async () => {
    // Given community member2 (estp.role=member), When it tries to approve a participant
    const attempt = gatewayFor('community', 'member2')
      .contract('Participant')
      .submit('Approve', { arguments: [JSON.stringify({ id: participantId })] });

    // Then the endorsement fails with the chaincode's ESTP_FORBIDDEN message
    await expect(attempt).rejects.toBeInstanceOf(EndorseError);
    await expect(attempt).rejects.toMatchObject(rejectedWith('ESTP_FORBIDDEN'));
  });
});
