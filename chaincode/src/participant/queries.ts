import type { Context } from 'fabric-contract-api';
import { callerOf } from '../lib/caller';
import { RecordType } from '../lib/keys';
import { type Page, listByIndex, listRecords, pageFields } from '../lib/pagination';
import { type InputOf, result, transaction } from '../lib/declaration';
import { mspId, participantId } from '../lib/fields';
import { oneOf } from '../lib/validate';
import {
  MSP_STATUS_INDEX,
  PARTICIPANT_STATUSES,
  STATUS_INDEX,
  type Participant,
  getParticipant,
} from './model';

export const Get = transaction({
  contract: 'Participant',
  name: 'Get',
  kind: 'evaluate',
  summary: 'One participant, for any caller of the channel.',
  input: { id: participantId().describe('the participant <mspId>:<enrollmentId>') },
  output: result<Participant>('the participant record'),
  errors: { ESTP_NOT_FOUND: '' },
  example: { id: 'CommunityMSP:member1' },
});

export const Self = transaction({
  contract: 'Participant',
  name: 'Self',
  kind: 'evaluate',
  summary: "The caller's own participant record.",
  input: {},
  output: result<Participant>("the caller's participant record"),
  errors: { ESTP_NOT_FOUND: 'when the caller has not registered' },
  example: {},
});

export const List = transaction({
  contract: 'Participant',
  name: 'List',
  kind: 'evaluate',
  summary: 'Participants, optionally of one org and/or in one status.',
  input: {
    mspId: mspId().orUndefined().describe('only participants of this org'),
    status: oneOf(PARTICIPANT_STATUSES).orUndefined().describe('only participants in this status'),
    ...pageFields,
  },
  output: result<Page<Participant>>('one page of participants'),
  errors: {},
  example: { mspId: 'CommunityMSP', status: 'PENDING' },
});

/**
 * One participant.
 * @throws {NotFoundError}
 */
export function get(ctx: Context, request: InputOf<typeof Get>): Promise<Participant> {
  return getParticipant(ctx, request.id);
}

/**
 * The caller's own participant record.
 * @throws {NotFoundError} when the caller has not registered.
 */
export function self(ctx: Context, _request: InputOf<typeof Self>): Promise<Participant> {
  return getParticipant(ctx, callerOf(ctx).participantId);
}

/**
 * Participants, optionally of one org and/or in one status, one page at a time. Without filters in
 * participant ID order; with `mspId` ordered by status then ID; with `status` by ID.
 */
export function list(ctx: Context, request: InputOf<typeof List>): Promise<Page<Participant>> {
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
