// Local simulators of the payment gateways, speaking their HTTP APIs: the `razorpay` and
// `cashfree-pg` SDKs are pointed at them in tests, `pnpm dev` and the embedded default. Mount both
// on an Express app (the gateway does, under /_simulators) or run them on a port of their own.
import { createServer, type Server } from 'node:http';
import express from 'express';
import { cashfreeSimulator, type CashfreeSimulator } from './cashfree.ts';
import { razorpaySimulator, type RazorpaySimulator } from './razorpay.ts';

export { cashfreeJson, cashfreeSimulator, settleCashfreeRefund, type CashfreeSimulator } from './cashfree.ts';
export { SimulatorState, type Mode, type SimAccount, type WebhookPolicy } from './harness.ts';
export { razorpaySimulator, settleRazorpayRefund, type RazorpaySimulator } from './razorpay.ts';
export { msg91Simulator, Msg91State, type Msg91Mode, type Msg91Send } from './msg91.ts';

export const SIMULATOR_PATHS = { razorpay: '/_simulators/razorpay', cashfree: '/_simulators/cashfree' } as const;

export interface PaymentSimulators {
  razorpay: RazorpaySimulator;
  cashfree: CashfreeSimulator;
  router: express.Router;
}

export function paymentSimulators(): PaymentSimulators {
  const razorpay = razorpaySimulator();
  const cashfree = cashfreeSimulator();
  const router = express.Router();
  router.use(SIMULATOR_PATHS.razorpay, razorpay.router);
  router.use(SIMULATOR_PATHS.cashfree, cashfree.router);
  return { razorpay, cashfree, router };
}

/** Serves a simulator router on a loopback port of its own; `close` waits for its webhooks first. */
async function onLoopback(router: express.Router, settled: () => Promise<unknown>): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const app = express();
  app.use(router);
  const server: Server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: async () => {
      await settled();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Both simulators on a loopback port of their own (tests); `baseUrl` is where to point the clients. */
export async function startPaymentSimulators(): Promise<PaymentSimulators & { baseUrl: string; close(): Promise<void> }> {
  const sims = paymentSimulators();
  return { ...sims, ...(await onLoopback(sims.router, () => Promise.all([sims.razorpay.state.settled(), sims.cashfree.state.settled()]))) };
}

/** The MSG91 simulator on a loopback port of its own (tests); `baseUrl` is where to point the client. */
export async function startMsg91Simulator() {
  const { msg91Simulator } = await import('./msg91.ts');
  const sim = msg91Simulator();
  return { ...sim, ...(await onLoopback(sim.router, () => sim.state.settled())) };
}
