import { Context, Info } from 'fabric-contract-api';
import { CONTRACTS } from '../declarations';
import { EstpContract, declared, execute } from '../lib/contract';
import { Get, List, Self, get, list, self } from '../participant/queries';
import { Register, register } from '../participant/register';
import { Approve, Reinstate, Revoke, Suspend, statusChange } from '../participant/status';

/**
 * Participants: identities (MSP ID, enrolment ID) bound to a trading profile, with the lifecycle
 * PENDING → ACTIVE → SUSPENDED ↔ ACTIVE, any → REVOKED (docs/design.md#participants). Only ACTIVE
 * participants trade; SUSPENDED and REVOKED ones submit nothing at all (docs/trust.md). Each
 * method runs the operation its declaration names (lib/declaration.ts).
 */
@Info({ title: 'Participant', description: CONTRACTS.Participant.description })
export class ParticipantContract extends EstpContract {
  constructor() {
    super('Participant');
  }

  @declared(Register)
  async Register(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, Register, register);
  }

  @declared(Approve)
  async Approve(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, Approve, statusChange('Approve'));
  }

  @declared(Suspend)
  async Suspend(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, Suspend, statusChange('Suspend'));
  }

  @declared(Reinstate)
  async Reinstate(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, Reinstate, statusChange('Reinstate'));
  }

  @declared(Revoke)
  async Revoke(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, Revoke, statusChange('Revoke'));
  }

  @declared(Get)
  async Get(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, Get, get);
  }

  @declared(Self)
  async Self(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, Self, self);
  }

  @declared(List)
  async List(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, List, list);
  }
}
