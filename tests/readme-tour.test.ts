// Keeps the README's "A tour of the API" true: every ```graphql tour``` block is run, as written, in
// order, against a fresh embedded `pnpm start` (its gateway process on a new PGlite directory, the
// demo tenant seeded), with the conventions the README states:
//   "<Op: a.b.0.c>"          the value at that path in the answer of the operation named Op above
//   "<start: ROLE password>"  the password `pnpm start` printed for that demo login
//   # Authorization: Bearer <…>        the header sent with the operation
//   # variables: { … }                  the variables (placeholders resolved)
//   # expect: path = json               what the answer holds (retried for 10 s: webhooks are async)
//   # expect: next message after Op: path = json   for a subscription: a message after Op ran
//   # expect error: CODE                the answer is one top-level error with that code
//   # then: open <path> and press Pay   the simulator checkout, as a person presses it
// Every answer must come without top-level errors and with empty userErrors unless an expect line
// names them. The process clock is pinned to 11:00 IST today, inside the demo library's hours.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clock, formatDate, istDay } from '@studyspot/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveClient, type LiveClient, type Recorder } from './support/live.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

interface Step {
  source: string;
  name: string;
  kind: 'query' | 'mutation' | 'subscription';
  auth?: string;
  variables?: string;
  expects: { path: string; value: unknown; after?: string }[];
  error?: string;
  then?: string;
}

function steps(): Step[] {
  return [...README.matchAll(/```graphql tour\n([\s\S]*?)```/g)].map(([, source]) => {
    const op = /^(query|mutation|subscription)\s+(\w+)/m.exec(source!);
    if (!op) throw new Error(`a tour example without a named operation:\n${source}`);
    const line = (prefix: string) => source!.split('\n').filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length).trim());
    return {
      source: source!,
      kind: op[1] as Step['kind'],
      name: op[2]!,
      auth: line('# Authorization: Bearer ')[0],
      variables: line('# variables:')[0],
      then: line('# then:')[0],
      error: line('# expect error:')[0],
      expects: line('# expect:').map((e) => {
        const m = /^(?:next message after (\w+): )?([\w.]+) = (.+)$/.exec(e);
        if (!m) throw new Error(`cannot read "# expect: ${e}"`);
        return { after: m[1], path: m[2]!, value: JSON.parse(m[3]!) as unknown };
      }),
    };
  });
}

const at = (data: unknown, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v == null ? undefined : (v as Record<string, unknown>)[k]), data);

let child: ChildProcess;
let url = '';
let out = '';
const dir = mkdtempSync(join(tmpdir(), 'studyspot-tour-'));
const answers = new Map<string, unknown>();
const subscriptions = new Map<string, { live: LiveClient; rec: Recorder }>();

function resolve(placeholder: string): string {
  const start = /^<start: (\w+) password>$/.exec(placeholder);
  if (start) {
    const m = new RegExp(`${start[1]}\\s+mutation \\{ login\\(input: \\{ email: "[^"]+", password: "([^"]+)"`).exec(out);
    if (!m) throw new Error(`pnpm start printed no ${start[1]} password`);
    return m[1]!;
  }
  const ref = /^<(\w+): ([\w.]+)>$/.exec(placeholder);
  if (!ref) throw new Error(`unknown placeholder ${placeholder}`);
  if (!answers.has(ref[1]!)) throw new Error(`${placeholder}: no operation ${ref[1]} ran before`);
  const v = at(answers.get(ref[1]!), ref[2]!);
  if (typeof v !== 'string') throw new Error(`${placeholder} is ${JSON.stringify(v)}, not a string`);
  return v;
}

const resolveAll = (v: unknown): unknown =>
  typeof v === 'string' && /^<.+>$/.test(v) ? resolve(v) : Array.isArray(v) ? v.map(resolveAll) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveAll(x)])) : v;

/** userErrors anywhere in an answer (the tour selects them wherever a payload has them). */
function userErrors(v: unknown, path = ''): string[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => userErrors(x, `${path}.${i}`));
  if (!v || typeof v !== 'object') return [];
  return Object.entries(v).flatMap(([k, x]) => (k === 'userErrors' && Array.isArray(x) ? x.map((e) => `${path}.${k}: ${JSON.stringify(e)}`) : userErrors(x, path ? `${path}.${k}` : k)));
}

beforeAll(async () => {
  const elevenIst = new Date(istDay(clock.now()).getTime() + (11 * 60 - 330) * 60_000);
  child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'gateway/src/main.ts')], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', STUDYSPOT_DATA_DIR: dir, PORT: '0', STUDYSPOT_NOW: elevenIst.toISOString() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const end = performance.now() + 150_000;
  while (!out.includes('More: pnpm run token')) {
    if (child.exitCode !== null || performance.now() > end) throw new Error(`the supergraph did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  url = /ready at (\S+)/.exec(out)![1]!;
  expect(formatDate(istDay(new Date(elevenIst)))).toBe(formatDate(istDay(clock.now())));
}, 180_000);

afterAll(async () => {
  for (const s of subscriptions.values()) await s.live.dispose();
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('the README tour', { timeout: 120_000 }, () => {
  const tour = steps();

  it('has an example for every area it promises', () => {
    const names = tour.map((s) => s.name);
    for (const needed of ['SignIn', 'Refresh', 'RefreshAgain', 'AfterReuse', 'Campus', 'LiveOccupancy', 'CheckIn', 'PayOnline', 'Paid', 'Text', 'Platform']) expect(names).toContain(needed);
    expect(tour.filter((s) => s.kind === 'subscription')).toHaveLength(1);
  });

  it('runs every example as written, in order, and gets what it says', async () => {
    for (const step of tour) {
      const variables = step.variables ? (resolveAll(JSON.parse(step.variables)) as Record<string, unknown>) : undefined;
      const authorization = step.auth ? `Bearer ${resolve(step.auth)}` : undefined;
      if (step.kind === 'subscription') {
        const live = liveClient(url, authorization ? { authorization } : {});
        const rec = live.subscribe(step.source, variables);
        await rec.next(() => true, 10_000);
        expect(rec.messages[0]!.errors, step.name).toBeUndefined();
        answers.set(step.name, rec.messages[0]!.data);
        subscriptions.set(step.name, { live, rec });
        continue;
      }
      const run = async () => {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: JSON.stringify({ query: step.source, variables }) });
        return (await res.json()) as { data?: Record<string, unknown>; errors?: { message: string }[] };
      };
      const ownExpects = step.expects.filter((e) => !e.after);
      let body = await run();
      for (let tries = 0; tries < 100 && body.data && ownExpects.some((e) => JSON.stringify(at(body.data, e.path)) !== JSON.stringify(e.value)); tries++) {
        await new Promise((r) => setTimeout(r, 100));
        body = await run();
      }
      if (step.error) {
        expect(body.errors?.map((e) => (e as { extensions?: { code?: string } }).extensions?.code), step.name).toEqual([step.error]);
        continue;
      }
      expect(body.errors, `${step.name}: ${JSON.stringify(body.errors)}`).toBeUndefined();
      for (const e of ownExpects) expect(at(body.data, e.path), `${step.name}: ${e.path}`).toEqual(e.value);
      if (!ownExpects.some((e) => e.path.includes('userErrors'))) expect(userErrors(body.data), step.name).toEqual([]);
      answers.set(step.name, body.data);
      // Subscriptions waiting for this operation: their next message holds what the README says.
      for (const [sub, { rec }] of subscriptions) {
        for (const e of tour.find((s) => s.name === sub)!.expects.filter((x) => x.after === step.name)) {
          const m = await rec.next((msg) => JSON.stringify(at(msg.data, e.path)) === JSON.stringify(e.value), 10_000, 1);
          expect(at(m.data, e.path), `${sub} after ${step.name}`).toEqual(e.value);
        }
      }
      if (step.then) {
        const pay = /^open ([\w.]+) and press Pay$/.exec(step.then);
        if (!pay) throw new Error(`cannot follow "# then: ${step.then}"`);
        const page = String(at(body.data, pay[1]!));
        const html = await fetch(page);
        expect(html.status).toBe(200);
        expect(await html.text()).toContain('id="pay"');
        // What the page's Pay button posts.
        const pressed = await fetch(page, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ outcome: 'captured' }) });
        expect(pressed.status).toBe(200);
      }
    }
  });
});
