// The live occupancy dashboard in a real browser (Debian's chromium, driven by playwright-core):
// sign in, pick a library, and see a check-in made through the API appear within a second; and the
// insights page over four months of generated history — its charts, the students at risk and every
// CSV export. The tests save screenshots to tests/screenshots/dashboard.png and insights.png. `.ci/run` installs chromium and sets
// REQUIRE_BROWSER=1, so in CI a missing browser fails the test instead of skipping it.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { generateHistory } from '@studyspot/gateway';
import { addDays, clock, istDay } from '@studyspot/runtime';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthEnd, setUpLibrary, today } from './support/campus.ts';
import { createSupergraphWorld, gql, OWNER_PASSWORD, type SupergraphWorld } from './support/supergraph.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser && process.env.REQUIRE_BROWSER) throw new Error(`REQUIRE_BROWSER is set but there is no browser at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
if (!haveBrowser) console.warn(`[skipped] dashboard browser test: no chromium at ${CHROMIUM} (apt-get install chromium; .ci/run does)`);

let w: SupergraphWorld;
let browser: Browser;
let libraryId = '';
const students: string[] = [];

describe.skipIf(!haveBrowser)('live dashboard in Chromium', () => {
  beforeAll(async () => {
    w = await createSupergraphWorld({ trustProxy: true });
    const owner = w.ownerToken(w.a);
    const lib = await setUpLibrary(w.gateway.url, owner, 12, 'Dashboard branch');
    libraryId = lib.libraryId;
    for (const [i, name] of ['Meera Browser', 'Kabir Browser'].entries()) {
      const st = await gql(w.gateway.url, 'mutation($i: StudentInput!) { createStudent(input: $i) { student { id } } }', { token: owner, variables: { i: { name, phone: `96300000${i}2`, libraryId } } });
      const id = (st.data!.createStudent as { student: { id: string } }).student.id;
      const al = await gql(w.gateway.url, 'mutation($i: AllocateSeatInput!) { allocateSeat(input: $i) { allocation { id } } }', { token: owner, variables: { i: { studentId: id, seatId: lib.seatIds[i], shiftId: lib.shifts.fullDay, startDate: today(), endDate: monthEnd(today()) } } });
      if (!(al.data?.allocateSeat as { allocation: unknown } | undefined)?.allocation) throw new Error(al.raw);
      students.push(id);
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await w?.close();
  });

  it('shows a check-in made through the API within a second, with the connection state', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    const base = w.gateway.url.replace(/\/graphql$/, '');
    await page.goto(`${base}/dashboard`);
    await page.fill('#email', 'owner@alpha.test');
    await page.fill('#password', OWNER_PASSWORD);
    await page.click('#signin');
    await page.waitForSelector('#status[data-state="live"]', { timeout: 10_000 });
    expect(await page.isHidden('#login')).toBe(true);
    await page.selectOption('#library', libraryId);
    await page.waitForSelector('#inside:text-matches("[0-9]+ / [0-9]+")', { timeout: 5_000 });
    await page.waitForSelector('#seats .seat[data-state="ALLOCATED"]', { timeout: 5_000 });
    const before = await page.textContent('#inside');

    const t0 = Date.now();
    const r = await gql(w.gateway.url, 'mutation($s: ID!, $l: ID!) { markAttendance(studentId: $s, libraryId: $l, action: CHECK_IN) { userErrors { code } } }', { token: w.ownerToken(w.a), variables: { s: students[0], l: libraryId } });
    expect(r.data).toEqual({ markAttendance: { userErrors: [] } });
    await page.waitForSelector('#changes li.in:has-text("Meera Browser")', { timeout: 1_000 });
    const took = Date.now() - t0;
    const after = await page.textContent('#inside');
    expect(Number(after!.split('/')[0])).toBe(Number(before!.split('/')[0]) + 1);
    expect(await page.textContent('#status')).toBe('live');
    mkdirSync(new URL('./screenshots/', import.meta.url), { recursive: true });
    await page.screenshot({ path: new URL('./screenshots/dashboard.png', import.meta.url).pathname, fullPage: true });
    expect(problems).toEqual([]);
    console.log(`[figures] dashboard: check-in through the API to the page in ${took} ms`);
  });

  it('the insights page: heatmap, trends and forecasts with their bands, the students at risk, and a CSV export of each', async () => {
    // A second branch with four months of generated history (visits, dues, payments, leavers).
    const lib = await setUpLibrary(w.gateway.url, w.ownerToken(w.a), 16, 'Insights branch');
    const yesterday = addDays(istDay(clock.now()), -1);
    await w.world.platform.tenants.withTenant(w.a.id, (db) => generateHistory(db, { libraryId: lib.libraryId, from: addDays(yesterday, -120), to: yesterday, students: 36, seed: 7, phonePrefix: '919711000' }));
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    const base = w.gateway.url.replace(/\/graphql$/, '');
    await page.goto(`${base}/dashboard/insights?library=${lib.libraryId}`);
    await page.fill('#email', 'owner@alpha.test');
    await page.fill('#password', OWNER_PASSWORD);
    await page.click('#signin');
    await page.waitForSelector('#insights[data-state="ready"]', { timeout: 30_000 });
    expect(await page.textContent('#error')).toBe('');
    // The heatmap draws a cell per weekday and hour (ECharts' SVG renderer: one path each, with the axes' and scale's).
    expect(await page.locator('#heatmap svg path').count()).toBeGreaterThan(7 * 24);
    expect(await page.textContent('#peaks')).toMatch(/^\d+ seats\. Busiest: \d\d:00 \([\d.]+\)/);
    // Trend, collections and occupancy charts are drawn, the two forecasts with their bands in the legend.
    for (const id of ['#trend', '#collections', '#occupancy']) expect(await page.locator(`${id} svg path`).count(), id).toBeGreaterThan(3);
    expect(await page.locator('#collections svg text', { hasText: '80% interval' }).count()).toBe(1);
    expect(await page.locator('#occupancy svg text', { hasText: '80% interval' }).count()).toBe(1);
    expect(await page.textContent('#collections-note')).toMatch(/^Next 30 days: about Rs\. [\d.]+\. Backtest error \(MASE\) [\d.]+ against [\d.]+/);
    // The at-risk list: up to 15 students holding a seat, most likely to leave first, with reasons.
    const rows = await page.locator('#risk tr').allTextContents();
    expect(rows.length).toBeGreaterThan(5);
    const leave = await page.locator('#risk tr td:nth-child(2)').allTextContents();
    const chances = leave.map((t) => Number(t.replace('%', '')));
    expect(chances).toEqual([...chances].sort((a, b) => b - a));
    expect(await page.locator('#risk tr td:nth-child(4)').first().textContent()).not.toBe('');
    mkdirSync(new URL('./screenshots/', import.meta.url), { recursive: true });
    await page.screenshot({ path: new URL('./screenshots/insights.png', import.meta.url).pathname, fullPage: true });
    // Every panel's CSV downloads through its signed link.
    const headers: Record<string, string> = {
      HEATMAP: 'weekday,hour,averageInside,utilisationPercent,seats',
      TREND: 'period,days,checkIns',
      COLLECTIONS_FORECAST: 'day,valuePaise,lowPaise,highPaise',
      OCCUPANCY_FORECAST: 'at,value,low,high',
      STUDENTS_AT_RISK: 'studentId,name,phone,libraryId,leaveProbability',
      COLLECTION_EFFICIENCY: 'month,raisedPaise,collectedPaise',
      RENEWALS: 'month,dueToRenew,renewed,renewalPercent',
      RETENTION: 'month,students,month1Percent',
    };
    for (const [report, header] of Object.entries(headers)) {
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), page.click(`button.export[data-report="${report}"]`)]);
      expect(download.suggestedFilename(), report).toMatch(new RegExp(`^${report.toLowerCase().replace(/_/g, '-')}.*\\.csv$`));
      const text = readFileSync(await download.path(), 'utf8');
      expect(text.startsWith(header), report).toBe(true);
      expect(text.trim().split('\n').length, report).toBeGreaterThan(1);
    }
    expect(await page.textContent('#error')).toBe('');
    expect(problems).toEqual([]);
  });
});
