// Demo history: months of a library's past, deterministic for a seed, so insights have something to
// show on a first start and their benchmarks and tests have data — students joining (more before exam
// seasons), their monthly dues paid on time, a little late, very late or not at all, refunds, pauses,
// cancellations, leavers whose visits thin out in their last four weeks, and visits with weekday and hour
// patterns. Rows are written as they would stand had it happened (timestamps in the past), straight
// into the tenant database like the rest of the seed: the composition root may, no subgraph does.
import type { TenantPrisma, TenantPrismaNs } from '@studyspot/db';
import { addDays, daysBetween, istInstant, monthEnd } from '@studyspot/runtime';
import { randomUUID } from 'node:crypto';

export interface HistoryOptions {
  libraryId: string;
  /** First and last day of the history (IST dates; the last is usually yesterday). */
  from: Date;
  to: Date;
  /** Students who join over the period. */
  students: number;
  seed: number;
  /** The seats it may use (default: every seat of the library). */
  seatIds?: string[];
  /** Nine digits the phones start with (three more are added): keeps histories of one tenant apart. */
  phonePrefix: string;
}

export interface HistoryReport {
  students: number;
  allocations: number;
  visits: number;
  dues: number;
  payments: number;
  refunds: number;
  tickets: number;
}

/** mulberry32: a small deterministic generator in [0, 1). */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const FIRST = ['Aarav', 'Diya', 'Kabir', 'Meera', 'Arjun', 'Ananya', 'Rohit', 'Pooja', 'Siddharth', 'Neha', 'Yash', 'Sakshi', 'Omkar', 'Tanvi', 'Nikhil', 'Shruti', 'Pranav', 'Kavya', 'Aditya', 'Ishita'];
const LAST = ['Patil', 'Joshi', 'Kulkarni', 'Shinde', 'Deshpande', 'Pawar', 'Jadhav', 'Gaikwad', 'More', 'Chavan', 'Kale', 'Bhosale'];
const COMPLAINTS: [string, 'FACILITIES' | 'NOISE' | 'CLEANLINESS' | 'SEAT' | 'FEES'][] = [
  ['AC not cooling in the evening', 'FACILITIES'],
  ['Group talking near my seat', 'NOISE'],
  ['Washroom not cleaned', 'CLEANLINESS'],
  ['My seat is given to someone else', 'SEAT'],
  ['Charged twice for this month', 'FEES'],
  ['Wi-Fi keeps dropping', 'FACILITIES'],
];
const maxDay = (a: Date, b: Date) => (a > b ? a : b);
const EXAMS = ['UPSC CSE', 'MPSC', 'NEET', 'JEE', 'CA Inter', 'Bank PO', 'GATE'];
/** Months (0-based) before the big exams, when students join and come more. */
const EXAM_SEASON = new Set([1, 2, 3, 4, 10, 11]);

type Payer = 'punctual' | 'usual' | 'late' | 'defaulter';

export async function generateHistory(db: TenantPrisma, o: HistoryOptions): Promise<HistoryReport> {
  const rnd = random(o.seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const seats = await db.seat.findMany({ where: { libraryId: o.libraryId, ...(o.seatIds ? { id: { in: o.seatIds } } : {}) }, orderBy: { label: 'asc' }, select: { id: true } });
  const shifts = await db.shift.findMany({ where: { libraryId: o.libraryId, active: true }, orderBy: { startMinute: 'asc' } });
  if (!seats.length || !shifts.length) throw new Error('demo history needs a library with seats and shifts');
  const span = daysBetween(o.from, o.to) + 1;
  // What each seat is taken for: shift times and until when (no double booking: a seat is free for a
  // shift once every allocation overlapping its times has ended).
  const taken = seats.map(() => [] as { start: number; end: number; until: Date }[]);
  const freeFor = (k: number, shift: { startMinute: number; endMinute: number }) =>
    taken[k]!.filter((t) => t.start < shift.endMinute && shift.startMinute < t.end).reduce((day, t) => (t.until > day ? t.until : day), o.from);
  const students: { id: string; name: string; phone: string; libraryId: string; preparingFor: string; joinedOn: Date; createdAt: Date }[] = [];
  const allocations: TenantPrismaNs.SeatAllocationCreateManyInput[] = [];
  const visits: { id: string; libraryId: string; studentId: string; seatId: string; checkedInAt: Date; checkedOutAt: Date; inSource: 'KIOSK_QR' | 'STAFF'; outSource: 'KIOSK_QR' | 'STAFF'; autoClosed: boolean; day: Date }[] = [];
  const dues: { id: string; studentId: string; libraryId: string; allocationId: string; kind: 'MONTHLY'; period: number; periodStart: Date; periodEnd: Date; dueDate: Date; amountPaise: number; adjustmentPaise: number; paidPaise: number; status: 'OPEN' | 'PAID' | 'VOID'; overdueNotifiedAt: Date | null; createdAt: Date; updatedAt: Date }[] = [];
  const payments: { id: string; studentId: string; amountPaise: number; status: 'CAPTURED' | 'REFUNDED'; provider: string; channel: 'OFFLINE' | 'ONLINE'; method: 'CASH' | 'UPI_QR' | 'UPI' | 'CARD'; libraryId: string; providerPaymentId: string | null; refundedPaise: number; capturedAt: Date; createdAt: Date }[] = [];
  const lateFees: { dueId: string; kind: 'LATE_FEE'; amountPaise: number; reason: string; createdAt: Date }[] = [];
  const applied: { paymentId: string; dueId: string; amountPaise: number; createdAt: Date }[] = [];
  const tickets: TenantPrismaNs.TicketCreateManyInput[] = [];
  const lastDays = new Map<string, Date>();
  const refunds: { paymentId: string; amountPaise: number; status: 'PROCESSED'; providerRefundId: string | null; idempotencyKey: string; reason: string; processedAt: Date; createdAt: Date; updatedAt: Date }[] = [];

  for (let i = 0; i < o.students; i++) {
    // Joining: spread over the period, more in exam seasons (a second draw favours them).
    let join = addDays(o.from, Math.floor(rnd() * span * 0.92));
    if (!EXAM_SEASON.has(join.getUTCMonth()) && rnd() < 0.4) join = addDays(o.from, Math.floor(rnd() * span * 0.92));
    const shift = pick(shifts);
    const seatIndex = seats.reduce((best, _s, k) => (freeFor(k, shift) < freeFor(best, shift) ? k : best), 0);
    if (freeFor(seatIndex, shift) > join) join = freeFor(seatIndex, shift);
    if (join > o.to) continue;
    const payer: Payer = ((r) => (r < 0.55 ? 'punctual' : r < 0.82 ? 'usual' : r < 0.96 ? 'late' : 'defaulter'))(rnd());
    const keen = 0.55 + rnd() * 0.4;
    // How many months they stay: each month they renew with a chance (less for late payers).
    let months = 1;
    while (months < 24 && rnd() < (payer === 'late' || payer === 'defaulter' ? 0.62 : 0.76)) months++;
    const starts = [join];
    for (let k = 1; k < months; k++) starts.push(addDays(monthEnd(starts[k - 1]!), 1));
    const end = monthEnd(starts.at(-1)!);
    const cancelled = rnd() < 0.05 && months > 1;
    const cancelDay = cancelled ? addDays(join, Math.floor(rnd() * (daysBetween(join, end) + 1))) : null;
    const lastDay = cancelDay && cancelDay < end ? cancelDay : end;
    const pause = rnd() < 0.1 ? addDays(join, 5 + Math.floor(rnd() * 30)) : null;
    const pausedUntil = pause ? addDays(pause, 6 + Math.floor(rnd() * 8)) : null;
    taken[seatIndex]!.push({ start: shift.startMinute, end: shift.endMinute, until: addDays(lastDay, 1) });

    const studentId = randomUUID();
    lastDays.set(studentId, lastDay);
    const name = `${pick(FIRST)} ${pick(LAST)}`;
    students.push({ id: studentId, name, phone: `${o.phonePrefix}${String(i).padStart(3, '0')}`, libraryId: o.libraryId, preparingFor: pick(EXAMS), joinedOn: join, createdAt: istInstant(join, 540) });
    const allocationId = randomUUID();
    const stillPaused = pause && pausedUntil! >= o.to && pause <= o.to;
    allocations.push({
      id: allocationId,
      libraryId: o.libraryId,
      seatId: seats[seatIndex]!.id,
      shiftId: shift.id,
      studentId,
      status: cancelled ? 'CANCELLED' : stillPaused ? 'PAUSED' : 'ACTIVE',
      startDate: join,
      endDate: end,
      shiftStart: shift.startMinute,
      shiftEnd: shift.endMinute,
      pausedFrom: pause,
      pausedUntil,
      pricePaise: shift.monthlyPricePaise,
      createdAt: istInstant(join, 540),
      updatedAt: istInstant(cancelDay ?? join, 600),
    });

    // Dues, one per billing month, and how this student pays them.
    for (const [k, start] of starts.entries()) {
      if (start > o.to) break;
      const dueId = randomUUID();
      const raisedAt = istInstant(k === 0 ? start : addDays(start, -3), 480);
      const voided = cancelDay !== null && start > cancelDay;
      const late = payer === 'punctual' ? -Math.floor(rnd() * 3) : payer === 'usual' ? 1 + Math.floor(rnd() * 7) : payer === 'late' ? 8 + Math.floor(rnd() * 30) : k >= 1 ? 999 : 12;
      const raisedDay = k === 0 ? start : addDays(start, -3);
      const payDay = addDays(start, late) < raisedDay ? raisedDay : addDays(start, late);
      const paid = !voided && late < 999 && payDay <= o.to;
      const capturedAt = istInstant(payDay, 540 + Math.floor(rnd() * 660));
      // Over a week late, and still unpaid then: a ₹50 late fee (the billing settings' flat fee).
      const feeDay = addDays(start, 8);
      const fee = !voided && late > 7 && feeDay <= o.to ? 5_000 : 0;
      const charge = shift.monthlyPricePaise + fee;
      if (fee) lateFees.push({ dueId, kind: 'LATE_FEE', amountPaise: fee, reason: 'Paid over 7 days late', createdAt: istInstant(feeDay, 60) });
      dues.push({ id: dueId, studentId, libraryId: o.libraryId, allocationId, kind: 'MONTHLY', period: k, periodStart: start, periodEnd: monthEnd(start), dueDate: start, amountPaise: shift.monthlyPricePaise, adjustmentPaise: fee, paidPaise: paid ? charge : 0, status: voided ? 'VOID' : paid ? 'PAID' : 'OPEN', overdueNotifiedAt: !voided && !paid && start < o.to ? istInstant(addDays(start, 1), 600) : null, createdAt: raisedAt, updatedAt: paid ? capturedAt : voided ? istInstant(cancelDay!, 600) : fee ? istInstant(feeDay, 60) : raisedAt });
      if (!paid) continue;
      const paymentId = randomUUID();
      const how = rnd();
      const online = how >= 0.5;
      const refunded = rnd() < 0.025 && addDays(payDay, 2) <= o.to;
      payments.push({
        id: paymentId,
        studentId,
        amountPaise: charge,
        status: refunded ? 'REFUNDED' : 'CAPTURED',
        provider: !online ? 'offline' : how < 0.8 ? 'razorpay' : 'cashfree',
        channel: online ? 'ONLINE' : 'OFFLINE',
        method: !online ? (how < 0.25 ? 'CASH' : 'UPI_QR') : how < 0.7 ? 'UPI' : 'CARD',
        libraryId: o.libraryId,
        providerPaymentId: online ? `pay_demo${paymentId.slice(0, 8)}` : null,
        refundedPaise: refunded ? charge : 0,
        capturedAt,
        createdAt: capturedAt,
      });
      applied.push({ paymentId, dueId, amountPaise: charge, createdAt: capturedAt });
      if (refunded) {
        const at = istInstant(addDays(payDay, 2), 720);
        refunds.push({ paymentId, amountPaise: charge, status: 'PROCESSED', providerRefundId: online ? `rfnd_demo${paymentId.slice(0, 8)}` : null, idempotencyKey: `demo-refund-${paymentId}`, reason: 'Seat fee returned', processedAt: at, createdAt: at, updatedAt: at });
      }
    }

    // Visits: keen students come most days, fewer on Sundays, more in exam seasons; those about to
    // leave drift away first (fewer days in their last four weeks, fewer still in the last two).
    const seat = seats[seatIndex]!.id;
    const visitEnd = lastDay < o.to ? lastDay : o.to;
    for (let day = join; day <= visitEnd; day = addDays(day, 1)) {
      if (pause && day >= pause && day <= pausedUntil!) continue;
      const weekday = day.getUTCDay();
      let p = keen * (weekday === 0 ? 0.45 : weekday === 6 ? 0.85 : 1) * (EXAM_SEASON.has(day.getUTCMonth()) ? 1.12 : 0.95);
      if (lastDay < o.to && daysBetween(day, lastDay) < 28) p *= daysBetween(day, lastDay) < 14 ? 0.4 : 0.7;
      if (rnd() >= Math.min(p, 0.97)) continue;
      const from = shift.startMinute;
      const length = shift.endMinute - shift.startMinute;
      const inMinute = from + Math.floor(rnd() * Math.min(150, length / 3));
      const stay = Math.floor(length * (0.4 + rnd() * 0.5));
      const auto = rnd() < 0.03;
      const outMinute = auto ? Math.min(1380, shift.endMinute + 60) : Math.min(inMinute + stay, 1380);
      visits.push({ id: randomUUID(), libraryId: o.libraryId, studentId, seatId: seat, checkedInAt: istInstant(day, inMinute), checkedOutAt: istInstant(day, outMinute), inSource: 'KIOSK_QR', outSource: auto ? 'STAFF' : 'KIOSK_QR', autoClosed: auto, day });
    }
  }

  // Complaints at the help desk, from their own generator (the rest of the history stays as it was): a
  // third of leavers raise one in their last five weeks, half of them never resolved; a few stayers
  // raise one, mostly resolved within three days. Past deadlines are marked as already told, so no
  // burst of SLA notices goes out on a fresh start.
  const trnd = random(o.seed ^ 0x5eed);
  for (const st of students) {
    const lastDay = lastDays.get(st.id)!;
    const leaving = lastDay < o.to;
    if (trnd() >= (leaving ? 0.35 : 0.06)) continue;
    const from = leaving ? maxDay(st.joinedOn, addDays(lastDay, -35)) : st.joinedOn;
    const to = leaving ? addDays(lastDay, -3) : o.to;
    if (to < from) continue;
    const opened = addDays(from, Math.floor(trnd() * (daysBetween(from, to) + 1)));
    const after = leaving ? (trnd() < 0.5 ? null : 2 + Math.floor(trnd() * 6)) : trnd() < 0.85 ? 1 + Math.floor(trnd() * 3) : null;
    const resolvedAt = after !== null && addDays(opened, after) <= o.to ? istInstant(addDays(opened, after), 720) : null;
    const [subject, category] = COMPLAINTS[Math.floor(trnd() * COMPLAINTS.length)]!;
    const at = istInstant(opened, 600);
    const firstResponseDueAt = istInstant(opened, 840);
    const resolutionDueAt = istInstant(addDays(opened, 2), 600);
    tickets.push({ libraryId: o.libraryId, studentId: st.id, subject, category, priority: 'NORMAL', status: resolvedAt ? 'RESOLVED' : 'OPEN', firstResponseDueAt, resolutionDueAt, firstRespondedAt: istInstant(opened, 720), resolvedAt, atRiskAt: resolutionDueAt, breachedAt: resolvedAt && resolvedAt <= resolutionDueAt ? null : resolutionDueAt, createdAt: at, updatedAt: resolvedAt ?? at });
  }

  const chunks = <T>(xs: T[], n = 2_000) => Array.from({ length: Math.ceil(xs.length / n) }, (_, k) => xs.slice(k * n, (k + 1) * n));
  await db.$transaction(async (tx) => {
    await tx.student.createMany({ data: students });
    await tx.seatAllocation.createMany({ data: allocations });
    for (const c of chunks(visits)) await tx.visit.createMany({ data: c });
    for (const c of chunks(dues)) await tx.due.createMany({ data: c });
    if (lateFees.length) await tx.dueAdjustment.createMany({ data: lateFees });
    for (const c of chunks(payments)) await tx.payment.createMany({ data: c });
    for (const c of chunks(applied)) await tx.paymentAllocation.createMany({ data: c });
    if (refunds.length) await tx.refund.createMany({ data: refunds });
    if (tickets.length) await tx.ticket.createMany({ data: tickets });
  }, { timeout: 120_000 });
  return { students: students.length, allocations: allocations.length, visits: visits.length, dues: dues.length, payments: payments.length, refunds: refunds.length, tickets: tickets.length };
}
