// `pnpm bench:billing`: the money paths through the gateway on loopback, each against a baseline
// measured in the same run.
// - order creation: createPaymentOrder p50/p95 (routing, the gateway call through the SDK, the
//   order rows) against the bare SDK call to the same simulator;
// - webhooks: signed captures settled per second (verify, de-duplicate, allocate, receipt number)
//   against duplicate deliveries of the same events (verify and de-duplicate only);
// - the defaulters list: SQL statements and latency for 10 and for 1,000 students.
// Uses TEST_DATABASE_URL / REDIS_URL when set, else embedded PGlite.
import Razorpay from 'razorpay';
import { createBillingWorld, createOrder, deliver, enrol, razorpayDelivery, webhookKeyOf, baseOf, type OrderView } from '../support/billing.ts';
import { gql } from '../support/supergraph.ts';
import { percentile as pct } from '../support/clusters.ts';

const ORDERS = 200;
const WEBHOOKS = 400;
const CONCURRENCY = 16;

const ms = (x: number) => `${x.toFixed(1)} ms`;

async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

const w = await createBillingWorld({ logQueries: true });
let statements = 0;
try {
  // Order creation, against the SDK alone.
  const sdk = new Razorpay({ key_id: w.accounts.razorpay.keyId, key_secret: w.accounts.razorpay.keySecret });
  (sdk as unknown as { api: { rq: { defaults: { baseURL: string } } } }).api.rq.defaults.baseURL = `${w.sims.baseUrl}/_simulators/razorpay`;
  const bare: number[] = [];
  for (let i = 0; i < ORDERS; i++) {
    const t0 = performance.now();
    await sdk.orders.create({ amount: 40_000, currency: 'INR', receipt: `bench-${i}` });
    bare.push(performance.now() - t0);
  }
  const students = [];
  for (let i = 0; i < ORDERS; i++) students.push(await enrol(w, { pricePaise: 40_000 + i, seat: i % 24, start: new Date(Date.UTC(2027, 0, 1 + 31 * Math.floor(i / 24))).toISOString().slice(0, 10), endDate: new Date(Date.UTC(2027, 0, 30 + 31 * Math.floor(i / 24))).toISOString().slice(0, 10) }));
  const ours: number[] = [];
  const orders: OrderView[] = [];
  for (const s of students) {
    const t0 = performance.now();
    const r = await createOrder(w, s.studentId);
    ours.push(performance.now() - t0);
    if (!r.order) throw new Error(JSON.stringify(r.userErrors));
    orders.push(r.order);
  }
  console.log(`order creation, ${ORDERS} sequential: createPaymentOrder p50 ${ms(pct(ours, 50))}, p95 ${ms(pct(ours, 95))}; bare SDK call to the simulator p50 ${ms(pct(bare, 50))}, p95 ${ms(pct(bare, 95))}; ratio p50 ${(pct(ours, 50) / pct(bare, 50)).toFixed(1)}×`);

  // Webhooks: first deliveries settle, duplicates are only verified and de-duplicated.
  const url = `${baseOf(w)}/webhooks/razorpay/${await webhookKeyOf(w, w.a)}`;
  w.sims.razorpay.state.webhooks.drop = true; // the simulator's own deliveries are lost; the bench sends them
  const more = [];
  for (let i = orders.length; i < WEBHOOKS; i++) {
    const s = students[i % students.length]!;
    more.push((await createOrder(w, s.studentId)).order!);
  }
  const all = [...orders, ...more];
  const deliveries: ReturnType<typeof razorpayDelivery>[] = [];
  for (const o of all) {
    const handed = await w.sims.razorpay.pay(o.providerOrderId, 'captured');
    const entity = w.sims.razorpay.payments.get(handed.razorpay_payment_id)!;
    deliveries.push(razorpayDelivery(w.accounts.razorpay.webhookSecret, 'payment.captured', { payment: { entity } }));
  }
  w.sims.razorpay.state.webhooks.drop = false;
  const run = async (label: string) => {
    const t0 = performance.now();
    const outcomes = new Map<string, number>();
    await pool(deliveries, CONCURRENCY, async (d) => {
      const body = (await (await deliver(url, d)).json()) as { outcome?: string; duplicate?: boolean };
      const key = body.duplicate ? 'duplicate' : (body.outcome ?? 'error');
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    });
    const seconds = (performance.now() - t0) / 1000;
    return { label, perSecond: deliveries.length / seconds, outcomes: Object.fromEntries(outcomes) };
  };
  const first = await run('captures settled');
  const dup = await run('duplicates acknowledged');
  console.log(`webhooks, ${deliveries.length} at concurrency ${CONCURRENCY}: ${first.perSecond.toFixed(0)}/s settled ${JSON.stringify(first.outcomes)}; ${dup.perSecond.toFixed(0)}/s as duplicates ${JSON.stringify(dup.outcomes)}; settling costs ${(dup.perSecond / first.perSecond).toFixed(1)}× a verified no-op`);

  // The defaulters list: 1,000 overdue students against 10.
  await w.world.platform.tenants.withTenant(w.a.id, async (db) => {
    const shift = await db.shift.findUniqueOrThrow({ where: { id: w.lib.shifts.fullDay } });
    await db.student.createMany({ data: Array.from({ length: 1_000 }, (_, i) => ({ name: `Defaulter ${i}`, phone: `9170${String(i).padStart(8, '0')}`, libraryId: w.lib.libraryId })) });
    const list = await db.student.findMany({ where: { name: { startsWith: 'Defaulter ' } } });
    const day = (i: number) => new Date(Date.UTC(2024, 0, 1 + Math.floor(i / w.lib.seatIds.length) * 2));
    await db.seatAllocation.createMany({ data: list.map((s, i) => ({ libraryId: w.lib.libraryId, seatId: w.lib.seatIds[i % w.lib.seatIds.length]!, shiftId: shift.id, studentId: s.id, startDate: day(i), endDate: day(i), shiftStart: shift.startMinute, shiftEnd: shift.endMinute })) });
    const allocations = await db.seatAllocation.findMany({ where: { studentId: { in: list.map((s) => s.id) } } });
    await db.due.createMany({ data: allocations.map((a) => ({ studentId: a.studentId, libraryId: a.libraryId, allocationId: a.id, kind: 'MONTHLY' as const, periodStart: a.startDate, periodEnd: a.endDate, dueDate: a.startDate, amountPaise: 100_000 })) });
  });
  const lease = await w.world.platform.tenants.lease(w.a.id);
  (lease.prisma as unknown as { $on(e: 'query', cb: () => void): void }).$on('query', () => statements++);
  lease.release();
  const LIST = 'query($n: Int!) { dues(first: $n, filter: { overdue: true }) { edges { node { balancePaise daysOverdue student { name phone balancePaise } allocation { seat { label } shift { name } } adjustments { kind } } } } }';
  const measure = async (n: number) => {
    const times: number[] = [];
    let count = 0;
    for (let i = 0; i < 20; i++) {
      statements = 0;
      const t0 = performance.now();
      const r = await gql(w.url(), LIST, { token: w.owner, variables: { n } });
      times.push(performance.now() - t0);
      count = statements;
      if (r.errors || (r.data!.dues as { edges: unknown[] }).edges.length !== n) throw new Error(r.raw.slice(0, 300));
    }
    return { statements: count, p50: pct(times, 50) };
  };
  const ten = await measure(10);
  const thousand = await measure(1_000);
  console.log(`defaulters list: 10 students ${ten.statements} SQL statements, p50 ${ms(ten.p50)}; 1,000 students ${thousand.statements} SQL statements, p50 ${ms(thousand.p50)} (${(thousand.p50 / ten.p50).toFixed(1)}× the time for 100× the rows)`);
  console.log(`(${w.world.db.server.kind}, ${ORDERS} orders, ${deliveries.length} webhooks)`);
} finally {
  await w.close();
}
