#!/usr/bin/env node
/**
 * `npm start` → the demo trading day on the running network (network/scripts/with-network.sh
 * brought it up). Exits 0 when the day ran to the end and the ledger's totals balance.
 */
import { exitCodeOf, formatError } from '../gateway/errors';
import { sharedGrpcClients } from '../gateway/grpc';
import { type DayResult, runDay } from './day';
import { DemoError } from './onboarding';
import { Session } from './session';

function closingNotes(session: Session, result: DayResult): string {
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
    session.out.raw(closingNotes(session, result));
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

void main().then((code) => {
  process.exitCode = code;
});
