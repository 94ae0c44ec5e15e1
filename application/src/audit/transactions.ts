/**
 * Who wrote a record version: the transaction behind a transaction ID, read from the block that
 * holds it (qscc GetBlockByTxID), so an auditor sees the creator the envelope's signature proves,
 * not what a record claims about itself.
 */
import { peer } from '@hyperledger/fabric-protos';
import { X509Certificate } from 'node:crypto';
import { signatureProblem } from './identity';
import { parseBlock, parseTransaction } from './parse';
import type { QsccContract } from './source';
import { validationCodeName } from './verify';

/** A committed transaction as its block records it. */
export interface TransactionOrigin {
  readonly txId: string;
  readonly blockNumber: number;
  readonly txIndex: number;
  /** The peer's validation code name (VALID, MVCC_READ_CONFLICT, …). */
  readonly validationCode: string;
  /** The channel header's timestamp (ISO-8601), the chaincode's ledger time. */
  readonly timestamp: string | undefined;
  readonly creatorMsp: string;
  /** The enrolment ID (Fabric CA attribute `hf.EnrollmentID`, else the certificate's CN). */
  readonly creatorId: string;
  /** `<mspId>:<enrolment ID>`, the ESTP participant ID of the creator. */
  readonly creator: string;
  /** Whether the creator's certificate key verifies the envelope's signature. */
  readonly signatureValid: boolean;
  /** The chaincode the transaction invoked. */
  readonly chaincode: string;
  /** The function it invoked (its first argument, e.g. `Participant:Approve`), '' when unreadable. */
  readonly function: string;
}

/** The first argument of a chaincode proposal payload: the function name. */
export function invokedFunction(chaincodeProposalPayload: Uint8Array): string {
  try {
    const payload = peer.ChaincodeProposalPayload.deserializeBinary(chaincodeProposalPayload);
    const spec = peer.ChaincodeInvocationSpec.deserializeBinary(payload.getInput_asU8()).getChaincodeSpec();
    const first = spec?.getInput()?.getArgsList_asU8()[0];
    return first ? new TextDecoder().decode(first) : '';
  } catch {
    return '';
  }
}

/** The enrolment ID a certificate names: Fabric CA's `hf.EnrollmentID` attribute, else its CN. */
export function enrollmentIdOf(certificate: X509Certificate): string {
  const der = certificate.raw.toString('latin1');
  const attrs = /\{"attrs":\{[^}]*\}\}/.exec(der);
  if (attrs) {
    try {
      const parsed = JSON.parse(attrs[0]) as { attrs: Record<string, unknown> };
      const id = parsed.attrs['hf.EnrollmentID'];
      if (typeof id === 'string' && id !== '') return id;
    } catch {
      // not JSON after all: fall back to the CN
    }
  }
  const cn = certificate.subject.split('\n').find((part) => part.startsWith('CN='));
  return cn ? cn.slice(3) : '';
}

/**
 * Reads the transaction `txId` from the block that holds it.
 * @throws when the peer does not know the transaction, or the block does not contain it.
 */
export async function transactionOrigin(
  qscc: QsccContract,
  channel: string,
  txId: string,
): Promise<TransactionOrigin> {
  const block = parseBlock(await qscc.evaluateTransaction('GetBlockByTxID', channel, txId));
  for (const [txIndex, envelope] of block.data.entries()) {
    const tx = parseTransaction(envelope);
    if (tx.txId !== txId) continue;
    let creatorId = '';
    let signatureValid = false;
    if (tx.creator) {
      try {
        const certificate = new X509Certificate(tx.creator.idBytes);
        creatorId = enrollmentIdOf(certificate);
        signatureValid = signatureProblem(certificate.publicKey, tx.payload, tx.signature) === undefined;
      } catch {
        // an unparseable certificate proves nothing: no ID, signature not valid
      }
    }
    const creatorMsp = tx.creator?.mspId ?? '';
    return {
      txId,
      blockNumber: block.number,
      txIndex,
      validationCode: validationCodeName(block.validationCodes[txIndex]),
      timestamp: tx.timestampMs === undefined ? undefined : new Date(tx.timestampMs).toISOString(),
      creatorMsp,
      creatorId,
      creator: `${creatorMsp}:${creatorId}`,
      signatureValid,
      chaincode: tx.actions[0]?.chaincode ?? tx.headerChaincode,
      function: tx.actions[0] ? invokedFunction(tx.actions[0].chaincodeProposalPayload) : '',
    };
  }
  throw new Error(`block ${block.number} does not contain transaction ${txId}`);
}
