/**
 * An in-process CPU profile of the chaincode's transaction path: PostOffer, GetOffer and GetAccount
 * through fabric-contract-api's own dispatch against the test stub (no shim messages, no gRPC).
 * Run: `node --cpu-prof --cpu-prof-dir=<dir> -r ts-node/register/transpile-only test/tools/profile-chaincode.ts [n]`
 * and open the .cpuprofile in Chrome DevTools, or summarise it with test/tools/cpuprofile-top.ts.
 */
import { contracts } from '../../chaincode/src';
import { openMarket, trader, type TradingWorld, tradingWorld } from '../unit/market-world';

/** CPU time of this process so far, µs (user + system): the machine may be shared. */
function cpu(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 2000);
  const world: TradingWorld = await tradingWorld();
  const traders = [];
  for (let i = 0; i < 8; i++) traders.push(await trader(world, 'CommunityMSP', `t${i}`, 1_000_000_000));
  await openMarket(world, 'M-1');
  const started = cpu();
  for (let i = 0; i < n; i++) {
    const who = traders[i % traders.length]!;
    const input = { offerId: `o-${i}`, marketId: 'M-1', side: 'BUY', quantityWh: 1000, price: 100 };
    const r = await world.ledger.invoke(contracts, 'Market:PostOffer', [JSON.stringify(input)], who, {
      time: world.ledger.now(),
    });
    if (r.status !== 200) throw new Error(r.message);
  }
  const posted = cpu();
  for (let i = 0; i < n; i++) {
    const who = traders[i % traders.length]!;
    const r = await world.ledger.invoke(
      contracts,
      'Market:GetOffer',
      [JSON.stringify({ id: `${who.participantId}/o-${i}` })],
      who,
      { commit: false, time: world.ledger.now() },
    );
    if (r.status !== 200) throw new Error(r.message);
  }
  const read = cpu();
  for (let i = 0; i < n; i++) {
    const who = traders[i % traders.length]!;
    const r = await world.ledger.invoke(contracts, 'Settlement:GetAccount', ['{}'], who, {
      commit: false,
      time: world.ledger.now(),
    });
    if (r.status !== 200) throw new Error(r.message);
  }
  const done = cpu();
  const ms = (a: number, b: number) => ((b - a) / 1000 / n).toFixed(3);
  console.error(
    `CPU per call: PostOffer ${ms(started, posted)} ms, GetOffer ${ms(posted, read)} ms, GetAccount ${ms(read, done)} ms`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
