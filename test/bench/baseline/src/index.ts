/**
 * The baseline of `npm run bench:ledger`: the smallest useful chaincode, as Fabric benchmarks
 * quote it (fabric-samples asset-transfer-basic). CreateAsset = 1 read + 1 write of one key,
 * ReadAsset = 1 read, UpdateAsset = 1 read + 1 write of an existing key. It runs as a chaincode
 * service of every org beside estp, under the same MAJORITY endorsement policy, so the two are
 * measured on the same peers, orderers and policy (docs/performance.md).
 */
import { Context, Contract, Info, Transaction } from 'fabric-contract-api';

interface Asset {
  ID: string;
  Color: string;
  Size: number;
  Owner: string;
  AppraisedValue: number;
}

@Info({ title: 'Baseline', description: 'Benchmark baseline: one key per asset' })
export class AssetContract extends Contract {
  constructor() {
    super('Baseline');
  }

  @Transaction()
  async CreateAsset(
    ctx: Context,
    id: string,
    color: string,
    size: string,
    owner: string,
    value: string,
  ): Promise<void> {
    if ((await ctx.stub.getState(id)).length > 0) throw new Error(`the asset ${id} already exists`);
    await this.write(ctx, id, color, size, owner, value);
  }

  @Transaction(false)
  async ReadAsset(ctx: Context, id: string): Promise<string> {
    const bytes = await ctx.stub.getState(id);
    if (bytes.length === 0) throw new Error(`the asset ${id} does not exist`);
    return Buffer.from(bytes).toString('utf8');
  }

  @Transaction()
  async UpdateAsset(
    ctx: Context,
    id: string,
    color: string,
    size: string,
    owner: string,
    value: string,
  ): Promise<void> {
    if ((await ctx.stub.getState(id)).length === 0) throw new Error(`the asset ${id} does not exist`);
    await this.write(ctx, id, color, size, owner, value);
  }

  private async write(
    ctx: Context,
    id: string,
    color: string,
    size: string,
    owner: string,
    value: string,
  ): Promise<void> {
    const asset: Asset = {
      ID: id,
      Color: color,
      Size: Number(size),
      Owner: owner,
      AppraisedValue: Number(value),
    };
    await ctx.stub.putState(id, Buffer.from(JSON.stringify(asset)));
  }
}

export const contracts = [AssetContract];
