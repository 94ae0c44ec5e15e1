/**
 * `estp call <Contract> <Transaction>`: any transaction by its chaincode names, including ones this
 * CLI has no declaration of (a newer chaincode's). Declared ones are run as declared (their fields
 * only); others are evaluated when named like a query (`Get*`, `List*`, `Self`, `History`,
 * `Totals`) and submitted otherwise, unless `--evaluate` or `--submit` says otherwise.
 */
import { UsageError } from '../../gateway/errors';
import { toolUsage } from '../usage';
import { findDeclaration } from '@estp/chaincode/declarations';
import { transactionSpec } from './contracts';
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
  examples: [
    'estp call Participant Self --org community --user member1',
    'estp call Market GetOffer --input \'{"id":"CommunityMSP:member1/O-1"}\' --org community --user member1',
  ],
  positionals: true,
  passesFields: true,
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
    // A declared transaction takes its declared fields only; another (a newer chaincode's) any.
    const declaration = findDeclaration(contract, transaction);
    const declared = declaration && transactionSpec(declaration);
    const kind = evaluate
      ? 'evaluate'
      : submit
        ? 'submit'
        : (declared?.kind ?? (isQueryName(transaction) ? 'evaluate' : 'submit'));
    const spec: TransactionSpec = declared
      ? { ...declared, kind }
      : {
          transaction,
          kind,
          description: `${contract}:${transaction}`,
          fields: [],
          transient: [],
          paginated: transaction.startsWith('List'),
        };
    return runTransaction({
      contract,
      spec,
      options: context.options,
      global: context.global,
      io: context.io,
      usage,
      command: `estp call ${contract} ${transaction}`,
    });
  },
};
