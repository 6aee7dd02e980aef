// Every Subscription field × every kind of caller, over WebSocket: no token, an expired or tampered
// token, each role, and a caller from another tenant presenting tenant A's real ids. A refused
// subscription is an `error` message with a code (the socket stays up); a refused token closes the
// socket (4401; 4403 when refreshing the token can help).
import { randomUUID } from 'node:crypto';
import { SUBGRAPHS } from '@studyspot/gateway';
import { buildSubgraph, rootFieldAccess, type Role } from '@studyspot/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpLibrary, today } from './support/campus.ts';
import { liveClient, type LiveClient } from './support/live.ts';
import { createSupergraphWorld, gql, type SupergraphWorld } from './support/supergraph.ts';

let w: SupergraphWorld;
type Caller = 'anonymous' | 'expired' | 'tampered' | Role | 'PLATFORM_WITHOUT_TENANT' | 'OWNER_OF_OTHER_TENANT';
const CALLERS: Caller[] = ['anonymous', 'expired', 'tampered', 'SUPER_ADMIN', 'ADMIN', 'SUPPORT', 'PLATFORM_WITHOUT_TENANT', 'OWNER', 'MANAGER', 'STAFF', 'STUDENT', 'OWNER_OF_OTHER_TENANT'];
const tokens = new Map<Caller, string | undefined>();
const real = { libraryId: '', shiftId: '', orderId: '', ticketId: '' };
const clients: LiveClient[] = [];

beforeAll(async () => {
  w = await createSupergraphWorld();
  const lib = await setUpLibrary(w.gateway.url, w.ownerToken(w.a), 4);
  real.libraryId = lib.libraryId;
  real.shiftId = lib.shifts.fullDay;
  real.orderId = await w.world.platform.tenants.withTenant(w.a.id, async (db) => {
    const o = await db.paymentOrder.create({ data: { studentId: w.a.studentIds[1]!, provider: 'razorpay', providerOrderId: 'order_livematrix01', amountPaise: 1_000, createdById: w.a.ownerId, expiresAt: new Date(Date.now() + 3_600_000) } });
    return o.id;
  });
  // A ticket of the matrix's student (the STUDENT caller's own).
  const raised = await gql(w.gateway.url, 'mutation($i: RaiseTicketInput!) { raiseTicket(input: $i) { ticket { id } userErrors { code } } }', {
    token: w.ownerToken(w.a),
    variables: { i: { studentId: w.a.studentIds[0], subject: 'Fan noise', body: 'The fan above my seat rattles', category: 'FACILITIES' } },
  });
  real.ticketId = (raised.data!.raiseTicket as { ticket: { id: string } }).ticket.id;
  for (const role of ['SUPER_ADMIN', 'ADMIN', 'SUPPORT'] as const) tokens.set(role, w.tokenFor({ sub: randomUUID(), role, tenantId: null }));
  tokens.set('PLATFORM_WITHOUT_TENANT', w.tokenFor({ sub: randomUUID(), role: 'SUPER_ADMIN', tenantId: null }));
  for (const role of ['MANAGER', 'STAFF'] as const) tokens.set(role, w.tokenFor({ sub: randomUUID(), role, tenantId: w.a.id }));
  tokens.set('OWNER', w.ownerToken(w.a));
  // A student who is not the order's student.
  tokens.set('STUDENT', w.tokenFor({ sub: w.a.studentIds[0]!, role: 'STUDENT', tenantId: w.a.id }));
  tokens.set('OWNER_OF_OTHER_TENANT', w.ownerToken(w.b));
  tokens.set('anonymous', undefined);
  tokens.set('expired', w.tokenFor({ sub: w.a.ownerId, role: 'OWNER', tenantId: w.a.id }, -60));
  const good = w.ownerToken(w.a).split('.');
  tokens.set('tampered', `${good[0]}.${Buffer.from(JSON.stringify({ role: 'SUPER_ADMIN', tid: null, sub: w.a.ownerId, iss: 'studyspot', aud: 'studyspot-api', exp: 4e9 })).toString('base64url')}.${good[2]}`);
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose().catch(() => {})));
  await w?.close();
});

type Outcome = 'ok' | 'FORBIDDEN' | 'NOT_FOUND' | 'closed 4401' | 'closed 4403';
const PLATFORM: Role[] = ['SUPER_ADMIN', 'ADMIN', 'SUPPORT'];
const TENANT_READERS: Role[] = [...PLATFORM, 'OWNER', 'MANAGER', 'STAFF'];

interface LiveOp {
  doc: string;
  vars: () => Record<string, unknown>;
  /** Roles that get the stream; other roles: FORBIDDEN. */
  allowed: Role[];
  /** What an allowed role gets when the id is not its to see (another tenant, another student). */
  hidden?: Outcome;
  /** Roles that pass @auth but may not see this particular row. */
  hiddenFrom?: Role[];
}

const MATRIX: Record<string, LiveOp> = {
  'Subscription.libraryOccupancy': { doc: 'subscription($l: ID!) { libraryOccupancy(libraryId: $l) { sequence } }', vars: () => ({ l: real.libraryId }), allowed: TENANT_READERS, hidden: 'NOT_FOUND' },
  'Subscription.seatMap': { doc: 'subscription($l: ID!, $d: Date!, $s: ID!) { seatMap(libraryId: $l, date: $d, shiftId: $s) { sequence } }', vars: () => ({ l: real.libraryId, d: today(), s: real.shiftId }), allowed: TENANT_READERS, hidden: 'NOT_FOUND' },
  'Subscription.paymentStatus': { doc: 'subscription($o: ID!) { paymentStatus(orderId: $o) { order { status } } }', vars: () => ({ o: real.orderId }), allowed: [...TENANT_READERS, 'STUDENT'], hidden: 'NOT_FOUND', hiddenFrom: ['STUDENT'] },
  // The admissions board: a tenant's staff; another tenant's owner gets their own (empty) board.
  'Subscription.leadBoard': { doc: 'subscription { leadBoard { sequence columns { count } } }', vars: () => ({}), allowed: TENANT_READERS },
  // A ticket, live: the desk of its tenant; its student through their own field; another tenant's owner finds nothing.
  'Subscription.ticketUpdates': { doc: 'subscription($id: ID!) { ticketUpdates(id: $id) { sequence ticket { status } } }', vars: () => ({ id: real.ticketId }), allowed: TENANT_READERS, hidden: 'NOT_FOUND' },
  'Subscription.myTicketUpdates': { doc: 'subscription($id: ID!) { myTicketUpdates(id: $id) { sequence ticket { status } } }', vars: () => ({ id: real.ticketId }), allowed: ['STUDENT'] },
  // Everyone signed in has a notification stream of their own tenant (or, for a student, their own).
  'Subscription.notifications': { doc: 'subscription { notifications { sequence } }', vars: () => ({}), allowed: [...TENANT_READERS, 'STUDENT'] },
};

function expectedFor(op: LiveOp, caller: Caller): Outcome {
  if (caller === 'anonymous' || caller === 'tampered') return 'closed 4401';
  if (caller === 'expired') return 'closed 4403';
  if (caller === 'PLATFORM_WITHOUT_TENANT') return 'FORBIDDEN';
  const role: Role = caller === 'OWNER_OF_OTHER_TENANT' ? 'OWNER' : caller;
  if (!op.allowed.includes(role)) return 'FORBIDDEN';
  if (caller === 'OWNER_OF_OTHER_TENANT' || op.hiddenFrom?.includes(role)) return op.hidden ?? 'ok';
  return 'ok';
}

async function outcomeOf(caller: Caller, op: LiveOp): Promise<Outcome> {
  const token = tokens.get(caller);
  const params = token ? { authorization: `Bearer ${token}`, ...(PLATFORM.includes(caller as Role) ? { tenantId: w.a.id } : {}) } : null;
  const c = liveClient(w.gateway.url, params);
  clients.push(c);
  const rec = c.subscribe(op.doc, op.vars());
  const end = Date.now() + 5_000;
  while (Date.now() < end) {
    if (rec.messages.length) {
      // A stream given to someone must not carry another tenant's or student's data: it is theirs.
      expect(rec.messages[0]!.errors).toBeUndefined();
      return 'ok';
    }
    if (rec.errors.length) {
      const first = rec.errors[0] as { extensions?: { code?: string } }[] | { code?: number };
      if (Array.isArray(first)) return first[0]!.extensions!.code as Outcome;
      return `closed ${(first as { code: number }).code}` as Outcome;
    }
    if (c.closes.length) return `closed ${c.closes[0]!.code}` as Outcome;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('no outcome within 5 s');
}

describe('live authorization matrix', () => {
  it('covers every Subscription field of every subgraph', () => {
    const fields = SUBGRAPHS.flatMap((m) => rootFieldAccess(buildSubgraph(m)).filter((f) => f.type === 'Subscription').map((f) => `${f.type}.${f.field}`));
    expect(Object.keys(MATRIX).sort()).toEqual(fields.sort());
  });

  const cases = Object.entries(MATRIX).flatMap(([name, op]) => CALLERS.map((c) => [name, c, op] as const));
  it.each(cases)('%s as %s', async (_name, caller, op) => {
    expect(await outcomeOf(caller, op)).toBe(expectedFor(op, caller));
  });
});
