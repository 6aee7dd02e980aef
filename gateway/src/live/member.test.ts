// Back-pressure of one subscription: the socket's unsent bytes decide what is sent, held or dropped.
import { DEFAULT_LIVE_LIMITS } from '@studyspot/runtime';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import { SLOW_CONSUMER, SocketMember } from './member.ts';

/** A socket whose unsent byte count the test sets (ws's bufferedAmount), recording frames and closes. */
function socket() {
  const s = { OPEN: 1, readyState: 1, bufferedAmount: 0, frames: [] as string[], closed: null as null | { code: number; reason: string }, terminated: false };
  return Object.assign(s, {
    send: (f: string) => void s.frames.push(f),
    close: (code: number, reason: string) => void (s.closed = { code, reason }),
    terminate: () => void (s.terminated = true),
  });
}

const limits = { ...DEFAULT_LIVE_LIMITS, queue: 3, slowConsumerBytes: 100_000 };
const payload = (n: number) => JSON.stringify({ data: { n } });

afterEach(() => vi.useRealTimers());

describe('SocketMember', () => {
  it('writes graphql-transport-ws next frames around the group payload', () => {
    const ws = socket();
    new SocketMember(ws as unknown as WebSocket, 'sub"1', limits).deliver(payload(1), 'state');
    expect(ws.frames.map((f) => JSON.parse(f))).toEqual([{ id: 'sub"1', type: 'next', payload: { data: { n: 1 } } }]);
  });

  it('keeps only the latest state while the client is behind, then sends it', () => {
    vi.useFakeTimers();
    const ws = socket();
    const m = new SocketMember(ws as unknown as WebSocket, '1', limits);
    ws.bufferedAmount = 30_000; // above the soft mark (a quarter of the limit, at most 64 KiB)
    for (let i = 1; i <= 5; i++) m.deliver(payload(i), 'state');
    expect(ws.frames).toEqual([]);
    ws.bufferedAmount = 0;
    vi.advanceTimersByTime(60);
    expect(ws.frames.map((f) => JSON.parse(f).payload)).toEqual([{ data: { n: 5 } }]);
  });

  it('queues stream messages up to the limit, then replaces them with a visible resync marker', () => {
    vi.useFakeTimers();
    const ws = socket();
    const m = new SocketMember(ws as unknown as WebSocket, '1', limits);
    ws.bufferedAmount = 30_000;
    for (let i = 1; i <= 3; i++) m.deliver(payload(i), 'stream');
    ws.bufferedAmount = 0;
    vi.advanceTimersByTime(60);
    expect(ws.frames.map((f) => JSON.parse(f).payload.data.n)).toEqual([1, 2, 3]);
    ws.frames.length = 0;
    ws.bufferedAmount = 30_000;
    for (let i = 1; i <= 5; i++) m.deliver(payload(i), 'stream'); // 3 queued, the 4th overflows: all 4 dropped, then 1 queued
    ws.bufferedAmount = 0;
    vi.advanceTimersByTime(60);
    const sent = ws.frames.map((f) => JSON.parse(f).payload);
    expect(sent).toEqual([{ data: null, extensions: { resync: { dropped: 4, reason: 'SLOW_CONSUMER' } } }, { data: { n: 5 } }]);
  });

  it('drops a consumer that leaves more than the limit unread, with 4499, and terminates it soon after', () => {
    vi.useFakeTimers();
    const ws = socket();
    const m = new SocketMember(ws as unknown as WebSocket, '1', limits);
    ws.bufferedAmount = 100_001;
    m.deliver(payload(1), 'state');
    expect(ws.closed).toEqual({ code: SLOW_CONSUMER, reason: 'Slow consumer: messages were not read' });
    expect(ws.frames).toEqual([]);
    vi.advanceTimersByTime(1_000);
    expect(ws.terminated).toBe(true);
  });

  it('sends nothing to a socket that is closing', () => {
    const ws = socket();
    ws.readyState = 2;
    new SocketMember(ws as unknown as WebSocket, '1', limits).deliver(payload(1), 'stream');
    expect(ws.frames).toEqual([]);
  });
});
