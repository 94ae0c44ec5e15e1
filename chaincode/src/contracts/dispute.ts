import { Context, Info, Param, Returns, Transaction } from 'fabric-contract-api';
import {
  AddEvidenceInput,
  GetDisputeInput,
  ListDisputesInput,
  OpenDisputeInput,
  RuleInput,
  addEvidence,
  getDispute,
  listDisputes,
  openDispute,
  rule,
} from '../dispute/disputes';
import { EstpContract } from '../lib/contract';
import { toCanonicalJson } from '../lib/json';

/** Disputes over energy trades, ruled by arbiters of neutral organisations. */
@Info({ title: 'Dispute', description: 'ESTP disputes: open, evidence, rulings by neutral arbiters' })
export class DisputeContract extends EstpContract {
  constructor() {
    super('Dispute');
  }

  /**
   * Opens a dispute on a trade (a party), freezing it.
   * @throws ESTP_FORBIDDEN not a party; ESTP_NOT_FOUND; ESTP_ILLEGAL_STATE; ESTP_TOO_LATE after the window.
   */
  @Transaction()
  @Param('input', 'string', '{ tradeId, claim, evidenceHash, evidenceUri? }')
  @Returns('string')
  async Open(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await openDispute(ctx, OpenDisputeInput.parse(input)));
  }

  /**
   * Adds evidence to an open dispute (a party or a neutral arbiter, an ACTIVE participant).
   * @throws ESTP_FORBIDDEN neither, or not ACTIVE; ESTP_NOT_FOUND; ESTP_ILLEGAL_STATE ruled or full.
   */
  @Transaction()
  @Param('input', 'string', '{ tradeId, evidenceHash, evidenceUri?, note? }')
  @Returns('string')
  async AddEvidence(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await addEvidence(ctx, AddEvidenceInput.parse(input)));
  }

  /**
   * Submits an arbiter organisation's ruling (an ACTIVE participant of a neutral ACTIVE org);
   * agreed rulings make the trade RULED.
   * @throws ESTP_INVALID_INPUT quantity/penalty out of range; ESTP_FORBIDDEN party org, not
   *   arbiter, or not an ACTIVE participant; ESTP_NOT_FOUND; ESTP_ILLEGAL_STATE already ruled.
   */
  @Transaction()
  @Param('input', 'string', '{ tradeId, deliveredWh, penalty, reason? }')
  @Returns('string')
  async Rule(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await rule(ctx, RuleInput.parse(input)));
  }

  /**
   * A dispute by its trade ID.
   * @throws ESTP_NOT_FOUND
   */
  @Transaction(false)
  @Param('input', 'string', '{ tradeId }')
  @Returns('string')
  async Get(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await getDispute(ctx, GetDisputeInput.parse(input)));
  }

  /** Disputes, all or of one party. */
  @Transaction(false)
  @Param('input', 'string', '{ participantId?, pageSize?, bookmark? }')
  @Returns('string')
  async List(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await listDisputes(ctx, ListDisputesInput.parse(input)));
  }
}
