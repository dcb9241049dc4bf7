import { useEffect, useState } from 'preact/hooks';
import { readStats, StatsHistory } from './history';
import { openStream, type StreamState } from './sse';

/**
 * The console's one subscription to `GET /admin/api/stats/stream`: it keeps the last five minutes of samples while
 * the admin is signed in, so the charts have history whichever page is open.
 */
export class StatsFeed {
  readonly history = new StatsHistory(300);
  state: StreamState = 'connecting';
  detail = '';
  private readonly listeners = new Set<() => void>();
  private close: (() => void) | null = null;

  constructor(private readonly url: string, private readonly headers: () => Record<string, string>) {}

  start(): void {
    if (this.close) {
      return;
    }
    this.close = openStream({
      url: this.url,
      headers: this.headers,
      onEvent: (event) => {
        if (event.event !== 'stats') {
          return;
        }
        try {
          this.history.add(readStats(JSON.parse(event.data)));
        } catch {
          this.detail = 'A stats event was not valid JSON; it was skipped.';
        }
        this.notify();
      },
      onState: (state, detail) => {
        this.state = state;
        this.detail = detail ?? '';
        this.notify();
      },
    });
  }

  stop(): void {
    this.close?.();
    this.close = null;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const listener of this.listeners) {
      listener();
    }
  }
}

/** Re-renders the calling component on every stats event and stream state change. */
export function useFeed(feed: StatsFeed): StatsFeed {
  const [, setTick] = useState(0);
  useEffect(() => feed.subscribe(() => setTick((t) => t + 1)), [feed]);
  return feed;
}

/** The stream's state in words, for the status line. */
export function describeStream(feed: StatsFeed): string {
  switch (feed.state) {
    case 'open':
      return `Live: ${feed.history.size} ${feed.history.size === 1 ? 'sample' : 'samples'}, one per second.`;
    case 'connecting':
      return 'Connecting to the live statistics…';
    case 'retrying':
      return `Live statistics interrupted: ${feed.detail}.`;
    default:
      return feed.detail ? `Live statistics stopped: ${feed.detail}` : 'Live statistics stopped.';
  }
}
