/** Identity and signature checks with Node's crypto: certificate chains to MSP roots, low-S ECDSA. */
import { generateKeyPairSync, sign } from 'node:crypto';
import {
  IdentityVerifier,
  type MspDefinition,
  derInteger,
  derSequence,
  signatureProblem,
} from '../../../../application/src/audit';
import { serializeIdentity, signLowS } from './support/chain';
import { type Credentials, issue } from './support/x509';

const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

function identity(mspId: string, credentials: Credentials) {
  return { mspId, idBytes: credentials.certPem, serialized: serializeIdentity({ mspId, credentials }) };
}

const root = issue({ c: 'US', o: 'org1.test', cn: 'ca.org1.test' }, undefined, true);
const intermediate = issue({ c: 'US', o: 'org1.test', cn: 'ica.org1.test' }, root, true);
const viaIntermediate = issue({ c: 'US', ou: 'peer', cn: 'peer1.org1.test' }, intermediate);
const direct = issue({ c: 'US', ou: 'client', cn: 'user1@org1.test' }, root);
const org1: MspDefinition = {
  mspId: 'Org1MSP',
  rootCerts: [root.certPem],
  intermediateCerts: [],
  orderer: false,
};

describe('IdentityVerifier', () => {
  test('a certificate issued by the MSP root CA is a member', () => {
    const verifier = new IdentityVerifier([org1]);
    expect(verifier.anchored).toBe(true);
    expect(verifier.checkIdentity(identity('Org1MSP', direct))).toBeUndefined();
  });

  test('a certificate issued through an intermediate CA needs the intermediate in the MSP', () => {
    const withoutIntermediate = new IdentityVerifier([org1]);
    const withIntermediate = new IdentityVerifier([{ ...org1, intermediateCerts: [intermediate.certPem] }]);

    expect(withoutIntermediate.checkIdentity(identity('Org1MSP', viaIntermediate))).toBe(
      'certificate peer1.org1.test is not issued by a CA of Org1MSP',
    );
    expect(withIntermediate.checkIdentity(identity('Org1MSP', viaIntermediate))).toBeUndefined();
  });

  test('claiming another MSP, or an unknown one, fails', () => {
    const other = issue({ c: 'US', o: 'org2.test', cn: 'ca.org2.test' }, undefined, true);
    const verifier = new IdentityVerifier([org1, { ...org1, mspId: 'Org2MSP', rootCerts: [other.certPem] }]);

    expect(verifier.checkIdentity(identity('Org2MSP', direct))).toBe(
      'certificate user1@org1.test is not issued by a CA of Org2MSP',
    );
    expect(verifier.checkIdentity(identity('Org3MSP', direct))).toBe(
      'MSP Org3MSP is not in the channel configuration',
    );
  });

  test('without MSP definitions only the certificate itself is checked', () => {
    const verifier = new IdentityVerifier();
    expect(verifier.anchored).toBe(false);
    expect(verifier.checkIdentity(identity('AnyMSP', direct))).toBeUndefined();
    expect(
      verifier.checkIdentity({
        mspId: 'AnyMSP',
        idBytes: new TextEncoder().encode('not a cert'),
        serialized: new Uint8Array(),
      }),
    ).toMatch(/^certificate does not parse/);
  });

  test('a later config replaces an MSP definition', () => {
    const verifier = new IdentityVerifier([org1]);
    const rotated = issue({ c: 'US', o: 'org1.test', cn: 'ca2.org1.test' }, undefined, true);
    expect(verifier.checkIdentity(identity('Org1MSP', direct))).toBeUndefined();

    verifier.addMsps([{ ...org1, rootCerts: [rotated.certPem] }]);

    expect(verifier.checkIdentity(identity('Org1MSP', direct))).toBe(
      'certificate user1@org1.test is not issued by a CA of Org1MSP',
    );
  });

  test('checkSignature verifies over the given bytes with the certificate key', () => {
    const verifier = new IdentityVerifier([org1]);
    const data = new TextEncoder().encode('proposal response payload');
    const signature = signLowS(data, direct.privateKey);

    expect(verifier.checkSignature(identity('Org1MSP', direct), data, signature)).toBeUndefined();
    expect(verifier.checkSignature(identity('Org1MSP', direct), Uint8Array.of(1), signature)).toBe(
      'signature does not verify',
    );
    expect(verifier.checkSignature(identity('Org1MSP', viaIntermediate), data, signature)).toBe(
      'certificate peer1.org1.test is not issued by a CA of Org1MSP',
    );
  });

  test('organizational units come from the certificate subject', () => {
    const verifier = new IdentityVerifier();
    expect(verifier.organizationalUnits(identity('Org1MSP', viaIntermediate))).toEqual(['peer']);
    expect(verifier.organizationalUnits(identity('Org1MSP', root))).toEqual([]);
  });

  test('orderer orgs are those flagged by the configuration', () => {
    const verifier = new IdentityVerifier([org1, { ...org1, mspId: 'OrdererMSP', orderer: true }]);
    expect(verifier.ordererMsps()).toEqual(['OrdererMSP']);
  });
});

describe('signatureProblem', () => {
  const data = new TextEncoder().encode('block header bytes');

  test('accepts a low-S ECDSA signature and rejects its high-S twin (Fabric rejects malleated signatures)', () => {
    const low = signLowS(data, direct.privateKey);
    // re-encode with s' = n − s: the same signature for ECDSA math, but not Fabric's canonical form
    const [r, s] = decodeEcdsa(low);
    const high = derSequence(derInteger(r), derInteger(P256_ORDER - s));

    expect(signatureProblem(direct.publicKey, data, low)).toBeUndefined();
    expect(signatureProblem(direct.publicKey, data, high)).toBe('ECDSA signature is not low-S');
  });

  test('garbage is not a signature', () => {
    expect(signatureProblem(direct.publicKey, data, Uint8Array.of(1, 2, 3))).toMatch(
      /^signature does not verify/,
    );
  });

  test('Ed25519 keys (Fabric 3) verify without a digest', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    expect(signatureProblem(publicKey, data, sign(null, data, privateKey))).toBeUndefined();
    expect(signatureProblem(publicKey, Uint8Array.of(0), sign(null, data, privateKey))).toBe(
      'signature does not verify',
    );
  });

  test('other key types are not supported', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(signatureProblem(publicKey, data, Uint8Array.of(0))).toBe('unsupported key type rsa');
  });
});

/** r and s of a DER ECDSA signature with short-form lengths. */
function decodeEcdsa(der: Uint8Array): [bigint, bigint] {
  const rLength = der[3]!;
  const r = BigInt(`0x${Buffer.from(der.subarray(4, 4 + rLength)).toString('hex')}`);
  const sLength = der[4 + rLength + 1]!;
  const s = BigInt(
    `0x${Buffer.from(der.subarray(4 + rLength + 2, 4 + rLength + 2 + sLength)).toString('hex')}`,
  );
  return [r, s];
}
