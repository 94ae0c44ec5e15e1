/** The geometry of the supply and demand curves (views/curves.tsx), as pure functions. */
import type { BookLevel } from '../../src/web/api-types';

/** The step points of one side: flat at each level's price up to its cumulative quantity. */
export function stepPoints(
  levels: readonly BookLevel[],
  end: 'down' | 'up',
  top: number,
): [number, number][] {
  const first = levels[0];
  if (!first) return [];
  const points: [number, number][] = [[0, first.price]];
  levels.forEach((level, index) => {
    points.push([level.cumulativeWh, level.price]);
    const next = levels[index + 1];
    points.push([level.cumulativeWh, next ? next.price : end === 'down' ? 0 : top]);
  });
  return points;
}

/** Round tick values from 0 to `max` (about `count` of them). */
export function ticks(max: number, count = 4): number[] {
  if (max <= 0) return [0];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= raw) ?? raw;
  const values: number[] = [];
  for (let value = 0; value <= max + step / 1000; value += step) values.push(Math.round(value));
  return values;
}
