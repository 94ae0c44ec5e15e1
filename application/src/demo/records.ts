/**
 * The shapes of the ledger records the demo reads back (the fields it uses), as the chaincode
 * returns them in canonical JSON. The chaincode's own types live in chaincode/src; the client
 * declares only what it relies on.
 */

export type ParticipantStatus = 'PENDING' | 'ACTIVE' | 'SUSPENDED' | 'REVOKED';

export interface ParticipantRecord {
  readonly id: string;
  readonly mspId: string;
  readonly displayName: string;
  readonly kind: string;
  readonly commodities: readonly string[];
  readonly gridZone: string;
  readonly meterIds: readonly string[];
  readonly status: ParticipantStatus;
}

export interface AccountRecord {
  readonly id: string;
  readonly available: number;
  readonly escrowed: number;
  readonly minted: number;
  readonly burned: number;
  readonly certificatesHeldWh: number;
  readonly certificatesEscrowedWh: number;
  readonly certificatesIssuedWh: number;
  readonly certificatesRetiredWh: number;
}

export interface MarketRecord {
  readonly id: string;
  readonly commodity: string;
  readonly gridZone: string;
  readonly gateClosureMs: number;
  readonly deliveryStartMs: number;
  readonly deliveryEndMs: number;
  readonly reportDeadlineMs: number;
  readonly settleAfterMs: number;
  readonly status: string;
}

export interface ClearingRecord {
  readonly marketId: string;
  readonly price?: number;
  readonly volumeWh: number;
  readonly bids: number;
  readonly asks: number;
  readonly trades: number;
  readonly tradedValue: number;
  readonly offersClosed: number;
  readonly batches: number;
  readonly phase: string;
}

export interface ClearMarketResult {
  readonly clearing: ClearingRecord;
  readonly batch: { readonly number: number; readonly trades: number; readonly done: boolean };
}

export interface OfferRecord {
  readonly id: string;
  readonly owner: string;
  readonly side: 'BUY' | 'SELL';
  readonly quantityWh: number;
  readonly price: number;
  readonly remainingWh: number;
  readonly moneyLocked: number;
  readonly certificatesLockedWh: number;
  readonly status: string;
}

export interface TradeRecord {
  readonly id: string;
  readonly marketId: string;
  readonly commodity: string;
  readonly origin: 'AUCTION' | 'BILATERAL';
  readonly buyer: string;
  readonly seller: string;
  readonly quantityWh: number;
  readonly price: number;
  readonly value: number;
  readonly collateral: number;
  readonly status: string;
  readonly ruling?: { readonly deliveredWh: number; readonly penalty: number; readonly finalAtMs: number };
  readonly settlement?: {
    readonly deliveredWh: number;
    readonly paid: number;
    readonly buyerRefund: number;
    readonly penalty: number;
    readonly collateralReleased: number;
    readonly basis: string;
  };
}

export interface AcceptOfferResult {
  readonly trade: TradeRecord;
  readonly offer: OfferRecord;
}

export interface DisputeRecord {
  readonly id: string;
  readonly status: string;
  readonly votes: Readonly<Record<string, { readonly arbiter: string }>>;
  readonly ruling?: {
    readonly deliveredWh: number;
    readonly penalty: number;
    readonly organisations: readonly string[];
    readonly finalAtMs: number;
  };
}

export interface TotalsRecord {
  readonly asOf: string;
  readonly conservation: {
    readonly accounts: number;
    readonly money: {
      readonly minted: number;
      readonly burned: number;
      readonly available: number;
      readonly escrowed: number;
      readonly balanced: boolean;
    };
    readonly certificates: {
      readonly issuedWh: number;
      readonly retiredWh: number;
      readonly heldWh: number;
      readonly escrowedWh: number;
      readonly balanced: boolean;
    };
  };
  readonly records: Readonly<Record<string, number>>;
}

export interface Page<T> {
  readonly records: readonly T[];
  readonly bookmark: string;
}
