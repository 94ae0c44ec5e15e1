/** Building blocks the views share: tables that scroll on narrow screens, badges, load states. */
import type { ComponentChildren } from 'preact';
import { ledgerTerm } from '../i18n';
import { type Loaded, useApp } from '../state';

/** A column of a {@link Table}. */
export interface Column<Row> {
  readonly title: string;
  readonly cell: (row: Row) => ComponentChildren;
  /** Right-aligned numbers. */
  readonly numeric?: boolean;
}

/** A table; rows carry `data-id` so tests and links find them. */
export function Table<Row>(props: {
  readonly rows: readonly Row[];
  readonly columns: readonly Column<Row>[];
  readonly rowId: (row: Row) => string;
  readonly label: string;
  readonly empty: string;
}) {
  if (props.rows.length === 0) return <p class="empty">{props.empty}</p>;
  return (
    <div class="table-scroll" role="region" aria-label={props.label} tabIndex={0}>
      <table>
        <thead>
          <tr>
            {props.columns.map((column) => (
              <th class={column.numeric ? 'num' : undefined}>{column.title}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr data-id={props.rowId(row)}>
              {props.columns.map((column) => (
                <td class={column.numeric ? 'num' : undefined}>{column.cell(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Ledger data shown as recorded (IDs, names, claims): never translated. */
export function Ledger(props: { readonly children: ComponentChildren; readonly title?: string }) {
  return (
    <span class="ledger" data-ledger="" title={props.title}>
      {props.children}
    </span>
  );
}

/** A status from the ledger, translated, with its own colour. */
export function Status(props: { readonly value: string }) {
  const { t } = useApp();
  return (
    <span class={`status status-${props.value.toLowerCase()}`}>{ledgerTerm(t, 'status', props.value)}</span>
  );
}

/** Loading and error lines around loaded content. */
export function LoadState<T>(props: {
  readonly loaded: Loaded<T>;
  readonly children: (data: T) => ComponentChildren;
}) {
  const { t } = useApp();
  const { data, error, loading } = props.loaded;
  return (
    <>
      {error !== undefined && (
        <p class="error" role="alert">
          {t('common.error', { message: error })}
        </p>
      )}
      {data === undefined ? loading && <p class="loading">{t('common.loading')}</p> : props.children(data)}
    </>
  );
}

/** A labelled figure of a summary card. */
export function Figure(props: {
  readonly label: string;
  readonly value: ComponentChildren;
  readonly name?: string;
}) {
  return (
    <div class="figure" data-figure={props.name}>
      <dt>{props.label}</dt>
      <dd>{props.value}</dd>
    </div>
  );
}

/** `Page` of a list query. */
export interface Page<T> {
  readonly records: readonly T[];
  readonly bookmark: string;
}
