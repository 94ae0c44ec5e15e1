import { Info } from 'fabric-contract-api';
import { EstpContract } from '../lib/contract';

/** Placeholder: the transactions of this contract are being written. */
@Info({ title: 'Settlement', description: 'ESTP Settlement contract' })
export class SettlementContract extends EstpContract {
  constructor() {
    super('Settlement');
  }
}
