import { Info } from 'fabric-contract-api';
import { EstpContract } from '../lib/contract';

/** Placeholder: the transactions of this contract are being written. */
@Info({ title: 'Market', description: 'ESTP Market contract' })
export class MarketContract extends EstpContract {
  constructor() {
    super('Market');
  }
}
