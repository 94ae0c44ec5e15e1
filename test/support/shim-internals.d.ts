/**
 * Types for the fabric-shim internals the test dispatch uses: the class that turns contract
 * classes into a chaincode (what `fabric-chaincode-node start|server` runs).
 */
declare module 'fabric-shim/lib/contract-spi/chaincodefromcontract' {
  import type { ChaincodeResponse, ChaincodeStub } from 'fabric-shim-api';
  import type { Contract } from 'fabric-contract-api';

  interface Serializers {
    transaction: string;
    serializers: Record<string, unknown>;
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
            parameters?: { name: string; description?: string }[];
          }[];
        }
      >;
    };
    Init(stub: ChaincodeStub): Promise<ChaincodeResponse>;
    Invoke(stub: ChaincodeStub): Promise<ChaincodeResponse>;
  }
  export = ChaincodeFromContract;
}
