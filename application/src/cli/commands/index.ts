/**
 * The command table: one {@link ContractGroup} per ESTP contract, derived from the transaction
 * declarations (./contracts.ts), and the tool commands, with name lookup (case-insensitive, dashes
 * optional, aliases).
 */
import { normaliseName } from '../argv';
import { adminCommand } from './admin';
import { apiKeyCommand } from './api-key';
import { AUDIT_COMMANDS } from './audit-commands';
import { callCommand } from './call';
import { completionCommand } from './completion';
import { contractGroups } from './contracts';
import { eventsCommand } from './events';
import { identityCommand } from './identity';
import { serveCommand } from './serve';
import type { ContractGroup, ToolCommand, TransactionSpec } from './types';

/** The ESTP contracts, in the order of the declarations; `audit` also has its own commands. */
export const CONTRACT_GROUPS: readonly ContractGroup[] = contractGroups({ Audit: AUDIT_COMMANDS });

/** Commands that are not one transaction. */
export const TOOL_COMMANDS: readonly ToolCommand[] = [
  identityCommand,
  eventsCommand,
  callCommand,
  adminCommand,
  serveCommand,
  apiKeyCommand,
  completionCommand(() => ({ groups: CONTRACT_GROUPS, tools: TOOL_COMMANDS })),
];

/** A contract group by CLI or contract name (`participant`, `Participant`). */
export function findGroup(
  name: string,
  groups: readonly ContractGroup[] = CONTRACT_GROUPS,
): ContractGroup | undefined {
  const wanted = normaliseName(name);
  return groups.find(
    (group) => normaliseName(group.name) === wanted || normaliseName(group.contract) === wanted,
  );
}

/** A transaction of a group by name (`PostOffer`, `post-offer`, `postoffer`) or alias (`post`). */
export function findTransaction(group: ContractGroup, name: string): TransactionSpec | undefined {
  const wanted = normaliseName(name);
  return (
    group.transactions.find((spec) => normaliseName(spec.transaction) === wanted) ??
    group.transactions.find((spec) => (spec.aliases ?? []).some((alias) => normaliseName(alias) === wanted))
  );
}

/** A tool command (or subcommand) by name. */
export function findTool(
  name: string,
  tools: readonly ToolCommand[] = TOOL_COMMANDS,
): ToolCommand | undefined {
  const wanted = normaliseName(name);
  return tools.find((tool) => normaliseName(tool.name) === wanted);
}

export type { ContractGroup, ToolCommand, TransactionSpec } from './types';
