import { Context, Info, Param, Returns, Transaction } from 'fabric-contract-api';
import { EstpContract } from '../lib/contract';
import { toCanonicalJson } from '../lib/json';
import {
  IssueCertificatesInput,
  RegisterSavingsProjectInput,
  RetireCertificatesInput,
  issueCertificates,
  registerSavingsProject,
  retireCertificates,
} from '../settlement/certificates';
import { ReportDeliveryInput, SettleInput, reportDelivery, settle } from '../settlement/delivery';
import { GetTradeInput, ListTradesInput, getTrade, listTrades } from '../settlement/trade-queries';
import { GetAccountInput, TreasuryInput, deposit, getAccount, withdraw } from '../settlement/treasury';

/**
 * Accounts, delivery, settlement and certificates. Certificates change hands only through trades
 * (there is no TransferCertificates transaction): see docs/trading.md.
 */
@Info({
  title: 'Settlement',
  description: 'ESTP settlement: accounts, delivery reports, settlement, certificates',
})
export class SettlementContract extends EstpContract {
  constructor() {
    super('Settlement');
  }

  /**
   * Mints credits into a participant's account (treasurer role).
   * @throws ESTP_FORBIDDEN; ESTP_NOT_FOUND participant; ESTP_ALREADY_EXISTS reference reused.
   */
  @Transaction()
  @Param('input', 'string', '{ accountId, amount, reference }')
  @Returns('string')
  async Deposit(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await deposit(ctx, TreasuryInput.parse(input)));
  }

  /**
   * Burns credits from a participant's available balance (treasurer role).
   * @throws ESTP_FORBIDDEN; ESTP_NOT_FOUND; ESTP_ALREADY_EXISTS; ESTP_INSUFFICIENT_FUNDS.
   */
  @Transaction()
  @Param('input', 'string', '{ accountId, amount, reference }')
  @Returns('string')
  async Withdraw(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await withdraw(ctx, TreasuryInput.parse(input)));
  }

  /** A participant's account (default: the caller's): available, escrowed, certificates. */
  @Transaction(false)
  @Param('input', 'string', '{ participantId? }')
  @Returns('string')
  async GetAccount(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await getAccount(ctx, GetAccountInput.parse(input)));
  }

  /**
   * Reports the metered delivery of an energy trade (meter role; for a trade with a party of the
   * meter operator's own org, only with a self-metering grant for the market's grid zone).
   * @throws ESTP_FORBIDDEN role, meter not bound to a party, own org's trade without self-metering grant; ESTP_NOT_FOUND; ESTP_ILLEGAL_STATE;
   *   ESTP_TOO_EARLY before delivery end; ESTP_TOO_LATE after the report deadline.
   */
  @Transaction()
  @Param('input', 'string', '{ tradeId, deliveredWh, meterId, readingHash, readingUri? }')
  @Returns('string')
  async ReportDelivery(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await reportDelivery(ctx, ReportDeliveryInput.parse(input)));
  }

  /**
   * Advances a trade's settlement (member or treasurer role): declares a default, or pays out
   * after the dispute window / the ruling's final time.
   * @throws ESTP_FORBIDDEN; ESTP_NOT_FOUND; ESTP_ILLEGAL_STATE disputed or settled; ESTP_TOO_EARLY.
   */
  @Transaction()
  @Param('input', 'string', '{ tradeId }')
  @Returns('string')
  async Settle(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await settle(ctx, SettleInput.parse(input)));
  }

  /**
   * A trade by ID.
   * @throws ESTP_NOT_FOUND
   */
  @Transaction(false)
  @Param('input', 'string', '{ tradeId }')
  @Returns('string')
  async GetTrade(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await getTrade(ctx, GetTradeInput.parse(input)));
  }

  /**
   * Trades of a market, of a participant, created in a period [from, to) (at most 366 days,
   * oldest first), or all.
   * @throws ESTP_INVALID_INPUT filters combined, or a half, empty or too long period.
   */
  @Transaction(false)
  @Param('input', 'string', '{ marketId? | participantId? | from?, to?, pageSize?, bookmark? }')
  @Returns('string')
  async ListTrades(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await listTrades(ctx, ListTradesInput.parse(input)));
  }

  /**
   * Registers an energy-savings project of the caller (member role, ACTIVE).
   * @throws ESTP_FORBIDDEN; ESTP_ALREADY_EXISTS.
   */
  @Transaction()
  @Param('input', 'string', '{ projectId, title, method, baselineWh, gridZone, evidenceHash, evidenceUri? }')
  @Returns('string')
  async RegisterSavingsProject(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await registerSavingsProject(ctx, RegisterSavingsProjectInput.parse(input)));
  }

  /**
   * Issues certificates (Wh saved) to a project's owner (verifier role, of another organisation).
   * @throws ESTP_INVALID_INPUT beyond the baseline; ESTP_FORBIDDEN; ESTP_NOT_FOUND; ESTP_ALREADY_EXISTS batch.
   */
  @Transaction()
  @Param(
    'input',
    'string',
    '{ projectId, batchId, quantityWh, evidenceHash, evidenceUri?, periodStart?, periodEnd? }',
  )
  @Returns('string')
  async IssueCertificates(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await issueCertificates(ctx, IssueCertificatesInput.parse(input)));
  }

  /**
   * Retires (burns) held certificates of the caller (member role, ACTIVE).
   * @throws ESTP_FORBIDDEN; ESTP_ALREADY_EXISTS; ESTP_INSUFFICIENT_FUNDS.
   */
  @Transaction()
  @Param('input', 'string', '{ retirementId, quantityWh, beneficiary?, purpose? }')
  @Returns('string')
  async RetireCertificates(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await retireCertificates(ctx, RetireCertificatesInput.parse(input)));
  }
}
