import { Info } from 'fabric-contract-api';
import { EstpContract } from '../lib/contract';

/** Placeholder: the transactions of this contract are being written. */
@Info({ title: 'Consortium', description: 'ESTP Consortium contract' })
export class ConsortiumContract extends EstpContract {
  constructor() {
    super('Consortium');
  }
}
