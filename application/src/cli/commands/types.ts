/**
 * The shape of the CLI's command table. Each ESTP contract is one {@link ContractGroup} whose
 * transactions are derived from the chaincode's declarations (./contracts.ts); other commands
 * (identity, events, call, admin, audit verify, …) are {@link ToolCommand}s.
 */
import type { AnyDeclaration } from '@estp/chaincode/declarations';
import type { FieldType, OptionValue } from '../argv';
import type { Output } from '../io';

/** A field of a transaction's input object, as a flag. */
export interface FieldSpec {
  /** camelCase name in the input JSON; the flag is its kebab-case form (`--meter-ids`). */
  readonly name: string;
  readonly type: FieldType;
  /** What the flag's value looks like in usage text, e.g. `<integer>` or `<BUY|SELL>`. */
  readonly placeholder: string;
  /** The values it may take, when they are a fixed set (`BUY`, `SELL`). */
  readonly choices?: readonly string[];
  readonly description: string;
  readonly required: boolean;
}

/** A transient-data entry filled from a file given by an option. */
export interface TransientSpec {
  /** The CLI option naming the file, e.g. `verification-file`. */
  readonly option: string;
  /** The transient key, e.g. `verification`. */
  readonly key: string;
  readonly description: string;
  readonly required: boolean;
}

/** One chaincode transaction as a CLI command. */
export interface TransactionSpec {
  /** The chaincode transaction name, e.g. `PostOffer`. */
  readonly transaction: string;
  /** Queries are evaluated on one peer; everything else is submitted. */
  readonly kind: 'evaluate' | 'submit';
  readonly description: string;
  /** Short names accepted besides the transaction name (matched case- and dash-insensitively). */
  readonly aliases?: readonly string[];
  /**
   * The declaration it is derived from: its fields are the only flags accepted. Without one (`estp
   * call` of an undeclared transaction) flags are passed on as given.
   */
  readonly declaration?: AnyDeclaration;
  readonly fields: readonly FieldSpec[];
  readonly transient: readonly TransientSpec[];
  /** A list query taking `pageSize`/`bookmark` and returning `{ records, bookmark }`. */
  readonly paginated: boolean;
}

/** One ESTP contract and its transactions. */
export interface ContractGroup {
  /** CLI name, e.g. `participant`. */
  readonly name: string;
  /** Chaincode contract name, e.g. `Participant`. */
  readonly contract: string;
  readonly description: string;
  readonly transactions: readonly TransactionSpec[];
  /**
   * Commands of the group that are more than one transaction (e.g. `audit verify`); a name here
   * takes precedence over a transaction of the same name (which `estp call` still reaches).
   */
  readonly commands?: readonly ToolCommand[];
}

/** An option of a tool command, for usage text. */
export interface OptionSpec {
  readonly name: string;
  /** Placeholder of its value (`<path>`); absent for a flag. */
  readonly value?: string;
  readonly description: string;
}

/** What a tool command gets to run. */
export interface ToolContext {
  /** Positionals after the command name(s). */
  readonly args: readonly string[];
  readonly options: ReadonlyMap<string, OptionValue>;
  readonly global: GlobalOptions;
  readonly io: Output;
}

/** The options every command accepts. */
export interface GlobalOptions {
  readonly org: string | undefined;
  readonly user: string | undefined;
  readonly json: boolean;
  readonly debug: boolean;
  readonly help: boolean;
  readonly version: boolean;
  /** `--profile`: a common connection profile (else `ESTP_PROFILE`, else the org's own). */
  readonly profile: string | undefined;
  /** `--wallet`: the org's wallet directory (else `ESTP_WALLET`, else the org's own). */
  readonly wallet: string | undefined;
}

/** A command that is not one chaincode transaction. */
export interface ToolCommand {
  readonly name: string;
  readonly description: string;
  /** e.g. `estp events [--from-block N] [--checkpoint-file f]`. */
  readonly synopsis: string;
  /** Command lines that work as they are written (with a network up); every command has one. */
  readonly examples: readonly string[];
  readonly options: readonly OptionSpec[];
  /** Subcommands (e.g. `identity enroll`), when it has any. */
  readonly subcommands?: readonly ToolCommand[];
  /** Whether it takes positional arguments (`call <Contract> <Transaction>`); others refuse them. */
  readonly positionals?: boolean;
  /** Whether it passes options it does not declare on as transaction fields (`call`); others refuse them. */
  readonly passesFields?: boolean;
  /** Runs it; resolves to the exit code. */
  readonly run?: (context: ToolContext) => Promise<number>;
}
