/**
 * The demo's narration: numbered steps with the elapsed time, indented detail lines and tables.
 * Units as people read them: money in euros (the ledger counts integer cents), energy in kWh (the
 * ledger counts Wh), prices in cents per kWh.
 */
import { formatTable } from '../cli/table';

/** `12345` cents → `€123.45`. */
export function euros(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100).toLocaleString('en-GB');
  return `${sign}€${whole}.${String(abs % 100).padStart(2, '0')}`;
}

/** `25000` Wh → `25.0 kWh`. */
export function kwh(wh: number): string {
  return `${(wh / 1000).toLocaleString('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 3 })} kWh`;
}

/** `20` → `20 c/kWh`. */
export function centsPerKwh(price: number | undefined): string {
  return price === undefined ? '—' : `${price} c/kWh`;
}

/** Where the narration goes (stdout by default; tests capture it). */
export type Sink = (line: string) => void;

export class Printer {
  readonly #sink: Sink;
  readonly #started: number;
  #step = 0;

  constructor(sink: Sink = (line) => process.stdout.write(`${line}\n`), started = Date.now()) {
    this.#sink = sink;
    this.#started = started;
  }

  /** Seconds since the start, e.g. `  4.2s`. */
  elapsed(): string {
    return `${((Date.now() - this.#started) / 1000).toFixed(1).padStart(5)}s`;
  }

  /** Milliseconds since the start. */
  elapsedMs(): number {
    return Date.now() - this.#started;
  }

  /** A numbered step: `[ 3] 12.4s  Opening the markets`. */
  step(title: string): void {
    this.#step += 1;
    this.#sink('');
    this.#sink(`[${String(this.#step).padStart(2)}] ${this.elapsed()}  ${title}`);
  }

  /** A detail line of the current step. */
  line(text: string): void {
    this.#sink(`        ${text}`);
  }

  /** A table, indented under the current step; cells longer than `maxCellWidth` are cut. */
  table(rows: readonly Record<string, unknown>[], columns?: readonly string[], maxCellWidth = 48): void {
    const text = formatTable(rows, { maxCellWidth, ...(columns ? { columns } : {}) });
    for (const row of text.split('\n')) this.#sink(`        ${row}`);
  }

  /** Free text, not indented (banners, the closing notes). */
  raw(text = ''): void {
    for (const row of text.split('\n')) this.#sink(row);
  }
}
