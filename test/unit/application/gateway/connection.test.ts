/** The connection description is validated at load, with errors naming the file and the field. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  connectionFilePath,
  loadConnection,
  parseConnection,
  resolveOrg,
} from '../../../../application/src/gateway/connection';
import { ConfigError } from '../../../../application/src/gateway/errors';

const FILE = '/repo/.fabric/connection.json';

function org(mspId: string, name: string, port: number) {
  return {
    mspId,
    name,
    peer: {
      endpoint: `127.0.0.1:${port}`,
      hostAlias: `peer0.${name}.estp.local`,
      tlsRootCertPath: `organizations/${name}/tlsca/cert.pem`,
      operations: `https://127.0.0.1:${port + 2}`,
    },
    ca: {
      url: `https://127.0.0.1:${port + 4}`,
      caName: `ca-${name}`,
      tlsRootCertPath: `/abs/${name}/ca-tls.pem`,
      registrar: { enrollmentId: 'registrar', enrollmentSecret: 's3cret' },
    },
    users: { admin: { certPath: '/abs/cert.pem', keyPath: '/abs/key.pem', roles: ['admin'] } },
    fabricAdmin: { certPath: '/abs/a.pem', keyPath: '/abs/a.key', mspPath: '/abs/msp' },
  };
}

function valid(): Record<string, unknown> {
  return {
    channel: 'estp',
    chaincode: 'estp',
    orgs: {
      UtilityMSP: org('UtilityMSP', 'utility', 7100),
      CommunityMSP: org('CommunityMSP', 'community', 7300),
    },
    orderers: [
      {
        endpoint: '127.0.0.1:7050',
        hostAlias: 'orderer1',
        tlsRootCertPath: '/abs/o.pem',
        adminEndpoint: '127.0.0.1:7053',
      },
    ],
    binDir: '/abs/.fabric/bin',
    fabricCfgPath: '/abs/cfg',
  };
}

const DELETE = Symbol('delete');

/** A deep copy of the valid description with the field at `path` (dotted; numbers index arrays) set or deleted. */
function withChange(path: string, value: unknown): Record<string, unknown> {
  const raw = structuredClone(valid());
  const keys = path.split('.');
  const last = keys.pop() ?? '';
  let node = raw;
  for (const key of keys) node = node[key] as Record<string, unknown>;
  if (value === DELETE) Reflect.deleteProperty(node, last);
  else node[last] = value;
  return raw;
}

function failure(raw: unknown): string {
  try {
    parseConnection(raw, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConnection', () => {
  test('a valid description parses, with relative paths resolved against its directory', () => {
    const connection = parseConnection(valid(), FILE);

    expect(connection.channel).toBe('estp');
    expect(Object.keys(connection.orgs)).toEqual(['CommunityMSP', 'UtilityMSP']);
    expect(connection.orgs['UtilityMSP']?.peer.tlsRootCertPath).toBe(
      '/repo/.fabric/organizations/utility/tlsca/cert.pem',
    );
    expect(connection.orgs['UtilityMSP']?.users['admin']?.roles).toEqual(['admin']);
    expect(connection.orderers[0]?.adminEndpoint).toBe('127.0.0.1:7053');
    expect(connection.file).toBe(FILE);
  });

  test.each([
    ['a missing channel', 'channel', DELETE, 'channel must be a non-empty string'],
    ['no orgs', 'orgs', {}, 'orgs must name at least one org'],
    [
      'a peer endpoint without port',
      'orgs.UtilityMSP.peer.endpoint',
      '127.0.0.1',
      'orgs.UtilityMSP.peer.endpoint must be host:port, got "127.0.0.1"',
    ],
    [
      'an MSP ID that is not its key',
      'orgs.UtilityMSP.mspId',
      'OtherMSP',
      'orgs.UtilityMSP.mspId must equal its key "UtilityMSP", got "OtherMSP"',
    ],
    [
      'roles that are not strings',
      'orgs.CommunityMSP.users.admin.roles',
      'admin',
      'orgs.CommunityMSP.users.admin.roles must be an array of strings',
    ],
    [
      'a user without key',
      'orgs.CommunityMSP.users.admin.keyPath',
      DELETE,
      'orgs.CommunityMSP.users.admin.keyPath must be a non-empty string',
    ],
    [
      'a CA URL that is not http(s)',
      'orgs.UtilityMSP.ca.url',
      '127.0.0.1:7104',
      'orgs.UtilityMSP.ca.url must be an http(s) URL',
    ],
    ['orderers that are not a list', 'orderers', {}, 'orderers must be an array'],
    [
      'an orderer without host alias',
      'orderers.0.hostAlias',
      DELETE,
      'orderers[0].hostAlias must be a non-empty string',
    ],
  ])('%s is rejected naming the field', (_case, path, value, expected) => {
    const message = failure(withChange(path, value));
    expect(message).toContain(`invalid connection description ${FILE}: `);
    expect(message).toContain(expected);
  });

  test('a top level that is not an object is rejected', () => {
    expect(failure([])).toContain('the top level must be an object');
  });

  test('the CA and Fabric admin are optional', () => {
    const withoutCa = withChange('orgs.UtilityMSP.ca', DELETE);
    const orgs = withoutCa['orgs'] as Record<string, Record<string, unknown>>;
    Reflect.deleteProperty(orgs['UtilityMSP']!, 'fabricAdmin');
    const connection = parseConnection(withoutCa, FILE);
    expect(connection.orgs['UtilityMSP']?.ca).toBeUndefined();
  });
});

describe('loadConnection', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'estp-connection-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('a missing file says the network may not be running and how to start it', () => {
    const file = path.join(dir, 'connection.json');
    expect(() => loadConnection(file)).toThrow(
      new ConfigError(
        `no connection description at ${file}: network not running? run \`npm run network:up\``,
      ),
    );
  });

  test('a file that is not JSON is named', () => {
    const file = path.join(dir, 'connection.json');
    writeFileSync(file, '{ "channel": ');
    expect(() => loadConnection(file)).toThrow(`${file} is not valid JSON`);
  });

  test('a valid file loads', () => {
    const file = path.join(dir, 'connection.json');
    writeFileSync(file, JSON.stringify(valid()));
    expect(loadConnection(file).orgs['CommunityMSP']?.peer.tlsRootCertPath).toBe(
      path.join(dir, 'organizations/community/tlsca/cert.pem'),
    );
  });

  test('the path comes from --connection, else ESTP_CONNECTION, else the repository default', () => {
    expect(connectionFilePath('/x/c.json', { ESTP_CONNECTION: '/y/c.json' })).toBe('/x/c.json');
    expect(connectionFilePath(undefined, { ESTP_CONNECTION: '/y/c.json' })).toBe('/y/c.json');
    expect(connectionFilePath(undefined, {})).toMatch(/\.fabric\/connection\.json$/);
  });
});

describe('resolveOrg', () => {
  const connection = parseConnection(valid(), FILE);

  test.each(['utility', 'UtilityMSP', 'UTILITY', 'utilitymsp'])('finds %s', (name) => {
    expect(resolveOrg(connection, name).mspId).toBe('UtilityMSP');
  });

  test('an unknown org lists the known ones', () => {
    expect(() => resolveOrg(connection, 'city')).toThrow(
      'unknown org "city"; known: community (CommunityMSP), utility (UtilityMSP)',
    );
  });
});
