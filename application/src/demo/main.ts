#!/usr/bin/env node
/**
 * `npm start` → the demo trading day on the running network (network/scripts/with-network.sh
 * brought it up). Exits 0 when the day ran to the end and the ledger's totals balance. With
 * ESTP_SERVE=1 it then serves the dashboard (`estp serve`) until Ctrl-C.
 */
import { run as runCli } from '../cli/run';
import { exitCodeOf, formatError } from '../gateway/errors';
import { sharedGrpcClients } from '../gateway/grpc';
import { defaultWebPort } from '../web/server';
import { type DayResult, runDay } from './day';
import { DemoError } from './onboarding';
import { Session } from './session';

/** The org and user `ESTP_SERVE=1 npm start` serves the dashboard for (as `npm run serve`). */
const SERVE_ORG = process.env['ESTP_ORG'] ?? 'community';
const SERVE_USER = process.env['ESTP_USER'] ?? 'member1';

/** The web service's URL when one answers on this machine's default web port. */
async function runningDashboard(): Promise<string | undefined> {
  const url = `http://127.0.0.1:${defaultWebPort()}/`;
  try {
    const response = await fetch(`${url}api/health`, { signal: AbortSignal.timeout(1_000) });
    return response.ok ? url : undefined;
  } catch {
    return undefined;
  }
}

function dashboardLine(url: string | undefined): string {
  if (url !== undefined) return `The dashboard is running: ${url} (REST API: ${url}api/docs).`;
  return process.env['ESTP_SERVE'] === '1'
    ? `The dashboard starts now (org ${SERVE_ORG}, signed in as ${SERVE_USER}); Ctrl-C stops it.`
    : 'See the day in a browser: npm run serve (or ESTP_SERVE=1 npm start), then open the URL it prints.';
}

function closingNotes(session: Session, result: DayResult, dashboard: string | undefined): string {
  const [electricity] = result.markets;
  return [
    '',
    `The day ran in ${session.out.elapsed().trim()}; the network keeps running. Explore it with the CLI:`,
    `  npx estp market get --org community --user member1 --market-id ${electricity?.id ?? '<market>'}`,
    `  npx estp settlement trades --org utility --user auditor --market-id ${electricity?.id ?? '<market>'}`,
    `  npx estp dispute get --org utility --user arbiter --trade-id ${result.disputedTradeId}`,
    `  npx estp audit history Trade ${result.disputedTradeId} --org utility --user auditor`,
    '  npx estp settlement account --org community --user member1',
    '  npx estp audit totals --org utility --user auditor',
    `  npx estp events --org utility --user auditor --from-block ${result.firstBlock}   (Ctrl-C stops)`,
    '  npx estp --help',
    'Run the day again: npm start (new market and offer IDs; participants are reused).',
    'Stop the network: npm run network:down (keeps the ledger); wipe it: npm run network:clean.',
    dashboardLine(dashboard),
  ].join('\n');
}

async function main(): Promise<number> {
  const session = new Session();
  session.out.raw(`ESTP demo trading day — run ${session.runTag}`);
  session.out.raw(
    `channel ${session.profile.channel}, chaincode ${session.profile.chaincode}, ` +
      `orgs ${Object.keys(session.profile.orgs).join(', ')}, each through its own profile and wallet ` +
      '(.fabric/orgs/<org>)',
  );
  session.out.raw('Money in euros (the ledger counts integer cents), energy in kWh (the ledger counts Wh).');
  try {
    const result = await runDay(session);
    session.out.raw(closingNotes(session, result, await runningDashboard()));
    if (!result.balanced) {
      session.out.raw('error: the ledger totals do not balance');
      return 1;
    }
    return 0;
  } catch (error) {
    session.out.raw('');
    if (error instanceof DemoError) {
      process.stderr.write(`demo stopped: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(
      `demo stopped: ${formatError(error, { debug: process.env['ESTP_DEBUG'] === '1' })}\n`,
    );
    process.stderr.write('peer and chaincode logs: .fabric/orgs/<org>/logs/\n');
    return exitCodeOf(error);
  } finally {
    await session.close();
    sharedGrpcClients.closeAll();
  }
}

/**
 * `ESTP_SERVE=1 npm start`: after a good day, the org's web service (`estp serve`) in the
 * foreground until Ctrl-C, signed in as the day's co-op member.
 */
async function mainThenServe(): Promise<number> {
  const code = await main();
  if (code !== 0 || process.env['ESTP_SERVE'] !== '1' || (await runningDashboard()) !== undefined)
    return code;
  return runCli(['serve', '--org', SERVE_ORG, '--login', SERVE_USER]);
}

void mainThenServe().then((code) => {
  process.exitCode = code;
});
