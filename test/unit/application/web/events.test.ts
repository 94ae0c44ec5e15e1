/** Where an event stream starts, and the SSE framing. */
import { sseMessage, streamStart } from '../../../../application/src/web/events';
import { WebError } from '../../../../application/src/web/http';

const txId = 'ab'.repeat(32);

test('Last-Event-ID <block>:<txId> resumes after that event; it wins over fromBlock', () => {
  expect(streamStart(`12:${txId}`, '3')).toEqual({ after: { block: 12n, transactionId: txId } });
});

test('without a Last-Event-ID, fromBlock starts at a block, else the stream is live', () => {
  expect(streamStart(undefined, '7')).toEqual({ fromBlock: 7n });
  expect(streamStart('', null)).toEqual({ live: true });
});

test.each([['12'], [`x:${txId}`], ['12:abc']])('Last-Event-ID %s is a 400', (id) => {
  expect(() => streamStart(id, null)).toThrow(WebError);
});

test('a bad fromBlock is a 400', () => {
  expect(() => streamStart(undefined, '-1')).toThrow(/fromBlock must be a block number/);
});

test('an SSE message has id, event and one data line per line', () => {
  expect(sseMessage({ id: '1:a', event: 'progress', data: 'one\ntwo' })).toBe(
    'id: 1:a\nevent: progress\ndata: one\ndata: two\n\n',
  );
  expect(sseMessage({ data: '{}' })).toBe('data: {}\n\n');
});
