/** The live event stream: newest first, each event's name translated and its payload summarised. */
import { dateTime, payloadSummary } from '../format';
import { ledgerTerm } from '../i18n';
import { type ReceivedEvent, useApp } from '../state';
import { type Column, Ledger, Table } from './common';

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
