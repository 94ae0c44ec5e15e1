import { Context, Info } from 'fabric-contract-api';
import {
  ApproveChange,
  ApproveOrganisation,
  approveChange,
  approveOrganisation,
} from '../consortium/approve';
import { Bootstrap, bootstrap } from '../consortium/bootstrap';
import {
  ProposeChange,
  ProposeOrganisation,
  proposeChange,
  proposeOrganisation,
} from '../consortium/propose';
import {
  GetOrganisation,
  GetProposal,
  ListOrganisations,
  ListProposals,
  getOrganisation,
  getProposal,
  listOrganisations,
  listProposals,
} from '../consortium/queries';
import { CONTRACTS } from '../declarations';
import { EstpContract, declared, execute } from '../lib/contract';

/**
 * The consortium's organisations and their capabilities: founders recorded when every founding org
 * confirmed the same declaration, every later change (admission, capability, suspension) adopted
 * by a majority of the ACTIVE orgs' admins (docs/trust.md). Each method runs the operation its
 * declaration names (lib/declaration.ts).
 */
@Info({ title: 'Consortium', description: CONTRACTS.Consortium.description })
export class ConsortiumContract extends EstpContract {
  constructor() {
    super('Consortium');
  }

  @declared(Bootstrap)
  async Bootstrap(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, Bootstrap, bootstrap);
  }

  @declared(ProposeOrganisation)
  async ProposeOrganisation(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, ProposeOrganisation, proposeOrganisation);
  }

  @declared(ApproveOrganisation)
  async ApproveOrganisation(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, ApproveOrganisation, approveOrganisation);
  }

  @declared(ProposeChange)
  async ProposeChange(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, ProposeChange, proposeChange);
  }

  @declared(ApproveChange)
  async ApproveChange(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, ApproveChange, approveChange);
  }

  @declared(GetOrganisation)
  async GetOrganisation(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, GetOrganisation, getOrganisation);
  }

  @declared(ListOrganisations)
  async ListOrganisations(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, ListOrganisations, listOrganisations);
  }

  @declared(GetProposal)
  async GetProposal(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, GetProposal, getProposal);
  }

  @declared(ListProposals)
  async ListProposals(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, ListProposals, listProposals);
  }
}
