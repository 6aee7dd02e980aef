// The live occupancy dashboard (served at /dashboard): sign in, pick a library, watch who is inside
// per zone and the seat map change as students scan in. Its operations are typed by GraphQL Code
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

signIn(start);
