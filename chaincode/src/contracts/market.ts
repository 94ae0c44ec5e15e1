import { Context, Info } from 'fabric-contract-api';
import { CONTRACTS } from '../declarations';
import { EstpContract, declared, execute } from '../lib/contract';
import { ClearMarket, clearMarket } from '../market/clear';
import { GetMarket, ListMarkets, OpenMarket, getMarket, listMarkets, openMarket } from '../market/markets';
import {
  AcceptOffer,
  CancelOffer,
  GetOffer,
  ListOffers,
  PostOffer,
  acceptOffer,
  cancelOffer,
  getOffer,
  listOffers,
  postOffer,
} from '../market/offers';

/**
 * Markets, offers and the call auction. Units: Wh, minor currency units, prices per kWh (see
 * docs/trading.md). Each method runs the operation its declaration names (lib/declaration.ts).
 */
@Info({ title: 'Market', description: CONTRACTS.Market.description })
export class MarketContract extends EstpContract {
  constructor() {
    super('Market');
  }

  @declared(OpenMarket)
  async OpenMarket(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, OpenMarket, openMarket);
  }

  @declared(GetMarket)
  async GetMarket(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, GetMarket, getMarket);
  }

  @declared(ListMarkets)
  async ListMarkets(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, ListMarkets, listMarkets);
  }

  @declared(PostOffer)
  async PostOffer(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, PostOffer, postOffer);
  }

  @declared(CancelOffer)
  async CancelOffer(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, CancelOffer, cancelOffer);
  }

  @declared(AcceptOffer)
  async AcceptOffer(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, AcceptOffer, acceptOffer);
  }

  @declared(GetOffer)
  async GetOffer(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, GetOffer, getOffer);
  }

  @declared(ListOffers)
  async ListOffers(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, ListOffers, listOffers);
  }

  @declared(ClearMarket)
  async ClearMarket(ctx: Context, input: string): Promise<string> {
    return execute(ctx, input, ClearMarket, clearMarket);
  }
}
