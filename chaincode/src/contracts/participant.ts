import { Info } from 'fabric-contract-api';
import { EstpContract } from '../lib/contract';

/** Placeholder: the transactions of this contract are being written. */
@Info({ title: 'Participant', description: 'ESTP Participant contract' })
export class ParticipantContract extends EstpContract {
  constructor() {
    super('Participant');
  }
}
