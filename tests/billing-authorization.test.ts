// Every billing query and mutation × every kind of caller, and the cross-tenant rule for each that
// takes an id: another tenant's owner presenting tenant A's real ids finds nothing and writes
// nothing; a student presenting another student's ids likewise. Students see only their own dues,
// payments, orders and receipts; staff record payments but do not refund; managers and owners refund.
import { randomUUID } from 'node:crypto';
import { billingSubgraph } from '@studyspot/billing';
import { buildSubgraph, rootFieldAccess, type Role } from '@studyspot/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthEnd, setUpLibrary, today } from './support/campus.ts';
import { billingRows } from './support/billing.ts';
import { expectRoleOutcome } from './support/matrix.ts';
import { createSupergraphWorld, gql, type GqlResult, type SupergraphWorld } from './support/supergraph.ts';

let w: SupergraphWorld;
type Caller = 'anonymous' | 'expired' | Role;
const CALLERS: Caller[] = ['anonymous', 'expired', 'SUPER_ADMIN', 'ADMIN', 'SUPPORT', 'OWNER', 'MANAGER', 'STAFF', 'STUDENT'];
const tokens = new Map<Caller, string | undefined>();
/** Real rows of tenant A: a student with a due, a desk payment with its receipt, a payment order. */
const real = { studentId: '', dueId: '', paymentId: '', receiptId: '', orderId: '', libraryId: '', otherStudentId: '' };

beforeAll(async () => {
  w = await createSupergraphWorld();
  const owner = w.ownerToken(w.a);
  const lib = await setUpLibrary(w.gateway.url, owner, 4);
  real.libraryId = lib.libraryId;
  real.studentId = w.a.studentIds[0]!;
  real.otherStudentId = w.a.studentIds[1]!;
  const alloc = await gql(w.gateway.url, 'mutation($i: AllocateSeatInput!) { allocateSeat(input: $i) { allocation { dues { id } } userErrors { code } } }', {
    token: owner,
    variables: { i: { studentId: real.otherStudentId, seatId: lib.seatIds[0], shiftId: lib.shifts.fullDay, startDate: today(), endDate: monthEnd(today()) } },
  });
  real.dueId = (alloc.data!.allocateSeat as { allocation: { dues: { id: string }[] } }).allocation.dues[0]!.id;
  const paid = await gql(w.gateway.url, 'mutation($s: ID!) { recordPayment(input: { studentId: $s, amountPaise: 5000, method: CASH }) { payment { id receipt { id } } userErrors { code } } }', { token: owner, variables: { s: real.otherStudentId } });
  const p = (paid.data!.recordPayment as { payment: { id: string; receipt: { id: string } } }).payment;
  real.paymentId = p.id;
  real.receiptId = p.receipt.id;
  real.orderId = await w.world.platform.tenants.withTenant(w.a.id, async (db) => {
    const o = await db.paymentOrder.create({ data: { studentId: real.otherStudentId, provider: 'razorpay', providerOrderId: 'order_matrix000001', amountPaise: 1_000, createdById: w.a.ownerId, expiresAt: new Date(Date.now() + 3_600_000) } });
    return o.id;
  });
  for (const role of ['SUPER_ADMIN', 'ADMIN', 'SUPPORT'] as const) tokens.set(role, w.tokenFor({ sub: randomUUID(), role, tenantId: null }));
  for (const role of ['OWNER', 'MANAGER', 'STAFF'] as const) tokens.set(role, w.tokenFor({ sub: randomUUID(), role, tenantId: w.a.id }));
  tokens.set('STUDENT', w.tokenFor({ sub: real.studentId, role: 'STUDENT', tenantId: w.a.id }));
  tokens.set('expired', w.tokenFor({ sub: randomUUID(), role: 'OWNER', tenantId: w.a.id }, -60));
});
afterAll(async () => {
  await w?.close();
});

const PLATFORM: Role[] = ['SUPER_ADMIN', 'ADMIN', 'SUPPORT'];
const READ: Role[] = [...PLATFORM, 'OWNER', 'MANAGER', 'STAFF'];
const ANALYTICS: Role[] = [...PLATFORM, 'OWNER', 'MANAGER'];
const FRONT_DESK: Role[] = ['SUPER_ADMIN', 'ADMIN', 'OWNER', 'MANAGER', 'STAFF'];
const MONEY: Role[] = ['SUPER_ADMIN', 'ADMIN', 'OWNER', 'MANAGER'];
const SETTINGS: Role[] = ['SUPER_ADMIN', 'ADMIN', 'OWNER'];
const STUDENT: Role[] = ['STUDENT'];
const PLATFORM_WRITE: Role[] = ['SUPER_ADMIN', 'ADMIN'];
const id = () => randomUUID();

interface Op {
  doc: string;
  /** Variables with made-up ids (for the role matrix). */
  vars?: () => Record<string, unknown>;
  allowed: Role[];
  /** Variables naming tenant A's real rows, and what another tenant's owner (or, for STUDENT ops, another student) must get. */
  crossTenant?: { vars: () => Record<string, unknown>; expect: (r: GqlResult) => void };
}

const nullField = (field: string) => (r: GqlResult) => {
  expect(r.errors).toBeUndefined();
  expect(r.data).toEqual({ [field]: null });
};
const notFound = (field: string) => (r: GqlResult) => {
  expect(r.errors).toBeUndefined();
  expect((r.data![field] as { userErrors: { code: string }[] }).userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
};

const MATRIX: Record<string, Op> = {
  'Query.due': { doc: 'query($id: ID!) { due(id: $id) { id amountPaise } }', vars: () => ({ id: id() }), allowed: READ, crossTenant: { vars: () => ({ id: real.dueId }), expect: nullField('due') } },
  'Query.dues': {
    doc: 'query($s: ID) { dues(filter: { studentId: $s }) { edges { node { id } } } }',
    allowed: READ,
    crossTenant: { vars: () => ({ s: real.otherStudentId }), expect: (r) => expect(r.data).toEqual({ dues: { edges: [] } }) },
  },
  'Query.myDues': { doc: '{ myDues { id } }', allowed: STUDENT },
  'Query.billingSettings': { doc: '{ billingSettings { lateFeeKind } }', allowed: SETTINGS },
  'Query.gatewayAccounts': { doc: '{ gatewayAccounts { provider } }', allowed: SETTINGS },
  'Query.payment': { doc: 'query($id: ID!) { payment(id: $id) { id } }', vars: () => ({ id: id() }), allowed: READ, crossTenant: { vars: () => ({ id: real.paymentId }), expect: nullField('payment') } },
  'Query.payments': {
    doc: '{ payments(first: 100) { edges { node { id } } } }',
    allowed: READ,
    crossTenant: { vars: () => ({}), expect: (r) => expect(JSON.stringify(r.data)).not.toContain(real.paymentId) },
  },
  'Query.paymentOrder': { doc: 'query($id: ID!) { paymentOrder(id: $id) { id } }', vars: () => ({ id: id() }), allowed: READ, crossTenant: { vars: () => ({ id: real.orderId }), expect: nullField('paymentOrder') } },
  'Query.myPayments': { doc: '{ myPayments { id } }', allowed: STUDENT },
  'Query.myPaymentOrder': { doc: 'query($id: ID!) { myPaymentOrder(id: $id) { id } }', vars: () => ({ id: id() }), allowed: STUDENT, crossTenant: { vars: () => ({ id: real.orderId }), expect: nullField('myPaymentOrder') } },
  'Query.receipt': { doc: 'query($id: ID!) { receipt(id: $id) { number } }', vars: () => ({ id: id() }), allowed: READ, crossTenant: { vars: () => ({ id: real.receiptId }), expect: nullField('receipt') } },
  'Query.myReceipt': { doc: 'query($id: ID!) { myReceipt(id: $id) { number } }', vars: () => ({ id: id() }), allowed: STUDENT, crossTenant: { vars: () => ({ id: real.receiptId }), expect: nullField('myReceipt') } },
  'Query.collectionsReport': {
    doc: `query($l: ID) { collectionsReport(from: "${today()}", to: "${today()}", libraryId: $l) { paymentCount amountPaise } }`,
    allowed: ANALYTICS,
    crossTenant: { vars: () => ({ l: real.libraryId }), expect: (r) => expect(r.data).toEqual({ collectionsReport: { paymentCount: 0, amountPaise: 0 } }) },
  },
  'Mutation.adjustDue': {
    doc: 'mutation($d: ID!) { adjustDue(input: { dueId: $d, kind: WAIVER, reason: "matrix" }) { userErrors { code } } }',
    vars: () => ({ d: id() }),
    allowed: MONEY,
    crossTenant: { vars: () => ({ d: real.dueId }), expect: notFound('adjustDue') },
  },
  'Mutation.updateBillingSettings': { doc: 'mutation { updateBillingSettings(input: { lateFeeKind: NONE, lateFeePaise: 0, lateFeeGraceDays: 0 }) { userErrors { code } } }', allowed: SETTINGS },
  'Mutation.connectGatewayAccount': {
    doc: 'mutation { connectGatewayAccount(input: { provider: CASHFREE, keyId: "CF_TEST_nobody", keySecret: "not-a-real-secret", feePercentBp: 150 }) { userErrors { code } } }',
    allowed: SETTINGS,
  },
  'Mutation.disconnectGatewayAccount': { doc: 'mutation { disconnectGatewayAccount(provider: RAZORPAY) { userErrors { code } } }', allowed: SETTINGS },
  'Mutation.recordPayment': {
    doc: 'mutation($s: ID!) { recordPayment(input: { studentId: $s, amountPaise: 100, method: CASH }) { userErrors { code } } }',
    vars: () => ({ s: id() }),
    allowed: FRONT_DESK,
    crossTenant: { vars: () => ({ s: real.otherStudentId }), expect: notFound('recordPayment') },
  },
  'Mutation.createPaymentOrder': {
    doc: 'mutation($s: ID!) { createPaymentOrder(input: { studentId: $s }) { userErrors { code } } }',
    vars: () => ({ s: id() }),
    allowed: FRONT_DESK,
    crossTenant: { vars: () => ({ s: real.otherStudentId }), expect: notFound('createPaymentOrder') },
  },
  'Mutation.payMyDues': {
    doc: 'mutation($d: [ID!]) { payMyDues(dueIds: $d) { userErrors { code } } }',
    vars: () => ({ d: [id()] }),
    allowed: STUDENT,
    crossTenant: { vars: () => ({ d: [real.dueId] }), expect: notFound('payMyDues') },
  },
  'Mutation.confirmPayment': {
    doc: 'mutation($o: ID!) { confirmPayment(input: { orderId: $o }) { userErrors { code } } }',
    vars: () => ({ o: id() }),
    allowed: FRONT_DESK,
    crossTenant: { vars: () => ({ o: real.orderId }), expect: notFound('confirmPayment') },
  },
  'Mutation.confirmMyPayment': {
    doc: 'mutation($o: ID!) { confirmMyPayment(input: { orderId: $o, razorpayPaymentId: "pay_x", razorpaySignature: "00" }) { userErrors { code } } }',
    vars: () => ({ o: id() }),
    allowed: STUDENT,
    crossTenant: { vars: () => ({ o: real.orderId }), expect: notFound('confirmMyPayment') },
  },
  // Platform billing: plans and credits are the platform's; a subscription and a wallet are the tenant's.
  'Query.plans': { doc: '{ plans { id } }', allowed: READ },
  'Query.plan': { doc: 'query($id: ID!) { plan(id: $id) { id } }', vars: () => ({ id: id() }), allowed: READ },
  'Mutation.payPlatformInvoice': { doc: 'mutation($i: ID!) { payPlatformInvoice(invoiceId: $i) { userErrors { code } } }', vars: () => ({ i: id() }), allowed: SETTINGS },
  'Mutation.buyCreditPack': { doc: 'mutation { buyCreditPack(credits: 100, idempotencyKey: "matrix-pack") { userErrors { code } } }', allowed: SETTINGS },
  'Query.platformInvoices': { doc: 'query($t: ID) { platformInvoices(tenantId: $t) { id } }', allowed: SETTINGS, crossTenant: { vars: () => ({ t: w.a.id }), expect: (r) => expect(r.data).toEqual({ platformInvoices: [] }) } },
  'Query.saasAnalytics': { doc: '{ saasAnalytics { mrrPaise } }', allowed: PLATFORM },
  'Mutation.recordPlatformInvoicePayment': { doc: 'mutation($i: ID!) { recordPlatformInvoicePayment(invoiceId: $i, reference: "matrix") { userErrors { code } } }', vars: () => ({ i: id() }), allowed: PLATFORM_WRITE },
  'Query.platformCredits': { doc: '{ platformCredits { stock consumed } }', allowed: PLATFORM },
  'Mutation.createPlan': { doc: 'mutation { createPlan(input: { code: "matrix", name: "Matrix", pricePaise: 100, cycle: MONTHLY, trialDays: 0 }) { userErrors { code } } }', allowed: PLATFORM_WRITE },
  'Mutation.revisePlan': { doc: 'mutation($id: ID!) { revisePlan(id: $id, input: { pricePaise: 200 }) { userErrors { code } } }', vars: () => ({ id: id() }), allowed: PLATFORM_WRITE },
  'Mutation.archivePlan': { doc: 'mutation($id: ID!) { archivePlan(id: $id) { userErrors { code } } }', vars: () => ({ id: id() }), allowed: PLATFORM_WRITE },
  'Mutation.purchaseWholesaleCredits': { doc: 'mutation { purchaseWholesaleCredits(input: { vendor: "MSG91", credits: 10, costPaise: 150, idempotencyKey: "matrix-wholesale" }) { userErrors { code } } }', allowed: PLATFORM_WRITE },
  'Mutation.grantCredits': { doc: 'mutation($t: ID!) { grantCredits(input: { tenantId: $t, credits: 1, idempotencyKey: "matrix-grant" }) { userErrors { code } } }', vars: () => ({ t: id() }), allowed: PLATFORM_WRITE },
  'Mutation.subscribeTenant': {
    doc: 'mutation($p: ID!, $t: ID) { subscribeTenant(planId: $p, tenantId: $t) { userErrors { code } } }',
    vars: () => ({ p: id() }),
    allowed: SETTINGS,
    crossTenant: { vars: () => ({ p: id(), t: w.a.id }), expect: notFound('subscribeTenant') },
  },
  'Mutation.changePlan': {
    doc: 'mutation($p: ID!, $t: ID) { changePlan(planId: $p, tenantId: $t) { userErrors { code } } }',
    vars: () => ({ p: id() }),
    allowed: SETTINGS,
    crossTenant: { vars: () => ({ p: id(), t: w.a.id }), expect: notFound('changePlan') },
  },
  'Mutation.pauseSubscription': { doc: 'mutation($t: ID) { pauseSubscription(tenantId: $t) { userErrors { code } } }', allowed: SETTINGS, crossTenant: { vars: () => ({ t: w.a.id }), expect: notFound('pauseSubscription') } },
  'Mutation.resumeSubscription': { doc: 'mutation($t: ID) { resumeSubscription(tenantId: $t) { userErrors { code } } }', allowed: SETTINGS, crossTenant: { vars: () => ({ t: w.a.id }), expect: notFound('resumeSubscription') } },
  'Mutation.cancelSubscription': { doc: 'mutation($t: ID) { cancelSubscription(tenantId: $t, atPeriodEnd: false) { userErrors { code } } }', allowed: SETTINGS, crossTenant: { vars: () => ({ t: w.a.id }), expect: notFound('cancelSubscription') } },
  'Mutation.setWalletLowBalanceThreshold': {
    doc: 'mutation($t: ID) { setWalletLowBalanceThreshold(credits: 10, tenantId: $t) { userErrors { code } } }',
    allowed: SETTINGS,
    crossTenant: { vars: () => ({ t: w.a.id }), expect: notFound('setWalletLowBalanceThreshold') },
  },
  'Mutation.refundPayment': {
    doc: 'mutation($p: ID!) { refundPayment(input: { paymentId: $p, idempotencyKey: "matrix-refund-key" }) { userErrors { code } } }',
    vars: () => ({ p: id() }),
    allowed: MONEY,
    crossTenant: { vars: () => ({ p: real.paymentId }), expect: notFound('refundPayment') },
  },
};

const headersFor = (caller: Caller): Record<string, string> => (caller === 'SUPER_ADMIN' || caller === 'ADMIN' || caller === 'SUPPORT' ? { 'x-tenant-id': w.a.id } : {});

describe('billing authorization matrix', () => {
  // Subscriptions are in their own matrix, over WebSocket (live-authorization.test.ts).
  it('covers every billing query and mutation', () => {
    expect(Object.keys(MATRIX).sort()).toEqual(rootFieldAccess(buildSubgraph(billingSubgraph)).filter((f) => f.type !== 'Subscription').map((f) => `${f.type}.${f.field}`).sort());
  });

  const cases = Object.entries(MATRIX).flatMap(([name, op]) => CALLERS.map((c) => [name, c, op] as const));
  it.each(cases)('%s as %s', async (_n, caller, op) => {
    const r = await gql(w.gateway.url, op.doc, { token: tokens.get(caller), variables: op.vars?.(), headers: headersFor(caller) });
    expectRoleOutcome(r, caller, op.allowed);
  });
});

describe('cross-tenant rule', () => {
  const crossCases = Object.entries(MATRIX).filter(([, op]) => op.crossTenant && !op.allowed.includes('STUDENT'));
  it.each(crossCases)("%s with tenant A's ids, as tenant B's owner, finds nothing", async (_n, op) => {
    const before = await billingRows(w);
    const r = await gql(w.gateway.url, op.doc, { token: w.ownerToken(w.b), variables: op.crossTenant!.vars() });
    op.crossTenant!.expect(r);
    expect(await billingRows(w)).toEqual(before);
  });

  const studentCases = Object.entries(MATRIX).filter(([, op]) => op.crossTenant && op.allowed.includes('STUDENT'));
  it.each(studentCases)("%s with another student's ids finds nothing", async (_n, op) => {
    const before = await billingRows(w);
    const r = await gql(w.gateway.url, op.doc, { token: tokens.get('STUDENT'), variables: op.crossTenant!.vars() });
    op.crossTenant!.expect(r);
    expect(await billingRows(w)).toEqual(before);
  });

  it("keeps a student's federated money fields to themselves", async () => {
    const other = await gql(w.gateway.url, 'query($s: ID!) { student(id: $s) { dues { id } balancePaise } }', { token: w.ownerToken(w.b), variables: { s: real.otherStudentId } });
    expect(other.data).toEqual({ student: null });
    const mine = await gql(w.gateway.url, '{ myStudentProfile { id balancePaise dues { id } } }', { token: tokens.get('STUDENT') });
    expect(mine.errors).toBeUndefined();
    expect(mine.data).toEqual({ myStudentProfile: { id: real.studentId, balancePaise: expect.any(Number), dues: [] } });
  });
});
