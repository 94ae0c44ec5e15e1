import type { Context } from 'fabric-contract-api';
import { callerOf } from '../lib/caller';
import { RecordType } from '../lib/keys';
import { type Page, listByIndex, listRecords, pageFields } from '../lib/pagination';
import { input, oneOf } from '../lib/validate';
import { mspIdField } from '../consortium/model';
import {
  MSP_STATUS_INDEX,
  PARTICIPANT_STATUSES,
  STATUS_INDEX,
  type Participant,
  getParticipant,
  participantIdField,
} from './model';

export const GetInput = input({ id: participantIdField() });
export const SelfInput = input({});
export const ListInput = input({
  mspId: mspIdField().orUndefined(),
  status: oneOf(PARTICIPANT_STATUSES).orUndefined(),
  ...pageFields,
});

/**
 * One participant.
 * @throws {NotFoundError}
 */
export function get(ctx: Context, request: ReturnType<typeof GetInput.parse>): Promise<Participant> {
  return getParticipant(ctx, request.id);
}

/**
 * The caller's own participant record.
 * @throws {NotFoundError} when the caller has not registered.
 */
export function self(ctx: Context, _request: ReturnType<typeof SelfInput.parse>): Promise<Participant> {
  return getParticipant(ctx, callerOf(ctx).participantId);
}

/**
 * Participants, optionally of one org and/or in one status, one page at a time. Without filters in
 * participant ID order; with `mspId` ordered by status then ID; with `status` by ID.
 */
export function list(ctx: Context, request: ReturnType<typeof ListInput.parse>): Promise<Page<Participant>> {
  const { mspId, status, pageSize, bookmark } = request;
  if (mspId !== undefined) {
    const prefix = status === undefined ? [mspId] : [mspId, status];
    return listByIndex<Participant>(
      ctx,
      MSP_STATUS_INDEX,
      prefix,
      RecordType.Participant,
      pageSize,
      bookmark,
    );
  }
  if (status !== undefined) {
    return listByIndex<Participant>(ctx, STATUS_INDEX, [status], RecordType.Participant, pageSize, bookmark);
  }
  return listRecords<Participant>(ctx, RecordType.Participant, pageSize, bookmark);
}
