/** One server-sent event. */
export interface SseEvent {
  event: string;
  data: string;
  id: string | null;
}

/**
 * An incremental parser of `text/event-stream` (the HTML standard's rules): lines end in CRLF, LF or CR, which
 * may be split across chunks; `data:` lines join with LF; a blank line dispatches; `:` lines are comments; an
 * event without data is dropped; one leading space after the colon is removed.
 */
export class SseParser {
  private buffer = '';
  private pendingCr = false;
  private eventName = '';
  private data: string[] = [];
  private lastId: string | null = null;
  /** The reconnection delay the server last asked for, in milliseconds. */
  retryMs: number | null = null;

  /** Feeds a chunk of text and returns the events it completed. */
  push(chunk: string): SseEvent[] {
    const events: SseEvent[] = [];
    let text = chunk;
    if (this.pendingCr && text.startsWith('\n')) {
      text = text.slice(1);
    }
    this.pendingCr = false;
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (c !== '\n' && c !== '\r') {
        continue;
      }
      const line = this.buffer.slice(start, i);
      if (c === '\r') {
        if (i + 1 === this.buffer.length) {
          this.pendingCr = true;
        } else if (this.buffer[i + 1] === '\n') {
          i++;
        }
      }
      start = i + 1;
      const event = this.line(line);
      if (event) {
        events.push(event);
      }
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  private line(line: string): SseEvent | null {
    if (line.length === 0) {
      if (this.data.length === 0) {
        this.eventName = '';
        return null;
      }
      const event = { event: this.eventName || 'message', data: this.data.join('\n'), id: this.lastId };
      this.eventName = '';
      this.data = [];
      return event;
    }
    if (line.startsWith(':')) {
      return null;
    }
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) {
      value = value.slice(1);
    }
    switch (name) {
      case 'event':
        this.eventName = value;
        break;
      case 'data':
        this.data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) {
          this.lastId = value;
        }
        break;
      case 'retry':
        if (/^\d+$/.test(value)) {
          this.retryMs = Number(value);
        }
        break;
      default:
        break;
    }
    return null;
  }
}

export type StreamState = 'connecting' | 'open' | 'retrying' | 'closed';

export interface StreamOptions {
  url: string;
  headers: () => Record<string, string>;
  onEvent: (event: SseEvent) => void;
  onState: (state: StreamState, detail?: string) => void;
  fetchImpl?: (input: string, init?: RequestInit) => Promise<Response>;
  /** First reconnection delay; doubles up to 30 s while the stream keeps failing. */
  retryMs?: number;
}

/**
 * Reads an SSE stream through `fetch`, so the request can carry the admin's `Authorization` header (an
 * `EventSource` cannot), and reconnects after a drop. A 401 or 403 stops it: new credentials are needed.
 * Returns a function that closes it.
 */
export function openStream(options: StreamOptions): () => void {
  const controller = new AbortController();
  const fetchImpl = options.fetchImpl ?? ((input, init) => fetch(input, init));
  let delay = options.retryMs ?? 1000;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const connect = async (): Promise<void> => {
    options.onState('connecting');
    const parser = new SseParser();
    try {
      const response = await fetchImpl(options.url, {
        headers: { ...options.headers(), Accept: 'text/event-stream' },
        signal: controller.signal,
        cache: 'no-store',
      });
      if (response.status === 401 || response.status === 403) {
        options.onState('closed', `The stream was refused (${response.status}).`);
        return;
      }
      if (!response.ok || !response.body) {
        throw new Error(`${response.status} ${response.statusText}`.trim());
      }
      options.onState('open');
      delay = options.retryMs ?? 1000;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          break;
        }
        for (const event of parser.push(value)) {
          options.onEvent(event);
        }
      }
      throw new Error('the stream ended');
    } catch (e) {
      if (controller.signal.aborted) {
        return;
      }
      const wait = parser.retryMs ?? delay;
      delay = Math.min(delay * 2, 30_000);
      options.onState('retrying', `${(e as Error).message}; reconnecting in ${Math.round(wait / 1000)} s`);
      timer = setTimeout(() => void connect(), wait);
    }
  };
  void connect();
  return () => {
    controller.abort();
    if (timer !== null) {
      clearTimeout(timer);
    }
    options.onState('closed');
  };
}
