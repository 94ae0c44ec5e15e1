import { Info } from 'fabric-contract-api';
import { EstpContract } from '../lib/contract';

/** Placeholder: the transactions of this contract are being written. */
@Info({ title: 'Audit', description: 'ESTP Audit contract' })
export class AuditContract extends EstpContract {
  constructor() {
    super('Audit');
  }
}
