import { Info } from 'fabric-contract-api';
import { EstpContract } from '../lib/contract';

/** Placeholder: the transactions of this contract are being written. */
@Info({ title: 'Dispute', description: 'ESTP Dispute contract' })
export class DisputeContract extends EstpContract {
  constructor() {
    super('Dispute');
  }
}
