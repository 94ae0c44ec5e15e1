/**
 * The dashboard's shell: sign-in with an API key, the header (who, language, currency, live state),
 * the views behind `#/…` routes, and the live event stream that keeps them current.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ChainAnswer, EventMessage, HealthAnswer, MeAnswer } from '../../src/web/api-types';
import { Api, ApiError, fetchHealth } from './api';
import type { Currency } from './format';
import { type Language, LOCALES, type MessageKey, preferredLanguage, translator } from './i18n';
import { parseRoute, type View, VIEWS } from './route';
import { AppContext, type AppState, type LiveState, type ReceivedEvent, type Topic, topicsOf } from './state';
import { AccountView } from './views/account';
import { ChainView } from './views/chain';
import { Ledger } from './views/common';
import { ConsortiumView } from './views/consortium';
import { DisputesView } from './views/disputes';
import { LiveView } from './views/live';
import { MarketsView } from './views/markets';
import { TradesView } from './views/trades';

const KEY_STORAGE = 'estp.apiKey';
const LANGUAGE_STORAGE = 'estp.language';
const CURRENCY_STORAGE = 'estp.currency';
const MAX_EVENTS = 200;
const RECONNECT_MS = 2_000;
/** Blocks of history the live feed starts with. */
const RECENT_BLOCKS = 10;

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const changed = (): void => {
      setHash(location.hash);
    };
    addEventListener('hashchange', changed);
    return () => {
      removeEventListener('hashchange', changed);
    };
  }, []);
  return hash;
}

/** A key handed over in the URL (`#key=…`, printed by `estp serve --login`) is stored, then removed. */
function keyFromUrl(): string | undefined {
  const match = /^#key=([\w-]+)$/.exec(location.hash);
  if (!match) return undefined;
  history.replaceState(null, '', `${location.pathname}#/markets`);
  return match[1];
}

const LIVE_TEXT: Readonly<Record<LiveState, MessageKey>> = {
  live: 'live.connected',
  reconnecting: 'live.reconnecting',
  offline: 'live.offline',
};

const NO_VERSIONS: Record<Topic, number> = {
  markets: 0,
  trades: 0,
  account: 0,
  disputes: 0,
  orgs: 0,
  chain: 0,
};

/** Follows the event stream, resuming after the last event when the connection drops. */
function useLiveEvents(api: Api | undefined): {
  live: LiveState;
  events: ReceivedEvent[];
  versions: Record<Topic, number>;
} {
  const [live, setLive] = useState<LiveState>('offline');
  const [events, setEvents] = useState<ReceivedEvent[]>([]);
  const [versions, setVersions] = useState<Record<Topic, number>>(NO_VERSIONS);
  useEffect(() => {
    if (!api) return undefined;
    const stop = new AbortController();
    const stopped = (): boolean => stop.signal.aborted;
    let lastEventId: string | undefined;
    const run = async (): Promise<void> => {
      // The feed opens with the events of the last few blocks; only newer ones make views reload.
      const height = await api.get<ChainAnswer>('/api/chain').then(
        (chain) => Math.max(0, ...chain.peers.map((peer) => peer.height ?? 0)),
        () => 0,
      );
      const fromBlock = Math.max(0, height - RECENT_BLOCKS);
      while (!stopped()) {
        try {
          setLive('live');
          await api.stream('/api/events', {
            lastEventId,
            ...(lastEventId === undefined ? { params: { fromBlock } } : {}),
            signal: stop.signal,
            onMessage: (message) => {
              if (message.event !== 'message' || message.id === undefined) return;
              lastEventId = message.id;
              const event: ReceivedEvent = {
                ...(JSON.parse(message.data) as EventMessage),
                id: message.id,
                receivedAt: Date.now(),
              };
              setEvents((previous) => [event, ...previous].slice(0, MAX_EVENTS));
              if (event.blockNumber < height) return;
              setVersions((previous) => {
                const next = { ...previous };
                for (const topic of topicsOf(event.name)) next[topic] += 1;
                return next;
              });
            },
          });
        } catch (error) {
          if (stopped()) return;
          if (error instanceof ApiError && error.status === 401) {
            setLive('offline');
            return;
          }
        }
        if (stopped()) return;
        setLive('reconnecting');
        await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
      }
    };
    void run();
    return () => {
      stop.abort();
    };
  }, [api]);
  return { live, events, versions };
}

function stored<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
  const value = localStorage.getItem(name);
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function Login(props: {
  readonly t: ReturnType<typeof translator>;
  readonly error: string | undefined;
  readonly onKey: (key: string) => void;
}) {
  const [key, setKey] = useState('');
  const { t } = props;
  return (
    <main class="login">
      <h2>{t('login.title')}</h2>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          props.onKey(key.trim());
        }}
      >
        <label>
          {t('login.key')}
          <input
            type="password"
            name="key"
            autocomplete="off"
            value={key}
            onInput={(event) => {
              setKey((event.target as HTMLInputElement).value);
            }}
          />
        </label>
        <button type="submit">{t('login.submit')}</button>
      </form>
      {props.error !== undefined && (
        <p class="error" role="alert">
          {t('login.failed', { message: props.error })}
        </p>
      )}
      <p class="note">{t('login.help')}</p>
    </main>
  );
}

export function App() {
  const [language, setLanguage] = useState<Language>(() =>
    stored(LANGUAGE_STORAGE, ['en', 'zh'], preferredLanguage(navigator.languages)),
  );
  const [currency, setCurrency] = useState<Currency>(() => stored(CURRENCY_STORAGE, ['EUR', 'CNY'], 'EUR'));
  const [key, setKey] = useState<string | null>(() => keyFromUrl() ?? localStorage.getItem(KEY_STORAGE));
  const [session, setSession] = useState<{ api: Api; me: MeAnswer; health: HealthAnswer } | undefined>();
  const [loginError, setLoginError] = useState<string | undefined>();
  const hash = useHash();
  const t = useMemo(() => translator(language), [language]);
  const locale = LOCALES[language];

  useEffect(() => {
    document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
    document.title = t('app.title');
    localStorage.setItem(LANGUAGE_STORAGE, language);
  }, [language, t]);
  useEffect(() => {
    localStorage.setItem(CURRENCY_STORAGE, currency);
  }, [currency]);

  useEffect(() => {
    if (key === null) return;
    const api = new Api(key);
    Promise.all([api.get<MeAnswer>('/api/me'), fetchHealth()]).then(
      ([me, health]) => {
        localStorage.setItem(KEY_STORAGE, key);
        setLoginError(undefined);
        setSession({ api, me, health });
      },
      (error: unknown) => {
        localStorage.removeItem(KEY_STORAGE);
        setLoginError(error instanceof Error ? error.message : String(error));
        setKey(null);
      },
    );
  }, [key]);

  const { live, events, versions } = useLiveEvents(session?.api);
  const signOut = (): void => {
    localStorage.removeItem(KEY_STORAGE);
    setSession(undefined);
    setKey(null);
  };

  const switches = (
    <div class="switches">
      <div class="segmented" role="group" aria-label={t('lang.label')}>
        <button
          type="button"
          lang="en"
          aria-pressed={language === 'en'}
          onClick={() => {
            setLanguage('en');
          }}
          data-language="en"
        >
          EN
        </button>
        <button
          type="button"
          lang="zh-CN"
          aria-pressed={language === 'zh'}
          onClick={() => {
            setLanguage('zh');
          }}
          data-language="zh"
        >
          中文
        </button>
      </div>
      <div class="segmented" role="group" aria-label={t('currency.label')}>
        {(['EUR', 'CNY'] as const).map((code) => (
          <button
            type="button"
            aria-pressed={currency === code}
            onClick={() => {
              setCurrency(code);
            }}
            data-currency={code}
          >
            {code === 'EUR' ? '€ EUR' : '¥ CNY'}
          </button>
        ))}
      </div>
    </div>
  );
  const header = (
    <header>
      <div class="brand">
        <h1>{t('app.title')}</h1>
        <p>{t('app.subtitle')}</p>
      </div>
      {switches}
    </header>
  );

  if (!session) {
    return (
      <>
        {header}
        {key === null ? (
          <Login t={t} error={loginError} onKey={setKey} />
        ) : (
          <p class="loading">{t('common.loading')}</p>
        )}
      </>
    );
  }

  const state: AppState = {
    ...session,
    language,
    locale,
    t,
    currency,
    money: { currency, locale, display: session.health.display },
    live,
    events,
    versions,
  };
  const route = parseRoute(hash);
  const navKey = (view: View): MessageKey => `nav.${view}` as MessageKey;
  return (
    <AppContext.Provider value={state}>
      {header}
      <div class="whoami">
        <span>{t('me.signedInAs')}</span>
        <Ledger>{session.me.participantId}</Ledger>
        {session.me.key.readOnly && <span class="badge">{t('me.readOnly')}</span>}
        <span class={`live live-${live}`} data-live={live}>
          {t(LIVE_TEXT[live])}
        </span>
        <button type="button" class="link" onClick={signOut}>
          {t('login.signOut')}
        </button>
      </div>
      <nav>
        {VIEWS.map((view) => (
          <a href={`#/${view}`} aria-current={route.view === view ? 'page' : undefined} data-view={view}>
            {t(navKey(view))}
          </a>
        ))}
      </nav>
      <main>
        {route.view === 'markets' && <MarketsView marketId={route.id} />}
        {route.view === 'trades' && <TradesView />}
        {route.view === 'account' && <AccountView />}
        {route.view === 'disputes' && <DisputesView />}
        {route.view === 'consortium' && <ConsortiumView />}
        {route.view === 'chain' && <ChainView />}
        {route.view === 'live' && <LiveView />}
      </main>
      <footer>
        <p class="note">
          {t('money.note', {
            rate: session.health.display.cnyPerEur,
            source: session.health.display.rateSource ?? t('money.illustrative'),
          })}
        </p>
        <p>
          <a href="/api/docs">{t('footer.api')}</a> ·{' '}
          <Ledger>{`${session.health.org.mspId} · ${session.health.channel}`}</Ledger>
        </p>
      </footer>
    </AppContext.Provider>
  );
}
