/** Which views an event makes stale: topics the dashboard's views reload on. */

/** What the views reload on. */
export type Topic = 'markets' | 'trades' | 'account' | 'disputes' | 'orgs' | 'chain';

/** The topics an event touches, from its name (`estp.offer.posted` → markets). */
export function topicsOf(eventName: string): Topic[] {
  const [, family = ''] = eventName.split('.');
  const topics: Topic[] = ['chain'];
  switch (family) {
    case 'market':
      topics.push('markets', 'trades');
      break;
    case 'offer':
      topics.push('markets', 'account', ...(eventName.endsWith('.accepted') ? (['trades'] as const) : []));
      break;
    case 'trade':
      topics.push('trades', 'markets', 'account');
      break;
    case 'account':
    case 'certificates':
    case 'savings':
      topics.push('account', 'trades');
      break;
    case 'dispute':
      topics.push('disputes', 'trades');
      break;
    case 'consortium':
    case 'organisation':
      topics.push('orgs');
      break;
    case 'participant':
      topics.push('account');
      break;
  }
  return topics;
}
