// Every communications query and mutation × every kind of caller, and the cross-tenant rule for those
// that take an id: tenant B's owner presenting tenant A's real ids finds nothing and changes nothing.
import { randomUUID } from 'node:crypto';
import { communicationsSubgraph } from '@studyspot/communications';
import { buildSubgraph, rootFieldAccess, type Role } from '@studyspot/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRoleOutcome } from './support/matrix.ts';
import { createSupergraphWorld, gql, type GqlResult, type SupergraphWorld } from './support/supergraph.ts';

let w: SupergraphWorld;
type Caller = 'anonymous' | 'expired' | Role;
const CALLERS: Caller[] = ['anonymous', 'expired', 'SUPER_ADMIN', 'ADMIN', 'SUPPORT', 'OWNER', 'MANAGER', 'STAFF', 'STUDENT'];
const tokens = new Map<Caller, string | undefined>();
const real = { senderId: '', templateId: '', studentId: '' };

beforeAll(async () => {
  w = await createSupergraphWorld();
  const owner = w.ownerToken(w.a);
  const s = await gql(w.gateway.url, 'mutation { createSmsSender(header: "MATRIX") { sender { id } } }', { token: owner });
  real.senderId = (s.data!.createSmsSender as { sender: { id: string } }).sender.id;
  const t = await gql(w.gateway.url, 'mutation($i: SmsTemplateInput!) { createSmsTemplate(input: $i) { template { id } } }', { token: owner, variables: { i: { name: 'm', senderId: real.senderId, dltTemplateId: 'dlt-matrix', msg91TemplateId: 'm91-matrix', category: 'SERVICE_IMPLICIT', body: 'Hi {#var#}' } } });
  real.templateId = (t.data!.createSmsTemplate as { template: { id: string } }).template.id;
  real.studentId = w.a.studentIds[0]!;
  for (const role of ['SUPER_ADMIN', 'ADMIN', 'SUPPORT'] as const) tokens.set(role, w.tokenFor({ sub: randomUUID(), role, tenantId: null }));
  for (const role of ['OWNER', 'MANAGER', 'STAFF'] as const) tokens.set(role, w.tokenFor({ sub: randomUUID(), role, tenantId: w.a.id }));
  tokens.set('STUDENT', w.tokenFor({ sub: real.studentId, role: 'STUDENT', tenantId: w.a.id }));
  tokens.set('expired', w.tokenFor({ sub: randomUUID(), role: 'OWNER', tenantId: w.a.id }, -60));
}, 60_000);

afterAll(async () => {
  await w?.close();
});

const READ: Role[] = ['SUPER_ADMIN', 'ADMIN', 'SUPPORT', 'OWNER', 'MANAGER'];
const SETTINGS: Role[] = ['SUPER_ADMIN', 'ADMIN', 'OWNER'];
const FRONT_DESK: Role[] = ['SUPER_ADMIN', 'ADMIN', 'OWNER', 'MANAGER', 'STAFF'];
const EVERYONE: Role[] = ['SUPER_ADMIN', 'ADMIN', 'SUPPORT', 'OWNER', 'MANAGER', 'STAFF', 'STUDENT'];
const notFound = (field: string) => (r: GqlResult) => {
  expect(r.errors).toBeUndefined();
  expect((r.data![field] as { userErrors: { code: string }[] }).userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
};

interface Op {
  doc: string;
  vars?: () => Record<string, unknown>;
  allowed: Role[];
  crossTenant?: { vars: () => Record<string, unknown>; expect: (r: GqlResult) => void };
}

const MATRIX: Record<string, Op> = {
  'Query.notification': { doc: 'query($id: ID!) { notification(id: $id) { id } }', vars: () => ({ id: randomUUID() }), allowed: READ, crossTenant: { vars: () => ({ id: w.a.notificationIds[0] }), expect: (r) => expect(r.data).toEqual({ notification: null }) } },
  'Query.notifications': { doc: '{ notifications(first: 100) { edges { node { id } } } }', allowed: READ, crossTenant: { vars: () => ({}), expect: (r) => expect(JSON.stringify(r.data)).not.toContain(w.a.notificationIds[0]) } },
  'Query.smsTemplates': { doc: '{ smsTemplates { id } }', allowed: READ, crossTenant: { vars: () => ({}), expect: (r) => expect(JSON.stringify(r.data)).not.toContain(real.templateId) } },
  'Query.smsSenders': { doc: '{ smsSenders { id header } }', allowed: READ, crossTenant: { vars: () => ({}), expect: (r) => expect(JSON.stringify(r.data)).not.toContain(real.senderId) } },
  'Query.smsMessages': { doc: 'query($s: ID) { smsMessages(studentId: $s) { edges { node { id } } } }', allowed: READ, crossTenant: { vars: () => ({ s: real.studentId }), expect: (r) => expect(r.data).toEqual({ smsMessages: { edges: [] } }) } },
  'Mutation.createSmsSender': { doc: 'mutation { createSmsSender(header: "ABCDEF") { userErrors { code } } }', allowed: SETTINGS },
  'Mutation.createSmsTemplate': {
    doc: 'mutation($s: ID!) { createSmsTemplate(input: { name: "x", senderId: $s, dltTemplateId: "dlt-x", msg91TemplateId: "m-x", category: PROMOTIONAL, body: "x {#var#}" }) { userErrors { code } } }',
    vars: () => ({ s: randomUUID() }),
    allowed: SETTINGS,
    crossTenant: { vars: () => ({ s: real.senderId }), expect: notFound('createSmsTemplate') },
  },
  'Mutation.setSmsTemplateApproval': {
    doc: 'mutation($id: ID!) { setSmsTemplateApproval(id: $id, approval: APPROVED) { userErrors { code } } }',
    vars: () => ({ id: randomUUID() }),
    allowed: SETTINGS,
    crossTenant: { vars: () => ({ id: real.templateId }), expect: notFound('setSmsTemplateApproval') },
  },
  'Mutation.sendSms': {
    doc: 'mutation($t: ID!, $s: ID) { sendSms(input: { templateId: $t, vars: ["a"], studentId: $s, idempotencyKey: "matrix-sms" }) { userErrors { code } } }',
    vars: () => ({ t: randomUUID() }),
    allowed: FRONT_DESK,
    crossTenant: { vars: () => ({ t: real.templateId, s: real.studentId }), expect: notFound('sendSms') },
  },
  'Query.myInbox': { doc: '{ myInbox { edges { node { id } } } }', allowed: EVERYONE },
  'Query.myUnreadCount': { doc: '{ myUnreadCount }', allowed: EVERYONE },
  'Query.myNotificationPreferences': { doc: '{ myNotificationPreferences { enabled } }', allowed: EVERYONE },
  'Query.quietHours': { doc: '{ quietHours { from } }', allowed: READ },
  'Mutation.markNotificationsRead': { doc: 'mutation { markNotificationsRead(all: true) }', allowed: EVERYONE },
  'Mutation.setNotificationPreference': { doc: 'mutation { setNotificationPreference(category: FEES, channel: SMS, enabled: true) { enabled } }', allowed: EVERYONE },
  'Mutation.notifyUsers': {
    doc: 'mutation($u: [ID!]!) { notifyUsers(input: { userIds: $u, category: ANNOUNCEMENTS, title: "t", body: "b" }) { delivered emailed userErrors { code } } }',
    vars: () => ({ u: [randomUUID()] }),
    allowed: SETTINGS,
    crossTenant: { vars: () => ({ u: [real.studentId] }), expect: notFound('notifyUsers') },
  },
  'Mutation.setQuietHours': { doc: 'mutation { setQuietHours(from: "22:00", to: "06:00") { from } }', allowed: SETTINGS },
  'Query.campaign': { doc: 'query($id: ID!) { campaign(id: $id) { id } }', vars: () => ({ id: randomUUID() }), allowed: READ },
  'Query.smsAnalytics': { doc: '{ smsAnalytics(from: "2026-11-01", to: "2026-11-30") { sent } }', allowed: READ },
  'Query.autoMessageRules': { doc: '{ autoMessageRules { kind enabled } }', allowed: READ },
  'Mutation.setAutoMessageRule': {
    doc: 'mutation($t: ID) { setAutoMessageRule(kind: FEE_OVERDUE, enabled: true, templateId: $t) { userErrors { code } } }',
    vars: () => ({ t: randomUUID() }),
    allowed: SETTINGS,
    crossTenant: { vars: () => ({ t: real.templateId }), expect: (r) => expect((r.data!.setAutoMessageRule as { userErrors: { code: string }[] }).userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']) },
  },
  'Query.notificationTemplates': { doc: '{ notificationTemplates { key } }', allowed: READ },
  'Mutation.setNotificationTemplate': { doc: 'mutation { setNotificationTemplate(key: "matrix", channel: IN_APP, subject: "s", body: "b") { key } }', allowed: SETTINGS },
  'Query.campaigns': { doc: '{ campaigns { id } }', allowed: READ },
  'Mutation.createCampaign': {
    doc: 'mutation($t: ID!) { createCampaign(input: { name: "m", templateId: $t, vars: ["{name}"], audience: {} }) { userErrors { code } } }',
    vars: () => ({ t: randomUUID() }),
    allowed: SETTINGS,
    crossTenant: { vars: () => ({ t: real.templateId }), expect: notFound('createCampaign') },
  },
  'Mutation.cancelCampaign': { doc: 'mutation($id: ID!) { cancelCampaign(id: $id) { userErrors { code } } }', vars: () => ({ id: randomUUID() }), allowed: SETTINGS },
  'Mutation.setSmsConsent': { doc: 'mutation { setSmsConsent(phone: "9876500099", promotional: true) { userErrors { code } } }', allowed: FRONT_DESK },
};

const headersFor = (caller: Caller): Record<string, string> => (caller === 'SUPER_ADMIN' || caller === 'ADMIN' || caller === 'SUPPORT' ? { 'x-tenant-id': w.a.id } : {});
const smsRows = () => w.world.platform.tenants.withTenant(w.a.id, async (db) => ({ templates: await db.smsTemplate.findMany({ orderBy: { id: 'asc' } }), messages: await db.smsMessage.count(), inbox: await db.inAppNotification.count() }));

describe('communications authorization matrix', () => {
  it('covers every communications query and mutation', () => {
    expect(Object.keys(MATRIX).sort()).toEqual(rootFieldAccess(buildSubgraph(communicationsSubgraph)).filter((f) => f.type !== 'Subscription').map((f) => `${f.type}.${f.field}`).sort());
  });

  const cases = Object.entries(MATRIX).flatMap(([name, op]) => CALLERS.map((c) => [name, c, op] as const));
  it.each(cases)('%s as %s', async (_n, caller, op) => {
    const r = await gql(w.gateway.url, op.doc, { token: tokens.get(caller), variables: op.vars?.(), headers: headersFor(caller) });
    expectRoleOutcome(r, caller, op.allowed);
  });
});

describe('cross-tenant rule', () => {
  const crossCases = Object.entries(MATRIX).filter(([, op]) => op.crossTenant);
  it.each(crossCases)("%s with tenant A's ids, as tenant B's owner, finds nothing", async (_n, op) => {
    const before = await smsRows();
    const r = await gql(w.gateway.url, op.doc, { token: w.ownerToken(w.b), variables: op.crossTenant!.vars() });
    op.crossTenant!.expect(r);
    expect(await smsRows()).toEqual(before);
  });
});
