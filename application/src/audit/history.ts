/**
 * A record's history for auditors (`estp audit history`, `GET /api/audit/history/…`): every version
 * Audit:History returns, each with the transaction that wrote it as its block records it (who signed
 * it, which function), so the answer rests on signatures rather than on what a record says.
 */
import type { RecordType } from '@estp/chaincode';
import type { EstpClient } from '../gateway/client';
import type { QsccContract } from './source';
import { type TransactionOrigin, transactionOrigin } from './transactions';

/** The peer's qscc through the client's gateway connection. */
export function qsccOf(client: EstpClient): QsccContract {
  return { evaluateTransaction: (name, ...args) => client.evaluateSystem('qscc', name, ...args) };
}

/** One version of a record as Audit:History returns it. */
export interface HistoryVersion {
  readonly txId: string;
  readonly timestamp: string;
  readonly isDelete: boolean;
  readonly value: unknown;
}

/** A version with its origin, or why the origin could not be read. */
export type AttributedVersion = HistoryVersion &
  ({ readonly origin: TransactionOrigin } | { readonly origin: null; readonly originError: string });

/** A record's history, newest version first. */
export interface AttributedHistory {
  readonly recordType: string;
  readonly id: string;
  readonly versions: readonly AttributedVersion[];
  /** True when older versions lie beyond the limit. */
  readonly truncated: boolean;
}

/** The origin of each distinct transaction, or the error reading it. */
async function originsOf(
  qscc: QsccContract,
  channel: string,
  txIds: readonly string[],
): Promise<Map<string, TransactionOrigin | string>> {
  const origins = new Map<string, TransactionOrigin | string>();
  for (const txId of new Set(txIds)) {
    try {
      origins.set(txId, await transactionOrigin(qscc, channel, txId));
    } catch (error) {
      origins.set(txId, error instanceof Error ? error.message : String(error));
    }
  }
  return origins;
}

/**
 * Every version of a record (Audit:History, at most `limit`) with the transaction behind each.
 * @throws {ChaincodeError} as Audit:History does (e.g. ESTP_FORBIDDEN for a caller without the
 *   admin or auditor role).
 */
export async function recordHistory(
  client: EstpClient,
  recordType: RecordType,
  id: string,
  limit?: number,
): Promise<AttributedHistory> {
  const history = await client.evaluate('Audit', 'History', {
    recordType,
    id,
    ...(limit === undefined ? {} : { limit }),
  });
  const origins = await originsOf(
    qsccOf(client),
    client.profile.channel,
    history.versions.map((version) => version.txId),
  );
  return {
    ...history,
    versions: history.versions.map((version): AttributedVersion => {
      const origin = origins.get(version.txId);
      return typeof origin === 'string' || origin === undefined
        ? { ...version, origin: null, originError: origin ?? 'not looked up' }
        : { ...version, origin };
    }),
  };
}
