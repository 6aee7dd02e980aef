// Admissions through the gateway (issue 20, first part): a website enquiry merged by phone, assigned
// to the branch's staff member with the fewest open leads, worked on the board, a follow-up that
// reaches the assignee's inbox when due and again when missed (due work, by the sweep), the
// availability answer from campus, and the conversion into a student with a seat whose first dues
// billing raises. Races: 20 concurrent enquiries of one phone → one lead; 20 concurrent conversions
// of one lead → one student, one allocation. Abuse: the public form's bad input and floods refused
// with codes, nothing written.
import { randomUUID } from 'node:crypto';
import { engagementSweepOnce } from '@studyspot/engagement';
import { startMsg91Simulator } from '@studyspot/simulators';
import { clock } from '@studyspot/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveClient, type LiveClient } from './support/live.ts';
import { createSupergraphWorld, gql, type GqlResult, type SupergraphWorld } from './support/supergraph.ts';

let w: SupergraphWorld;
let staffA: { id: string; token: string };
let staffB: { id: string; token: string };
let shiftId: string;
let seatIds: string[];
let ip = 0;
let sim: Awaited<ReturnType<typeof startMsg91Simulator>>;

/** The public form, from a network address of its own unless one is given (the gateway trusts X-Forwarded-For here). */
const enquire = (input: Record<string, unknown>, from = `10.0.${Math.floor(++ip / 250)}.${ip % 250}`) =>
  gql(w.gateway.url, 'mutation($i: EnquiryInput!) { submitEnquiry(input: $i) { received userErrors { code field message retryAfterSeconds } } }', {
    variables: { i: { tenantSlug: 'alpha', libraryId: w.a.libraryId, consent: true, ...input } },
    headers: { 'x-forwarded-for': from },
  });

const owner = () => w.ownerToken(w.a);
const data = <T>(r: GqlResult, field: string): T => {
  expect(r.errors).toBeUndefined();
  return r.data![field] as T;
};
const leadRows = () => w.world.platform.tenants.withTenant(w.a.id, (db) => db.lead.findMany({ orderBy: { createdAt: 'asc' } }));
const leadByPhone = async (phone: string) => (await leadRows()).filter((l) => l.phone === phone);

const LEAD = 'id name phone enquiries source consent utmSource stage { key name } assignee { id } firstContactAt closedAt convertedAt student { id } allocation { id } timeline { kind body actor { id } at }';

beforeAll(async () => {
  w = await createSupergraphWorld({ trustProxy: true });
  const core = w.world.platform.core;
  // Two staff of alpha's branch (no branch limit): new leads go to whoever has fewer open ones.
  const mk = async (name: string) => {
    const u = await core.user.create({ data: { name, email: `${name.toLowerCase().replace(/ /g, '.')}@alpha.test`, role: 'STAFF', tenantId: w.a.id } });
    return { id: u.id, token: w.tokenFor({ sub: u.id, role: 'STAFF', tenantId: w.a.id }) };
  };
  staffA = await mk('Desk Asha');
  staffB = await mk('Desk Bilal');
  const rows = await w.world.platform.tenants.withTenant(w.a.id, async (db) => {
    const shift = await db.shift.create({ data: { libraryId: w.a.libraryId, name: 'Morning', startMinute: 360, endMinute: 720, monthlyPricePaise: 150_000 } });
    const seats = await db.seat.findMany({ where: { libraryId: w.a.libraryId }, orderBy: { label: 'asc' } });
    return { shift, seats };
  });
  shiftId = rows.shift.id;
  seatIds = rows.seats.map((s) => s.id);
}, 60_000);

afterAll(async () => {
  await sim?.close();
  await w?.close();
});

describe('admissions journey', () => {
  let leadId: string;
  const phone = '9812300001';

  it('a website enquiry becomes a lead in New, assigned to a staff member, with its enquiry on the timeline', async () => {
    const r = await enquire({ name: 'Meera Kulkarni', phone: `+91 ${phone}`, preferredShiftId: shiftId, message: 'Need a seat for UPSC prep', utmSource: 'google', utmCampaign: 'admissions-2027' });
    expect(data(r, 'submitEnquiry')).toEqual({ received: true, userErrors: [] });
    const [row] = await leadByPhone(`91${phone}`);
    leadId = row!.id;
    const lead = data<Record<string, unknown>>(await gql(w.gateway.url, `query($id: ID!) { lead(id: $id) { ${LEAD} } }`, { token: owner(), variables: { id: leadId } }), 'lead');
    expect(lead).toMatchObject({ name: 'Meera Kulkarni', phone: `91${phone}`, enquiries: 1, source: 'WEBSITE', consent: true, utmSource: 'google', stage: { key: 'NEW', name: 'New' }, firstContactAt: null, closedAt: null });
    expect([staffA.id, staffB.id]).toContain((lead.assignee as { id: string }).id);
    expect((lead.timeline as { kind: string; actor: unknown }[]).map((e) => [e.kind, e.actor])).toEqual([
      ['ENQUIRY', null],
      ['ASSIGNED', null],
    ]);
  });

  it('a second enquiry from the same phone is merged into the open lead, and the next lead goes to the other staff member', async () => {
    expect(data(await enquire({ name: 'Meera K', phone, message: 'Any evening seats?' }), 'submitEnquiry')).toEqual({ received: true, userErrors: [] });
    const rows = await leadByPhone(`91${phone}`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: leadId, enquiries: 2, name: 'Meera Kulkarni' });
    const first = rows[0]!.assigneeId;
    expect(data(await enquire({ name: 'Arjun Rao', phone: '9812300002' }), 'submitEnquiry')).toMatchObject({ received: true });
    const [second] = await leadByPhone('919812300002');
    expect(second!.assigneeId).not.toBe(first);
    expect([staffA.id, staffB.id]).toContain(second!.assigneeId);
  });

  it('staff add a walk-in (merged by phone too) and reassign; the board counts and pages every stage', async () => {
    const made = data<{ lead: { id: string; source: string; assignee: { id: string } }; userErrors: unknown[] }>(
      await gql(w.gateway.url, 'mutation($i: LeadInput!) { createLead(input: $i) { lead { id source assignee { id } } userErrors { code } } }', {
        token: staffA.token,
        variables: { i: { libraryId: w.a.libraryId, name: 'Walk In', phone: '9812300003', source: 'WALK_IN', assigneeId: staffA.id } },
      }),
      'createLead',
    );
    expect(made.userErrors).toEqual([]);
    expect(made.lead).toMatchObject({ source: 'WALK_IN', assignee: { id: staffA.id } });
    const again = data<{ lead: { id: string } }>(
      await gql(w.gateway.url, 'mutation($i: LeadInput!) { createLead(input: $i) { lead { id } userErrors { code } } }', { token: staffB.token, variables: { i: { libraryId: w.a.libraryId, name: 'Walk In', phone: '9812300003' } } }),
      'createLead',
    );
    expect(again.lead.id).toBe(made.lead.id);
    const moved = data<{ lead: { assignee: { id: string }; timeline: { kind: string; body: string }[] } }>(
      await gql(w.gateway.url, `mutation($id: ID!, $to: ID!) { assignLead(id: $id, assigneeId: $to) { lead { assignee { id } timeline { kind body } } userErrors { code } } }`, { token: owner(), variables: { id: made.lead.id, to: staffB.id } }),
      'assignLead',
    );
    expect(moved.lead.assignee.id).toBe(staffB.id);
    expect(moved.lead.timeline.at(-1)).toEqual({ kind: 'ASSIGNED', body: 'Assigned to Desk Bilal' });
    const notStaff = await gql(w.gateway.url, 'mutation($id: ID!, $to: ID!) { assignLead(id: $id, assigneeId: $to) { lead { id } userErrors { code } } }', { token: owner(), variables: { id: made.lead.id, to: randomUUID() } });
    expect(data(notStaff, 'assignLead')).toEqual({ lead: null, userErrors: [{ code: 'NOT_ASSIGNABLE' }] });

    const board = data<{ stage: { key: string }; count: number; leads: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }[]>(
      await gql(w.gateway.url, '{ leadBoard(first: 2) { stage { key } count leads { edges { node { id } } pageInfo { hasNextPage endCursor } } } }', { token: owner() }),
      'leadBoard',
    );
    expect(board.map((c) => c.stage.key)).toEqual(['NEW', 'CONTACTED', 'VISIT_SCHEDULED', 'VISITED', 'WON', 'LOST']);
    const newColumn = board[0]!;
    expect(newColumn.count).toBe(3);
    expect(newColumn.leads.edges).toHaveLength(2);
    expect(newColumn.leads.pageInfo.hasNextPage).toBe(true);
    const rest = data<{ edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean } }>(
      await gql(w.gateway.url, 'query($s: ID!, $after: String) { leadsInStage(stageId: $s, first: 2, after: $after) { edges { node { id } } pageInfo { hasNextPage } } }', {
        token: owner(),
        variables: { s: (await stageIds()).NEW, after: newColumn.leads.pageInfo.endCursor },
      }),
      'leadsInStage',
    );
    expect(rest.edges).toHaveLength(1);
    expect(rest.pageInfo.hasNextPage).toBe(false);
    expect(new Set([...newColumn.leads.edges, ...rest.edges].map((e) => e.node.id)).size).toBe(3);
  });

  it('a call is the first contact; a follow-up reaches the assignee when due and again, urgently, when missed — as due work', async () => {
    const lead = (await leadByPhone(`91${phone}`))[0]!;
    const assignee = lead.assigneeId === staffA.id ? staffA : staffB;
    const called = data<{ lead: { firstContactAt: string | null } }>(
      await gql(w.gateway.url, 'mutation($id: ID!) { logLeadActivity(id: $id, kind: CALL, body: "Called; wants a morning seat, will visit Saturday") { lead { firstContactAt } userErrors { code } } }', { token: assignee.token, variables: { id: leadId } }),
      'logLeadActivity',
    );
    expect(called.lead.firstContactAt).not.toBeNull();
    const dueAt = new Date(clock.now().getTime() + 2 * 3_600_000);
    const f = data<{ followUp: { id: string; assignee: { id: string }; missed: boolean }; userErrors: unknown[] }>(
      await gql(w.gateway.url, 'mutation($id: ID!, $at: DateTime!) { scheduleFollowUp(leadId: $id, dueAt: $at, note: "Confirm Saturday visit") { followUp { id assignee { id } missed } userErrors { code } } }', {
        token: owner(),
        variables: { id: leadId, at: dueAt.toISOString() },
      }),
      'scheduleFollowUp',
    );
    expect(f.userErrors).toEqual([]);
    expect(f.followUp).toMatchObject({ assignee: { id: assignee.id }, missed: false });
    // The work is recorded as due at the follow-up's time: not before.
    const work = await w.world.platform.core.tenantWork.findUnique({ where: { tenantId_kind: { tenantId: w.a.id, kind: 'engagement' } } });
    expect(work?.dueAt?.toISOString()).toBe(dueAt.toISOString());
    const inbox = () => w.world.platform.tenants.withTenant(w.a.id, (db) => db.inAppNotification.findMany({ where: { userId: assignee.id, category: 'ADMISSIONS' }, orderBy: { createdAt: 'asc' } }));
    expect((await engagementSweepOnce(w.world.platform, new Date(dueAt.getTime() - 60_000))).followUpsDue).toBe(0);
    expect(await inbox()).toHaveLength(0);
    const atDue = await engagementSweepOnce(w.world.platform, new Date(dueAt.getTime() + 1_000));
    expect(atDue).toMatchObject({ followUpsDue: 1, followUpsMissed: 0 });
    expect((await inbox()).map((n) => [n.title, n.urgent])).toEqual([['Follow-up due: Meera Kulkarni', false]]);
    // Sweeping again at the same time tells nobody twice; an hour later it is missed.
    expect((await engagementSweepOnce(w.world.platform, new Date(dueAt.getTime() + 2_000))).followUpsDue).toBe(0);
    const missed = await engagementSweepOnce(w.world.platform, new Date(dueAt.getTime() + 3_600_000 + 1_000));
    expect(missed).toMatchObject({ followUpsDue: 0, followUpsMissed: 1 });
    expect((await inbox()).map((n) => [n.title, n.urgent])).toEqual([
      ['Follow-up due: Meera Kulkarni', false],
      ['Missed follow-up: Meera Kulkarni', true],
    ]);
    // The assignee reads it in their inbox through the API too.
    const mine = data<{ edges: { node: { title: string } }[] }>(await gql(w.gateway.url, '{ myInbox { edges { node { title } } } }', { token: assignee.token }), 'myInbox');
    expect(mine.edges.map((e) => e.node.title)).toContain('Missed follow-up: Meera Kulkarni');
    const done = data<{ followUp: { doneAt: string | null } }>(
      await gql(w.gateway.url, 'mutation($id: ID!) { completeFollowUp(id: $id, outcome: "Visit confirmed") { followUp { doneAt } userErrors { code } } }', { token: assignee.token, variables: { id: f.followUp.id } }),
      'completeFollowUp',
    );
    expect(done.followUp.doneAt).not.toBeNull();
  });

  it('the availability answer lists the seats free for the preferred shift for a month', async () => {
    const q = `query($id: ID!) { lead(id: $id) { availability { shift { id } startDate endDate freeCount seats { id } } } }`;
    const before = data<{ availability: { freeCount: number; seats: { id: string }[]; endDate: string; startDate: string } }>(await gql(w.gateway.url, q, { token: owner(), variables: { id: leadId } }), 'lead');
    expect(before.availability.freeCount).toBe(12);
    // Someone else takes seat 1 for the month: it is no longer offered.
    const start = before.availability.startDate;
    const taken = await gql(w.gateway.url, 'mutation($i: AllocateSeatInput!) { allocateSeat(input: $i) { allocation { id } userErrors { code } } }', {
      token: owner(),
      variables: { i: { studentId: w.a.studentIds[0], seatId: seatIds[0], shiftId, startDate: start, endDate: before.availability.endDate } },
    });
    expect((taken.data!.allocateSeat as { userErrors: unknown[] }).userErrors).toEqual([]);
    const after = data<{ availability: { freeCount: number; seats: { id: string }[] } }>(await gql(w.gateway.url, q, { token: owner(), variables: { id: leadId } }), 'lead');
    expect(after.availability.freeCount).toBe(11);
    expect(after.availability.seats.map((s) => s.id)).not.toContain(seatIds[0]);
  });

  it('the lead moves through the pipeline; Won is reached only by converting', async () => {
    const ids = await stageIds();
    for (const key of ['CONTACTED', 'VISIT_SCHEDULED', 'VISITED'] as const) {
      const r = data<{ lead: { stage: { key: string } }; userErrors: unknown[] }>(
        await gql(w.gateway.url, 'mutation($id: ID!, $s: ID!) { moveLead(id: $id, stageId: $s) { lead { stage { key } } userErrors { code } } }', { token: owner(), variables: { id: leadId, s: ids[key] } }),
        'moveLead',
      );
      expect(r).toEqual({ lead: { stage: { key } }, userErrors: [] });
    }
    const won = await gql(w.gateway.url, 'mutation($id: ID!, $s: ID!) { moveLead(id: $id, stageId: $s) { lead { id } userErrors { code field } } }', { token: owner(), variables: { id: leadId, s: ids.WON } });
    expect(data(won, 'moveLead')).toEqual({ lead: null, userErrors: [{ code: 'INVALID_STATE', field: ['stageId'] }] });
    const lostWithoutReason = await gql(w.gateway.url, 'mutation($id: ID!, $s: ID!) { moveLead(id: $id, stageId: $s) { lead { id } userErrors { code field } } }', { token: owner(), variables: { id: leadId, s: ids.LOST } });
    expect(data(lostWithoutReason, 'moveLead')).toEqual({ lead: null, userErrors: [{ code: 'INVALID_INPUT', field: ['lostReason'] }] });
  });

  it('conversion makes the student, allocates the seat and raises the first dues; a repeat answers the same student', async () => {
    const convert = () =>
      gql(w.gateway.url, 'mutation($id: ID!, $seat: ConvertSeatInput) { convertLead(id: $id, seat: $seat) { lead { stage { key } convertedAt student { id } } student { id name phone } allocation { id } createdStudent userErrors { code field message } } }', {
        token: owner(),
        variables: { id: leadId, seat: { seatId: seatIds[1], shiftId } },
      });
    const r = data<{ lead: { stage: { key: string } }; student: { id: string; name: string; phone: string }; allocation: { id: string }; createdStudent: boolean; userErrors: unknown[] }>(await convert(), 'convertLead');
    expect(r.userErrors).toEqual([]);
    expect(r.createdStudent).toBe(true);
    expect(r.student).toMatchObject({ name: 'Meera Kulkarni', phone: `91${phone}` });
    expect(r.lead.stage.key).toBe('WON');
    const { dues, allocation } = await w.world.platform.tenants.withTenant(w.a.id, async (db) => ({
      allocation: await db.seatAllocation.findUniqueOrThrow({ where: { id: r.allocation.id } }),
      dues: await db.due.findMany({ where: { allocationId: r.allocation.id } }),
    }));
    expect(allocation).toMatchObject({ studentId: r.student.id, seatId: seatIds[1], shiftId, pricePaise: 150_000, status: 'ACTIVE' });
    expect(dues.map((d) => [d.studentId, d.amountPaise])).toEqual([[r.student.id, 150_000]]);
    const again = data<{ student: { id: string }; allocation: { id: string }; createdStudent: boolean; userErrors: unknown[] }>(await convert(), 'convertLead');
    expect(again).toMatchObject({ student: { id: r.student.id }, allocation: { id: r.allocation.id }, createdStudent: false, userErrors: [] });
    const timeline = data<{ timeline: { kind: string; body: string }[] }>(await gql(w.gateway.url, 'query($id: ID!) { lead(id: $id) { timeline { kind body } } }', { token: owner(), variables: { id: leadId } }), 'lead').timeline;
    expect(timeline.filter((e) => e.kind === 'CONVERTED')).toEqual([{ kind: 'CONVERTED', body: 'Registered as a student, with a seat' }]);
    expect(timeline.map((e) => e.kind)).toEqual(['ENQUIRY', 'ASSIGNED', 'ENQUIRY', 'CALL', 'FOLLOW_UP_SCHEDULED', 'FOLLOW_UP_DONE', 'STAGE_CHANGED', 'STAGE_CHANGED', 'STAGE_CHANGED', 'CONVERTED']);
  });

  it('converting a lead whose phone is a student already links to that student', async () => {
    const existing = await w.world.platform.tenants.withTenant(w.a.id, (db) => db.student.findUniqueOrThrow({ where: { id: w.a.studentIds[1]! } }));
    expect(data(await enquire({ name: 'Sneha J', phone: existing.phone.slice(2) }), 'submitEnquiry')).toMatchObject({ received: true });
    const [lead] = await leadByPhone(existing.phone);
    const r = data<{ student: { id: string }; allocation: unknown; createdStudent: boolean; userErrors: unknown[] }>(
      await gql(w.gateway.url, 'mutation($id: ID!) { convertLead(id: $id) { student { id } allocation { id } createdStudent userErrors { code } } }', { token: owner(), variables: { id: lead!.id } }),
      'convertLead',
    );
    expect(r).toEqual({ student: { id: existing.id }, allocation: null, createdStudent: false, userErrors: [] });
  });
});

describe('enquiry lists and the board\'s stages', () => {
  const IMPORT = 'mutation($l: ID!, $csv: String!) { importLeads(libraryId: $l, csv: $csv) { created merged skipped rowErrors { row column message } userErrors { code field } } }';

  it('imports a CSV list: good rows added or merged by phone, bad rows reported by line and column; a second import adds nothing', async () => {
    const csv = ['name,phone,email,preferredStartDate,consent', 'List One,9812301001,one@x.test,2027-01-05,yes', 'List Two,9812301002,,,no', 'Meera Again,9812300002,,,yes', 'Bad <b>,9812301003,,,yes', 'No Phone,123,,,yes', 'Bad Day,9812301004,,2027-02-30,yes', 'Bad Consent,9812301005,,,maybe'].join('\n');
    const r = data<{ created: number; merged: number; skipped: number; rowErrors: { row: number; column: string | null }[]; userErrors: unknown[] }>(await gql(w.gateway.url, IMPORT, { token: owner(), variables: { l: w.a.libraryId, csv } }), 'importLeads');
    expect(r).toMatchObject({ created: 2, merged: 1, skipped: 4, userErrors: [] });
    expect(r.rowErrors.map((e) => [e.row, e.column])).toEqual([
      [5, 'name'],
      [6, 'phone'],
      [7, 'preferredStartDate'],
      [8, 'consent'],
    ]);
    const [one] = await leadByPhone('919812301001');
    expect(one).toMatchObject({ source: 'IMPORT', consent: true, email: 'one@x.test' });
    expect([staffA.id, staffB.id]).toContain(one!.assigneeId);
    const before = (await leadRows()).length;
    const again = data<{ created: number; merged: number }>(await gql(w.gateway.url, IMPORT, { token: owner(), variables: { l: w.a.libraryId, csv } }), 'importLeads');
    expect(again).toMatchObject({ created: 0, merged: 3 });
    expect((await leadRows()).length).toBe(before);
    for (const [csvText, message] of [
      ['nom,telephone\nA,9812301009', 'name'],
      ['name,phone,colour\nA,9812301009,red', 'Unknown columns'],
      ['name,phone\n"unclosed,9812301009', 'not valid CSV'],
    ] as const) {
      const doc = IMPORT.replace('userErrors { code field }', 'userErrors { code field message }');
      const bad = data<{ created: number; userErrors: { code: string; field: string[]; message: string }[] }>(await gql(w.gateway.url, doc, { token: owner(), variables: { l: w.a.libraryId, csv: csvText } }), 'importLeads');
      expect(bad.created).toBe(0);
      expect(bad.userErrors.map((e) => [e.code, e.field])).toEqual([['INVALID_INPUT', ['csv']]]);
      expect(bad.userErrors[0]!.message).toContain(message);
    }
    expect((await leadRows()).length).toBe(before);
  });

  it('an owner adds a stage between two open ones and renames one; Won and Lost stay last', async () => {
    const ids = await stageIds();
    const made = data<{ stage: { key: string; name: string; position: number; kind: string }; userErrors: unknown[] }>(
      await gql(w.gateway.url, 'mutation($after: ID!) { createLeadStage(name: "Trial day", afterStageId: $after) { stage { key name position kind } userErrors { code } } }', { token: owner(), variables: { after: ids.VISITED } }),
      'createLeadStage',
    );
    expect(made.userErrors).toEqual([]);
    expect(made.stage).toMatchObject({ name: 'Trial day', kind: 'OPEN' });
    const renamed = await gql(w.gateway.url, 'mutation($id: ID!) { renameLeadStage(id: $id, name: "Called back") { stage { name } userErrors { code } } }', { token: owner(), variables: { id: ids.CONTACTED } });
    expect(data(renamed, 'renameLeadStage')).toEqual({ stage: { name: 'Called back' }, userErrors: [] });
    const afterWon = await gql(w.gateway.url, 'mutation($after: ID!) { createLeadStage(name: "Alumni", afterStageId: $after) { userErrors { code } } }', { token: owner(), variables: { after: ids.WON } });
    expect(data(afterWon, 'createLeadStage')).toEqual({ userErrors: [{ code: 'INVALID_STATE' }] });
    const same = await gql(w.gateway.url, 'mutation($after: ID!) { createLeadStage(name: "trial DAY", afterStageId: $after) { userErrors { code } } }', { token: owner(), variables: { after: ids.NEW } });
    expect(data(same, 'createLeadStage')).toEqual({ userErrors: [{ code: 'INVALID_INPUT' }] });
    const names = ((await gql(w.gateway.url, '{ leadStages { name } }', { token: owner() })).data!.leadStages as { name: string }[]).map((x) => x.name);
    expect(names).toEqual(['New', 'Called back', 'Visit scheduled', 'Visited', 'Trial day', 'Won', 'Lost']);
    const staffTry = await gql(w.gateway.url, 'mutation($id: ID!) { renameLeadStage(id: $id, name: "x") { userErrors { code } } }', { token: staffA.token, variables: { id: ids.NEW } });
    expect(staffTry.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  });
});

describe('SMS to a lead', () => {
  it('goes only through an approved DLT template and only with consent; it is on the timeline and a first contact', async () => {
    sim = await startMsg91Simulator();
    w.world.platform.config.sms = { apiUrl: sim.baseUrl, authKey: sim.state.register(), otpTemplateId: 'otp-template', reportToken: 'lead-sms', timeoutMs: 1_000 };
    const admin = w.tokenFor({ sub: randomUUID(), role: 'ADMIN', tenantId: null });
    await gql(w.gateway.url, 'mutation { purchaseWholesaleCredits(input: { vendor: "MSG91", credits: 1000, costPaise: 15000, idempotencyKey: "lead-stock" }) { userErrors { code } } }', { token: admin });
    await gql(w.gateway.url, 'mutation($t: ID!) { grantCredits(input: { tenantId: $t, credits: 20, idempotencyKey: "lead-grant" }) { userErrors { code } } }', { token: admin, variables: { t: w.a.id } });
    const sender = await gql(w.gateway.url, 'mutation { createSmsSender(header: "ADMSNS", entityId: "1101234567890") { sender { id } } }', { token: owner() });
    const senderId = (sender.data!.createSmsSender as { sender: { id: string } }).sender.id;
    const t = await gql(w.gateway.url, 'mutation($i: SmsTemplateInput!) { createSmsTemplate(input: $i) { template { id } } }', {
      token: owner(),
      variables: { i: { name: 'visit-invite', senderId, dltTemplateId: 'dlt-visit', msg91TemplateId: 'm91-visit', category: 'SERVICE_EXPLICIT', body: 'Hi {#var#}, visit us for a free trial day. -ADMSNS' } },
    });
    const templateId = (t.data!.createSmsTemplate as { template: { id: string } }).template.id;
    const TEXT = 'mutation($id: ID!, $t: ID!, $k: String!) { textLead(id: $id, templateId: $t, vars: ["Arjun"], idempotencyKey: $k) { smsStatus lead { firstContactAt timeline { kind } } userErrors { code field } } }';
    const withConsent = (await leadByPhone('919812300002'))[0]!;
    const pending = await gql(w.gateway.url, TEXT, { token: owner(), variables: { id: withConsent.id, t: templateId, k: 'invite-1' } });
    expect(data(pending, 'textLead')).toMatchObject({ smsStatus: null, userErrors: [{ code: 'TEMPLATE_NOT_APPROVED', field: ['templateId'] }] });
    await gql(w.gateway.url, 'mutation($id: ID!) { setSmsTemplateApproval(id: $id, approval: APPROVED) { template { approval } } }', { token: owner(), variables: { id: templateId } });
    const sent = data<{ smsStatus: string; lead: { firstContactAt: string | null; timeline: { kind: string }[] }; userErrors: unknown[] }>(await gql(w.gateway.url, TEXT, { token: owner(), variables: { id: withConsent.id, t: templateId, k: 'invite-1' } }), 'textLead');
    expect(sent.userErrors).toEqual([]);
    expect(sent.smsStatus).toMatch(/QUEUED|SENT|ACCEPTED|DELIVERED|SCHEDULED/);
    expect(sent.lead.firstContactAt).not.toBeNull();
    expect(sent.lead.timeline.at(-1)!.kind).toBe('MESSAGE');
    // The same key again sends nothing more.
    await gql(w.gateway.url, TEXT, { token: owner(), variables: { id: withConsent.id, t: templateId, k: 'invite-1' } });
    const messages = await w.world.platform.tenants.withTenant(w.a.id, (db) => db.smsMessage.count({ where: { phone: '919812300002' } }));
    expect(messages).toBe(1);
    // A lead who did not agree is not texted, and nothing is sent.
    expect(data(await enquire({ name: 'No Consent', phone: '9812300500', consent: false }), 'submitEnquiry')).toMatchObject({ received: true });
    const noConsent = (await leadByPhone('919812300500'))[0]!;
    const refused = await gql(w.gateway.url, TEXT, { token: owner(), variables: { id: noConsent.id, t: templateId, k: 'invite-2' } });
    expect(data(refused, 'textLead')).toMatchObject({ smsStatus: null, userErrors: [{ code: 'CONSENT_REQUIRED', field: ['id'] }] });
    expect(await w.world.platform.tenants.withTenant(w.a.id, (db) => db.smsMessage.count({ where: { phone: '919812300500' } }))).toBe(0);
  });
});

describe('the live board', () => {
  it('two people at the desk see the same board: a new enquiry and a move reach both, with the changed lead', async () => {
    const clients: LiveClient[] = [];
    try {
      const doc = 'subscription { leadBoard(first: 50) { sequence snapshot changedLeadIds columns { stage { key } count leads { edges { node { id } } } } } }';
      type Board = { leadBoard: { snapshot: boolean; changedLeadIds: string[]; columns: { stage: { key: string }; count: number; leads: { edges: { node: { id: string } }[] } }[] } };
      const recs = [staffA, staffB].map((p) => {
        const c = liveClient(w.gateway.url, { authorization: `Bearer ${p.token}` });
        clients.push(c);
        return c.subscribe<Board>(doc);
      });
      const firsts = await Promise.all(recs.map((r) => r.next(undefined, 5_000)));
      const count = (m: (typeof firsts)[number], key: string) => m.data!.leadBoard.columns.find((c) => c.stage.key === key)!.count;
      const newBefore = count(firsts[0]!, 'NEW');
      expect(firsts.map((m) => m.data!.leadBoard.snapshot)).toEqual([true, true]);
      expect(count(firsts[1]!, 'NEW')).toBe(newBefore);

      expect(data(await enquire({ name: 'Live Lakshmi', phone: '9812300600' }), 'submitEnquiry')).toMatchObject({ received: true });
      const [lead] = await leadByPhone('919812300600');
      const added = await Promise.all(recs.map((r) => r.next((m) => m.data?.leadBoard.changedLeadIds.includes(lead!.id) ?? false, 5_000, 1)));
      for (const m of added) {
        expect(count(m, 'NEW')).toBe(newBefore + 1);
        expect(m.data!.leadBoard.columns[0]!.leads.edges.map((e) => e.node.id)).toContain(lead!.id);
      }
      const ids = await stageIds();
      await gql(w.gateway.url, 'mutation($id: ID!, $s: ID!) { moveLead(id: $id, stageId: $s) { userErrors { code } } }', { token: staffA.token, variables: { id: lead!.id, s: ids.VISIT_SCHEDULED } });
      const moved = await Promise.all(recs.map((r) => r.next((m) => (m.data ? count(m, 'NEW') === newBefore : false), 5_000, 2)));
      for (const m of moved) expect(m.data!.leadBoard.columns.find((c) => c.stage.key === 'VISIT_SCHEDULED')!.leads.edges.map((e) => e.node.id)).toContain(lead!.id);
    } finally {
      await Promise.all(clients.map((c) => c.dispose()));
    }
  });
});

describe('the funnel', () => {
  it('adds up per source and branch: leads, first contact within 24 h, visits, conversions, median days, lost reasons, first-3-months fees', async () => {
    // A lost walk-in, and a cash payment by the converted website lead's student.
    const ids = await stageIds();
    const walkIn = (await leadByPhone('919812300003'))[0]!;
    const lost = await gql(w.gateway.url, 'mutation($id: ID!, $s: ID!) { moveLead(id: $id, stageId: $s, lostReason: "Too far from home") { userErrors { code } } }', { token: owner(), variables: { id: walkIn.id, s: ids.LOST } });
    expect(data(lost, 'moveLead')).toEqual({ userErrors: [] });
    const meera = (await leadByPhone('919812300001'))[0]!;
    const paid = await gql(w.gateway.url, 'mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { userErrors { code } } }', { token: owner(), variables: { i: { studentId: meera.studentId, amountPaise: 150_000, method: 'CASH' } } });
    expect(data(paid, 'recordPayment')).toEqual({ userErrors: [] });

    const today = new Date(clock.now().getTime() + 330 * 60_000).toISOString().slice(0, 10);
    const r = data<{ rows: Record<string, unknown>[]; total: Record<string, unknown> }>(
      await gql(w.gateway.url, 'query($d: Date!) { leadFunnel(from: $d, to: $d) { rows { source library { id } leads contactedWithin24h contactedWithin24hPercent visits conversions conversionRatePercent medianDaysToConvert lost lostReasons { reason count } firstThreeMonthsPaidPaise } total { leads conversions lost firstThreeMonthsPaidPaise contactedWithin24h visits } } }', {
        token: owner(),
        variables: { d: today },
      }),
      'leadFunnel',
    );
    const rows = await leadRows();
    const website = rows.filter((l) => l.source === 'WEBSITE');
    const webRow = r.rows.find((x) => x.source === 'WEBSITE')!;
    expect(webRow).toMatchObject({
      library: { id: w.a.libraryId },
      leads: website.length,
      contactedWithin24h: 2, // Meera called, Arjun texted
      visits: 1,
      conversions: 2,
      conversionRatePercent: Math.round((2 * 1_000) / website.length) / 10,
      lost: 0,
      firstThreeMonthsPaidPaise: 150_000,
    });
    expect(webRow.medianDaysToConvert).toBeGreaterThanOrEqual(0);
    expect(webRow.medianDaysToConvert).toBeLessThan(0.1);
    expect(r.rows.find((x) => x.source === 'WALK_IN')).toMatchObject({ leads: 1, conversions: 0, lost: 1, lostReasons: [{ reason: 'Too far from home', count: 1 }], contactedWithin24hPercent: 0 });
    // The total is the rows added up, and every lead of the day is in it.
    const sum = (k: string) => r.rows.reduce((t, x) => t + (x[k] as number), 0);
    expect(r.total).toEqual({ leads: rows.length, conversions: sum('conversions'), lost: sum('lost'), firstThreeMonthsPaidPaise: sum('firstThreeMonthsPaidPaise'), contactedWithin24h: sum('contactedWithin24h'), visits: sum('visits') });
    const bad = await gql(w.gateway.url, '{ leadFunnel(from: "2026-12-02", to: "2026-01-01") { total { leads } } }', { token: owner() });
    expect(bad.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('races', () => {
  it('20 concurrent enquiries with one phone: one lead, every accepted enquiry counted on it, the rest refused by the per-phone limit', async () => {
    const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => enquire({ name: 'Racing Rahul', phone: '9812300100', message: `try ${i}` })));
    const answers = rs.map((r) => data<{ received: boolean; userErrors: { code: string }[] }>(r, 'submitEnquiry'));
    const received = answers.filter((a) => a.received).length;
    expect(received).toBe(5);
    expect(answers.filter((a) => !a.received).every((a) => a.userErrors[0]!.code === 'RATE_LIMITED')).toBe(true);
    const rows = await leadByPhone('919812300100');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.enquiries).toBe(received);
  });

  it('20 concurrent conversions of one lead: one student, one allocation, one set of dues; every answer names the same student', async () => {
    expect(data(await enquire({ name: 'Twenty Ways', phone: '9812300200' }), 'submitEnquiry')).toMatchObject({ received: true });
    const [lead] = await leadByPhone('919812300200');
    const rs = await Promise.all(
      Array.from({ length: 20 }, () =>
        gql(w.gateway.url, 'mutation($id: ID!, $seat: ConvertSeatInput) { convertLead(id: $id, seat: $seat) { student { id } allocation { id } createdStudent userErrors { code message } } }', {
          token: owner(),
          variables: { id: lead!.id, seat: { seatId: seatIds[2], shiftId } },
        }),
      ),
    );
    const answers = rs.map((r) => data<{ student: { id: string } | null; allocation: { id: string } | null; createdStudent: boolean; userErrors: unknown[] }>(r, 'convertLead'));
    expect(answers.flatMap((a) => a.userErrors)).toEqual([]);
    expect(new Set(answers.map((a) => a.student!.id)).size).toBe(1);
    expect(new Set(answers.map((a) => a.allocation!.id)).size).toBe(1);
    expect(answers.filter((a) => a.createdStudent)).toHaveLength(1);
    const rows = await w.world.platform.tenants.withTenant(w.a.id, async (db) => ({
      students: await db.student.count({ where: { phone: '919812300200' } }),
      allocations: await db.seatAllocation.count({ where: { seatId: seatIds[2], shiftId } }),
      dues: await db.due.count({ where: { allocationId: answers[0]!.allocation!.id } }),
      converted: await db.leadEvent.count({ where: { leadId: lead!.id, kind: 'CONVERTED' } }),
    }));
    expect(rows).toEqual({ students: 1, allocations: 1, dues: 1, converted: 1 });
  });
});

describe('a conversion that fails half-way', () => {
  it('leaves the lead open and unclaimed; the retry links the student the first attempt made, and makes nothing twice', async () => {
    expect(data(await enquire({ name: 'Half Way', phone: '9812300700' }), 'submitEnquiry')).toMatchObject({ received: true });
    const [lead] = await leadByPhone('919812300700');
    const CONVERT = 'mutation($id: ID!, $seat: ConvertSeatInput) { convertLead(id: $id, seat: $seat) { student { id } allocation { id } createdStudent userErrors { code field } } }';
    // Seat 1 is taken for this month's morning shift (the availability test allocated it): the student
    // is made, the allocation refused.
    const failed = data<{ student: unknown; userErrors: { code: string; field: string[] }[] }>(await gql(w.gateway.url, CONVERT, { token: owner(), variables: { id: lead!.id, seat: { seatId: seatIds[0], shiftId } } }), 'convertLead');
    expect(failed).toMatchObject({ student: null, userErrors: [{ code: 'SEAT_UNAVAILABLE', field: ['seat', 'seatId'] }] });
    const after = await w.world.platform.tenants.withTenant(w.a.id, async (db) => ({
      lead: await db.lead.findUniqueOrThrow({ where: { id: lead!.id } }),
      students: await db.student.findMany({ where: { phone: '919812300700' } }),
    }));
    expect(after.lead).toMatchObject({ convertedAt: null, studentId: null, conversionClaim: null, closedAt: null });
    expect(after.students).toHaveLength(1);
    const ok = data<{ student: { id: string }; allocation: { id: string }; createdStudent: boolean; userErrors: unknown[] }>(await gql(w.gateway.url, CONVERT, { token: owner(), variables: { id: lead!.id, seat: { seatId: seatIds[3], shiftId } } }), 'convertLead');
    expect(ok).toMatchObject({ student: { id: after.students[0]!.id }, createdStudent: false, userErrors: [] });
    const rows = await w.world.platform.tenants.withTenant(w.a.id, async (db) => ({
      students: await db.student.count({ where: { phone: '919812300700' } }),
      allocations: await db.seatAllocation.count({ where: { studentId: after.students[0]!.id } }),
    }));
    expect(rows).toEqual({ students: 1, allocations: 1 });
  });
});

describe('the public form under abuse', () => {
  const refusals: [string, Record<string, unknown>, string, string[]][] = [
    ['script in the name', { name: '<script>alert(1)</script>', phone: '9812300300' }, 'INVALID_INPUT', ['input', 'name']],
    ['a bad phone', { name: 'Bad Phone', phone: '12345' }, 'INVALID_INPUT', ['input', 'phone']],
    ['a landline-looking number', { name: 'Bad Phone', phone: '0201234567' }, 'INVALID_INPUT', ['input', 'phone']],
    ['a bad email', { name: 'Bad Mail', phone: '9812300301', email: 'not-mail' }, 'INVALID_INPUT', ['input', 'email']],
    ['control characters in the message', { name: 'Ctrl', phone: '9812300302', message: 'hi\u0007there' }, 'INVALID_INPUT', ['input', 'message']],
    ['markup in a UTM field', { name: 'Utm', phone: '9812300303', utmSource: '"><img src=x>' }, 'INVALID_INPUT', ['input', 'utmSource']],
    ['a source staff use', { name: 'Src', phone: '9812300304', source: 'WALK_IN' }, 'INVALID_INPUT', ['input', 'source']],
    ['an unknown study centre', { name: 'Who', phone: '9812300305', tenantSlug: 'no-such-centre' }, 'NOT_FOUND', ['input', 'tenantSlug']],
    ['another tenant’s library', { name: 'Cross', phone: '9812300306', libraryId: '' }, 'NOT_FOUND', ['input', 'libraryId']],
    ['a shift of no library of its', { name: 'Shift', phone: '9812300307', preferredShiftId: randomUUID() }, 'INVALID_INPUT', ['input', 'preferredShiftId']],
  ];
  it.each(refusals)('%s: a coded refusal, nothing written', async (_what, input, code, field) => {
    const before = await leadRows();
    const r = await enquire(input.libraryId === '' ? { ...input, libraryId: w.b.libraryId } : input);
    const answer = data<{ received: boolean; userErrors: { code: string; field: string[] }[] }>(r, 'submitEnquiry');
    expect(answer.received).toBe(false);
    expect(answer.userErrors.map((e) => [e.code, e.field])).toEqual([[code, field]]);
    expect(await leadRows()).toEqual(before);
  });

  it('too long a name or message is refused before it runs (the schema’s length limits)', async () => {
    const before = await leadRows();
    for (const input of [{ name: 'a'.repeat(121), phone: '9812300310' }, { name: 'Long', phone: '9812300311', message: 'x'.repeat(1_001) }]) {
      const r = await enquire(input);
      expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    }
    expect(await leadRows()).toEqual(before);
  });

  it('a flood from one network address is cut at 30 enquiries in 10 minutes, with a retry time', async () => {
    const from = '10.9.9.9';
    const rs = await Promise.all(Array.from({ length: 40 }, (_, i) => enquire({ name: 'Flood', phone: `98123${String(40_000 + i)}` }, from)));
    const answers = rs.map((r) => data<{ received: boolean; userErrors: { code: string; retryAfterSeconds: number | null }[] }>(r, 'submitEnquiry'));
    expect(answers.filter((a) => a.received)).toHaveLength(30);
    const limited = answers.filter((a) => !a.received);
    expect(limited).toHaveLength(10);
    for (const a of limited) {
      expect(a.userErrors[0]!.code).toBe('RATE_LIMITED');
      expect(a.userErrors[0]!.retryAfterSeconds).toBeGreaterThan(0);
    }
  });

  it('an anonymous caller can reach nothing but the form', async () => {
    const r = await gql(w.gateway.url, '{ leads { edges { node { phone } } } }');
    expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });
});

async function stageIds(): Promise<Record<string, string>> {
  const r = await gql(w.gateway.url, '{ leadStages { id key } }', { token: w.ownerToken(w.a) });
  return Object.fromEntries((r.data!.leadStages as { id: string; key: string }[]).map((s) => [s.key, s.id]));
}
