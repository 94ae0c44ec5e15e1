import { Context, Info } from 'fabric-contract-api';
import { History, history } from '../audit/history';
import { List, listAll } from '../audit/list';
import { Totals, totals } from '../audit/totals';
import { CONTRACTS } from '../declarations';
import { EstpContract, declared, execute } from '../lib/contract';

/**
 * Read-only queries for auditors and admins (docs/audit.md): the history of any record, every
 * record of a type, and the ledger-wide totals. Each method runs the operation its declaration
 * names (lib/declaration.ts).
 */
@Info({ title: 'Audit', description: CONTRACTS.Audit.description })
export class AuditContract extends EstpContract {
  constructor() {
    super('Audit');
  }

  @declared(History)
  async History(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, History, history);
  }

  @declared(List)
  async List(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, List, listAll);
  }

  @declared(Totals)
  async Totals(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, Totals, totals);
  }
}
