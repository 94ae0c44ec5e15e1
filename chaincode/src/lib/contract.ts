/**
 * Behaviour shared by every ESTP contract.
 */
import { Contract, type Context } from 'fabric-contract-api';
import { InvalidInputError } from './errors';

export abstract class EstpContract extends Contract {
  /** A misspelt transaction name fails with the same typed error as any other bad input. */
  override unknownTransaction(ctx: Context): Promise<void> {
    const { fcn } = ctx.stub.getFunctionAndParameters();
    return Promise.reject(
      new InvalidInputError('', `unknown transaction ${fcn} on contract ${this.getName()}`),
    );
  }
}
