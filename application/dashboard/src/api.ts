/**
 * The dashboard's client of the web service: JSON over fetch with the API key, and event streams
 * read with fetch too (EventSource cannot send the key in a header), resumed from the last event's
 * ID after a lost connection.
 */
import type { ErrorAnswer, HealthAnswer } from '../../src/web/api-types';

/** A failed request, with the service's error code. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

async function failure(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as ErrorAnswer;
    return new ApiError(response.status, body.error.code, body.error.message);
  } catch {
    return new ApiError(response.status, `HTTP_${response.status}`, response.statusText);
  }
}

/** Query parameters; undefined values are left out. */
export type Params = Readonly<Record<string, string | number | boolean | undefined>>;

function withParams(path: string, params: Params): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query.set(name, String(value));
  const text = query.toString();
  return text === '' ? path : `${path}?${text}`;
}

/** `GET /api/health` (no key needed). */
export async function fetchHealth(): Promise<HealthAnswer> {
  const response = await fetch('/api/health');
  if (!response.ok) throw await failure(response);
  return (await response.json()) as HealthAnswer;
}

/** One Server-Sent Event. */
export interface StreamMessage {
  readonly id: string | undefined;
  readonly event: string;
  readonly data: string;
}

/**
 * Splits SSE text into messages; returns them and the unfinished rest. Comments (`: …`) and
 * `retry:` lines are skipped.
 */
export function parseEventStream(text: string): { messages: StreamMessage[]; rest: string } {
  const messages: StreamMessage[] = [];
  const blocks = text.replace(/\r\n?/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let id: string | undefined;
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length > 0) messages.push({ id, event, data: data.join('\n') });
  }
  return { messages, rest };
}

/** The web service as one API key sees it. */
export class Api {
  readonly #key: string;

  constructor(key: string) {
    this.#key = key;
  }

  #headers(extra: Record<string, string> = {}): Record<string, string> {
    return { Authorization: `Bearer ${this.#key}`, ...extra };
  }

  /** GET a JSON answer. @throws {ApiError} */
  async get<T>(path: string, params: Params = {}): Promise<T> {
    const response = await fetch(withParams(path, params), { headers: this.#headers() });
    if (!response.ok) throw await failure(response);
    return (await response.json()) as T;
  }

  /** GET a file (e.g. a CSV report). @throws {ApiError} */
  async download(path: string, params: Params = {}): Promise<Blob> {
    const response = await fetch(withParams(path, params), { headers: this.#headers() });
    if (!response.ok) throw await failure(response);
    return response.blob();
  }

  /**
   * Reads an event stream until it ends, `signal` aborts, or the connection fails (throws).
   * `lastEventId` resumes after that event.
   */
  async stream(
    path: string,
    options: {
      params?: Params;
      lastEventId?: string | undefined;
      signal: AbortSignal;
      onMessage: (message: StreamMessage) => void;
    },
  ): Promise<void> {
    const headers = this.#headers({ Accept: 'text/event-stream' });
    if (options.lastEventId !== undefined) headers['Last-Event-ID'] = options.lastEventId;
    const response = await fetch(withParams(path, options.params ?? {}), { headers, signal: options.signal });
    if (!response.ok || !response.body) throw await failure(response);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      const { messages, rest } = parseEventStream(buffer + value);
      buffer = rest;
      for (const message of messages) options.onMessage(message);
    }
  }
}
