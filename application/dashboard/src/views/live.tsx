/** The live event stream: newest first, each event's name translated and its payload summarised. */
import { dateTime } from '../format';
import { ledgerTerm } from '../i18n';
import { type ReceivedEvent, useApp } from '../state';
import { type Column, Ledger, Table } from './common';

/** `offerId=O-1 side=BUY …`: the payload's top-level fields. */
export function payloadSummary(payload: unknown): string {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
    return JSON.stringify(payload);
  return Object.entries(payload)
    .map(([key, value]) => `${key}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join(' ');
}

export function LiveView() {
  const { t, events, locale } = useApp();
  const columns: Column<ReceivedEvent>[] = [
    { title: t('col.block'), cell: (event) => event.blockNumber, numeric: true },
    { title: t('col.time'), cell: (event) => dateTime(event.receivedAt, locale) },
    {
      title: t('col.event'),
      cell: (event) => <span data-event={event.name}>{ledgerTerm(t, 'event', event.name)}</span>,
    },
    { title: t('col.details'), cell: (event) => <Ledger>{payloadSummary(event.payload)}</Ledger> },
  ];
  return (
    <section aria-labelledby="live-title">
      <h2 id="live-title">{t('live.title')}</h2>
      <Table
        rows={events}
        columns={columns}
        rowId={(event) => event.id}
        label={t('live.title')}
        empty={t('live.empty')}
      />
    </section>
  );
}
