/**
 * The dashboard's pieces that do not need a browser: the SSE parser (messages split across
 * chunks), the topics events reload, the step curves' geometry and the routes.
 */
import { parseEventStream } from '../../../application/dashboard/src/api';
import { stepPoints, ticks } from '../../../application/dashboard/src/geometry';
import { parseRoute } from '../../../application/dashboard/src/route';
import { topicsOf } from '../../../application/dashboard/src/topics';
import { EventName } from '../../../chaincode/src/lib/events';

test('SSE text becomes messages; an unfinished one waits for the next chunk; comments are skipped', () => {
  const first = parseEventStream('retry: 2000\n: hello\n\nid: 3:aa\ndata: {"a":1}\n\nid: 4:bb\nda');
  expect(first.messages).toEqual([{ id: '3:aa', event: 'message', data: '{"a":1}' }]);

  const second = parseEventStream(`${first.rest}ta: {"b":2}\n\nevent: progress\ndata: x\ndata: y\n\n`);
  expect(second.messages).toEqual([
    { id: '4:bb', event: 'message', data: '{"b":2}' },
    { id: undefined, event: 'progress', data: 'x\ny' },
  ]);
  expect(second.rest).toBe('');
});

test('every event reloads chain health and at least one other view', () => {
  for (const name of Object.values(EventName)) {
    const topics = topicsOf(name);
    expect({ name, chain: topics.includes('chain'), more: topics.length > 1 }).toEqual({
      name,
      chain: true,
      more: true,
    });
  }
  expect(topicsOf('estp.trade.settled')).toEqual(expect.arrayContaining(['trades', 'account']));
});

test('a demand curve steps down to zero after its last bid, a supply curve up to the top', () => {
  const bids = [
    { price: 30, quantityWh: 30, offers: 1, cumulativeWh: 30 },
    { price: 22, quantityWh: 40, offers: 1, cumulativeWh: 70 },
  ];
  expect(stepPoints(bids, 'down', 99)).toEqual([
    [0, 30],
    [30, 30],
    [30, 22],
    [70, 22],
    [70, 0],
  ]);
  expect(stepPoints([{ price: 18, quantityWh: 60, offers: 1, cumulativeWh: 60 }], 'up', 99)).toEqual([
    [0, 18],
    [60, 18],
    [60, 99],
  ]);
  expect(stepPoints([], 'down', 1)).toEqual([]);
});

test('axis ticks are round numbers from zero', () => {
  expect(ticks(100_000)).toEqual([0, 50_000, 100_000]);
  expect(ticks(30)).toEqual([0, 10, 20, 30]);
  expect(ticks(0)).toEqual([0]);
});

test('routes: a view, a market by its encoded ID, anything else the markets', () => {
  expect(parseRoute('#/trades')).toEqual({ view: 'trades', id: undefined });
  expect(parseRoute(`#/markets/${encodeURIComponent('D1-ELEC/x')}`)).toEqual({
    view: 'markets',
    id: 'D1-ELEC/x',
  });
  expect(parseRoute('#/nowhere')).toEqual({ view: 'markets', id: undefined });
  expect(parseRoute('#/markets/%E0%A4%A')).toEqual({ view: 'markets', id: '%E0%A4%A' });
});
