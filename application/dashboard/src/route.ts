/** The dashboard's routes: `#/<view>` and `#/markets/<market ID>`. */

/** The views, by the first segment of the `#/…` route. */
export const VIEWS = ['markets', 'trades', 'account', 'disputes', 'consortium', 'chain', 'live'] as const;
export type View = (typeof VIEWS)[number];

/** `#/markets/<id>` → the view and the rest. */
export function parseRoute(hash: string): { view: View; id: string | undefined } {
  const [first = '', ...rest] = hash.replace(/^#\/?/, '').split('/');
  const view = (VIEWS as readonly string[]).includes(first) ? (first as View) : 'markets';
  if (rest.length === 0) return { view, id: undefined };
  try {
    return { view, id: decodeURIComponent(rest.join('/')) };
  } catch {
    return { view, id: rest.join('/') };
  }
}
