// One subscription on one socket: where a group's serialized messages are written. The socket's
// unsent bytes (ws bufferedAmount) tell whether the client keeps up. Behind: a state stream keeps
// only its latest message, an event stream queues up to LIVE_QUEUE messages and then replaces them
// with a visible resync marker. Far behind (LIVE_SLOW_CONSUMER_BYTES unsent): the socket is closed
// with 4499 before it costs more memory.
import type { LiveLimits } from '@studyspot/runtime';
import type { WebSocket } from 'ws';
import type { Member } from './groups.ts';

export const SLOW_CONSUMER = 4499;

export class SocketMember implements Member {
  private readonly prefix: string;
  private queue: string[] = [];
  private latest: string | null = null;
  private dropped = 0;
  private drain: NodeJS.Timeout | null = null;

  constructor(
    private readonly ws: WebSocket,
    id: string,
    private readonly limits: LiveLimits,
  ) {
    this.prefix = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
  }

  private get soft(): number {
    return Math.min(65_536, this.limits.slowConsumerBytes / 4);
  }

  deliver(payloadJson: string, kind: 'state' | 'stream'): void {
    const ws = this.ws;
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > this.limits.slowConsumerBytes) return this.dropSlow();
    if (ws.bufferedAmount > this.soft || this.held) {
      if (kind === 'state') this.latest = payloadJson;
      else if (this.queue.length >= this.limits.queue) {
        this.dropped += this.queue.length + 1;
        this.queue = [];
      } else this.queue.push(payloadJson);
      this.waitForDrain();
      return;
    }
    ws.send(this.prefix + payloadJson + '}');
  }

  private get held(): boolean {
    return this.latest !== null || this.queue.length > 0 || this.dropped > 0;
  }

  private waitForDrain(): void {
    if (this.drain) return;
    this.drain = setInterval(() => {
      const ws = this.ws;
      if (ws.readyState !== ws.OPEN) return this.stop();
      if (ws.bufferedAmount > this.limits.slowConsumerBytes) return this.dropSlow();
      if (ws.bufferedAmount > this.soft) return;
      this.stop();
      if (this.dropped) {
        ws.send(`${this.prefix}{"data":null,"extensions":{"resync":{"dropped":${this.dropped},"reason":"SLOW_CONSUMER"}}}}`);
        this.dropped = 0;
      }
      for (const json of this.queue) ws.send(this.prefix + json + '}');
      this.queue = [];
      if (this.latest !== null) ws.send(this.prefix + this.latest + '}');
      this.latest = null;
    }, 50);
    this.drain.unref();
  }

  private dropSlow(): void {
    this.stop();
    this.queue = [];
    this.latest = null;
    this.ws.close(SLOW_CONSUMER, 'Slow consumer: messages were not read');
    // The close frame waits behind the unsent data; do not keep that memory for long.
    setTimeout(() => this.ws.terminate(), 1_000).unref();
  }

  stop(): void {
    if (this.drain) clearInterval(this.drain);
    this.drain = null;
  }
}
