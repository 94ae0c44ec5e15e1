/**
 * What every view of the dashboard shares (one Preact context): the signed-in session, the
 * language and currency, and the live event stream's state — counters per topic that views watch
 * to reload when the ledger changed under them.
 */
import { createContext } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { EventMessage, HealthAnswer, MeAnswer } from '../../src/web/api-types';
import type { Api } from './api';
import type { Currency, MoneyFormat } from './format';
import type { Language, Translate } from './i18n';
import type { Topic } from './topics';

export { type Topic, topicsOf } from './topics';

export type LiveState = 'live' | 'reconnecting' | 'offline';

/** A received event, with when it arrived. */
export interface ReceivedEvent extends EventMessage {
  readonly id: string;
  readonly receivedAt: number;
}

export interface AppState {
  readonly api: Api;
  readonly me: MeAnswer;
  readonly health: HealthAnswer;
  readonly language: Language;
  readonly locale: string;
  readonly t: Translate;
  readonly currency: Currency;
  readonly money: MoneyFormat;
  readonly live: LiveState;
  readonly events: readonly ReceivedEvent[];
  readonly versions: Readonly<Record<Topic, number>>;
}

export const AppContext = createContext<AppState | undefined>(undefined);

/** The app state (inside the signed-in app). */
export function useApp(): AppState {
  const state = useContext(AppContext);
  if (!state) throw new Error('useApp outside the app');
  return state;
}

/** The outcome of a load. */
export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: string | undefined;
  readonly loading: boolean;
}

/**
 * Loads data and loads it again when `deps` change or an event touches one of `topics` (at most
 * once per 400 ms while events pour in). The data shown stays until the new data arrives.
 */
export function useLedger<T>(
  topics: readonly Topic[],
  load: () => Promise<T>,
  deps: readonly unknown[],
): Loaded<T> {
  const { versions } = useApp();
  const version = topics.map((topic) => versions[topic]).join('.');
  const [state, setState] = useState<Loaded<T>>({ data: undefined, error: undefined, loading: true });
  const loadRef = useRef(load);
  loadRef.current = load;
  const depsKey = JSON.stringify(deps);
  const shownKey = useRef<string | undefined>(undefined);
  useEffect(() => {
    let cancelled = false;
    const run = (): void => {
      setState((previous) => ({ ...previous, loading: true }));
      loadRef.current().then(
        (data) => {
          if (!cancelled) setState({ data, error: undefined, loading: false });
        },
        (error: unknown) => {
          if (!cancelled)
            setState((previous) => ({
              ...previous,
              error: error instanceof Error ? error.message : String(error),
              loading: false,
            }));
        },
      );
    };
    // Something else to show loads at once (without the old data); an event's reload waits a
    // moment for the events that follow it.
    const sameView = shownKey.current === depsKey;
    if (!sameView) setState({ data: undefined, error: undefined, loading: true });
    const delay = sameView ? 400 : 0;
    shownKey.current = depsKey;
    const timer = setTimeout(run, delay);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [version, depsKey]);
  return state;
}
