/**
 * Types for the fabric-shim internals ESTP's chaincode service uses: the class that turns contract
 * classes into a chaincode (what `fabric-chaincode-node server` runs), the shim's loggers and its
 * server command's argument parsing.
 */
declare module 'fabric-shim/lib/contract-spi/chaincodefromcontract' {
  import type { ChaincodeResponse, ChaincodeStub } from 'fabric-shim-api';
  import type { Contract } from 'fabric-contract-api';

  interface Serializers {
    transaction: string;
    serializers: Record<string, unknown>;
  }

  interface SchemaRef {
    schema?: { type?: string; $ref?: string };
  }

  class ChaincodeFromContract {
    constructor(
      contractClasses: (typeof Contract)[],
      serializers: Serializers,
      metadata?: object,
      title?: string,
      version?: string,
    );
    readonly metadata: {
      contracts: Record<
        string,
        {
          name: string;
          info?: { title?: string; description?: string };
          transactions: {
            name: string;
            tag?: string[];
            parameters?: ({ name: string; description?: string } & SchemaRef)[];
            returns?: { type?: string };
          }[];
        }
      >;
    };
    readonly contractImplementations: Record<string, { contractInstance: Contract }>;
    Init(stub: ChaincodeStub): Promise<ChaincodeResponse>;
    Invoke(stub: ChaincodeStub): Promise<ChaincodeResponse>;
  }
  export = ChaincodeFromContract;
}

declare module 'fabric-shim/lib/logger' {
  interface ShimLogger {
    level: string;
    isLevelEnabled(level: string): boolean;
    [level: string]: unknown;
  }
  // Reassigned by server.ts (quietBelowLevel).
  export let getLogger: (name?: string) => ShimLogger;
}

declare module 'fabric-shim/lib/cmds/serverCommand' {
  import type { ChaincodeServerOpts } from 'fabric-shim';
  export const validOptions: Record<string, { type: string; default?: unknown }>;
  export function getArgs(yargs: { argv: Record<string, unknown> }): ChaincodeServerOpts;
}
