/** `estp market …`: markets, offers and clearing (design §3). */
import { idField, optional, PAGE_FIELDS, required } from './fields';
import type { ContractGroup } from './types';

const MARKET_ID = idField('marketId', 'market ID (client-chosen)');
const OFFER_REF = idField('id', 'offer ID <owner participant ID>/<offerId>, e.g. CommunityMSP:member1/O-1');

export const market: ContractGroup = {
  name: 'market',
  contract: 'Market',
  description: 'markets (commodity, grid zone, delivery interval), offers and the call auction',
  transactions: [
    {
      transaction: 'OpenMarket',
      kind: 'submit',
      aliases: ['open'],
      description: 'open a market (admin); gateClosure ≤ deliveryStart < deliveryEnd ≤ reportDeadline',
      fields: [
        MARKET_ID,
        required('commodity', 'string', 'ELECTRICITY | HEAT | SAVINGS_CERT'),
        required('gridZone', 'string', 'grid zone code'),
        required('deliveryStart', 'time', 'ms since the epoch or ISO-8601 UTC'),
        required('deliveryEnd', 'time', 'ms since the epoch or ISO-8601 UTC'),
        required('gateClosure', 'time', 'offers accepted until then (ledger time)'),
        optional('reportDeadline', 'time', 'delivery reports due (default deliveryEnd + 24 h)'),
        optional('disputeWindowMs', 'integer', 'dispute window after delivery, ms'),
        optional('rulingNoticeMs', 'integer', 'notice period before a ruling is final, ms'),
        optional('priceFloor', 'integer', 'lowest price, minor units per kWh'),
        optional('priceCap', 'integer', 'highest price, minor units per kWh'),
        optional('tickSize', 'integer', 'price step'),
        optional('collateralBps', 'integer', "sellers' collateral, basis points of the value"),
        optional('toleranceBps', 'integer', 'delivery tolerance band, basis points'),
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
      fields: [
        optional('commodity', 'string', 'only this commodity'),
        optional('gridZone', 'string', 'only this zone'),
        ...PAGE_FIELDS,
      ],
      paginated: true,
    },
    {
      transaction: 'PostOffer',
      kind: 'submit',
      aliases: ['post'],
      description: 'post a BUY or SELL offer before gate closure (BUY escrows funds, SELL locks collateral)',
      fields: [
        idField('offerId', 'offer ID (client-chosen; posting it twice is rejected)'),
        MARKET_ID,
        required('side', 'string', 'BUY | SELL'),
        required('quantityWh', 'integer', 'quantity in Wh'),
        required('price', 'integer', 'limit price, minor currency units per kWh'),
        optional('minFillWh', 'integer', 'smallest acceptable fill in Wh'),
      ],
    },
    {
      transaction: 'CancelOffer',
      kind: 'submit',
      aliases: ['cancel'],
      description: 'cancel your open offer before gate closure (releases its escrow)',
      fields: [OFFER_REF],
    },
    {
      transaction: 'AcceptOffer',
      kind: 'submit',
      aliases: ['accept'],
      description: 'accept an open offer bilaterally at its price',
      fields: [
        OFFER_REF,
        required('quantityWh', 'integer', 'quantity to take, Wh'),
        idField(
          'acceptId',
          'your ID for this fill (optional): a resubmission is then rejected, not filled twice',
          false,
        ),
      ],
    },
    {
      transaction: 'GetOffer',
      kind: 'evaluate',
      aliases: ['offer'],
      description: 'one offer',
      fields: [OFFER_REF],
    },
    {
      transaction: 'ListOffers',
      kind: 'evaluate',
      aliases: ['offers'],
      description: 'offers, of a market or an owner',
      fields: [
        { ...MARKET_ID, required: false },
        optional('owner', 'string', 'owner participant ID'),
        ...PAGE_FIELDS,
      ],
      paginated: true,
    },
    {
      transaction: 'ClearMarket',
      kind: 'submit',
      aliases: ['clear'],
      description: "run the market's call auction after gate closure",
      fields: [MARKET_ID, optional('batchSize', 'integer', 'offers per clearing transaction')],
    },
  ],
};
