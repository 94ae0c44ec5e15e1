/**
 * Every ESTP transaction's declaration (lib/declaration.ts), by contract, in the order of the
 * contract classes. The contracts, the CLI, the REST API, the reference and the typed client all
 * read this table; test/unit/declarations.test.ts fails when one of them disagrees with it.
 *
 * Loading it runs no Fabric code (only the operation modules' field rules), so clients import it
 * at run time: `import { CONTRACTS } from '@estp/chaincode/declarations'`.
 */
import { History } from './audit/history';
import { List as AuditList } from './audit/list';
import { Totals } from './audit/totals';
import { ApproveChange, ApproveOrganisation } from './consortium/approve';
import { Bootstrap } from './consortium/bootstrap';
import { ProposeChange, ProposeOrganisation } from './consortium/propose';
import { GetOrganisation, GetProposal, ListOrganisations, ListProposals } from './consortium/queries';
import { AddEvidence, Get as GetDispute, List as ListDisputes, Open, Rule } from './dispute/disputes';
import { type AnyDeclaration, type Kind, inputJsonSchema } from './lib/declaration';
import type { JsonSchema } from './lib/validate';
import { ClearMarket } from './market/clear';
import { GetMarket, ListMarkets, OpenMarket } from './market/markets';
import { AcceptOffer, CancelOffer, GetOffer, ListOffers, PostOffer } from './market/offers';
import { Get, List, Self } from './participant/queries';
import { Register } from './participant/register';
import { Approve, Reinstate, Revoke, Suspend } from './participant/status';
import { IssueCertificates, RegisterSavingsProject, RetireCertificates } from './settlement/certificates';
import { ReportDelivery, Settle } from './settlement/delivery';
import { GetTrade, ListTrades } from './settlement/trade-queries';
import { Deposit, GetAccount, Withdraw } from './settlement/treasury';

/** A contract: what it is about, and its transactions by name. */
export interface ContractDeclaration {
  readonly description: string;
  readonly transactions: Readonly<Record<string, AnyDeclaration>>;
}

export const CONTRACTS = {
  Consortium: {
    description: 'ESTP consortium organisations, their capabilities and the votes that change them',
    transactions: {
      Bootstrap,
      ProposeOrganisation,
      ApproveOrganisation,
      ProposeChange,
      ApproveChange,
      GetOrganisation,
      ListOrganisations,
      GetProposal,
      ListProposals,
    },
  },
  Participant: {
    description: 'ESTP participant registration and lifecycle',
    transactions: { Register, Approve, Suspend, Reinstate, Revoke, Get, Self, List },
  },
  Market: {
    description: 'ESTP markets: offers, bilateral fills and the uniform-price call auction',
    transactions: {
      OpenMarket,
      GetMarket,
      ListMarkets,
      PostOffer,
      CancelOffer,
      AcceptOffer,
      GetOffer,
      ListOffers,
      ClearMarket,
    },
  },
  Settlement: {
    description: 'ESTP settlement: accounts, delivery reports, settlement, certificates',
    transactions: {
      Deposit,
      Withdraw,
      GetAccount,
      ReportDelivery,
      Settle,
      GetTrade,
      ListTrades,
      RegisterSavingsProject,
      IssueCertificates,
      RetireCertificates,
    },
  },
  Dispute: {
    description: 'ESTP disputes: open, evidence, rulings by neutral arbiters',
    transactions: { Open, AddEvidence, Rule, Get: GetDispute, List: ListDisputes },
  },
  Audit: {
    description: 'ESTP audit queries: record history and ledger totals',
    transactions: { History, List: AuditList, Totals },
  },
} as const satisfies Readonly<Record<string, ContractDeclaration>>;

/** The contracts' declarations, as the client's types read them. */
export type Contracts = typeof CONTRACTS;
export type ContractName = keyof Contracts;
export type TransactionName<C extends ContractName> = keyof Contracts[C]['transactions'] & string;
/** The declaration of `C:T`. */
export type DeclarationOf<
  C extends ContractName,
  T extends TransactionName<C>,
> = Contracts[C]['transactions'][T] extends infer D extends AnyDeclaration ? D : never;

/** Every declaration, contract by contract in table order. */
export function allDeclarations(): AnyDeclaration[] {
  return Object.values(CONTRACTS).flatMap((contract) =>
    Object.values(contract.transactions as Readonly<Record<string, AnyDeclaration>>),
  );
}

/** The declaration of `contract:transaction` (exact names), if declared. */
export function findDeclaration(contract: string, transaction: string): AnyDeclaration | undefined {
  const entry = (CONTRACTS as Readonly<Record<string, ContractDeclaration>>)[contract];
  return entry && Object.hasOwn(entry.transactions, transaction)
    ? entry.transactions[transaction]
    : undefined;
}

/**
 * Every transaction's input as a JSON Schema, by `Contract:Transaction`, with what a REST/OpenAPI
 * layer needs besides: submit or evaluate, the summary, the result and the errors it names.
 */
export function transactionSchemas(): Record<
  string,
  { kind: Kind; summary: string; input: JsonSchema; result: string; errors: Readonly<Record<string, string>> }
> {
  return Object.fromEntries(
    allDeclarations().map((declaration) => [
      `${declaration.contract}:${declaration.name}`,
      {
        kind: declaration.kind,
        summary: declaration.summary,
        input: inputJsonSchema(declaration),
        result: declaration.output.description,
        errors: { ESTP_INVALID_INPUT: 'naming the field', ...declaration.errors },
      },
    ]),
  );
}

export {
  type AnyDeclaration,
  type Declaration,
  type InputOf,
  type Kind,
  type OutputOf,
  type TransientEntry,
  type WireInputOf,
  inputJsonSchema,
  inputSummary,
  isPaginated,
} from './lib/declaration';
export type { AnyRule, FlagKind, JsonSchema } from './lib/validate';
export { ErrorCode } from './lib/errors';
