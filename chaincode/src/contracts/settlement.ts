import { Context, Info } from 'fabric-contract-api';
import { CONTRACTS } from '../declarations';
import { EstpContract, declared, execute } from '../lib/contract';
import {
  IssueCertificates,
  RegisterSavingsProject,
  RetireCertificates,
  issueCertificates,
  registerSavingsProject,
  retireCertificates,
} from '../settlement/certificates';
import { ReportDelivery, Settle, reportDelivery, settle } from '../settlement/delivery';
import { GetTrade, ListTrades, getTrade, listTrades } from '../settlement/trade-queries';
import { Deposit, GetAccount, Withdraw, deposit, getAccount, withdraw } from '../settlement/treasury';

/**
 * Accounts, delivery, settlement and certificates. Certificates change hands only through trades
 * (there is no TransferCertificates transaction): see docs/trading.md. Each method runs the
 * operation its declaration names (lib/declaration.ts).
 */
@Info({ title: 'Settlement', description: CONTRACTS.Settlement.description })
export class SettlementContract extends EstpContract {
  constructor() {
    super('Settlement');
  }

  @declared(Deposit)
  async Deposit(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, Deposit, deposit);
  }

  @declared(Withdraw)
  async Withdraw(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, Withdraw, withdraw);
  }

  @declared(GetAccount)
  async GetAccount(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, GetAccount, getAccount);
  }

  @declared(ReportDelivery)
  async ReportDelivery(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, ReportDelivery, reportDelivery);
  }

  @declared(Settle)
  async Settle(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, Settle, settle);
  }

  @declared(GetTrade)
  async GetTrade(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, GetTrade, getTrade);
  }

  @declared(ListTrades)
  async ListTrades(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, ListTrades, listTrades);
  }

  @declared(RegisterSavingsProject)
  async RegisterSavingsProject(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, RegisterSavingsProject, registerSavingsProject);
  }

  @declared(IssueCertificates)
  async IssueCertificates(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, IssueCertificates, issueCertificates);
  }

  @declared(RetireCertificates)
  async RetireCertificates(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, RetireCertificates, retireCertificates);
  }
}
