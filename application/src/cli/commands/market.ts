/** `estp market …`: markets, offers and clearing (design §3). */
import { idField, PAGE_FIELDS } from './fields';
import type { ContractGroup } from './types';

const MARKET_ID = idField('marketId', 'market ID (client-chosen)');
const OFFER_ID = idField('offerId', 'offer ID (client-chosen; posting it twice is rejected)');

export const market: ContractGroup = {
  name: 'market',
  contract: 'Market',
  description: 'markets (commodity, grid zone, delivery interval), offers and the call auction',
  transactions: [
    {
      transaction: 'OpenMarket',
      kind: 'submit',
      aliases: ['open'],
      description: 'open a market with its gate-closure time',
      fields: [
        MARKET_ID,
        { name: 'commodity', type: 'string', description: 'ELECTRICITY | HEAT | SAVINGS_CERT' },
      ],
    },
    {
      transaction: 'GetMarket',
      kind: 'evaluate',
      aliases: ['get'],
      description: 'one market',
      fields: [MARKET_ID],
    },
    {
      transaction: 'ListMarkets',
      kind: 'evaluate',
      aliases: ['list'],
      description: 'markets',
      fields: PAGE_FIELDS,
      paginated: true,
    },
    {
      transaction: 'PostOffer',
      kind: 'submit',
      aliases: ['post'],
      description: 'post a BUY or SELL offer before gate closure (escrows funds/collateral)',
      fields: [OFFER_ID, MARKET_ID, { name: 'side', type: 'string', description: 'BUY | SELL' }],
    },
    {
      transaction: 'CancelOffer',
      kind: 'submit',
      aliases: ['cancel'],
      description: 'cancel your open offer before gate closure (releases its escrow)',
      fields: [OFFER_ID],
    },
    {
      transaction: 'AcceptOffer',
      kind: 'submit',
      aliases: ['accept'],
      description: 'accept an open offer bilaterally at its price',
      fields: [OFFER_ID],
    },
    {
      transaction: 'GetOffer',
      kind: 'evaluate',
      aliases: ['offer'],
      description: 'one offer',
      fields: [OFFER_ID],
    },
    {
      transaction: 'ListOffers',
      kind: 'evaluate',
      aliases: ['offers'],
      description: 'offers (of a market)',
      fields: [{ ...MARKET_ID, required: false }, ...PAGE_FIELDS],
      paginated: true,
    },
    {
      transaction: 'ClearMarket',
      kind: 'submit',
      aliases: ['clear'],
      description: "run the market's call auction once after gate closure",
      fields: [MARKET_ID],
    },
  ],
};
