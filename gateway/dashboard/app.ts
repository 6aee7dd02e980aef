// The live occupancy dashboard (served at /dashboard): sign in, pick a library, watch who is inside
// per zone and the seat map change as students scan in. Its operations are typed by GraphQL Code
// Generator (./generated, from operations.graphql); the only library it ships is graphql-ws's client.
import { createClient, type Client } from 'graphql-ws';
import {
  DashboardLibrariesDocument,
  DashboardLoginDocument,
  DashboardOccupancyDocument,
  DashboardRefreshDocument,
  DashboardSeatMapDocument,
  type DashboardLibrariesQuery,
  type DashboardOccupancySubscription,
  type DashboardSeatMapSubscription,
} from './generated/graphql.ts';
import type { TypedDocumentString } from './generated/graphql.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const rupees = (paise: number) => `Rs. ${(paise / 100).toFixed(2)}`;
const todayIst = () => new Date(Date.now() + 330 * 60_000).toISOString().slice(0, 10);

const session = {
  get access() {
    return sessionStorage.getItem('studyspot.access');
  },
  get refresh() {
    return sessionStorage.getItem('studyspot.refresh');
  },
  save(access: string, refresh: string) {
    sessionStorage.setItem('studyspot.access', access);
    sessionStorage.setItem('studyspot.refresh', refresh);
  },
};

async function request<R, V>(doc: TypedDocumentString<R, V>, variables: V): Promise<R> {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(session.access ? { authorization: `Bearer ${session.access}` } : {}) },
    body: JSON.stringify({ query: doc.toString(), variables }),
  });
  const body = (await res.json()) as { data?: R; errors?: { message: string }[] };
  if (!body.data) throw new Error(body.errors?.[0]?.message ?? `HTTP ${res.status}`);
  return body.data;
}

/** A refreshed access token when the socket was closed for an expired one (4403), else the current. */
async function freshToken(): Promise<string | null> {
  if (!session.refresh) return session.access;
  const r = await request(DashboardRefreshDocument, { refreshToken: session.refresh }).catch(() => null);
  if (r?.refreshSession.accessToken && r.refreshSession.refreshToken) session.save(r.refreshSession.accessToken, r.refreshSession.refreshToken);
  return session.access;
}

function setStatus(state: string, detail = '') {
  const el = $('status');
  el.dataset.state = state;
  el.textContent = detail ? `${state} · ${detail}` : state;
}

let client: Client | null = null;
let refreshNext = false;
function connect(): Client {
  client?.dispose();
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
  client = createClient({
    url,
    connectionParams: async () => ({ authorization: `Bearer ${refreshNext ? await freshToken() : session.access}` }),
    retryAttempts: Infinity,
    shouldRetry: () => true,
    on: {
      connecting: () => setStatus('connecting'),
      connected: () => ((refreshNext = false), setStatus('live')),
      closed: (e) => {
        const code = (e as CloseEvent).code;
        refreshNext = code === 4403;
        setStatus('reconnecting', `closed ${code}`);
      },
    },
  });
  return client;
}

let stops: (() => void)[] = [];
function follow(libraryId: string, shiftId: string | undefined) {
  for (const stop of stops) stop();
  stops = [];
  const c = client ?? connect();
  $('changes').innerHTML = '';
  stops.push(
    c.subscribe<DashboardOccupancySubscription>({ query: DashboardOccupancyDocument.toString(), variables: { libraryId } }, {
      next: ({ data, errors }) => (data ? showOccupancy(data.libraryOccupancy) : setStatus('error', errors?.[0]?.message ?? '')),
      error: (e) => setStatus('error', String((e as Error).message ?? e)),
      complete: () => {},
    }),
  );
  if (shiftId) {
    stops.push(
      c.subscribe<DashboardSeatMapSubscription>({ query: DashboardSeatMapDocument.toString(), variables: { libraryId, date: todayIst(), shiftId } }, {
        next: ({ data }) => data && showSeats(data.seatMap),
        error: () => {},
        complete: () => {},
      }),
    );
  }
}

function showOccupancy(u: DashboardOccupancySubscription['libraryOccupancy']) {
  const o = u.occupancy;
  $('inside').textContent = `${o.inside} / ${o.capacity}`;
  $('sequence').textContent = `#${u.sequence}${u.snapshot ? ' (snapshot)' : ''}`;
  $('zones').innerHTML = o.zones.map((z) => `<tr><td>${esc(z.zone)}</td><td class="n">${z.inside}</td><td class="n">${z.capacity}</td></tr>`).join('');
  const list = $('changes');
  for (const ch of u.changes) {
    const li = document.createElement('li');
    li.className = ch.kind === 'CHECK_IN' ? 'in' : 'out';
    const who = ch.visit ? `${esc(ch.visit.student.name)} <span class="due">${ch.visit.student.balancePaise > 0 ? `owes ${rupees(ch.visit.student.balancePaise)}` : 'paid up'}</span>` : '(details unavailable)';
    li.innerHTML = `<time>${new Date(ch.at).toLocaleTimeString('en-IN', { timeZone: 'Asia/Kolkata' })}</time> ${ch.kind === 'CHECK_IN' ? 'in' : 'out'}: ${who}`;
    list.prepend(li);
  }
  while (list.children.length > 30) list.lastElementChild!.remove();
  if (u.droppedChanges) setStatus('live', `${u.droppedChanges} changes not shown`);
}

function showSeats(u: DashboardSeatMapSubscription['seatMap']) {
  $('seats').innerHTML = u.seatMap.entries
    .map((e) => `<div class="seat" data-state="${e.state}" title="${esc(e.seat.zone)}${e.occupant ? ` · ${esc(e.occupant.name)}` : ''}">${esc(e.seat.label)}</div>`)
    .join('');
}

async function start() {
  $('login').hidden = true;
  $('board').hidden = false;
  connect();
  const libs = (await request(DashboardLibrariesDocument, {})) as DashboardLibrariesQuery;
  const select = $<HTMLSelectElement>('library');
  const nodes = libs.libraries.edges.map((e) => e.node);
  select.innerHTML = nodes.map((l) => `<option value="${esc(l.id)}">${esc(l.name)}</option>`).join('');
  const pick = () => {
    const lib = nodes.find((l) => l.id === select.value);
    if (lib) follow(lib.id, lib.shifts[0]?.id);
  };
  select.onchange = pick;
  pick();
}

$('login').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const email = $<HTMLInputElement>('email').value;
  const password = $<HTMLInputElement>('password').value;
  try {
    const r = await request(DashboardLoginDocument, { email, password });
    const l = r.login;
    if (!l.accessToken || !l.refreshToken) throw new Error(l.userErrors[0]?.message ?? 'Sign-in failed');
    session.save(l.accessToken, l.refreshToken);
    await start();
  } catch (err) {
    $('login-error').textContent = (err as Error).message;
  }
});

if (session.access) void start().catch(() => ($('login').hidden = false));
