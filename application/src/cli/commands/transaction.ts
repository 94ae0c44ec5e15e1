/**
 * Running one chaincode transaction from the command line: options → input object (and transient
 * data), evaluate or submit, then a table (default) or the raw JSON (`--json`).
 */
import { readFileSync } from 'node:fs';
import { type ClearingProgress, clearMarket } from '../../gateway/clearing';
import { type EstpClient, parseResult, withClient } from '../../gateway/client';
import { acceptLot } from '../../gateway/lots';
import { pagesOf, recordsOf } from '../../gateway/transactions';
import { UsageError } from '../../gateway/errors';
import { buildInput, type OptionValue } from '../argv';
import { connectOptionsOf, GLOBAL_OPTION_NAMES } from '../context';
import type { Output } from '../io';
import { countOf, formatResult, isPage } from '../table';
import type { GlobalOptions, OptionSpec, TransactionSpec } from './types';

/**
 * `--endorsing-orgs UtilityMSP,CommunityMSP`: who endorses a transaction with transient data
 * (default: the caller's org plus enough others for a majority, see `majorityEndorsers`).
 */
export const ENDORSING_ORGS_OPTION = 'endorsing-orgs';

/**
 * Market:ClearMarket, whose `--all` runs the clearing to its end with the clearing driver
 * (gateway/clearing.ts) instead of submitting one step: as `--all` of a list query follows the
 * bookmarks, it follows the steps.
 */
export function isClearing(spec: TransactionSpec): boolean {
  return spec.declaration?.contract === 'Market' && spec.transaction === 'ClearMarket';
}

/**
 * `--any-lot` of Market:AcceptOffer: `--id` names an offer posted in lots (`<owner>/<offerId>`,
 * without `.lotNNN`), and the fill goes to the lot `--accept-id` picks or the next one that can
 * take it, as the client library's `acceptLot` does (docs/trading.md#hot-offers).
 */
const ANY_LOT_OPTION = 'any-lot';

/** Market:AcceptOffer, which takes `--any-lot`. */
function isAccepting(spec: TransactionSpec): boolean {
  return spec.declaration?.contract === 'Market' && spec.transaction === 'AcceptOffer';
}

/** What `--all` does for `spec`, for its help; undefined when it takes no `--all`. */
function allOptionOf(spec: TransactionSpec): string | undefined {
  if (spec.paginated) return 'follow the bookmarks and print every page';
  if (isClearing(spec)) {
    return 'run the clearing to its end (every step, the slices of a step side by side; progress on stderr) and print the last step';
  }
  return undefined;
}

/** One line of clearing progress on stderr: the step's phase and counts, and its time. */
export function clearingProgressLine({ step, slice, ms }: ClearingProgress): string {
  const { clearing } = step;
  const part = slice === undefined ? 'step' : `slice ${slice}`;
  return `ClearMarket ${part}: ${clearing.phase}, ${countOf(clearing.trades, 'trade')}, ${countOf(clearing.offersClosed, 'offer')} closed (${(ms / 1000).toFixed(1)} s)`;
}

/**
 * The flags that change how a transaction command runs (`--all`, `--any-lot`), with their help:
 * the command's own, neither input fields nor global options.
 */
export function runFlagsOf(spec: TransactionSpec): OptionSpec[] {
  const all = allOptionOf(spec);
  return [
    ...(all === undefined ? [] : [{ name: 'all', description: all }]),
    ...(isAccepting(spec)
      ? [
          {
            name: ANY_LOT_OPTION,
            description:
              'the offer was posted in lots (--id without .lotNNN): fill from the lot --accept-id picks, or the next that can take it',
          },
        ]
      : []),
  ];
}

/** Options of a transaction command that are not input fields. */
export function reservedOptions(spec: TransactionSpec): Set<string> {
  const reserved = new Set([...GLOBAL_OPTION_NAMES, 'submit', 'evaluate']);
  for (const flag of runFlagsOf(spec)) reserved.add(flag.name);
  for (const transient of spec.transient) reserved.add(transient.option);
  if (spec.transient.length > 0) reserved.add(ENDORSING_ORGS_OPTION);
  return reserved;
}

/** Reads the transient files a transaction declares (`--verification-file` → `verification`). */
export function transientOf(
  spec: TransactionSpec,
  options: ReadonlyMap<string, OptionValue>,
  read: (path: string) => Uint8Array = (path) => readFileSync(path),
): Record<string, Uint8Array> | undefined {
  let data: Record<string, Uint8Array> | undefined;
  for (const transient of spec.transient) {
    const file = options.get(transient.option);
    if (file === undefined) continue;
    if (file === true) throw new UsageError(`--${transient.option} needs a file path`);
    try {
      data = { ...data, [transient.key]: read(file) };
    } catch (cause) {
      throw new UsageError(
        `--${transient.option}: cannot read ${file}: ${(cause as Error).message}`,
        undefined,
        {
          cause,
        },
      );
    }
  }
  return data;
}

/** The MSP IDs of `--endorsing-orgs`, when given. @throws {UsageError} when empty. */
export function endorsingOrgsOf(options: ReadonlyMap<string, OptionValue>): string[] | undefined {
  const value = options.get(ENDORSING_ORGS_OPTION);
  if (value === undefined) return undefined;
  const orgs =
    value === true
      ? []
      : value
          .split(',')
          .map((org) => org.trim())
          .filter((org) => org !== '');
  if (orgs.length === 0) throw new UsageError(`--${ENDORSING_ORGS_OPTION} needs MSP IDs, comma-separated`);
  return orgs;
}

/** What a transaction command needs besides the spec. */
export interface TransactionRun {
  readonly contract: string;
  readonly spec: TransactionSpec;
  readonly options: ReadonlyMap<string, OptionValue>;
  readonly global: GlobalOptions;
  readonly io: Output;
  readonly usage: string;
  /** The command as typed in help, e.g. `estp market post-offer`. */
  readonly command: string;
}

async function execute(
  client: EstpClient,
  run: TransactionRun,
  input: Record<string, unknown>,
  transient: Record<string, Uint8Array> | undefined,
): Promise<void> {
  const { contract, spec, io, global } = run;
  const callOptions = transient ? { transient } : {};

  if (spec.kind === 'evaluate') {
    if (run.options.get('all') === true) {
      const pages = pagesOf(async (bookmark) => {
        const page = { ...input, ...(bookmark === undefined ? {} : { bookmark }) };
        const result = parseResult(await client.evaluateText(contract, spec.transaction, page, callOptions));
        if (!isPage(result)) throw new Error('the list query did not return { records, bookmark }');
        return result;
      });
      const all = { records: await recordsOf(pages), bookmark: '' };
      io.out(global.json ? JSON.stringify(all) : formatResult(all));
      return;
    }
    const text = await client.evaluateText(contract, spec.transaction, input, callOptions);
    io.out(global.json ? text : formatResult(parseResult(text)));
    return;
  }

  if (run.options.get('all') === true && isClearing(spec)) {
    const { marketId, batchSize } = input as { marketId: string; batchSize?: number };
    const last = await clearMarket((step) => client.submit('Market', 'ClearMarket', step), marketId, {
      ...(batchSize === undefined ? {} : { batchSize }),
      onProgress: (progress) => {
        io.err(clearingProgressLine(progress));
      },
    });
    io.out(global.json ? JSON.stringify(last) : formatResult(last));
    return;
  }

  if (run.options.get(ANY_LOT_OPTION) === true && isAccepting(spec)) {
    const { id, quantityWh, acceptId } = input as { id: string; quantityWh: number; acceptId: string };
    const filled = await acceptLot(client, { offerId: id, quantityWh, acceptId });
    io.out(global.json ? JSON.stringify(filled) : formatResult(filled));
    return;
  }

  // The gateway does not pass transient data to other orgs' peers unless told which may see it.
  const endorsers = transient ? (endorsingOrgsOf(run.options) ?? client.majorityEndorsers()) : undefined;
  const result = await client.submitText(contract, spec.transaction, input, {
    ...callOptions,
    ...(endorsers ? { endorsingOrganizations: endorsers } : {}),
  });
  if (global.json) {
    if (result.text !== '') io.out(result.text);
    return;
  }
  if (result.text.trim() !== '') io.out(formatResult(parseResult(result.text)));
  const retried = result.attempts > 1 ? ` after ${result.attempts} attempts` : '';
  io.out(
    `committed ${contract}:${spec.transaction} in block ${result.blockNumber} (tx ${result.transactionId})${retried}`,
  );
}

/** Runs a transaction command; resolves to exit code 0 (failures throw). */
export async function runTransaction(run: TransactionRun): Promise<number> {
  for (const flag of runFlagsOf(run.spec)) {
    const value = run.options.get(flag.name);
    if (typeof value === 'string') {
      throw new UsageError(`--${flag.name} takes no value (given "--${flag.name}=${value}")`, run.usage);
    }
  }
  if (run.options.has('all') && allOptionOf(run.spec) === undefined) {
    throw new UsageError(`--all is only for list queries and market clear`, run.usage);
  }
  if (run.options.has('all') && isClearing(run.spec) && run.options.has('slice')) {
    throw new UsageError(`--all runs every slice itself: give --all or --slice, not both`, run.usage);
  }
  const input = buildInput(run.options, {
    reserved: reservedOptions(run.spec),
    fields: run.spec.fields,
    strict: run.spec.declaration !== undefined,
    hint: `(${run.command} --help lists its fields)`,
  });
  if (run.options.has(ANY_LOT_OPTION) && isAccepting(run.spec) && input['acceptId'] === undefined) {
    throw new UsageError(
      `--${ANY_LOT_OPTION} needs --accept-id: it makes the fill once-only across the lots, so a retry never fills twice`,
      run.usage,
    );
  }
  // Read transient files before connecting, so a typo fails fast.
  const transient = transientOf(run.spec, run.options);
  await withClient(connectOptionsOf(run.global, run.io, run.usage), (client) =>
    execute(client, run, input, transient),
  );
  return 0;
}
