/**
 * The ordering service's AtomicBroadcast API as a Fabric admin uses it: Deliver to fetch blocks
 * (the genesis block a joining peer needs, the current configuration block) and Broadcast to
 * submit a configuration update. Each request goes to the first orderer that answers; an
 * unreachable or leaderless orderer is skipped for the next one.
 */
import * as grpc from '@grpc/grpc-js';
import { common, orderer } from '@hyperledger/fabric-protos';
import type { ConnectionProfile, OrdererInfo } from '../gateway/profile';
import { ConfigError, UnavailableError } from '../gateway/errors';
import { newPeerClient } from '../gateway/grpc';
import { signedEnvelope } from './envelope';
import { AdminError, unavailable } from './errors';
import type { AdminSigner } from './signer';

/** Which block to fetch: its number, the channel's first or its last. */
export type BlockPosition = number | 'oldest' | 'newest';

/** Per-request deadline for the orderers (ms). */
export const ORDERER_TIMEOUT_MS = 10_000;

const STATUS_NAMES = new Map<number, string>(
  Object.entries(common.Status).map(([name, code]) => [code, name]),
);

function statusName(status: number): string {
  return STATUS_NAMES.get(status) ?? String(status);
}

function seekPosition(position: BlockPosition): orderer.SeekPosition {
  const seek = new orderer.SeekPosition();
  if (position === 'oldest') seek.setOldest(new orderer.SeekOldest());
  else if (position === 'newest') seek.setNewest(new orderer.SeekNewest());
  else {
    const specified = new orderer.SeekSpecified();
    specified.setNumber(position);
    seek.setSpecified(specified);
  }
  return seek;
}

const serializeEnvelope = (envelope: common.Envelope): Buffer => Buffer.from(envelope.serializeBinary());

/** Runs `request` against each orderer in turn until one answers (unavailable ones are skipped). */
async function onSomeOrderer<T>(
  profile: ConnectionProfile,
  request: (client: grpc.Client, orderer: OrdererInfo) => Promise<T>,
): Promise<T> {
  if (profile.orderers.length === 0) {
    throw new ConfigError(`${profile.file} names no orderers`);
  }
  let lastError: unknown;
  for (const info of profile.orderers) {
    const client = newPeerClient(info);
    try {
      return await request(client, info);
    } catch (error) {
      const retryable =
        error instanceof UnavailableError ||
        (error instanceof AdminError && error.message.includes('SERVICE_UNAVAILABLE'));
      if (!retryable) throw error;
      lastError = error;
    } finally {
      client.close();
    }
  }
  throw lastError;
}

/**
 * Fetches one block of `channel` from the ordering service, signed by `signer` (the orderer
 * checks the channel's Readers policy).
 * @throws {AdminError} ORDERER_REJECTED (e.g. FORBIDDEN for a non-member, NOT_FOUND beyond the end)
 * @throws {UnavailableError} when no orderer answers in time
 */
export function fetchBlock(
  profile: ConnectionProfile,
  signer: AdminSigner,
  channel: string,
  position: BlockPosition,
  timeoutMs = ORDERER_TIMEOUT_MS,
): Promise<common.Block> {
  return onSomeOrderer(profile, async (client, info) => {
    const seekInfo = new orderer.SeekInfo();
    seekInfo.setStart(seekPosition(position));
    seekInfo.setStop(seekPosition(position));
    seekInfo.setBehavior(orderer.SeekInfo.SeekBehavior.FAIL_IF_NOT_READY);
    const envelope = await signedEnvelope(
      signer,
      common.HeaderType.DELIVER_SEEK_INFO,
      channel,
      seekInfo.serializeBinary(),
    );
    return new Promise<common.Block>((resolve, reject) => {
      let block: common.Block | undefined;
      const call = client.makeBidiStreamRequest(
        '/orderer.AtomicBroadcast/Deliver',
        serializeEnvelope,
        (bytes: Buffer) => orderer.DeliverResponse.deserializeBinary(bytes),
        new grpc.Metadata(),
        { deadline: Date.now() + timeoutMs },
      );
      call.on('data', (response: orderer.DeliverResponse) => {
        if (response.hasBlock()) {
          block = response.getBlock();
          return;
        }
        const status = response.getStatus();
        call.end();
        if (status === common.Status.SUCCESS && block) resolve(block);
        else
          reject(
            new AdminError(
              `orderer ${info.endpoint} refused to deliver block ${String(position)} of ${channel}: ${statusName(status)}`,
              'ORDERER_REJECTED',
            ),
          );
      });
      call.on('error', (error) => {
        reject(unavailable(`orderer ${info.endpoint} (deliver)`, error));
      });
      call.on('end', () => {
        reject(
          new AdminError(
            `orderer ${info.endpoint} ended the deliver stream without a status`,
            'ORDERER_REJECTED',
          ),
        );
      });
      call.write(envelope);
    });
  });
}

/**
 * Submits an envelope (a transaction or a configuration update) to the ordering service.
 * Resolves once an orderer accepted it; it is in a block shortly after.
 * @throws {AdminError} ORDERER_REJECTED with the orderer's reason (e.g. a policy not satisfied)
 * @throws {UnavailableError} when no orderer answers in time
 */
export function broadcast(
  profile: ConnectionProfile,
  envelope: common.Envelope,
  timeoutMs = ORDERER_TIMEOUT_MS,
): Promise<{ orderer: string }> {
  return onSomeOrderer(
    profile,
    (client, info) =>
      new Promise<{ orderer: string }>((resolve, reject) => {
        const call = client.makeBidiStreamRequest(
          '/orderer.AtomicBroadcast/Broadcast',
          serializeEnvelope,
          (bytes: Buffer) => orderer.BroadcastResponse.deserializeBinary(bytes),
          new grpc.Metadata(),
          { deadline: Date.now() + timeoutMs },
        );
        call.on('data', (response: orderer.BroadcastResponse) => {
          call.end();
          const status = response.getStatus();
          if (status === common.Status.SUCCESS) resolve({ orderer: info.endpoint });
          else
            reject(
              new AdminError(
                `orderer ${info.endpoint} rejected the submission: ${statusName(status)}: ${response.getInfo()}`,
                'ORDERER_REJECTED',
              ),
            );
        });
        call.on('error', (error) => {
          reject(unavailable(`orderer ${info.endpoint} (broadcast)`, error));
        });
        call.on('end', () => {
          reject(
            new AdminError(
              `orderer ${info.endpoint} ended the broadcast stream without a status`,
              'ORDERER_REJECTED',
            ),
          );
        });
        call.write(envelope);
      }),
  );
}
