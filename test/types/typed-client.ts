/**
 * The typed client, checked by the compiler (`npm run build` type-checks this file; nothing runs
 * it): `submit`, `evaluate` and `pages` take the declared input and give the declared result, and
 * each `@ts-expect-error` below is a mistake the compiler must refuse. Were a declaration and the
 * client to disagree, the build fails here.
 */
import type { EstpClient } from '../../application/src/gateway/client';
import type { Account, Offer, Page, Trade } from '../../chaincode/src/records';

export async function typedCalls(client: EstpClient): Promise<void> {
  const order = { offerId: 'O-1', marketId: 'M-1', side: 'BUY', quantityWh: 5000, price: 250 } as const;
  const offer: Offer = await client.submit('Market', 'PostOffer', order);
  const price: number = offer.price;
  const account: Account = await client.evaluate('Settlement', 'GetAccount');
  const trades: Page<Trade> = await client.evaluate('Settlement', 'ListTrades', {
    from: '2026-06-01T00:00:00Z',
    to: Date.UTC(2026, 5, 2),
  });
  const offers: Offer[] = [];
  for await (const page of client.pages('Market', 'ListOffers', { marketId: 'M-1', pageSize: 200 })) {
    offers.push(...page.records);
  }
  console.log(price, account, trades, offers);

  // @ts-expect-error a query is evaluated, not submitted
  await client.submit('Market', 'GetOffer', { id: 'CommunityMSP:member1/O-1' });
  // @ts-expect-error a state change is submitted, not evaluated
  await client.evaluate('Market', 'PostOffer', order);
  // @ts-expect-error a field the declaration does not have
  await client.submit('Market', 'PostOffer', { ...order, offerid: 'O-1' });
  // @ts-expect-error a required field missing
  await client.submit('Market', 'PostOffer', { marketId: 'M-1', side: 'BUY', quantityWh: 1, price: 1 });
  // @ts-expect-error a value outside the declared set
  await client.submit('Market', 'PostOffer', { ...order, side: 'HOLD' });
  // @ts-expect-error a transaction the contract does not have
  await client.submit('Market', 'TransferCertificates', {});
  // @ts-expect-error only list queries have pages
  client.pages('Market', 'GetOffer', { id: 'CommunityMSP:member1/O-1' });
  // @ts-expect-error the result is what the declaration says (an Offer, not an Account)
  const wrong: Account = await client.evaluate('Market', 'GetOffer', { id: 'CommunityMSP:member1/O-1' });
  console.log(wrong);
}
