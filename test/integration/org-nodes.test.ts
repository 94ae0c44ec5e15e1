/**
 * Every org runs its own node (docs/network.md#every-org-its-own-node): its processes listen only on
 * its own address, its private keys and CA secrets exist only in its own directory, and it runs its
 * own chaincode services — so when one org's chaincode services or peers are down, MAJORITY still
 * endorses through the others, and once started again with the org's own kit
 * (network/scripts/org.sh start) the org endorses again, its peers caught up. (One process of an
 * org dying is test/faults' business: its supervisor restarts it.)
 */
import { execFile } from 'node:child_process';
import { createPublicKey, X509Certificate } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { ledgerHeights } from '../../application/src/admin/operations';
import { fabricAdminOf } from '../../application/src/admin/signer';
import { parseBlock, parseTransaction } from '../../application/src/audit/parse';
import type { EstpClient } from '../../application/src/gateway/client';
import { Clients, newRunTag, openElectricityMarketAs } from './support/estp';
import { orgSettings } from './support/network';

const run = promisify(execFile);
const FABRIC = path.resolve(__dirname, '../../.fabric');
const ORGS = path.join(FABRIC, 'orgs');
const ORG_SH = path.resolve(__dirname, '../../network/scripts/org.sh');
const RUN = newRunTag();
const clients = new Clients();

afterAll(() => {
  clients.closeAll();
});

/** The network's recorded settings (.fabric/config/network.env): ADDRESS_<org>, ADDRESS_orderer<N>. */
function networkSettings(): Map<string, string> {
  const text = readFileSync(path.join(FABRIC, 'config/network.env'), 'utf8');
  return new Map(
    text
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

/** The org directories (.fabric/orgs/<org>): the orderer org and every peer org. */
function orgNames(): string[] {
  return readdirSync(ORGS).sort();
}

/** The pid of a running process of the network, from its org's run directory. */
function pidOf(org: string, name: string): number | undefined {
  const file = path.join(ORGS, org, 'run', `${name}.pid`);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return existsSync(`/proc/${pid}`) ? pid : undefined;
}

/** Every process of an org with its pid (peer org: ca, peers, chaincode services, supervisor). */
function processesOf(org: string): { name: string; pid: number }[] {
  const dir = path.join(ORGS, org, 'run');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.pid'))
    .map((file) => file.slice(0, -'.pid'.length))
    .flatMap((name) => {
      const pid = pidOf(org, name);
      return pid === undefined ? [] : [{ name, pid }];
    });
}

/** `ss -Hltnp`: every listening TCP socket with the pids holding it. */
async function listeners(): Promise<{ address: string; port: number; pids: number[] }[]> {
  const { stdout } = await run('ss', ['-Hltnp']).catch((cause: unknown) => {
    throw new Error('this test lists listening sockets with ss (Debian package iproute2)', { cause });
  });
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const local = line.trim().split(/\s+/)[3] ?? '';
      const colon = local.lastIndexOf(':');
      return {
        address: local.slice(0, colon).replace(/^\[|\]$/g, ''),
        port: Number(local.slice(colon + 1)),
        pids: [...line.matchAll(/pid=(\d+)/g)].map((match) => Number(match[1])),
      };
    });
}

/**
 * Stops processes of an org with its own kit (`org.sh stop --org <org> --node <name>`): its
 * supervisor leaves them stopped until `org.sh start`.
 */
async function stop(org: string, ...names: string[]): Promise<void> {
  for (const name of names) {
    await run('bash', [ORG_SH, 'stop', '--org', org, '--node', name], { env: process.env, timeout: 60_000 });
    expect(pidOf(org, name)).toBeUndefined();
  }
}

/** The org's own kit restarts what is not running: `network/scripts/org.sh start --org <org>`. */
async function restart(org: string): Promise<void> {
  await run('bash', [ORG_SH, 'start', '--org', org], { env: process.env, timeout: 180_000 });
}

/** Opens a market as the client's ESTP admin through its own peer; returns the orgs that endorsed it. */
async function endorsersOfSubmit(client: EstpClient, marketId: string): Promise<string[]> {
  const { committed: result } = await openElectricityMarketAs(client, marketId, 600_000);
  const block = parseBlock(
    await client.evaluateSystem(
      'qscc',
      'GetBlockByNumber',
      client.profile.channel,
      String(result.blockNumber),
    ),
  );
  const tx = block.data.map(parseTransaction).find((candidate) => candidate.txId === result.transactionId);
  const endorsements = tx?.actions[0]?.endorsements ?? [];
  return endorsements.map((endorsement) => endorsement.endorser?.mspId ?? '?').sort();
}

describe('each org on its own address', () => {
  test("every listener of an org's processes is on that org's address, none on a wildcard", async () => {
    // Given the recorded address of each org (orderers: each its own)
    const settings = networkSettings();
    const sockets = await listeners();
    for (const org of orgNames()) {
      for (const { name, pid } of processesOf(org)) {
        // The org's supervisor (a shell loop) listens nowhere.
        if (name.startsWith('supervisor.')) continue;
        const expected = settings.get(`ADDRESS_${org === 'orderer' ? name : org}`);
        // When ss lists the sockets this process listens on
        const own = sockets.filter((socket) => socket.pids.includes(pid));
        // Then there are some, and every one is on the org's address
        expect({ name, count: own.length > 0 }).toEqual({ name, count: true });
        expect({ name, addresses: [...new Set(own.map((socket) => socket.address))] }).toEqual({
          name,
          addresses: [expected],
        });
      }
    }
  });

  test('no two orgs share an address', () => {
    const settings = networkSettings();
    const peerOrgs = orgNames().filter((org) => org !== 'orderer');
    const addresses = peerOrgs.map((org) => settings.get(`ADDRESS_${org}`));
    expect(new Set(addresses).size).toBe(peerOrgs.length);
    const orderers = [...settings.keys()].filter((key) => key.startsWith('ADDRESS_orderer'));
    for (const key of orderers) expect(addresses).not.toContain(settings.get(key));
  });
});

/** Every file under `dir` (symlinks not followed), with the bytes it holds. */
function* files(dir: string): Generator<{ file: string; bytes: Buffer }> {
  for (const entry of readdirSync(dir)) {
    const file = path.join(dir, entry);
    const stat = lstatSync(file);
    if (stat.isDirectory()) yield* files(file);
    else if (stat.isFile()) yield { file, bytes: readFileSync(file) };
  }
}

/** The members of a tar archive (ustar: 512-byte headers), for looking inside chaincode packages. */
function* tarMembers(bytes: Buffer, where: string): Generator<{ file: string; bytes: Buffer }> {
  for (let offset = 0; offset + 512 <= bytes.length;) {
    const name = bytes.toString('latin1', offset, offset + 100).replace(/\0.*$/s, '');
    if (name === '') return;
    const size = parseInt(
      bytes
        .toString('latin1', offset + 124, offset + 136)
        .replace(/\0.*$/s, '')
        .trim(),
      8,
    );
    const start = offset + 512;
    yield { file: `${where}!${name}`, bytes: bytes.subarray(start, start + size) };
    offset = start + Math.ceil(size / 512) * 512;
  }
}

/** A file's contents and, for gzip/tar archives, the contents of every member, recursively. */
function* contents(file: string, bytes: Buffer): Generator<{ file: string; bytes: Buffer }> {
  yield { file, bytes };
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    yield* contents(`${file}!gunzip`, gunzipSync(bytes));
  } else if (bytes.length >= 512 && bytes.toString('latin1', 257, 262) === 'ustar') {
    for (const member of tarMembers(bytes, file)) yield* contents(member.file, member.bytes);
  }
}

const PEM_KEY = /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----[\s\S]+?-----END (?:[A-Z]+ )?PRIVATE KEY-----/g;
const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** PEM blocks in text, also when JSON-escaped (wallet entries, connection.json of a package). */
function pemBlocks(bytes: Buffer, pattern: RegExp): string[] {
  const text = bytes.toString('latin1').replace(/\\n/g, '\n').replace(/\\r/g, '\r');
  return [...text.matchAll(pattern)].map((match) => match[0]);
}

/**
 * The public key (SPKI DER, base64) of a PEM private key. Fabric CA writes its idemix revocation
 * key as SEC1 under a PKCS#8 label ("PRIVATE KEY"), so that label is read as SEC1 too.
 */
function publicKeyOf(pem: string): string {
  const spki = (text: string) =>
    createPublicKey(text).export({ type: 'spki', format: 'der' }).toString('base64');
  try {
    return spki(pem);
  } catch {
    return spki(pem.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, '-----$1 EC PRIVATE KEY-----'));
  }
}

/** The org a path belongs to (.fabric/orgs/<org>/…), or undefined outside every org's directory. */
function ownerDir(file: string): string | undefined {
  const relative = path.relative(ORGS, file.split('!')[0] as string);
  return relative.startsWith('..') ? undefined : relative.split(path.sep)[0];
}

describe("each org's secrets only in its own directory", () => {
  test(".fabric holds each org's private keys only under .fabric/orgs/<org>, each issued by that org's CAs", () => {
    // Given every file under .fabric but the built binaries, archives opened
    const keys = new Map<string, Set<string>>(); // public key (SPKI, base64) → files holding the private key
    const certificates: X509Certificate[] = [];
    for (const entry of readdirSync(FABRIC).filter((name) => name !== 'bin')) {
      const top = path.join(FABRIC, entry);
      const found = lstatSync(top).isDirectory() ? files(top) : [{ file: top, bytes: readFileSync(top) }];
      for (const { file, bytes } of found) {
        for (const content of contents(file, bytes)) {
          if (content.bytes.includes('PRIVATE KEY')) {
            for (const pem of pemBlocks(content.bytes, PEM_KEY)) {
              const spki = publicKeyOf(pem);
              keys.set(spki, (keys.get(spki) ?? new Set()).add(content.file));
            }
          }
          if (content.bytes.includes('BEGIN CERTIFICATE') && /\.(pem|crt|id)$/.test(content.file)) {
            for (const pem of pemBlocks(content.bytes, PEM_CERT)) certificates.push(new X509Certificate(pem));
          }
        }
      }
    }
    // The roots each org published (its CA and TLS CA certificates, public)
    const roots = new Map<string, X509Certificate[]>();
    for (const org of orgNames()) {
      const msp = path.join(FABRIC, 'consortium/orgs', org, 'msp');
      roots.set(
        org,
        ['cacerts', 'tlscacerts'].flatMap((dir) =>
          readdirSync(path.join(msp, dir)).map(
            (file) => new X509Certificate(readFileSync(path.join(msp, dir, file))),
          ),
        ),
      );
    }
    expect(keys.size).toBeGreaterThan(10);

    for (const [spki, where] of keys) {
      // Then every copy of a private key lies in one org's directory
      const owners = new Set([...where].map(ownerDir));
      expect({ files: [...where], owners: [...owners] }).toEqual({
        files: [...where],
        owners: [expect.any(String)],
      });
      // And the certificates of that key were issued by that org's own CA or TLS CA
      const owner = [...owners][0] as string;
      const issuedFor = certificates.filter(
        (certificate) =>
          certificate.publicKey.export({ type: 'spki', format: 'der' }).toString('base64') === spki,
      );
      const orgRoots = roots.get(owner) ?? [];
      for (const certificate of issuedFor) {
        expect({
          key: [...where][0],
          subject: certificate.subject,
          byOwnCa: orgRoots.some(
            (root) => certificate.checkIssued(root) && certificate.verify(root.publicKey),
          ),
        }).toEqual({ key: [...where][0], subject: certificate.subject, byOwnCa: true });
      }
    }
  });

  test("an org's CA registrar and user secrets appear nowhere outside its directory, profiles included", () => {
    const secrets: { org: string; secret: string }[] = [];
    for (const org of orgNames().filter((name) => name !== 'orderer')) {
      const ca = path.join(ORGS, org, 'fabric-ca');
      secrets.push({ org, secret: readFileSync(path.join(ca, 'registrar.secret'), 'utf8').trim() });
      for (const file of readdirSync(path.join(ca, 'users'))) {
        secrets.push({ org, secret: readFileSync(path.join(ca, 'users', file), 'utf8').trim() });
      }
    }
    expect(secrets.every(({ secret }) => secret.length >= 16)).toBe(true);
    for (const entry of readdirSync(FABRIC).filter((name) => name !== 'bin')) {
      const top = path.join(FABRIC, entry);
      const found = lstatSync(top).isDirectory() ? files(top) : [{ file: top, bytes: readFileSync(top) }];
      for (const { file, bytes } of found) {
        for (const content of contents(file, bytes)) {
          const leaked = secrets.filter(
            ({ org, secret }) => ownerDir(content.file) !== org && content.bytes.includes(secret),
          );
          expect({ file: content.file, leaked: leaked.map(({ org }) => org) }).toEqual({
            file: content.file,
            leaked: [],
          });
        }
      }
    }
    // The profiles are public: no key, no secret
    for (const org of orgNames().filter((name) => name !== 'orderer')) {
      const profile = readFileSync(orgSettings(org).profile.file, 'utf8');
      expect(profile).not.toContain('PRIVATE KEY');
      expect(secrets.filter(({ secret }) => profile.includes(secret))).toEqual([]);
    }
  });
});

describe('one org down, the channel goes on', () => {
  // Community's node fails; Utility's admin keeps trading through Utility's own peer.
  const VICTIM = 'community';
  const VICTIM_MSP = 'CommunityMSP';

  test("one org's chaincode services down: transactions commit without it; restarted, it endorses again", async () => {
    const utility = await clients.of({ org: 'utility', user: 'admin' });
    const members = Object.keys(utility.profile.orgs).length;
    const majority = Math.floor(members / 2) + 1;

    // When both of Community's chaincode services are stopped
    await stop(VICTIM, `chaincode0.${VICTIM}`, `chaincode1.${VICTIM}`);

    // Then Utility's transactions still commit, endorsed by a majority of the other orgs
    for (let n = 0; n < 3; n++) {
      const endorsers = await endorsersOfSubmit(utility, `${RUN}-CC-DOWN-${n}`);
      expect(endorsers).not.toContain(VICTIM_MSP);
      expect(endorsers.length).toBeGreaterThanOrEqual(majority);
    }

    // When Community restarts it with its own kit
    await restart(VICTIM);

    // Then Community's admin submits through Community's peer, which endorses again
    const community = await clients.open({ org: VICTIM, user: 'admin' });
    expect(await endorsersOfSubmit(community, `${RUN}-CC-BACK`)).toContain(VICTIM_MSP);
  }, 240_000);

  test("one org's peers down: transactions commit without it; restarted, they catch up to equal heights and endorse", async () => {
    const utility = await clients.of({ org: 'utility', user: 'admin' });

    // When both of Community's peers are stopped and Utility keeps trading
    await stop(VICTIM, `peer0.${VICTIM}`, `peer1.${VICTIM}`);
    for (let n = 0; n < 3; n++) {
      expect(await endorsersOfSubmit(utility, `${RUN}-PEER-DOWN-${n}`)).not.toContain(VICTIM_MSP);
    }

    // When Community restarts it with its own kit
    await restart(VICTIM);

    // Then its ledgers catch up: every peer at the same height (asked by Community's own admin)
    const admin = fabricAdminOf(orgSettings(VICTIM));
    const orgs = Object.values(admin.profile.orgs);
    let heights = await ledgerHeights(admin, orgs);
    for (let attempt = 0; attempt < 60 && new Set(heights.map((row) => row.height)).size > 1; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 500)); // blocks still arriving
      heights = await ledgerHeights(admin, orgs);
    }
    expect(heights.every((row) => row.height !== undefined)).toBe(true);
    expect(new Set(heights.map((row) => row.height)).size).toBe(1);

    // And Community endorses again through its own peer
    const community = await clients.open({ org: VICTIM, user: 'admin' });
    expect(await endorsersOfSubmit(community, `${RUN}-PEER-BACK`)).toContain(VICTIM_MSP);
  }, 240_000);
});
