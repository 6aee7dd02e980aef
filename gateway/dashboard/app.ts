// The live occupancy dashboard (served at /dashboard): sign in, pick a library, watch who is inside
// per zone, the fees due at the door, and the seat map (who is inside, with a legend) change as
// students scan in. Its operations are typed by GraphQL Code
// Generator (./generated, from operations.graphql); the only library it ships is graphql-ws's client.
import { createClient, type Client } from 'graphql-ws';
import {
  DashboardLibrariesDocument,
  DashboardOccupancyDocument,
  DashboardSeatMapDocument,
  type DashboardLibrariesQuery,
  type DashboardOccupancySubscription,
  type DashboardSeatMapSubscription,
} from './generated/graphql.ts';
import { $, esc, freshToken, request, rupees, session, signIn, todayIst } from './session.ts';

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

type Student = NonNullable<DashboardOccupancySubscription['libraryOccupancy']['changes'][number]['visit']>['student'];

/** What the door needs to say about fees: overdue (due before today) and due today; later dues are not owed yet. */
function feesAtTheDoor(student: Student, today: string): { text: string; owes: boolean } {
  const overdue = student.dues.filter((d) => d.dueDate < today);
  const dueToday = student.dues.filter((d) => d.dueDate === today);
  const sum = (ds: typeof student.dues) => ds.reduce((t, d) => t + d.balancePaise, 0);
  const parts: string[] = [];
  if (overdue.length) {
    const since = overdue.map((d) => d.dueDate).sort()[0]!;
    parts.push(`${rupees(sum(overdue))} overdue since ${new Date(`${since}T00:00:00Z`).toLocaleDateString('en-IN', { timeZone: 'UTC', day: 'numeric', month: 'short' })}`);
  }
  if (dueToday.length) parts.push(`${rupees(sum(dueToday))} due today`);
  return parts.length ? { text: parts.join(', '), owes: true } : { text: 'fees up to date', owes: false };
}

function showOccupancy(u: DashboardOccupancySubscription['libraryOccupancy']) {
  const o = u.occupancy;
  $('inside').textContent = `${o.inside} / ${o.capacity}`;
  $('zones').innerHTML = o.zones.map((z) => `<tr><td>${esc(z.zone)}</td><td class="n">${z.inside}</td><td class="n">${z.capacity}</td></tr>`).join('');
  const list = $('changes');
  for (const ch of u.changes) {
    const li = document.createElement('li');
    li.className = ch.kind === 'CHECK_IN' ? 'in' : 'out';
    const fees = ch.visit ? feesAtTheDoor(ch.visit.student, todayIst()) : null;
    const who = ch.visit && fees ? `${esc(ch.visit.student.name)} <span class="${fees.owes ? 'due' : 'paid'}">${esc(fees.text)}</span>` : '(details unavailable)';
    li.innerHTML = `<time>${new Date(ch.at).toLocaleTimeString('en-IN', { timeZone: 'Asia/Kolkata' })}</time> ${ch.kind === 'CHECK_IN' ? 'in' : 'out'}: ${who}`;
    list.prepend(li);
  }
  while (list.children.length > 30) list.lastElementChild!.remove();
  if (u.droppedChanges) setStatus('live', `${u.droppedChanges} changes not shown`);
}

const STATES: [state: string, label: string][] = [
  ['INSIDE', 'inside now'],
  ['ALLOCATED', 'allocated, not in'],
  ['FREE', 'free'],
  ['HELD', 'held for a waitlist offer'],
  ['PAUSED', 'paused'],
  ['MAINTENANCE', 'under maintenance'],
];

function showSeats(u: DashboardSeatMapSubscription['seatMap']) {
  const counts = new Map<string, number>();
  $('seats').innerHTML = u.seatMap.entries
    .map((e) => {
      const visit = e.occupant?.todayVisit;
      const state = e.state === 'ALLOCATED' && visit && !visit.checkedOutAt ? 'INSIDE' : e.state;
      counts.set(state, (counts.get(state) ?? 0) + 1);
      const since = state === 'INSIDE' ? `, in since ${new Date(visit!.checkedInAt).toLocaleTimeString('en-IN', { timeZone: 'Asia/Kolkata', hour: '2-digit', minute: '2-digit' })}` : '';
      return `<div class="seat" data-state="${state}" title="${esc(e.seat.label)}, ${esc(e.seat.zone)}${e.occupant ? `: ${esc(e.occupant.name)}` : ''}${since}">${esc(e.seat.label)}</div>`;
    })
    .join('');
  $('legend').innerHTML = STATES.map(([s, label]) => `<li><span class="seat" data-state="${s}"></span>${label} <b data-count="${s}">${counts.get(s) ?? 0}</b></li>`).join('');
}

async function start() {
  $('login').hidden = true;
  $('board').hidden = false;
  $('library').hidden = false;
  connect();
  const libs = (await request(DashboardLibrariesDocument, {})) as DashboardLibrariesQuery;
  const select = $<HTMLSelectElement>('library');
  const nodes = libs.libraries.edges.map((e) => e.node);
  select.innerHTML = nodes.map((l) => `<option value="${esc(l.id)}">${esc(l.name)}</option>`).join('');
  if (nodes.length === 0) {
    $('board').innerHTML = '<section>No library yet. Create one (createLibrary) and its seats, then come back.</section>';
    return;
  }
  const pick = () => {
    const lib = nodes.find((l) => l.id === select.value);
    if (lib) follow(lib.id, lib.shifts[0]?.id);
  };
  select.onchange = pick;
  pick();
}

signIn(start);
