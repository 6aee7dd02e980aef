// Every engagement query and mutation (admissions, referrals, the help desk) × every kind of caller, and the cross-tenant rule for those
// that take an id: tenant B's owner presenting tenant A's real ids finds nothing and changes nothing.
// Branch limits: a manager limited to another branch does not see, move or convert this branch's leads.
import { randomUUID } from 'node:crypto';
import { engagementSubgraph } from '@studyspot/engagement';
import { buildSubgraph, rootFieldAccess, type Role } from '@studyspot/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRoleOutcome } from './support/matrix.ts';
import { createSupergraphWorld, gql, type GqlResult, type SupergraphWorld } from './support/supergraph.ts';

let w: SupergraphWorld;
type Caller = 'anonymous' | 'expired' | Role;
const CALLERS: Caller[] = ['anonymous', 'expired', 'SUPER_ADMIN', 'ADMIN', 'SUPPORT', 'OWNER', 'MANAGER', 'STAFF', 'STUDENT'];
const tokens = new Map<Caller, string | undefined>();
const real = { leadId: '', followUpId: '', stageId: '', staffId: '', otherBranchManager: '', code: '', ticketId: '', ruleId: '', savedReplyId: '', supportId: '' };
const STUDENT_ONLY: Role[] = ['STUDENT'];
const PLATFORM_SUPPORT: Role[] = ['SUPER_ADMIN', 'ADMIN', 'SUPPORT'];

beforeAll(async () => {
  w = await createSupergraphWorld({ trustProxy: true });
  const staff = await w.world.platform.core.user.create({ data: { name: 'Matrix Desk', email: 'matrix.desk@alpha.test', role: 'STAFF', tenantId: w.a.id } });
  real.staffId = staff.id;
  const owner = w.ownerToken(w.a);
  const e = await gql(w.gateway.url, 'mutation($i: EnquiryInput!) { submitEnquiry(input: $i) { received } }', { variables: { i: { tenantSlug: 'alpha', libraryId: w.a.libraryId, name: 'Matrix Lead', phone: '9812399999', consent: true } } });
  expect(e.data).toEqual({ submitEnquiry: { received: true } });
  const lead = await w.world.platform.tenants.withTenant(w.a.id, (db) => db.lead.findFirstOrThrow({ where: { phone: '919812399999' } }));
  real.leadId = lead.id;
  real.stageId = lead.stageId;
  const f = await gql(w.gateway.url, 'mutation($id: ID!, $at: DateTime!) { scheduleFollowUp(leadId: $id, dueAt: $at, note: "Call back") { followUp { id } } }', {
    token: owner,
    variables: { id: lead.id, at: new Date(Date.now() + 86_400_000).toISOString() },
  });
  real.followUpId = (f.data!.scheduleFollowUp as { followUp: { id: string } }).followUp.id;
  const st = await gql(w.gateway.url, 'query($s: ID!) { student(id: $s) { referralCode } }', { token: owner, variables: { s: w.a.studentIds[0] } });
  real.code = (st.data!.student as { referralCode: string }).referralCode;
  const tk = await gql(w.gateway.url, 'mutation($i: RaiseTicketInput!) { raiseTicket(input: $i) { ticket { id } } }', { token: owner, variables: { i: { studentId: w.a.studentIds[1], subject: 'Matrix ticket', body: 'The fan rattles', category: 'FACILITIES' } } });
  real.ticketId = (tk.data!.raiseTicket as { ticket: { id: string } }).ticket.id;
  const rule = await gql(w.gateway.url, 'mutation { saveTicketRule(input: { category: SAFETY, role: MANAGER }) { rule { id } } }', { token: owner });
  real.ruleId = (rule.data!.saveTicketRule as { rule: { id: string } }).rule.id;
  const sr = await gql(w.gateway.url, 'mutation { createSavedReply(title: "Matrix", body: "Hi {{student}}") { savedReply { id } } }', { token: owner });
  real.savedReplyId = (sr.data!.createSavedReply as { savedReply: { id: string } }).savedReply.id;
  const sp = await gql(w.gateway.url, 'mutation { raisePlatformTicket(input: { subject: "Matrix", body: "Invoice wrong", topic: BILLING }) { ticket { id } } }', { token: owner });
  real.supportId = (sp.data!.raisePlatformTicket as { ticket: { id: string } }).ticket.id;
  for (const role of ['SUPER_ADMIN', 'ADMIN', 'SUPPORT'] as const) tokens.set(role, w.tokenFor({ sub: randomUUID(), role, tenantId: null }));
  for (const role of ['OWNER', 'MANAGER', 'STAFF'] as const) tokens.set(role, w.tokenFor({ sub: randomUUID(), role, tenantId: w.a.id }));
  tokens.set('STUDENT', w.tokenFor({ sub: w.a.studentIds[0]!, role: 'STUDENT', tenantId: w.a.id }));
  tokens.set('expired', w.tokenFor({ sub: randomUUID(), role: 'OWNER', tenantId: w.a.id }, -60));
  real.otherBranchManager = w.tokenFor({ sub: randomUUID(), role: 'MANAGER', tenantId: w.a.id, libraryIds: [randomUUID()] });
}, 60_000);

afterAll(async () => {
  await w?.close();
});

const READ: Role[] = ['SUPER_ADMIN', 'ADMIN', 'SUPPORT', 'OWNER', 'MANAGER', 'STAFF'];
const WRITE: Role[] = ['SUPER_ADMIN', 'ADMIN', 'OWNER', 'MANAGER', 'STAFF'];
const SETTINGS: Role[] = ['SUPER_ADMIN', 'ADMIN', 'OWNER'];
const codes = (field: string) => (r: GqlResult) => (r.data![field] as { userErrors: { code: string }[] }).userErrors.map((e) => e.code);
const notFound = (field: string) => (r: GqlResult) => {
  expect(r.errors).toBeUndefined();
  expect(codes(field)(r)).toEqual(['NOT_FOUND']);
};

interface Op {
  doc: string;
  vars?: () => Record<string, unknown>;
  allowed: Role[] | 'public';
  crossTenant?: { vars: () => Record<string, unknown>; expect: (r: GqlResult) => void };
}

const MATRIX: Record<string, Op> = {
  'Query.leadStages': { doc: '{ leadStages { id key } }', allowed: READ },
  'Query.lead': { doc: 'query($id: ID!) { lead(id: $id) { id } }', vars: () => ({ id: randomUUID() }), allowed: READ, crossTenant: { vars: () => ({ id: real.leadId }), expect: (r) => expect(r.data).toEqual({ lead: null }) } },
  'Query.leads': { doc: '{ leads(first: 100) { edges { node { id phone } } } }', allowed: READ, crossTenant: { vars: () => ({}), expect: (r) => expect(JSON.stringify(r.data)).not.toContain(real.leadId) } },
  'Query.leadBoard': { doc: '{ leadBoard { count leads { edges { node { id } } } } }', allowed: READ, crossTenant: { vars: () => ({}), expect: (r) => expect(JSON.stringify(r.data)).not.toContain(real.leadId) } },
  'Query.leadsInStage': {
    doc: 'query($s: ID!) { leadsInStage(stageId: $s) { edges { node { id } } } }',
    vars: () => ({ s: randomUUID() }),
    allowed: READ,
    crossTenant: { vars: () => ({ s: real.stageId }), expect: (r) => expect(r.data).toEqual({ leadsInStage: { edges: [] } }) },
  },
  'Query.leadFunnel': {
    doc: 'query($l: ID) { leadFunnel(from: "2026-01-01", to: "2026-12-31", libraryId: $l) { total { leads } } }',
    allowed: READ,
    crossTenant: { vars: () => ({ l: w.a.libraryId }), expect: (r) => expect(r.data).toEqual({ leadFunnel: { total: { leads: 0 } } }) },
  },
  'Query.openFollowUps': { doc: 'query($a: ID) { openFollowUps(assigneeId: $a) { edges { node { id } } } }', allowed: READ, crossTenant: { vars: () => ({ a: real.staffId }), expect: (r) => expect(r.data).toEqual({ openFollowUps: { edges: [] } }) } },
  'Mutation.submitEnquiry': {
    doc: 'mutation($p: String!) { submitEnquiry(input: { tenantSlug: "alpha", libraryId: "00000000-0000-4000-8000-000000000000", name: "Nobody", phone: $p, consent: false }) { received userErrors { code } } }',
    vars: () => ({ p: `98124${String(Math.floor(Math.random() * 100_000)).padStart(5, '0')}` }),
    allowed: 'public',
  },
  'Mutation.createLead': {
    doc: 'mutation($l: ID!) { createLead(input: { libraryId: $l, name: "Matrix Walk", phone: "9812399991" }) { lead { id } userErrors { code } } }',
    vars: () => ({ l: randomUUID() }),
    allowed: WRITE,
    crossTenant: { vars: () => ({ l: w.a.libraryId }), expect: notFound('createLead') },
  },
  'Mutation.updateLead': { doc: 'mutation($id: ID!) { updateLead(id: $id, input: { name: "Changed" }) { userErrors { code } } }', vars: () => ({ id: randomUUID() }), allowed: WRITE, crossTenant: { vars: () => ({ id: real.leadId }), expect: notFound('updateLead') } },
  'Mutation.moveLead': {
    doc: 'mutation($id: ID!, $s: ID!) { moveLead(id: $id, stageId: $s) { userErrors { code } } }',
    vars: () => ({ id: randomUUID(), s: randomUUID() }),
    allowed: WRITE,
    crossTenant: { vars: () => ({ id: real.leadId, s: real.stageId }), expect: notFound('moveLead') },
  },
  'Mutation.assignLead': {
    doc: 'mutation($id: ID!, $to: ID!) { assignLead(id: $id, assigneeId: $to) { userErrors { code } } }',
    vars: () => ({ id: randomUUID(), to: randomUUID() }),
    allowed: WRITE,
    crossTenant: { vars: () => ({ id: real.leadId, to: real.staffId }), expect: notFound('assignLead') },
  },
  'Mutation.logLeadActivity': { doc: 'mutation($id: ID!) { logLeadActivity(id: $id, kind: NOTE, body: "x") { userErrors { code } } }', vars: () => ({ id: randomUUID() }), allowed: WRITE, crossTenant: { vars: () => ({ id: real.leadId }), expect: notFound('logLeadActivity') } },
  'Mutation.convertLead': { doc: 'mutation($id: ID!) { convertLead(id: $id) { userErrors { code } } }', vars: () => ({ id: randomUUID() }), allowed: WRITE, crossTenant: { vars: () => ({ id: real.leadId }), expect: notFound('convertLead') } },
  'Mutation.textLead': {
    doc: 'mutation($id: ID!, $t: ID!) { textLead(id: $id, templateId: $t, vars: ["x"], idempotencyKey: "matrix") { userErrors { code } } }',
    vars: () => ({ id: randomUUID(), t: randomUUID() }),
    allowed: WRITE,
    crossTenant: { vars: () => ({ id: real.leadId, t: randomUUID() }), expect: notFound('textLead') },
  },
  'Mutation.importLeads': {
    doc: 'mutation($l: ID!) { importLeads(libraryId: $l, csv: "name,phone\\nMatrix Import,9812399992") { created userErrors { code } } }',
    vars: () => ({ l: randomUUID() }),
    allowed: WRITE,
    crossTenant: { vars: () => ({ l: w.a.libraryId }), expect: notFound('importLeads') },
  },
  'Mutation.createLeadStage': {
    doc: 'mutation($s: ID!) { createLeadStage(name: "Matrix", afterStageId: $s) { userErrors { code } } }',
    vars: () => ({ s: randomUUID() }),
    allowed: SETTINGS,
    crossTenant: { vars: () => ({ s: real.stageId }), expect: notFound('createLeadStage') },
  },
  'Mutation.renameLeadStage': {
    doc: 'mutation($s: ID!) { renameLeadStage(id: $s, name: "Matrix") { userErrors { code } } }',
    vars: () => ({ s: randomUUID() }),
    allowed: SETTINGS,
    crossTenant: { vars: () => ({ s: real.stageId }), expect: notFound('renameLeadStage') },
  },
  'Mutation.scheduleFollowUp': {
    doc: 'mutation($id: ID!) { scheduleFollowUp(leadId: $id, dueAt: "2099-01-01T00:00:00.000Z", note: "x") { userErrors { code } } }',
    vars: () => ({ id: randomUUID() }),
    allowed: WRITE,
    crossTenant: { vars: () => ({ id: real.leadId }), expect: notFound('scheduleFollowUp') },
  },
  'Query.myReferrals': { doc: '{ myReferrals { code earnedPaise referrals { edges { node { id } } } } }', allowed: ['STUDENT'] },
  'Query.referrals': {
    doc: 'query($r: ID) { referrals(first: 100, referrerId: $r) { edges { node { id referrer { id } } } } }',
    allowed: READ,
    crossTenant: { vars: () => ({ r: w.a.studentIds[0] }), expect: (r) => expect(r.data).toEqual({ referrals: { edges: [] } }) },
  },
  'Query.referralSettings': { doc: '{ referralSettings { rewardKind rewardPaise monthlyCapPaise } }', allowed: READ },
  'Mutation.recordReferral': {
    doc: 'mutation($s: ID!, $c: String!) { recordReferral(input: { studentId: $s, referralCode: $c }) { referral { id } userErrors { code } } }',
    vars: () => ({ s: randomUUID(), c: '00000-00001' }),
    allowed: WRITE,
    crossTenant: { vars: () => ({ s: w.a.studentIds[1], c: real.code }), expect: notFound('recordReferral') },
  },
  'Mutation.updateReferralSettings': {
    doc: 'mutation { updateReferralSettings(input: { rewardKind: FIXED, rewardPaise: 5000, monthlyCapPaise: 10000, clawbackDays: 3 }) { settings { rewardPaise } userErrors { code } } }',
    allowed: SETTINGS,
    // Tenant B's owner sets B's rule; A's stays as it was (the rows compared below).
    crossTenant: { vars: () => ({}), expect: (r) => expect(r.data).toEqual({ updateReferralSettings: { settings: { rewardPaise: 5000 }, userErrors: [] } }) },
  },
  'Query.ticket': { doc: 'query($id: ID!) { ticket(id: $id) { id } }', vars: () => ({ id: randomUUID() }), allowed: READ, crossTenant: { vars: () => ({ id: real.ticketId }), expect: (r) => expect(r.data).toEqual({ ticket: null }) } },
  'Query.tickets': {
    doc: 'query($s: ID) { tickets(first: 100, filter: { studentId: $s }) { edges { node { id } } } }',
    allowed: READ,
    crossTenant: { vars: () => ({ s: w.a.studentIds[1] }), expect: (r) => expect(r.data).toEqual({ tickets: { edges: [] } }) },
  },
  'Query.ticketReport': {
    doc: 'query($l: ID) { ticketReport(from: "2026-01-01", to: "2027-12-31", libraryId: $l) { rows { raised } total { raised } } }',
    allowed: READ,
    crossTenant: { vars: () => ({ l: w.a.libraryId }), expect: (r) => expect(r.data).toEqual({ ticketReport: { rows: [], total: expect.objectContaining({ raised: 0 }) } }) },
  },
  'Query.ticketRules': { doc: '{ ticketRules { id } }', allowed: READ, crossTenant: { vars: () => ({}), expect: (r) => expect(JSON.stringify(r.data)).not.toContain(real.ruleId) } },
  'Query.ticketSlas': { doc: '{ ticketSlas { priority firstResponseMinutes } }', allowed: READ },
  'Query.savedReplies': { doc: '{ savedReplies { id } }', allowed: READ, crossTenant: { vars: () => ({}), expect: (r) => expect(JSON.stringify(r.data)).not.toContain(real.savedReplyId) } },
  'Query.myTickets': { doc: '{ myTickets { edges { node { id } } } }', allowed: STUDENT_ONLY },
  'Query.myTicket': { doc: 'query($id: ID!) { myTicket(id: $id) { id } }', vars: () => ({ id: randomUUID() }), allowed: STUDENT_ONLY },
  'Mutation.raiseTicket': {
    doc: 'mutation($s: ID!) { raiseTicket(input: { studentId: $s, subject: "Matrix", body: "x", category: OTHER, allowDuplicate: true }) { ticket { id } userErrors { code } } }',
    vars: () => ({ s: randomUUID() }),
    allowed: WRITE,
    crossTenant: { vars: () => ({ s: w.a.studentIds[1] }), expect: notFound('raiseTicket') },
  },
  'Mutation.replyToTicket': { doc: 'mutation($id: ID!) { replyToTicket(id: $id, input: { body: "x", internal: true }) { userErrors { code } } }', vars: () => ({ id: randomUUID() }), allowed: WRITE, crossTenant: { vars: () => ({ id: real.ticketId }), expect: notFound('replyToTicket') } },
  'Mutation.setTicketStatus': { doc: 'mutation($id: ID!) { setTicketStatus(id: $id, status: RESOLVED) { userErrors { code } } }', vars: () => ({ id: randomUUID() }), allowed: WRITE, crossTenant: { vars: () => ({ id: real.ticketId }), expect: notFound('setTicketStatus') } },
  'Mutation.assignTicket': { doc: 'mutation($id: ID!) { assignTicket(id: $id) { userErrors { code } } }', vars: () => ({ id: randomUUID() }), allowed: WRITE, crossTenant: { vars: () => ({ id: real.ticketId }), expect: notFound('assignTicket') } },
  'Mutation.claimTicket': { doc: 'mutation($id: ID!) { claimTicket(id: $id) { userErrors { code } } }', vars: () => ({ id: randomUUID() }), allowed: WRITE, crossTenant: { vars: () => ({ id: real.ticketId }), expect: notFound('claimTicket') } },
  'Mutation.escalateTicket': { doc: 'mutation($id: ID!) { escalateTicket(id: $id, reason: "x") { userErrors { code } } }', vars: () => ({ id: randomUUID() }), allowed: WRITE, crossTenant: { vars: () => ({ id: real.ticketId }), expect: notFound('escalateTicket') } },
  'Mutation.createSavedReply': { doc: 'mutation { createSavedReply(title: "Matrix reply", body: "Hello") { userErrors { code } } }', allowed: WRITE },
  'Mutation.deleteSavedReply': {
    doc: 'mutation($id: ID!) { deleteSavedReply(id: $id) { deleted userErrors { code } } }',
    vars: () => ({ id: randomUUID() }),
    allowed: SETTINGS,
    crossTenant: { vars: () => ({ id: real.savedReplyId }), expect: notFound('deleteSavedReply') },
  },
  'Mutation.saveTicketRule': {
    doc: 'mutation($l: ID) { saveTicketRule(input: { category: NOISE, libraryId: $l, role: STAFF }) { userErrors { code } } }',
    vars: () => ({ l: randomUUID() }),
    allowed: SETTINGS,
    crossTenant: { vars: () => ({ l: w.a.libraryId }), expect: notFound('saveTicketRule') },
  },
  'Mutation.deleteTicketRule': {
    doc: 'mutation($id: ID!) { deleteTicketRule(id: $id) { deleted userErrors { code } } }',
    vars: () => ({ id: randomUUID() }),
    allowed: SETTINGS,
    crossTenant: { vars: () => ({ id: real.ruleId }), expect: notFound('deleteTicketRule') },
  },
  'Mutation.updateTicketSla': { doc: 'mutation { updateTicketSla(input: { priority: LOW, firstResponseMinutes: 600, resolutionMinutes: 3000 }) { userErrors { code } } }', allowed: SETTINGS },
  'Mutation.raiseMyTicket': { doc: 'mutation { raiseMyTicket(input: { subject: "Matrix", body: "The fan rattles", category: OTHER, allowDuplicate: true }) { ticket { id } userErrors { code } } }', allowed: STUDENT_ONLY },
  'Mutation.replyToMyTicket': { doc: 'mutation($id: ID!) { replyToMyTicket(id: $id, body: "x") { userErrors { code } } }', vars: () => ({ id: randomUUID() }), allowed: STUDENT_ONLY },
  'Mutation.reopenMyTicket': { doc: 'mutation($id: ID!) { reopenMyTicket(id: $id) { userErrors { code } } }', vars: () => ({ id: randomUUID() }), allowed: STUDENT_ONLY },
  'Mutation.rateMyTicket': { doc: 'mutation($id: ID!) { rateMyTicket(id: $id, score: 4) { userErrors { code } } }', vars: () => ({ id: randomUUID() }), allowed: STUDENT_ONLY },
  'Query.myPlatformTickets': { doc: '{ myPlatformTickets(first: 100) { edges { node { id } } } }', allowed: SETTINGS, crossTenant: { vars: () => ({}), expect: (r) => expect(JSON.stringify(r.data)).not.toContain(real.supportId) } },
  'Query.myPlatformTicket': { doc: 'query($id: ID!) { myPlatformTicket(id: $id) { id } }', vars: () => ({ id: randomUUID() }), allowed: SETTINGS, crossTenant: { vars: () => ({ id: real.supportId }), expect: (r) => expect(r.data).toEqual({ myPlatformTicket: null }) } },
  'Query.supportQueue': { doc: '{ supportQueue { edges { node { id } } } }', allowed: PLATFORM_SUPPORT },
  'Query.platformTicket': { doc: 'query($id: ID!) { platformTicket(id: $id) { id } }', vars: () => ({ id: randomUUID() }), allowed: PLATFORM_SUPPORT },
  'Mutation.raisePlatformTicket': { doc: 'mutation { raisePlatformTicket(input: { subject: "Matrix", body: "x", topic: QUESTION }) { ticket { id } userErrors { code } } }', allowed: SETTINGS },
  'Mutation.replyToMyPlatformTicket': {
    doc: 'mutation($id: ID!) { replyToMyPlatformTicket(id: $id, body: "x") { userErrors { code } } }',
    vars: () => ({ id: randomUUID() }),
    allowed: SETTINGS,
    crossTenant: { vars: () => ({ id: real.supportId }), expect: notFound('replyToMyPlatformTicket') },
  },
  'Mutation.claimPlatformTicket': { doc: 'mutation($id: ID!) { claimPlatformTicket(id: $id) { userErrors { code } } }', vars: () => ({ id: randomUUID() }), allowed: PLATFORM_SUPPORT },
  'Mutation.replyToPlatformTicket': { doc: 'mutation($id: ID!) { replyToPlatformTicket(id: $id, input: { body: "x" }) { userErrors { code } } }', vars: () => ({ id: randomUUID() }), allowed: PLATFORM_SUPPORT },
  'Mutation.setPlatformTicketStatus': { doc: 'mutation($id: ID!) { setPlatformTicketStatus(id: $id, status: RESOLVED) { userErrors { code } } }', vars: () => ({ id: randomUUID() }), allowed: PLATFORM_SUPPORT },
  'Mutation.completeFollowUp': { doc: 'mutation($id: ID!) { completeFollowUp(id: $id) { userErrors { code } } }', vars: () => ({ id: randomUUID() }), allowed: WRITE, crossTenant: { vars: () => ({ id: real.followUpId }), expect: notFound('completeFollowUp') } },
};

const headersFor = (caller: Caller): Record<string, string> => (caller === 'SUPER_ADMIN' || caller === 'ADMIN' || caller === 'SUPPORT' ? { 'x-tenant-id': w.a.id } : {});
const rowsOfA = () =>
  w.world.platform.tenants.withTenant(w.a.id, async (db) => ({
    leads: await db.lead.findMany({ orderBy: { id: 'asc' } }),
    stages: await db.leadStage.findMany({ orderBy: { id: 'asc' } }),
    events: await db.leadEvent.count(),
    followUps: await db.leadFollowUp.findMany({ orderBy: { id: 'asc' } }),
    students: await db.student.count(),
    referrals: await db.referral.findMany({ orderBy: { id: 'asc' } }),
    tickets: await db.ticket.findMany({ orderBy: { id: 'asc' } }),
    ticketMessages: await db.ticketMessage.count(),
    ticketRules: await db.ticketRule.findMany({ orderBy: { id: 'asc' } }),
    savedReplies: await db.savedReply.findMany({ orderBy: { id: 'asc' } }),
    referralSettings: await db.referralSettings.findMany(),
  }));

describe('engagement authorization matrix', () => {
  it('covers every engagement query and mutation', () => {
    expect(Object.keys(MATRIX).sort()).toEqual(rootFieldAccess(buildSubgraph(engagementSubgraph)).filter((f) => f.type !== 'Subscription').map((f) => `${f.type}.${f.field}`).sort());
  });

  const cases = Object.entries(MATRIX).flatMap(([name, op]) => CALLERS.map((c) => [name, c, op] as const));
  it.each(cases)('%s as %s', async (_n, caller, op) => {
    const r = await gql(w.gateway.url, op.doc, { token: tokens.get(caller), variables: op.vars?.(), headers: headersFor(caller) });
    if (op.allowed === 'public' && caller === 'expired') {
      // A token sent must be valid even where none is needed: the client is told to drop it.
      expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    } else if (op.allowed === 'public') {
      // Open to anyone: an answer (here NOT_FOUND for the made-up library), never an authorization error.
      expect(r.errors).toBeUndefined();
      expect(codes('submitEnquiry')(r)).toEqual(['NOT_FOUND']);
    } else {
      expectRoleOutcome(r, caller, op.allowed);
    }
  });
});

describe('cross-tenant rule', () => {
  const crossCases = Object.entries(MATRIX).filter(([, op]) => op.crossTenant);
  it.each(crossCases)("%s with tenant A's ids, as tenant B's owner, finds nothing", async (_n, op) => {
    const support = () => w.world.platform.core.platformTicket.findMany({ where: { tenantId: w.a.id }, orderBy: { id: 'asc' }, include: { messages: true } });
    const before = [await rowsOfA(), await support()];
    const r = await gql(w.gateway.url, op.doc, { token: w.ownerToken(w.b), variables: op.crossTenant!.vars() });
    op.crossTenant!.expect(r);
    expect([await rowsOfA(), await support()]).toEqual(before);
  });
});

describe('branch limits', () => {
  it("a manager limited to another branch neither sees nor works this branch's leads", async () => {
    const before = await rowsOfA();
    const token = real.otherBranchManager;
    expect((await gql(w.gateway.url, 'query($id: ID!) { lead(id: $id) { id } }', { token, variables: { id: real.leadId } })).data).toEqual({ lead: null });
    const board = await gql(w.gateway.url, '{ leadBoard { count } }', { token });
    expect((board.data!.leadBoard as { count: number }[]).every((c) => c.count === 0)).toBe(true);
    for (const [field, doc] of [
      ['moveLead', 'mutation($id: ID!, $s: ID!) { moveLead(id: $id, stageId: $s) { userErrors { code } } }'],
      ['convertLead', 'mutation($id: ID!) { convertLead(id: $id) { userErrors { code } } }'],
      ['logLeadActivity', 'mutation($id: ID!) { logLeadActivity(id: $id, kind: CALL, body: "x") { userErrors { code } } }'],
    ] as const) {
      const r = await gql(w.gateway.url, doc, { token, variables: field === 'moveLead' ? { id: real.leadId, s: real.stageId } : { id: real.leadId } });
      expect(codes(field)(r)).toEqual(['NOT_FOUND']);
    }
    expect(await rowsOfA()).toEqual(before);
  });
});
