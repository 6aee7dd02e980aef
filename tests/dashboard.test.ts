// The live occupancy dashboard in a real browser (Debian's chromium, driven by playwright-core):
// sign in, pick a library, and see a check-in made through the API appear within a second; and the
// insights page over four months of generated history — its charts, the students at risk and every
// CSV export. The tests save screenshots to tests/screenshots/dashboard.png and insights.png. `.ci/run` installs chromium and sets
// REQUIRE_BROWSER=1, so in CI a missing browser fails the test instead of skipping it.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { generateHistory } from '@studyspot/gateway';
import { addDays, clock, formatDate, istDay } from '@studyspot/runtime';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthEnd, setUpLibrary, today } from './support/campus.ts';
import { createBillingWorld, createOrder, orderStatus, settled, type BillingWorld } from './support/billing.ts';
import { gql, OWNER_PASSWORD } from './support/supergraph.ts';

/** The page's document, typed here (this project's tests are typed without the DOM library); only inside page.evaluate, spelled out there (the function runs in the page). */
type PageDocument = { document: { querySelector(selector: string): unknown } };
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser && process.env.REQUIRE_BROWSER) throw new Error(`REQUIRE_BROWSER is set but there is no browser at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
if (!haveBrowser) console.warn(`[skipped] dashboard browser test: no chromium at ${CHROMIUM} (apt-get install chromium; .ci/run does)`);

let w: BillingWorld;
let browser: Browser;
let libraryId = '';
let seatLabels: string[] = [];
const students: string[] = [];

describe.skipIf(!haveBrowser)('live dashboard in Chromium', () => {
  beforeAll(async () => {
    // With both payment simulators connected, for the checkout page below.
    w = await createBillingWorld();
    const owner = w.ownerToken(w.a);
    const lib = await setUpLibrary(w.gateway.url, owner, 12, 'Dashboard branch');
    libraryId = lib.libraryId;
    const seats = ((await gql(w.gateway.url, 'query($id: ID!) { library(id: $id) { seats { id label } } }', { token: owner, variables: { id: libraryId } })).data!.library as { seats: { id: string; label: string }[] }).seats;
    seatLabels = lib.seatIds.slice(0, 2).map((id) => seats.find((x) => x.id === id)!.label);
    // Meera's seat is hers for two billing months: the second month's due is open but not due yet.
    const secondMonthEnd = monthEnd(formatDate(addDays(new Date(`${monthEnd(today())}T00:00:00Z`), 1)));
    for (const [i, name] of ['Meera Browser', 'Kabir Browser'].entries()) {
      const st = await gql(w.gateway.url, 'mutation($i: StudentInput!) { createStudent(input: $i) { student { id } } }', { token: owner, variables: { i: { name, phone: `96300000${i}2`, libraryId } } });
      const id = (st.data!.createStudent as { student: { id: string } }).student.id;
      const al = await gql(w.gateway.url, 'mutation($i: AllocateSeatInput!) { allocateSeat(input: $i) { allocation { id } } }', { token: owner, variables: { i: { studentId: id, seatId: lib.seatIds[i], shiftId: lib.shifts.fullDay, startDate: today(), endDate: i === 0 ? secondMonthEnd : monthEnd(today()) } } });
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
    // Signed out: the sign-in form only, no empty library picker; the page has its icon.
    expect(await page.isHidden('#library')).toBe(true);
    const icon = await page.getAttribute('link[rel="icon"]', 'href');
    const iconRes = await fetch(`${base}${icon}`);
    expect([iconRes.status, iconRes.headers.get('content-type')]).toEqual([200, 'image/svg+xml; charset=utf-8']);
    await page.fill('#email', 'owner@alpha.test');
    await page.fill('#password', OWNER_PASSWORD);
    await page.click('#signin');
    await page.waitForSelector('#status[data-state="live"]', { timeout: 10_000 });
    expect(await page.isHidden('#login')).toBe(true);
    await page.selectOption('#library', libraryId);
    await page.waitForSelector('#inside:text-matches("[0-9]+ / [0-9]+")', { timeout: 5_000 });
    await page.waitForSelector('#seats .seat[data-state="ALLOCATED"]', { timeout: 5_000 });
    expect(await page.isVisible('#library')).toBe(true);
    const before = await page.textContent('#inside');
    // The legend names every colour with its count; nobody is inside yet.
    expect(await page.textContent('#legend')).toMatch(/inside now 0.*allocated, not in 2.*free \d+/);
    const meeraSeat = `#seats .seat[title^="${seatLabels[0]}, "]`;
    expect(await page.getAttribute(meeraSeat, 'title')).toContain(': Meera Browser');
    expect(await page.getAttribute(meeraSeat, 'data-state')).toBe('ALLOCATED');

    const t0 = Date.now();
    const r = await gql(w.gateway.url, 'mutation($s: ID!, $l: ID!) { markAttendance(studentId: $s, libraryId: $l, action: CHECK_IN) { userErrors { code } } }', { token: w.ownerToken(w.a), variables: { s: students[0], l: libraryId } });
    expect(r.data).toEqual({ markAttendance: { userErrors: [] } });
    await page.waitForSelector('#changes li.in:has-text("Meera Browser")', { timeout: 1_000 });
    const took = Date.now() - t0;
    // Her seat turns to "inside now" on the map.
    await page.waitForSelector(`#seats .seat[data-state="INSIDE"][title^="${seatLabels[0]}, "]`, { timeout: 2_000 });
    expect(await page.getAttribute(`#seats .seat[title^="${seatLabels[0]}, "]`, 'title')).toMatch(/: Meera Browser, in since \d\d:\d\d/);
    expect(await page.textContent('#legend')).toMatch(/inside now 1.*allocated, not in 1/);
    // At the door: the fee due today, not next month's (her second month is open but not yet due).
    const door = await page.textContent('#changes li.in:has-text("Meera Browser")');
    expect(door).toMatch(/₹1,500\.00 due today$/);
    expect(door).not.toMatch(/owes|Rs\./);
    expect(await page.textContent('#board')).not.toMatch(/#\d/);
    const after = await page.textContent('#inside');
    expect(Number(after!.split('/')[0])).toBe(Number(before!.split('/')[0]) + 1);
    expect(await page.textContent('#status')).toBe('live');
    mkdirSync(new URL('./screenshots/', import.meta.url), { recursive: true });
    await page.screenshot({ path: new URL('./screenshots/dashboard.png', import.meta.url).pathname, fullPage: true });
    expect(problems).toEqual([]);
    console.log(`[figures] dashboard: check-in through the API to the page in ${took} ms`);
  });

  it('the explorer works with no internet: GraphiQL from the gateway, the demo token prefilled, queries, docs and a live subscription', async () => {
    // The explorer prefills a token of the demo tenant's owner: make this world's tenant A the demo for the test.
    const slug = (await w.world.platform.core.tenant.findUniqueOrThrow({ where: { id: w.a.id } })).slug;
    await w.world.platform.core.tenant.update({ where: { id: w.a.id }, data: { slug: 'demo' } });
    try {
      const page = await browser.newPage({ viewport: { width: 1300, height: 800 } });
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(e.message));
      // No internet: every request off this machine is refused, and recorded.
      const outside: string[] = [];
      await page.route('**/*', (route) => {
        const host = new URL(route.request().url()).hostname;
        if (host === '127.0.0.1' || host === 'localhost') return route.continue();
        outside.push(route.request().url());
        return route.abort();
      });
      await page.goto(w.gateway.url);
      await page.waitForSelector('.graphiql-container .graphiql-query-editor .CodeMirror', { timeout: 15_000 });
      expect(await page.textContent('#bar-note')).toBe('Signed in as the demo owner (Headers tab).');
      const setQuery = async (q: string) => {
        await page.evaluate((text) => ((globalThis as unknown as PageDocument).document.querySelector('.graphiql-query-editor .CodeMirror') as { CodeMirror: { setValue(v: string): void } }).CodeMirror.setValue(text), q);
        // GraphiQL reads the operation (and its name) from the editor after a short debounce.
        await page.waitForTimeout(500);
      };
      const result = () => page.evaluate(() => ((globalThis as unknown as PageDocument).document.querySelector('.result-window .CodeMirror') as { CodeMirror: { getValue(): string } } | null)?.CodeMirror.getValue() ?? '');
      const until = async (match: RegExp, ms = 10_000) => {
        const end = Date.now() + ms;
        while (!match.test(await result())) {
          if (Date.now() > end) throw new Error(`no ${match} in the result: ${(await result()).replace(/\s+/g, " ")}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      };
      await setQuery('{ me { name role } currentTenant { slug } }');
      await page.click('.graphiql-execute-button');
      await until(/"role": "OWNER"/);
      expect(JSON.parse(await result())).toMatchObject({ data: { me: { role: 'OWNER' }, currentTenant: { slug: 'demo' } } });
      // A precise validation error, as graphql-js words it, with its location.
      await setQuery('{ students(first: "abc") { edges { node { id } } } }');
      await page.click('.graphiql-execute-button');
      await until(/Int cannot represent non-integer value/);
      expect(await result()).toContain('"line": 1');
      // The docs explorer reads the schema by introspection with the same token.
      await page.click('button[aria-label="Show Documentation Explorer"]');
      await page.waitForSelector('.graphiql-doc-explorer:has-text("Query")', { timeout: 10_000 });
      // A subscription over graphql-ws: the snapshot, then a check-in made through the API.
      await setQuery(`subscription { libraryOccupancy(libraryId: "${libraryId}") { snapshot occupancy { inside } changes { kind visit { student { name } } } } }`);
      await page.click('.graphiql-execute-button');
      await until(/"snapshot": true/);
      const r = await gql(w.gateway.url, 'mutation($s: ID!, $l: ID!) { markAttendance(studentId: $s, libraryId: $l, action: CHECK_IN) { userErrors { code } } }', { token: w.ownerToken(w.a), variables: { s: students[1], l: libraryId } });
      expect(r.data).toEqual({ markAttendance: { userErrors: [] } });
      await until(/"name": "Kabir Browser"/);
      expect(await result()).toContain('"kind": "CHECK_IN"');
      await page.screenshot({ path: new URL('./screenshots/explorer.png', import.meta.url).pathname });
      expect(outside).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await w.world.platform.core.tenant.update({ where: { id: w.a.id }, data: { slug } });
    }
  });

  it("the simulator's checkout ends on a page a person understands: paid, with a way back, and the buttons gone", async () => {
    // This world's simulators run beside the gateway (their URLs configured), so the API gives no
    // simulatorUrl; the page is the one the embedded default links to.
    const checkoutOf = (o: { provider: string; providerOrderId: string }) => `${w.sims.baseUrl}/_simulators/${o.provider.toLowerCase()}/__sim/checkout/${o.providerOrderId}`;
    const { order } = await createOrder(w, students[1]!);
    const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(checkoutOf(order!));
    expect(await page.textContent('#pay')).toBe(`Pay ₹${(order!.amountPaise / 100).toFixed(2)}`);
    await page.click('#pay');
    await page.waitForSelector('#done:not([hidden])', { timeout: 5_000 });
    expect(await page.textContent('#verdict')).toBe(`Paid ₹${(order!.amountPaise / 100).toFixed(2)}`);
    expect(await page.textContent('#detail')).toContain('The receipt is ready in StudySpot');
    expect(await page.isHidden('#choose')).toBe(true);
    expect(await page.textContent('#back')).toBe('Return to where you came from');
    expect(await page.textContent('body')).not.toMatch(/[{}]"/);
    await page.screenshot({ path: new URL('./screenshots/checkout-paid.png', import.meta.url).pathname });
    await settled(w);
    expect((await orderStatus(w, order!.id)).status).toBe('PAID');
    // A failed attempt says so, in words.
    const again = (await createOrder(w, students[0]!)).order!;
    const failPage = await browser.newPage({ viewport: { width: 800, height: 600 } });
    await failPage.goto(checkoutOf(again));
    await failPage.click('#fail');
    await failPage.waitForSelector('#done:not([hidden])', { timeout: 5_000 });
    expect(await failPage.textContent('#verdict')).toBe('Payment failed');
    expect(await failPage.textContent('#detail')).toContain('No money moved');
    expect(problems).toEqual([]);
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
    expect(await page.textContent('#collections-note')).toMatch(/^Next 30 days: about ₹[\d,]+\.\d\d\. Backtest error \(MASE\) [\d.]+ against [\d.]+/);
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
