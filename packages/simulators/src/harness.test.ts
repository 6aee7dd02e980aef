// Webhook deliveries as the providers make them: a 5xx or an unanswered delivery is tried again
// (signed afresh), a 4xx is final, and `settled()` waits for the retries.
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatorState } from './harness.ts';

let server: Server | null = null;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A receiver answering the given statuses in turn (the last one from then on). */
async function receiver(statuses: number[]): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  server = createServer((req, res) => {
    seen.push(String(req.headers['x-signature']));
    res.statusCode = statuses[Math.min(seen.length - 1, statuses.length - 1)]!;
    res.end('{}');
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`, seen };
}

describe('webhook deliveries', () => {
  const account = (sim: SimulatorState) => sim.register({});
  let n = 0;
  const event = { body: '{"event":"payment.captured"}', headers: () => ({ 'x-signature': `sig-${++n}` }) };

  it('tries a delivery answered 503 again, signed afresh, until it is accepted', async () => {
    const sim = new SimulatorState('razorpay');
    sim.webhooks.retryDelayMs = 10;
    const r = await receiver([503, 503, 200]);
    await sim.send(account(sim), [event], r.url);
    await sim.settled();
    expect(sim.deliveries.map((d) => d.status)).toEqual([503, 503, 200]);
    expect(new Set(r.seen).size).toBe(3);
  });

  it('gives up after its retries, and never retries a 4xx', async () => {
    const sim = new SimulatorState('cashfree');
    sim.webhooks.retryDelayMs = 5;
    sim.webhooks.retries = 2;
    const down = await receiver([500]);
    await sim.send(account(sim), [event], down.url);
    expect(sim.deliveries.map((d) => d.status)).toEqual([500, 500, 500]);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    const refused = await receiver([401]);
    await sim.send(account(sim), [event], refused.url);
    expect(sim.deliveries.slice(3).map((d) => d.status)).toEqual([401]);
  });
});
