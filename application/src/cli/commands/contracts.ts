/**
 * The contract commands, derived from the chaincode's transaction declarations
 * (`@estp/chaincode/declarations`): one group per contract (`estp market …`), one command per
 * transaction (`estp market post-offer`), one flag per input field with its type, description and
 * unit, and the declared example in its help. Nothing here repeats a field: a field added to a
 * declaration is a flag at once, and a flag no declaration has is refused before connecting.
 */
import {
  type AnyDeclaration,
  type AnyRule,
  CONTRACTS,
  type ContractName,
  type TransactionName,
  isPaginated,
} from '@estp/chaincode/declarations';
import type { ContractGroup, FieldSpec, ToolCommand, TransactionSpec, TransientSpec } from './types';

/**
 * Short names the CLI accepts besides each transaction's own (`PostOffer`, `post-offer`): the
 * CLI's vocabulary, not the transaction's, so they live here.
 */
export const ALIASES: {
  readonly [C in ContractName]?: { readonly [T in TransactionName<C>]?: readonly string[] };
} = {
  Consortium: {
    ProposeOrganisation: ['propose'],
    ApproveOrganisation: ['approve'],
    GetOrganisation: ['get'],
    ListOrganisations: ['list'],
    GetProposal: ['proposal'],
    ListProposals: ['proposals'],
  },
  Participant: { Self: ['me', 'whoami'] },
  Market: {
    OpenMarket: ['open'],
    GetMarket: ['get'],
    ListMarkets: ['list'],
    PostOffer: ['post'],
    CancelOffer: ['cancel'],
    AcceptOffer: ['accept'],
    GetOffer: ['offer'],
    ListOffers: ['offers'],
    ClearMarket: ['clear'],
  },
  Settlement: {
    GetAccount: ['account'],
    ReportDelivery: ['report'],
    GetTrade: ['trade'],
    ListTrades: ['trades'],
    RegisterSavingsProject: ['register-project'],
    IssueCertificates: ['issue'],
    RetireCertificates: ['retire'],
  },
  Dispute: { AddEvidence: ['evidence'] },
};

/** `<integer>`, `<BUY|SELL>`, `<time>`, `<a,b,…>`: what a field's flag takes. */
function placeholderOf(rule: AnyRule): string {
  const values = rule.schema['enum'];
  if (Array.isArray(values)) return `<${values.join('|')}>`;
  const items = (rule.schema['items'] as { enum?: unknown } | undefined)?.enum;
  if (rule.flag === 'list') return Array.isArray(items) ? `<${items.join(',')}>` : '<a,b,…>';
  return `<${rule.flag}>`;
}

/** One line of help for a field: what it means, its unit, what it accepts. */
function describeField(rule: AnyRule): string {
  const accepts = rule.schema['enum'] === undefined ? `; ${rule.constraint}` : '';
  const unit = rule.unit === undefined ? '' : ` [${rule.unit}]`;
  return `${rule.description ?? ''}${unit}${accepts}`;
}

/** The flags of a declaration's input fields. */
export function fieldsOf(declaration: AnyDeclaration): FieldSpec[] {
  return Object.entries(declaration.input.shape).map(([name, rule]) => {
    const values = rule.schema['enum'];
    return {
      name,
      type: rule.flag,
      placeholder: placeholderOf(rule),
      ...(Array.isArray(values) ? { choices: values.map(String) } : {}),
      description: describeField(rule),
      required: !rule.optional,
    };
  });
}

/** `--<key>-file <path>` for each transient entry. */
export function transientSpecs(declaration: AnyDeclaration): TransientSpec[] {
  return Object.entries(declaration.transient).map(([key, entry]) => ({
    option: `${key}-file`,
    key,
    description: entry.description,
    required: entry.required,
  }));
}

/** The command of one declared transaction. */
export function transactionSpec(
  declaration: AnyDeclaration,
  aliases: readonly string[] = [],
): TransactionSpec {
  return {
    transaction: declaration.name,
    kind: declaration.kind,
    description: declaration.summary,
    aliases,
    declaration,
    fields: fieldsOf(declaration),
    transient: transientSpecs(declaration),
    paginated: isPaginated(declaration),
  };
}

/** The contract groups, in the declarations' order; `commands` adds a group's tool commands. */
export function contractGroups(
  commands: Readonly<Partial<Record<string, readonly ToolCommand[]>>> = {},
): ContractGroup[] {
  return Object.entries(CONTRACTS).map(([contract, entry]) => {
    const aliases = (ALIASES as Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>)[
      contract
    ];
    const declarations = Object.values(entry.transactions as Readonly<Record<string, AnyDeclaration>>);
    const extra = commands[contract];
    return {
      name: contract.toLowerCase(),
      contract,
      description: entry.description,
      transactions: declarations.map((declaration) =>
        transactionSpec(declaration, aliases?.[declaration.name] ?? []),
      ),
      ...(extra ? { commands: extra } : {}),
    };
  });
}
