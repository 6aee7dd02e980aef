// The insights page (served at /dashboard/insights): for one library, the weekday × hour heatmap with
// its peak and empty hours, fees by month with seats used, collections with the 30-day forecast and
// its 80% band, occupancy for the next 14 days with its band, and the students at risk — drawn by
// Apache ECharts (SVG renderer) from one federated query; every panel exports its report as CSV.
import { BarChart, HeatmapChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { InsightsExportDocument, InsightsLibrariesDocument, InsightsPageDocument, type InsightReport, type InsightsPageQuery } from './generated/graphql.ts';
import { $, esc, request, rupees, signIn, todayIst } from './session.ts';

echarts.use([HeatmapChart, LineChart, BarChart, GridComponent, TooltipComponent, VisualMapComponent, LegendComponent, SVGRenderer]);

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const day = (offset: number) => new Date(Date.parse(`${todayIst()}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
const monthsBack = (n: number) => {
  const [y, m] = todayIst().split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1 - n, 1)).toISOString().slice(0, 10);
};
const hour = (h: number) => `${String(h).padStart(2, '0')}:00`;
const inr = (paise: number) => Math.round(paise / 100);
const charts = new Map<string, echarts.ECharts>();
const chart = (id: string) => {
  let c = charts.get(id);
  if (!c) charts.set(id, (c = echarts.init($(id), undefined, { renderer: 'svg' })));
  return c;
};
/** The forecast band as two stacked series: the low edge (invisible) and the band's height above it. */
const band = (low: (number | null)[], high: (number | null)[]) => [
  { name: 'low', type: 'line' as const, data: low, stack: 'band', symbol: 'none', lineStyle: { opacity: 0 }, tooltip: { show: false } },
  { name: '80% interval', type: 'line' as const, data: high.map((h, i) => (h === null || low[i] === null ? null : h - low[i]!)), stack: 'band', symbol: 'none', lineStyle: { opacity: 0 }, itemStyle: { color: '#b8c2d0' }, areaStyle: { color: '#12355b', opacity: 0.15 } },
];

let library = '';
const ranges = () => ({ from: monthsBack(5), dailyFrom: day(-55), heatFrom: day(-55), to: day(0) });

function heatmap(h: InsightsPageQuery['occupancyHeatmap']) {
  const max = Math.max(1, ...h.cells.map((c) => c.averageInside));
  chart('heatmap').setOption({
    tooltip: { formatter: (p: { value: [number, number, number] }) => `${WEEKDAYS[p.value[1]]} ${hour(p.value[0])}: ${p.value[2]} inside` },
    grid: { left: 40, right: 70, top: 10, bottom: 30 },
    xAxis: { type: 'category', data: Array.from({ length: 24 }, (_, i) => hour(i)), splitArea: { show: true } },
    yAxis: { type: 'category', data: WEEKDAYS, splitArea: { show: true } },
    visualMap: { min: 0, max, calculable: true, orient: 'vertical', right: 0, top: 'middle', itemHeight: 140, precision: 1, inRange: { color: ['#f6f7f9', '#9ec5e8', '#12355b'] } },
    series: [{ name: 'Average inside', type: 'heatmap', data: h.cells.map((c) => [c.hour, c.weekday, c.averageInside]) }],
  });
  const list = (hs: { hour: number; averageInside: number }[]) => hs.map((x) => `${hour(x.hour)} (${x.averageInside})`).join(', ') || '–';
  $('peaks').textContent = `${h.seats} seats. Busiest: ${list(h.peakHours)}. Quietest open hours: ${list(h.emptyHours)}.`;
}

function trend(points: InsightsPageQuery['monthly']['points']) {
  chart('trend').setOption({
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0 },
    grid: { left: 60, right: 45, top: 10, bottom: 50 },
    xAxis: { type: 'category', data: points.map((p) => p.period.slice(0, 7)) },
    // Seats used can pass 100%: a seat is let once per shift.
    yAxis: [{ type: 'value', name: 'Rs.' }, { type: 'value', name: '%' }],
    series: [
      { name: 'Raised', type: 'bar', data: points.map((p) => inr(p.duesRaisedPaise)) },
      { name: 'Collected', type: 'bar', data: points.map((p) => inr(p.collectedPaise)) },
      { name: 'Seats used %', type: 'line', yAxisIndex: 1, data: points.map((p) => p.utilisationPercent) },
    ],
  });
  const last = points.at(-1);
  $('trend-note').textContent = last ? `${last.period.slice(0, 7)}: collected ${rupees(last.collectedPaise)}${last.collectedChangePercent === null ? '' : ` (${last.collectedChangePercent >= 0 ? '+' : ''}${last.collectedChangePercent}% on the month before)`}, ${last.newStudents} joined, ${last.leavingStudents} left.` : 'No months yet.';
}

function collections(daily: InsightsPageQuery['daily']['points'], f: InsightsPageQuery['collectionsForecast']) {
  const past = daily.filter((p) => p.period < f.days[0]!.day);
  const dates = [...past.map((p) => p.period), ...f.days.map((d) => d.day)];
  const pad = (xs: (number | null)[], before: number) => [...Array(before).fill(null), ...xs];
  chart('collections').setOption({
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0, data: ['Collected', 'Forecast', '80% interval'] },
    grid: { left: 60, right: 10, top: 10, bottom: 50 },
    xAxis: { type: 'category', data: dates },
    yAxis: { type: 'value', name: 'Rs.' },
    series: [
      ...band(pad(f.days.map((d) => inr(d.lowPaise)), past.length), pad(f.days.map((d) => inr(d.highPaise)), past.length)),
      { name: 'Collected', type: 'line', symbol: 'none', data: past.map((p) => inr(p.collectedPaise)) },
      { name: 'Forecast', type: 'line', symbol: 'none', lineStyle: { type: 'dashed' }, data: pad(f.days.map((d) => inr(d.valuePaise)), past.length) },
    ],
  });
  const b = f.backtest;
  $('collections-note').textContent = `Next 30 days: about ${rupees(f.totalPaise)}.${b.mase !== null && b.baselineMase !== null ? ` Backtest error (MASE) ${b.mase.toFixed(2)} against ${b.baselineMase.toFixed(2)} for "same as last week".` : ''}`;
}

function occupancy(f: InsightsPageQuery['occupancyForecast']) {
  const at = f.points.map((p) => new Date(p.at).toLocaleString('en-IN', { timeZone: 'Asia/Kolkata', weekday: 'short', hour: '2-digit', hourCycle: 'h23' }));
  chart('occupancy').setOption({
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0, data: ['Expected inside', '80% interval'] },
    grid: { left: 40, right: 10, top: 10, bottom: 50 },
    xAxis: { type: 'category', data: at },
    yAxis: { type: 'value' },
    series: [...band(f.points.map((p) => p.low), f.points.map((p) => p.high)), { name: 'Expected inside', type: 'line', symbol: 'none', data: f.points.map((p) => p.value) }],
  });
  const b = f.backtest;
  $('occupancy-note').textContent = b.mase !== null && b.baselineMase !== null ? `Backtest error (MASE) ${b.mase.toFixed(2)} against ${b.baselineMase.toFixed(2)} for "same hour last week".` : '';
}

function risk(r: InsightsPageQuery['studentsAtRisk']) {
  const pct = (p: number) => `<td class="n${p >= 0.5 ? ' high' : ''}">${Math.round(p * 100)}%</td>`;
  $('risk').innerHTML = r.students.map((s) => `<tr><td>${esc(s.student?.name ?? '(unknown)')}</td>${pct(s.leaveProbability)}${pct(s.lateProbability)}<td>${esc(s.reasons.join('; '))}</td></tr>`).join('') || '<tr><td colspan="4">No one holds a seat here.</td></tr>';
}

async function draw() {
  const main = $('insights');
  main.dataset.state = 'loading';
  $('error').textContent = '';
  try {
    const r = await request(InsightsPageDocument, { libraryId: library, ...ranges() });
    heatmap(r.occupancyHeatmap);
    trend(r.monthly.points);
    collections(r.daily.points, r.collectionsForecast);
    occupancy(r.occupancyForecast);
    risk(r.studentsAtRisk);
    main.dataset.state = 'ready';
  } catch (err) {
    $('error').textContent = (err as Error).message;
    main.dataset.state = 'error';
  }
}

/** A CSV export: the link is asked for with the panel's own arguments, then opened as a download. */
async function exportReport(report: InsightReport) {
  const { from, heatFrom, to } = ranges();
  const ranged = !['OCCUPANCY_FORECAST', 'COLLECTIONS_FORECAST', 'STUDENTS_AT_RISK'].includes(report);
  const input = { report, libraryId: library, from: ranged ? (report === 'HEATMAP' ? heatFrom : from) : null, to: ranged ? to : null, grain: report === 'TREND' ? ('MONTH' as const) : null };
  try {
    const { insightsExport } = await request(InsightsExportDocument, { input });
    const a = document.createElement('a');
    a.href = insightsExport.url;
    a.download = insightsExport.filename;
    document.body.append(a);
    a.click();
    a.remove();
  } catch (err) {
    $('error').textContent = (err as Error).message;
  }
}

async function start() {
  $('login').hidden = true;
  $('insights').hidden = false;
  $('library').hidden = false;
  const libs = await request(InsightsLibrariesDocument, {});
  const nodes = libs.libraries.edges.map((e) => e.node);
  const select = $<HTMLSelectElement>('library');
  select.innerHTML = nodes.map((l) => `<option value="${esc(l.id)}">${esc(l.name)}</option>`).join('');
  const wanted = new URLSearchParams(location.search).get('library');
  if (wanted && nodes.some((l) => l.id === wanted)) select.value = wanted;
  select.onchange = () => ((library = select.value), void draw());
  for (const b of document.querySelectorAll<HTMLButtonElement>('button.export')) b.onclick = () => void exportReport(b.dataset.report as InsightReport);
  addEventListener('resize', () => charts.forEach((c) => c.resize()));
  library = select.value;
  if (library) await draw();
  else $('error').textContent = 'No libraries yet.';
}

signIn(start);
