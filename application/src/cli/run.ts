/**
 * The CLI's dispatcher: argv → command → exit code. Expected failures print one line and exit with
 * their code (1–4); anything else is a bug: `internal error`, exit 70, stack only with `--debug`.
 */
import {
  type EstpClientError,
  ExitCode,
  exitCodeOf,
  formatError,
  toClientError,
  UsageError,
} from '../gateway/errors';
import { tokenize } from './argv';
import { CONTRACT_GROUPS, findGroup, findTool, findTransaction, TOOL_COMMANDS } from './commands';
import { runTransaction } from './commands/transaction';
import type { GlobalOptions, ToolCommand } from './commands/types';
import { globalOptions, rejectUnknownOptions } from './context';
import { type Output, processOutput } from './io';
import { didYouMean } from './suggest';
import { commandName, groupUsage, toolUsage, topUsage, transactionUsage, VERSION } from './usage';

const TOP_USAGE = (): string => topUsage(CONTRACT_GROUPS, TOOL_COMMANDS);

async function runTool(
  tool: ToolCommand,
  args: readonly string[],
  options: ReturnType<typeof tokenize>['options'],
  global: GlobalOptions,
  io: Output,
  parent?: Pick<ToolCommand, 'name'>,
): Promise<number> {
  if (tool.subcommands) {
    const [name, ...rest] = args;
    if (name === undefined || name === 'help') {
      if (global.help || name === 'help') {
        io.out(toolUsage(tool, parent));
        return ExitCode.Ok;
      }
      throw new UsageError(`${tool.name} needs a command`, toolUsage(tool, parent));
    }
    const sub = findTool(name, tool.subcommands);
    if (!sub) {
      const names = tool.subcommands.map((candidate) => candidate.name);
      throw new UsageError(
        `unknown command "${tool.name} ${name}"${didYouMean(name, names)}`,
        `(estp ${tool.name} --help lists its commands: ${names.join(', ')})`,
      );
    }
    return runTool(sub, rest, options, global, io, tool);
  }
  if (global.help) {
    io.out(toolUsage(tool, parent));
    return ExitCode.Ok;
  }
  if (!tool.run) throw new Error(`command ${tool.name} has nothing to run`);
  // A tool takes its declared options (and the global ones) only; `call` passes fields on.
  if (!tool.passesFields) {
    rejectUnknownOptions(
      options,
      tool.options.map((option) => option.name),
      toolUsage(tool, parent),
    );
  }
  if (!tool.positionals && args.length > 0) {
    throw new UsageError(`unexpected argument "${args.join(' ')}"`, toolUsage(tool, parent));
  }
  return tool.run({ args, options, global, io });
}

async function dispatch(argv: readonly string[], io: Output): Promise<number> {
  const { positionals, options } = tokenize(argv);
  const global = globalOptions(options);
  const [first, second, ...rest] = positionals;

  if (global.version) {
    io.out(`estp ${VERSION}`);
    return ExitCode.Ok;
  }

  if (first === undefined || first === 'help') {
    if (first === undefined && !global.help) throw new UsageError('missing command', TOP_USAGE());
    if (second !== undefined) return dispatch([second, ...rest, '--help'], io);
    io.out(TOP_USAGE());
    return ExitCode.Ok;
  }

  const group = findGroup(first);
  if (group) {
    if (second === undefined || second === 'help') {
      if (global.help || second === 'help') {
        io.out(groupUsage(group));
        return ExitCode.Ok;
      }
      throw new UsageError(`${group.name} needs a transaction`, groupUsage(group));
    }
    const command = group.commands && findTool(second, group.commands);
    if (command) return runTool(command, rest, options, global, io, group);
    const spec = findTransaction(group, second);
    if (!spec) {
      const names = group.transactions.map((candidate) => commandName(candidate.transaction));
      const candidates = [
        ...names,
        ...group.transactions.flatMap((candidate) => candidate.aliases ?? []),
        ...(group.commands ?? []).map((command) => command.name),
      ];
      throw new UsageError(
        `${group.name} has no transaction "${second}"${didYouMean(second, candidates)} (known: ${names.join(', ')}); for others use: estp call ${group.contract} <Transaction>`,
        global.help ? groupUsage(group) : undefined,
      );
    }
    const usage = transactionUsage(group, spec);
    if (global.help) {
      io.out(usage);
      return ExitCode.Ok;
    }
    if (rest.length > 0)
      throw new UsageError(`unexpected argument "${rest.join(' ')}" (fields are --name value)`, usage);
    const typed = `estp ${group.name} ${commandName(spec.transaction)}`;
    return runTransaction({ contract: group.contract, spec, options, global, io, usage, command: typed });
  }

  const tool = findTool(first);
  if (tool) return runTool(tool, positionals.slice(1), options, global, io);

  const commands = [
    ...CONTRACT_GROUPS.map((candidate) => candidate.name),
    ...TOOL_COMMANDS.map((candidate) => candidate.name),
    'help',
  ];
  throw new UsageError(
    `unknown command "${first}"${didYouMean(first, commands)}`,
    '(estp --help lists the commands)',
  );
}

/**
 * The machine-readable form of an expected error, printed to stderr after the message line with
 * `--json`: `{"error":{"code":"ESTP_NOT_FOUND","exitCode":1,"message":"…","transactionId":"…"}}`.
 */
export function errorJson(error: EstpClientError): string {
  const transactionId = 'transactionId' in error ? error.transactionId : undefined;
  return JSON.stringify({
    error: {
      code: error.code,
      exitCode: error.exitCode,
      message: error.message,
      ...(typeof transactionId === 'string' ? { transactionId } : {}),
    },
  });
}

/**
 * Runs the CLI on `argv` (without `node` and the script) and resolves to the exit code; never
 * throws. Errors go to `io.err`.
 */
export async function run(argv: readonly string[], io: Output = processOutput): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    return await dispatch(argv, io);
  } catch (error) {
    io.err(formatError(error, { debug }));
    const clientError = toClientError(error);
    if (argv.includes('--json') && clientError) io.err(errorJson(clientError));
    return exitCodeOf(error);
  }
}
