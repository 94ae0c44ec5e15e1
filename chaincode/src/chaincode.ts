/**
 * The chaincode the ESTP service runs (server.ts): fabric-contract-api's own dispatch, with a
 * direct path for the one call shape every ESTP transaction has.
 *
 * Every ESTP transaction is a contract method taking one JSON string and returning canonical JSON
 * (lib/contract.ts `declared`). For such a call fabric-contract-api still, per transaction, parses
 * the caller's certificate, compiles and validates the argument against a JSON schema holding every
 * component of the contract (serialising it several times for debug messages that are then
 * discarded) and serialises the result for another. {@link EstpChaincode} runs exactly such a call
 * itself — the contract's `beforeTransaction`, the method, `afterTransaction`, the result as the
 * payload, an error's message as the error response, as the contract API does — with the caller's
 * identity from the per-process certificate cache (lib/identity.ts). Everything else (an unknown
 * contract or transaction, a wrong number of arguments, an unqualified name, Init, the metadata
 * system contract) goes to fabric-contract-api's dispatch unchanged, so its answers stay its own.
 */
import type { Context, Contract } from 'fabric-contract-api';
import { JSONSerializer } from 'fabric-contract-api';
import ChaincodeFromContract from 'fabric-shim/lib/contract-spi/chaincodefromcontract';
import { type ChaincodeInterface, type ChaincodeResponse, Shim } from 'fabric-shim';
import { getLogger } from 'fabric-shim/lib/logger';
import { identityOf } from './lib/identity';

type ChaincodeStub = Context['stub'];

interface Direct {
  readonly contract: Contract;
  readonly name: string;
}

const logger = getLogger('estp/chaincode.js');

/** fabric-contract-api's default serialisation (what `fabric-chaincode-node` uses). */
const SERIALIZERS = { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } };

export class EstpChaincode implements ChaincodeInterface {
  /** fabric-contract-api's chaincode over the same contracts (and contract instances). */
  readonly contractApi: ChaincodeFromContract;
  /** `Contract:Transaction` → the method, for the transactions of the one-string-in, string-out shape. */
  private readonly direct = new Map<string, Direct>();

  constructor(contracts: readonly (typeof Contract)[], title: string, version: string) {
    this.contractApi = new ChaincodeFromContract([...contracts], SERIALIZERS, {}, title, version);
    for (const [name, described] of Object.entries(this.contractApi.metadata.contracts)) {
      const contract = this.contractApi.contractImplementations[name]?.contractInstance;
      if (!contract) continue;
      for (const transaction of described.transactions) {
        const parameters = transaction.parameters ?? [];
        const method = (contract as unknown as Record<string, unknown>)[transaction.name];
        if (
          parameters.length !== 1 ||
          parameters[0]?.schema?.type !== 'string' ||
          transaction.returns?.type !== 'string' ||
          typeof method !== 'function'
        ) {
          continue;
        }
        this.direct.set(`${name}:${transaction.name}`, { contract, name: transaction.name });
      }
    }
  }

  /** The contract metadata, as the contract API generated it (and serves it). */
  get metadata(): ChaincodeFromContract['metadata'] {
    return this.contractApi.metadata;
  }

  /** The transactions run directly (`Contract:Name`), for tests. */
  directTransactions(): string[] {
    return [...this.direct.keys()].sort();
  }

  Init(stub: ChaincodeStub): Promise<ChaincodeResponse> {
    return this.contractApi.Init(stub);
  }

  async Invoke(stub: ChaincodeStub): Promise<ChaincodeResponse> {
    // The shim decodes the arguments as UTF-8 once, as the contract API's buffers would be.
    const args = stub.getArgs();
    const [name, input] = args;
    const direct = args.length === 2 && name !== undefined ? this.direct.get(name) : undefined;
    if (!direct || input === undefined) return this.contractApi.Invoke(stub);
    try {
      const ctx = direct.contract.createContext();
      const settable = ctx as Context & {
        setChaincodeStub(stub: ChaincodeStub): void;
        setClientIdentity(identity: unknown): void;
      };
      settable.setChaincodeStub(stub);
      settable.setClientIdentity(identityOf(stub));
      await direct.contract.beforeTransaction(ctx);
      // The contract API passes the method's name (its typings say Function).
      const around = direct.contract.aroundTransaction.bind(direct.contract) as unknown as (
        ctx: Context,
        fn: string,
        parameters: string[],
      ) => Promise<unknown>;
      const result = await around(ctx, direct.name, [input]);
      await direct.contract.afterTransaction(ctx, result);
      if (typeof result !== 'string') {
        throw new Error(`Returned value is ${typeof result} does not match schema type of string`);
      }
      return Shim.success(Buffer.from(result));
    } catch (error) {
      // As fabric-contract-api: the error is logged and its message is the response.
      (logger.error as (message: string) => void)(
        `[${stub.getChannelID()}-${stub.getTxID().substring(0, 8)}] ${String(error)}`,
      );
      return Shim.error((error as Error).message);
    }
  }
}
