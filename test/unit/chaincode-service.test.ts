/**
 * The chaincode service's dispatch (chaincode/src/chaincode.ts) and its per-process certificate
 * cache (chaincode/src/lib/identity.ts): the direct path answers exactly as fabric-contract-api's
 * dispatch, and the cache never gives one certificate's identity for another.
 */
import { ClientIdentity } from 'fabric-shim';
import { contracts } from '../../chaincode/src';
import { allDeclarations } from '../../chaincode/src/declarations';
import { IDENTITY_CACHE_SIZE, cachedIdentities, identityOf } from '../../chaincode/src/lib/identity';
import { testIdentity } from '../support/certs';
import { TestLedger, chaincodeOf } from '../support/fixture';
import { bootstrapConsortium } from '../support/world';

type Creator = Parameters<typeof identityOf>[0];

function creator(mspId: string, pem: string): Creator {
  return { getCreator: () => ({ mspid: mspId, idBytes: Buffer.from(pem) }) };
}

/** What fabric-shim's ClientIdentity makes of a creator, parsed afresh. */
function parsedAfresh(mspId: string, pem: string) {
  const stub = { ...creator(mspId, pem), getChannelID: () => 'estp', getTxID: () => 'tx' };
  return new ClientIdentity(stub as unknown as ConstructorParameters<typeof ClientIdentity>[0]);
}

describe('the certificate cache', () => {
  it('gives what ClientIdentity parses, for each certificate', async () => {
    for (const who of [
      await testIdentity('CommunityMSP', 'cache-a', ['member']),
      await testIdentity('UtilityMSP', 'cache-b', ['admin', 'treasurer']),
      await testIdentity('EnterpriseMSP', 'cache-c', [], { withoutEnrollmentIdAttr: true }),
      await testIdentity('EnterpriseMSP', 'cache-d', [], { withoutAttributes: true }),
    ]) {
      const fresh = parsedAfresh(who.mspId, who.certificatePem);
      for (let attempt = 0; attempt < 2; attempt++) {
        const cached = identityOf(creator(who.mspId, who.certificatePem));
        expect(cached.getMSPID()).toBe(fresh.getMSPID());
        expect(cached.getID()).toBe(fresh.getID());
        expect(Buffer.from(cached.getIDBytes()).toString()).toBe(who.certificatePem);
        for (const attribute of ['hf.EnrollmentID', 'estp.role', 'hf.Type', 'absent']) {
          expect(cached.getAttributeValue(attribute)).toBe(fresh.getAttributeValue(attribute));
        }
      }
    }
  });

  it("parses a dishonest org's second certificate with the same subject anew, and keeps the first", async () => {
    const honest = await testIdentity('CommunityMSP', 'twin', ['member']);
    const forged = await testIdentity('CommunityMSP', 'twin', ['member', 'admin', 'treasurer']);
    expect(forged.certificatePem).not.toBe(honest.certificatePem);
    const first = identityOf(creator(honest.mspId, honest.certificatePem));
    const second = identityOf(creator(forged.mspId, forged.certificatePem));
    // Same subject and issuer: the ID cannot tell them apart, the bytes do.
    expect(second.getID()).toBe(first.getID());
    expect(first.getAttributeValue('estp.role')).toBe('member');
    expect(second.getAttributeValue('estp.role')).toBe('member,admin,treasurer');
    expect(identityOf(creator(honest.mspId, honest.certificatePem)).getAttributeValue('estp.role')).toBe(
      'member',
    );
  });

  it('keys by the MSP ID too, and hands out copies of the certificate bytes', async () => {
    const who = await testIdentity('CommunityMSP', 'cache-msp', ['member']);
    expect(identityOf(creator('CommunityMSP', who.certificatePem)).getMSPID()).toBe('CommunityMSP');
    expect(identityOf(creator('EnterpriseMSP', who.certificatePem)).getMSPID()).toBe('EnterpriseMSP');
    const bytes = identityOf(creator('CommunityMSP', who.certificatePem)).getIDBytes();
    bytes.fill(0);
    expect(Buffer.from(identityOf(creator('CommunityMSP', who.certificatePem)).getIDBytes()).toString()).toBe(
      who.certificatePem,
    );
  });

  it('holds at most IDENTITY_CACHE_SIZE certificates', async () => {
    const who = await testIdentity('CommunityMSP', 'cache-many', ['member']);
    for (let n = 0; n < IDENTITY_CACHE_SIZE + 20; n++) identityOf(creator(`Msp${n}`, who.certificatePem));
    expect(cachedIdentities()).toBe(IDENTITY_CACHE_SIZE);
    // The oldest were dropped; parsing them again still gives their own identity.
    expect(identityOf(creator('Msp0', who.certificatePem)).getMSPID()).toBe('Msp0');
  });

  it('refuses a certificate it cannot parse, and caches nothing for it', () => {
    const before = cachedIdentities();
    expect(() => identityOf(creator('CommunityMSP', 'not a certificate'))).toThrow();
    expect(cachedIdentities()).toBeLessThanOrEqual(before);
  });
});

describe("the service's dispatch", () => {
  it('runs every declared transaction directly', () => {
    expect(chaincodeOf(contracts).directTransactions()).toEqual(
      allDeclarations()
        .map((declaration) => `${declaration.contract}:${declaration.name}`)
        .sort(),
    );
  });

  it('answers as fabric-contract-api does, for results and errors alike', async () => {
    const ledger = await TestLedger.create();
    await bootstrapConsortium(ledger);
    const auditor = await ledger.identity('CommunityMSP', 'auditor1', ['auditor']);
    const member = await ledger.identity('CommunityMSP', 'member1', ['member']);
    const calls: [string, string[], typeof auditor][] = [
      ['Audit:Totals', ['{}'], auditor],
      ['Audit:Totals', ['{}'], member],
      ['Audit:Totals', ['{"extra":1}'], auditor],
      ['Audit:Totals', ['not json'], auditor],
      ['Market:GetOffer', ['{"id":"CommunityMSP:member1/none"}'], member],
      ['Settlement:GetAccount', ['{}'], member],
      ['Market:NoSuchTransaction', ['{}'], member],
      ['Audit:Totals', [], auditor],
      ['Audit:Totals', ['{}', '{}'], auditor],
      ['Totals', ['{}'], auditor],
      ['org.hyperledger.fabric:GetMetadata', [], member],
    ];
    for (const [fcn, args, who] of calls) {
      const time = ledger.now();
      const direct = await ledger.invoke(contracts, fcn, args, who, { commit: false, time });
      const contractApi = await ledger.invoke(contracts, fcn, args, who, {
        commit: false,
        time,
        contractApiOnly: true,
      });
      expect({ fcn, args, status: direct.status, message: direct.message, payload: direct.payload }).toEqual({
        fcn,
        args,
        status: contractApi.status,
        message: contractApi.message,
        payload: contractApi.payload,
      });
    }
  });

  it("never lets one certificate's roles answer for another with the same subject", async () => {
    const ledger = await TestLedger.create();
    await bootstrapConsortium(ledger);
    const member = await ledger.identity('CommunityMSP', 'same-name', ['member']);
    const auditor = await ledger.identity('CommunityMSP', 'same-name', ['auditor']);
    for (const [who, status] of [
      [member, 500],
      [auditor, 200],
      [member, 500],
      [auditor, 200],
    ] as const) {
      const response = await ledger.invoke(contracts, 'Audit:Totals', ['{}'], who, { commit: false });
      expect(response.status).toBe(status);
      if (status === 500) expect(response.message).toMatch(/ESTP_FORBIDDEN/);
    }
  });
});
