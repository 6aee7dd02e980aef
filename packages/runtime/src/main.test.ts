import { expect, it } from 'vitest';
import { stopInOrder } from './main.ts';

it('stops a process readiness first: drain, the balancer wait, background work, server, platform, telemetry', async () => {
  const calls: string[] = [];
  const at = (name: string) => async () => void calls.push(`${name}@${Date.now() - start}`);
  const start = Date.now();
  await stopInOrder({
    server: { drain: () => void calls.push('drain@0'), close: at('server') },
    background: at('background'),
    platform: { close: at('platform') },
    observability: at('observability'),
    drainMs: 150,
  })();
  expect(calls.map((c) => c.split('@')[0])).toEqual(['drain', 'background', 'server', 'platform', 'observability']);
  // Nothing stopped before the drain time had passed: readiness failed while requests were still served.
  expect(Number(calls[1]!.split('@')[1])).toBeGreaterThanOrEqual(140);
});

it('stops what a failed start has, in the same order', async () => {
  const calls: string[] = [];
  await stopInOrder({ platform: { close: async () => void calls.push('platform') }, observability: async () => void calls.push('observability') })();
  expect(calls).toEqual(['platform', 'observability']);
});
