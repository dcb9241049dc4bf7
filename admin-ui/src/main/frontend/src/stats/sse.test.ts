import { describe, expect, it } from 'vitest';
import { openStream, SseParser, type SseEvent, type StreamState } from './sse';

describe('SseParser', () => {
  it('dispatches an event at a blank line with its name and data', () => {
    const parser = new SseParser();
    expect(parser.push('event: stats\ndata: {"time":1}\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ event: 'stats', data: '{"time":1}', id: null }]);
  });

  it('joins data lines with a newline and defaults the name to message', () => {
    expect(new SseParser().push('data: a\ndata:b\ndata:  c\n\n')).toEqual([{ event: 'message', data: 'a\nb\n c', id: null }]);
  });

  it('handles CRLF and CR line ends, even split between chunks', () => {
    const parser = new SseParser();
    const events: SseEvent[] = [];
    for (const chunk of ['event: stats\r', '\ndata: 1\r', '\n\r', '\nevent: stats\rdata: 2\r\r']) {
      events.push(...parser.push(chunk));
    }
    expect(events.map((e) => e.data)).toEqual(['1', '2']);
  });

  it('reassembles a field split across chunks', () => {
    const parser = new SseParser();
    expect(parser.push('ev')).toEqual([]);
    expect(parser.push('ent: st')).toEqual([]);
    expect(parser.push('ats\nda')).toEqual([]);
    expect(parser.push('ta: {"x":1}\n\n')).toEqual([{ event: 'stats', data: '{"x":1}', id: null }]);
  });

  it('skips comments (heartbeats), drops events without data, and forgets the name after dispatch', () => {
    const parser = new SseParser();
    expect(parser.push(': heartbeat\n\nevent: stats\n\ndata: x\n\n')).toEqual([{ event: 'message', data: 'x', id: null }]);
  });

  it('remembers the last id and the retry delay', () => {
    const parser = new SseParser();
    const events = parser.push('id: 7\nretry: 2500\ndata: a\n\ndata: b\n\nretry: soon\n');
    expect(events.map((e) => e.id)).toEqual(['7', '7']);
    expect(parser.retryMs).toBe(2500);
  });
});

function streamOf(chunks: string[]): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const encoder = new TextEncoder();
      for (const c of chunks) {
        controller.enqueue(encoder.encode(c));
      }
      controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
}

describe('openStream', () => {
  it('sends the credentials, delivers events, and reconnects when the stream ends', async () => {
    const calls: RequestInit[] = [];
    const events: string[] = [];
    const states: StreamState[] = [];
    let reconnected!: () => void;
    const second = new Promise<void>((resolve) => {
      reconnected = resolve;
    });
    const close = openStream({
      url: '/admin/api/stats/stream',
      headers: () => ({ Authorization: 'Basic abc', Accept: 'application/json' }),
      retryMs: 1,
      onEvent: (e) => events.push(e.data),
      onState: (s) => states.push(s),
      fetchImpl: async (_url, init) => {
        calls.push(init!);
        if (calls.length === 2) {
          reconnected();
        }
        return streamOf(['event: stats\ndata: 1\n\n', 'event: stats\ndata: 2\n\n']);
      },
    });
    await second;
    close();
    expect((calls[0].headers as Record<string, string>).Authorization).toBe('Basic abc');
    expect((calls[0].headers as Record<string, string>).Accept).toBe('text/event-stream');
    expect(events.slice(0, 2)).toEqual(['1', '2']);
    expect(states).toContain('retrying');
    expect(states[states.length - 1]).toBe('closed');
  });

  it('stops without retrying when the credentials are refused', async () => {
    const states: [StreamState, string | undefined][] = [];
    let calls = 0;
    await new Promise<void>((resolve) => {
      openStream({
        url: '/s',
        headers: () => ({}),
        retryMs: 1,
        onEvent: () => {},
        onState: (s, d) => {
          states.push([s, d]);
          if (s === 'closed') {
            resolve();
          }
        },
        fetchImpl: async () => {
          calls++;
          return new Response('{}', { status: 401 });
        },
      });
    });
    expect(calls).toBe(1);
    expect(states[states.length - 1]).toEqual(['closed', 'The stream was refused (401).']);
  });
});
