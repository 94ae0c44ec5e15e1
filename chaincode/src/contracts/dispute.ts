import { Context, Info } from 'fabric-contract-api';
import {
  AddEvidence,
  Get,
  List,
  Open,
  Rule,
  addEvidence,
  getDispute,
  listDisputes,
  openDispute,
  rule,
} from '../dispute/disputes';
import { CONTRACTS } from '../declarations';
import { EstpContract, declared, execute } from '../lib/contract';

/**
 * Disputes over energy trades, ruled by arbiters of neutral organisations. Each method runs the
 * operation its declaration names (lib/declaration.ts).
 */
@Info({ title: 'Dispute', description: CONTRACTS.Dispute.description })
export class DisputeContract extends EstpContract {
  constructor() {
    super('Dispute');
  }

  @declared(Open)
  async Open(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, Open, openDispute);
  }

  @declared(AddEvidence)
  async AddEvidence(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, AddEvidence, addEvidence);
  }

  @declared(Rule)
  async Rule(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, Rule, rule);
  }

  @declared(Get)
  async Get(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, Get, getDispute);
  }

  @declared(List)
  async List(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, List, listDisputes);
  }
}
