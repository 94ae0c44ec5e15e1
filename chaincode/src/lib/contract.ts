/**
 * Behaviour shared by every ESTP contract, and how a contract method is tied to its transaction
 * declaration (lib/declaration.ts).
 */
import { Contract, type Context, Param, Returns, Transaction } from 'fabric-contract-api';
import { type AnyDeclaration, type InputOf, type OutputOf, inputSummary } from './declaration';
import { InvalidInputError } from './errors';
import { toCanonicalJson } from './json';
import { refuseSkewedTimestamp } from './time';

export abstract class EstpContract extends Contract {
  /**
   * Before every transaction: refuse to endorse a timestamp far from this peer's clock (the one
   * documented clock read, lib/time.ts).
   * @throws {BadTimestampError}
   */
  override beforeTransaction(ctx: Context): Promise<void> {
    refuseSkewedTimestamp(ctx);
    return Promise.resolve();
  }

  /** A misspelt transaction name fails with the same typed error as any other bad input. */
  override unknownTransaction(ctx: Context): Promise<void> {
    const { fcn } = ctx.stub.getFunctionAndParameters();
    return Promise.reject(
      new InvalidInputError('', `unknown transaction ${fcn} on contract ${this.getName()}`),
    );
  }
}

/**
 * Makes a contract method the transaction `declaration` declares: `@Transaction` submitted or
 * evaluated as declared, one string parameter `input` whose `@Param` description is the declared
 * input, `@Returns('string')` (canonical JSON). The method must be named as the transaction.
 */
export function declared(declaration: AnyDeclaration) {
  return (target: object, propertyKey: string | symbol): void => {
    if (propertyKey !== declaration.name) {
      throw new Error(
        `method ${String(propertyKey)} is declared as ${declaration.contract}:${declaration.name}`,
      );
    }
    // In the order TypeScript applies stacked @Transaction @Param @Returns (bottom up).
    Returns('string')(target, propertyKey);
    Param('input', 'string', inputSummary(declaration))(target, propertyKey);
    Transaction(declaration.kind === 'submit')(target, propertyKey);
  };
}

/**
 * Runs a transaction: parses the JSON argument by the declaration, runs the operation and returns
 * its result as canonical JSON. The types tie the operation to the declaration: it takes the
 * declared input and resolves to the declared result, or the contract does not compile.
 */
export async function execute<D extends AnyDeclaration>(
  ctx: Context,
  raw: string,
  declaration: D,
  operation: (ctx: Context, request: InputOf<D>) => Promise<OutputOf<D>>,
): Promise<string> {
  return toCanonicalJson(await operation(ctx, declaration.input.parse(raw) as InputOf<D>));
}
