/**
 * `estp call <Contract> <Transaction>`: any transaction, including ones the command table does not
 * list yet. Queries (`Get*`, `List*`, `Self`, `History`, `Totals`) are evaluated, the rest
 * submitted, unless `--evaluate` or `--submit` says otherwise.
 */
import { UsageError } from '../../gateway/errors';
import { toolUsage } from '../usage';
import { runTransaction } from './transaction';
import type { ToolCommand, TransactionSpec } from './types';

/** Whether a transaction name is a query by the ESTP naming rule. */
export function isQueryName(transaction: string): boolean {
  return /^(Get|List)([A-Z]|$)/.test(transaction) || ['Self', 'History', 'Totals'].includes(transaction);
}

export const callCommand: ToolCommand = {
  name: 'call',
  description: 'any transaction by its chaincode names (queries evaluated, the rest submitted)',
  synopsis: 'estp call <Contract> <Transaction> [--evaluate | --submit] [--field value …] [--input <json>]',
  positionals: true,
  options: [
    { name: 'evaluate', description: 'evaluate (query) whatever the name says' },
    { name: 'submit', description: 'submit whatever the name says' },
  ],
  run: async (context) => {
    const usage = toolUsage(callCommand);
    const [contract, transaction, ...rest] = context.args;
    if (contract === undefined || transaction === undefined) {
      throw new UsageError('call needs <Contract> <Transaction>, e.g. estp call Participant Self', usage);
    }
    if (rest.length > 0) throw new UsageError(`unexpected argument "${rest.join(' ')}"`, usage);
    const evaluate = context.options.get('evaluate') === true;
    const submit = context.options.get('submit') === true;
    if (evaluate && submit) throw new UsageError('give --evaluate or --submit, not both', usage);
    const kind = evaluate ? 'evaluate' : submit ? 'submit' : isQueryName(transaction) ? 'evaluate' : 'submit';
    const spec: TransactionSpec = {
      transaction,
      kind,
      description: `${contract}:${transaction}`,
      paginated: transaction.startsWith('List'),
    };
    return runTransaction({
      contract,
      spec,
      options: context.options,
      global: context.global,
      io: context.io,
      usage,
    });
  },
};
