/**
 * Dispute records. A trade is disputed at most once, so a dispute's ID is its trade's ID.
 */

export interface Evidence {
  /** SHA-256 of the evidence document (kept off-chain). */
  hash: string;
  uri?: string;
  note?: string;
  by: string;
  at: string;
}

/** One organisation's ruling, as submitted by one of its arbiters (the latest one counts). */
export interface Vote {
  arbiter: string;
  deliveredWh: number;
  penalty: number;
  reason?: string;
  at: string;
}

/**
 * OPEN (the trade is frozen) → RULED (enough neutral organisations agreed in time) or LAPSED (the
 * market's ruling deadline passed without an agreed ruling: Settle applied the default outcome).
 */
export type DisputeStatus = 'OPEN' | 'RULED' | 'LAPSED';

export interface Dispute {
  /** = tradeId */
  id: string;
  tradeId: string;
  marketId: string;
  openedBy: string;
  buyer: string;
  seller: string;
  /** The organisations of the parties: their arbiters do not rule. */
  partyMspIds: string[];
  claim: string;
  evidence: Evidence[];
  /** Votes by arbiter organisation (MSP ID). */
  votes: Record<string, Vote>;
  status: DisputeStatus;
  /** Rulings are accepted until this ledger time (the market's ruling deadline); absent: none. */
  rulingDeadlineMs?: number;
  /** When Settle applied the default outcome of a lapsed dispute. */
  lapsedAt?: string;
  ruling?: {
    deliveredWh: number;
    penalty: number;
    organisations: string[];
    /** How many agreeing neutral organisations were required when it was ruled. */
    required: number;
    ruledAt: string;
    finalAtMs: number;
  };
  openedAt: string;
  updatedAt: string;
}

/** Index of disputes by party: `(dispute~party, participantId, tradeId)`. */
export const DISPUTES_BY_PARTY = 'dispute~party';

/**
 * Most evidence entries one side of a dispute adds: the buyer, the seller, and the arbiters of each
 * neutral organisation each have their own allowance, so no side can fill the record for another.
 */
export const MAX_EVIDENCE_PER_PARTY = 20;
