/**
 * Chain health and audit: the channel's height on every org's peer, the last verification (and a
 * new one with live progress), search by transaction or record ID, and the ledger report download.
 */
import { useState } from 'preact/hooks';
import type {
  ChainAnswer,
  PeerHealth,
  SearchAnswer,
  VerifyProgress,
  VerifySummary,
} from '../../../src/web/api-types';
import { ApiError } from '../api';
import { dateTime } from '../format';
import { useApp, useLedger } from '../state';
import { type Column, Ledger, LoadState, Table } from './common';

function VerifyLine(props: { readonly summary: VerifySummary }) {
  const { t } = useApp();
  const { summary } = props;
  const values = {
    from: summary.from ?? '—',
    to: summary.to ?? '—',
    blocks: summary.blocks,
    transactions: summary.transactions,
    breaks: summary.breaks,
    seconds: (summary.elapsedMs / 1000).toFixed(1),
    by: summary.by,
  };
  return (
    <p class={summary.ok ? 'ok' : 'error'} data-verify={summary.ok ? 'ok' : 'broken'}>
      {summary.ok ? t('chain.verifyOk', values) : t('chain.verifyBroken', values)}
    </p>
  );
}

function Verify(props: { readonly onDone: () => void }) {
  const { api, t } = useApp();
  const [progress, setProgress] = useState<VerifyProgress | undefined>();
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const start = async (): Promise<void> => {
    setRunning(true);
    setError(undefined);
    setProgress(undefined);
    try {
      await api.stream('/api/audit/verify', {
        signal: new AbortController().signal,
        onMessage: (message) => {
          if (message.event === 'progress') setProgress(JSON.parse(message.data) as VerifyProgress);
          if (message.event === 'error')
            setError((JSON.parse(message.data) as { error: { message: string } }).error.message);
        },
      });
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : String(failure));
    } finally {
      setRunning(false);
      props.onDone();
    }
  };
  return (
    <div class="verify">
      <button type="button" disabled={running} onClick={() => void start()}>
        {t('chain.verify')}
      </button>
      {running && progress && (
        <p class="loading">{t('chain.verifying', { blocks: progress.blocks, block: progress.block })}</p>
      )}
      {error !== undefined && (
        <p class="error" role="alert">
          {t('common.error', { message: error })}
        </p>
      )}
    </div>
  );
}

function Search() {
  const { api, t, locale } = useApp();
  const [query, setQuery] = useState('');
  const [answer, setAnswer] = useState<SearchAnswer | undefined>();
  const [error, setError] = useState<string | undefined>();
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setError(undefined);
    try {
      setAnswer(await api.get<SearchAnswer>('/api/search', { q: query.trim() }));
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };
  return (
    <div class="search">
      <h3>{t('audit.search')}</h3>
      <form onSubmit={(event) => void submit(event)}>
        <input
          type="search"
          value={query}
          placeholder={t('audit.searchHelp')}
          aria-label={t('audit.searchHelp')}
          onInput={(event) => {
            setQuery((event.target as HTMLInputElement).value);
          }}
        />
        <button type="submit">{t('audit.search')}</button>
      </form>
      {error !== undefined && <p class="error">{t('common.error', { message: error })}</p>}
      {answer && answer.transaction === null && answer.records.length === 0 && (
        <p class="empty">{t('audit.searchNone')}</p>
      )}
      {answer?.transaction && (
        <dl class="figures">
          <div class="figure">
            <dt>{t('audit.transaction')}</dt>
            <dd>
              <Ledger>{answer.transaction.txId}</Ledger>
            </dd>
          </div>
          <div class="figure">
            <dt>{t('audit.block')}</dt>
            <dd>{answer.transaction.blockNumber}</dd>
          </div>
          <div class="figure">
            <dt>{t('audit.function')}</dt>
            <dd>
              <Ledger>{answer.transaction.function}</Ledger>
            </dd>
          </div>
          <div class="figure">
            <dt>{t('audit.creator')}</dt>
            <dd>
              <Ledger>{answer.transaction.creator}</Ledger>
            </dd>
          </div>
          <div class="figure">
            <dt>{t('audit.validation')}</dt>
            <dd>
              <Ledger>{answer.transaction.validationCode}</Ledger> ·{' '}
              {dateTime(answer.transaction.timestamp, locale)}
            </dd>
          </div>
        </dl>
      )}
      {answer?.records.map((hit) => (
        <details open>
          <summary>
            {t('audit.record')}: <Ledger>{`${hit.type} ${hit.id}`}</Ledger>
          </summary>
          <pre class="ledger" data-ledger="">
            {JSON.stringify(hit.record, null, 2)}
          </pre>
        </details>
      ))}
    </div>
  );
}

function Report() {
  const { api, t } = useApp();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [error, setError] = useState<string | undefined>();
  const download = async (): Promise<void> => {
    setError(undefined);
    try {
      const blob = await api.download('/api/audit/report', {
        format: 'csv',
        from: from || undefined,
        to: to || undefined,
      });
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = `estp-report-${from || 'start'}-${to || 'now'}.csv`;
      link.click();
      setTimeout(() => {
        URL.revokeObjectURL(link.href);
      }, 10_000);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };
  return (
    <div class="report">
      <h3>{t('audit.report')}</h3>
      <p class="note">{t('audit.reportHelp')}</p>
      <div class="row">
        <label>
          {t('audit.from')}{' '}
          <input
            type="date"
            value={from}
            onInput={(event) => {
              setFrom((event.target as HTMLInputElement).value);
            }}
          />
        </label>
        <label>
          {t('audit.to')}{' '}
          <input
            type="date"
            value={to}
            onInput={(event) => {
              setTo((event.target as HTMLInputElement).value);
            }}
          />
        </label>
        <button type="button" onClick={() => void download()}>
          {t('audit.download')}
        </button>
      </div>
      {error !== undefined && <p class="error">{t('common.error', { message: error })}</p>}
    </div>
  );
}

export function ChainView() {
  const { api, t } = useApp();
  const [verifications, setVerifications] = useState(0);
  const loaded = useLedger(['chain'], () => api.get<ChainAnswer>('/api/chain'), [verifications]);
  const columns: Column<PeerHealth>[] = [
    { title: t('col.org'), cell: (peer) => <Ledger>{peer.mspId}</Ledger> },
    { title: t('col.peer'), cell: (peer) => <Ledger>{peer.peer}</Ledger> },
    {
      title: t('col.height'),
      cell: (peer) =>
        peer.height === undefined ? (
          <span class="error" title={peer.error}>
            {t('chain.unreachable')}
          </span>
        ) : (
          peer.height
        ),
      numeric: true,
    },
  ];
  return (
    <section aria-labelledby="chain-title">
      <h2 id="chain-title">{t('chain.title')}</h2>
      <LoadState loaded={loaded}>
        {(chain) => (
          <>
            <p class="note">{t('chain.channel', { channel: chain.channel })}</p>
            <Table
              rows={chain.peers}
              columns={columns}
              rowId={(peer) => peer.mspId}
              label={t('chain.title')}
              empty="—"
            />
            <h3>{t('chain.lastVerify')}</h3>
            {chain.lastVerify === null ? (
              <p class="empty">{t('chain.neverVerified')}</p>
            ) : (
              <VerifyLine summary={chain.lastVerify} />
            )}
          </>
        )}
      </LoadState>
      <Verify
        onDone={() => {
          setVerifications((count) => count + 1);
        }}
      />
      <Search />
      <Report />
    </section>
  );
}
