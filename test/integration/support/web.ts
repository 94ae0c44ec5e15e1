/**
 * Integration-test helpers for the web service (docs/web.md): its port for a suite (the network's
 * port base + 80 + an offset, so suites never meet a running `npm run serve`), an HTTP client with
 * an API key, and an SSE reader that stops when it has what it waits for.
 */
import { parseEventStream, type StreamMessage } from '../../../application/dashboard/src/api';
import { defaultWebPort } from '../../../application/src/web/server';

/** Debian's Chromium (test/scripts/ensure-browser.sh installs it), or `ESTP_CHROMIUM`. */
export const CHROMIUM = process.env['ESTP_CHROMIUM'] ?? '/usr/bin/chromium';

/**
 * The flags this machine's Chromium needs besides headless mode and a fresh profile: no sandbox (CI
 * runs as root), no GPU, and no network calls of its own (the machine's closed network refuses them).
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The web port of a suite: the service's default port + `offset` (1, 2, …). */
export function webPort(offset: number): number {
  return defaultWebPort() + offset;
}

/** An HTTP answer with its parsed JSON body (or text). */
export interface Answer<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  readonly text: string;
}

async function answerOf<T>(response: Response): Promise<Answer<T>> {
  const text = await response.text();
  let body: unknown = text;
  if ((response.headers.get('content-type') ?? '').startsWith('application/json')) body = JSON.parse(text);
  return { status: response.status, headers: response.headers, body: body as T, text };
}

/** The web service as one API key sees it. */
export class WebClient {
  readonly base: string;
  readonly key: string;

  constructor(base: string, key: string) {
    this.base = base;
    this.key = key;
  }

  url(path: string, params: Readonly<Record<string, string | number | boolean>> = {}): string {
    const url = new URL(path, this.base);
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, String(value));
    return url.toString();
  }

  async get<T = unknown>(
    path: string,
    params: Readonly<Record<string, string | number | boolean>> = {},
    headers: Record<string, string> = {},
  ): Promise<Answer<T>> {
    return answerOf<T>(
      await fetch(this.url(path, params), { headers: { Authorization: `Bearer ${this.key}`, ...headers } }),
    );
  }

  async post<T = unknown>(path: string, body: unknown): Promise<Answer<T>> {
    return answerOf<T>(
      await fetch(this.url(path), {
        method: 'POST',
        headers: { Authorization: `Bearer ${this.key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      }),
    );
  }

  /**
   * Reads an event stream until `enough(messages)` says so (then disconnects), the stream ends, or
   * `timeoutMs` passes (then fails).
   */
  async stream(
    path: string,
    options: {
      params?: Readonly<Record<string, string | number | boolean>>;
      headers?: Record<string, string>;
      enough: (messages: readonly StreamMessage[]) => boolean;
      timeoutMs?: number;
      /** Called once the answer's headers arrived (the stream is open). */
      onOpen?: () => Promise<void> | void;
    },
  ): Promise<StreamMessage[]> {
    const stop = new AbortController();
    const timeoutMs = options.timeoutMs ?? 60_000;
    const timeout = { passed: false };
    const timer = setTimeout(() => {
      timeout.passed = true;
      stop.abort();
    }, timeoutMs);
    const messages: StreamMessage[] = [];
    try {
      const response = await fetch(this.url(path, options.params), {
        headers: { Authorization: `Bearer ${this.key}`, Accept: 'text/event-stream', ...options.headers },
        signal: stop.signal,
      });
      if (response.status !== 200 || !response.body) {
        throw new Error(`${path}: ${response.status} ${await response.text()}`);
      }
      await options.onOpen?.();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      while (!options.enough(messages)) {
        const { value, done } = await reader.read();
        if (done) break;
        const parsed = parseEventStream(buffer + value);
        buffer = parsed.rest;
        messages.push(...parsed.messages);
      }
      stop.abort();
      return messages;
    } catch (error) {
      if (timeout.passed)
        throw new Error(`${path}: no enough events within ${timeoutMs} ms (got ${messages.length})`);
      if (stop.signal.aborted) return messages;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The ESTP event of a stream message (`data` of the default message type). */
export interface StreamEvent {
  readonly id: string;
  readonly blockNumber: number;
  readonly transactionId: string;
  readonly name: string;
  readonly payload: Record<string, unknown>;
}

export function eventsOf(messages: readonly StreamMessage[]): StreamEvent[] {
  return messages
    .filter((message) => message.event === 'message' && message.id !== undefined)
    .map((message) => ({ id: message.id ?? '', ...(JSON.parse(message.data) as Omit<StreamEvent, 'id'>) }));
}
