/**
 * The shapes the web service answers besides the chaincode's own records: declared once here and
 * imported (type-only) by the service's routes and by the dashboard, so both sides agree by
 * construction. Nothing here may import Node modules: the dashboard's build reads this file.
 */
import type { ClearingResult, Market, Organisation, Participant, Trade } from '@estp/chaincode';

/** Money display settings (display.ts). */
export interface DisplaySettings {
  /** The currency of the ledger's minor units. */
  readonly settlementCurrency: 'EUR';
  /** Minor units per major unit (cents per euro). */
  readonly minorUnitsPerMajor: 100;
  /** CNY per EUR as a decimal string with 4 decimals, e.g. `7.8000`. */
  readonly cnyPerEur: string;
  /** Where the rate comes from, shown next to converted amounts; null for the illustrative default. */
  readonly rateSource: string | null;
}

/** `GET /api/health`. */
export interface HealthAnswer {
  readonly status: 'ok';
  readonly service: 'estp-web';
  readonly org: { readonly mspId: string; readonly name: string };
  readonly channel: string;
  readonly chaincode: string;
  readonly display: DisplaySettings;
}

/** `GET /api/me`. */
export interface MeAnswer {
  readonly participantId: string;
  readonly user: string;
  readonly org: { readonly mspId: string; readonly name: string };
  readonly key: { readonly id: string; readonly label: string; readonly readOnly: boolean };
  /** The ESTP roles the identity's certificate claims (its org's CA put them there). */
  readonly claimedRoles: readonly string[];
  /**
   * The claimed roles the caller may exercise: those its org holds as capabilities while ACTIVE
   * (docs/trust.md); none when the org is not ACTIVE.
   */
  readonly roles: readonly string[];
  /** The caller's organisation record, null when the ledger has none. */
  readonly organisation: Organisation | null;
  /** The caller's participant record, null when it has not registered. */
  readonly participant: Participant | null;
}

/** One price level of one side of the book. */
export interface BookLevel {
  /** Minor units per kWh. */
  readonly price: number;
  /** Quantity at this price, Wh. */
  readonly quantityWh: number;
  readonly offers: number;
  /** Quantity at this price and every better one (higher bids, lower asks), Wh. */
  readonly cumulativeWh: number;
}

/** The book's depth: bids by price descending (the demand curve), asks ascending (supply). */
export interface MarketBook {
  /** `open`: the live book of an OPEN market; `auction`: the book the call auction cleared. */
  readonly basis: 'open' | 'auction';
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
}

/** `GET /api/markets/{marketId}`. */
export interface MarketView {
  readonly market: Market;
  readonly clearing: ClearingResult | null;
  readonly book: MarketBook;
  readonly trades: readonly Trade[];
  /** True when the market has more offers or trades than were read. */
  readonly truncated: boolean;
}

/** The outcome of the last chain verification a service ran. */
export interface VerifySummary {
  readonly ok: boolean;
  /** The first and last block verified (null when none was read). */
  readonly from: number | null;
  readonly to: number | null;
  readonly blocks: number;
  readonly transactions: number;
  readonly breaks: number;
  readonly lastHeaderHash: string | null;
  readonly elapsedMs: number;
  /** When it finished (ISO-8601). */
  readonly finishedAt: string;
  /** The participant ID it ran as. */
  readonly by: string;
}

/** One org's peer in the chain health answer. */
export interface PeerHealth {
  readonly mspId: string;
  readonly peer: string;
  readonly height?: number;
  readonly error?: string;
}

/** `GET /api/chain`. */
export interface ChainAnswer {
  readonly channel: string;
  readonly peers: readonly PeerHealth[];
  readonly lastVerify: VerifySummary | null;
}

/** A submission's answer. */
export interface SubmitAnswer<T = unknown> {
  readonly result: T;
  readonly transactionId: string;
  readonly blockNumber: number;
  readonly attempts: number;
}

/** One event of `GET /api/events` (the `data` of each SSE message). */
export interface EventMessage {
  readonly blockNumber: number;
  readonly transactionId: string;
  readonly name: string;
  readonly payload: unknown;
}

/** `progress` events of `GET /api/audit/verify` as an event stream. */
export interface VerifyProgress {
  readonly blocks: number;
  readonly block: number;
}

/** The outcome of one meter report (`POST /api/meter/reports`). */
export interface ReportResult {
  /** Position in the batch. */
  readonly index: number;
  readonly tradeId: string | null;
  /**
   * `applied`: committed now; `already-applied`: the ledger already held this very report;
   * `rejected`: refused (the chaincode's code, or a malformed item): sending it again will not help;
   * `failed`: the network failed; safe to send again.
   */
  readonly status: 'applied' | 'already-applied' | 'rejected' | 'failed';
  readonly code?: string;
  readonly message?: string;
  readonly transactionId?: string;
  readonly blockNumber?: number;
}

/** An error answer. */
export interface ErrorAnswer {
  readonly error: { readonly code: string; readonly message: string; readonly transactionId?: string };
}

/** A committed transaction as its block records it (audit/transactions.ts has the whole origin). */
export interface TransactionSummary {
  readonly txId: string;
  readonly blockNumber: number;
  /** The peer's validation code name (VALID, MVCC_READ_CONFLICT, …). */
  readonly validationCode: string;
  readonly timestamp: string | undefined;
  /** `<mspId>:<enrolment ID>` of the signed creator. */
  readonly creator: string;
  readonly signatureValid: boolean;
  /** The function invoked, e.g. `Market:PostOffer`. */
  readonly function: string;
}

/** `GET /api/search?q=`. */
export interface SearchAnswer {
  readonly q: string;
  readonly transaction: TransactionSummary | null;
  readonly records: readonly { readonly type: string; readonly id: string; readonly record: unknown }[];
}

/** A JSON Schema (the keywords the service writes itself are typed; others pass through). */
export interface JsonSchema {
  readonly [keyword: string]: unknown;
  readonly type?: 'object' | 'string' | 'integer' | 'number' | 'boolean' | 'array';
  readonly description?: string;
  readonly format?: string;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly oneOf?: readonly JsonSchema[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly example?: unknown;
}

/** A parameter of an OpenAPI operation. */
export interface OpenApiParameter {
  readonly name: string;
  readonly in: 'query' | 'path' | 'header';
  readonly required?: boolean;
  readonly description?: string;
  readonly schema?: JsonSchema;
  readonly content?: Readonly<Record<string, { readonly schema: JsonSchema }>>;
}

/** An OpenAPI operation (the parts the service writes). */
export interface OpenApiOperation {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly parameters?: readonly OpenApiParameter[];
  readonly requestBody?: {
    readonly required?: boolean;
    readonly content: Readonly<Record<string, { readonly schema: unknown }>>;
  };
  readonly responses: Readonly<Record<string, unknown>>;
  readonly security?: readonly Record<string, readonly string[]>[];
}

/** `GET /api/openapi.json` (the parts the service writes are typed). */
export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly paths: Record<string, Record<string, OpenApiOperation>>;
  readonly components: Record<string, unknown>;
  readonly security: readonly Record<string, readonly string[]>[];
  readonly tags: readonly { readonly name: string; readonly description: string }[];
}
