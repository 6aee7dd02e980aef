// The live occupancy dashboard in a real browser (Debian's chromium, driven by playwright-core):
// sign in, pick a library, and see a check-in made through the API appear within a second. The test
// saves a screenshot to tests/screenshots/dashboard.png. `.ci/run` installs chromium and sets
// REQUIRE_BROWSER=1, so in CI a missing browser fails the test instead of skipping it.
import { existsSync, mkdirSync } from 'node:fs';
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
});
