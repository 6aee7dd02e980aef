// First run of the embedded default: a demo tenant with one library, seats, a few students and
// their accounts, plus a platform admin. Passwords are generated on first run (never hard-coded) and
// kept in .data/demo-logins.json so each start can print working logins.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { billingScope, connectAccount, createPlan, purchaseWholesale, recordPayment, subscribe } from '@studyspot/billing';
import { demoReferral, seedDemoAdmissions, seedDemoTickets } from '@studyspot/engagement';
import { addDays, ConfigError, istDay, istToday, ports, subgraphContext, systemContext, type Platform } from '@studyspot/runtime';
import { generatePassword, hashPassword, signAccessToken } from '@studyspot/runtime/security';
import type { PaymentSimulators } from '@studyspot/simulators';
import { provisionTenant } from '@studyspot/tenancy';
import { generateHistory } from './history.ts';

export const DEMO_SLUG = 'demo';

export interface DemoLogins {
  tenantSlug: string;
  admin: { email: string; password: string };
  owner: { email: string; password: string };
  studentPhones: string[];
}

const loginsFile = (platform: Platform) => join(platform.config.dataDir, 'demo-logins.json');

export function readDemoLogins(platform: Platform): DemoLogins | null {
  const f = loginsFile(platform);
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as DemoLogins) : null;
}

/**
 * Writes the logins file whole or not at all: aside first, before anything is seeded (a data directory
 * that cannot take it stops the start with nothing seeded, instead of seeding accounts whose generated
 * passwords are then lost), then renamed into place by `keep` once this process has seeded, or
 * removed by `drop` when another process seeded first.
 */
function writeLogins(platform: Platform, logins: DemoLogins): { keep(): void; drop(): void } {
  const file = loginsFile(platform);
  const tmp = `${file}.${process.pid}-${randomUUID().slice(0, 8)}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(tmp, JSON.stringify(logins, null, 2), { mode: 0o600 });
  } catch (err) {
    throw new ConfigError('STUDYSPOT_DATA_DIR', `cannot write the demo logins to ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); nothing was seeded`);
  }
  return { keep: () => renameSync(tmp, file), drop: () => rmSync(tmp, { force: true }) };
}

export async function seedDemo(platform: Platform): Promise<boolean> {
  if ((await platform.core.tenant.count()) > 0) return false;
  const ownerPassword = generatePassword();
  const adminPassword = generatePassword();
  const names = ['Rohan Patil', 'Sneha Joshi', 'Imran Shaikh', 'Priya Deshmukh', 'Vikram Rao'];
  const phones = names.map((_, i) => `9198765432${10 + i}`);
  const logins = writeLogins(platform, {
    tenantSlug: DEMO_SLUG,
    admin: { email: 'admin@studyspot.local', password: adminPassword },
    owner: { email: 'owner@sunrise.example', password: ownerPassword },
    studentPhones: phones,
  });
  const result = await provisionTenant(
    platform.core,
    platform.config.database,
    { slug: DEMO_SLUG, name: 'Sunrise Study Centre', legalName: 'Sunrise Study Centre LLP', state: 'MH', owner: { name: 'Asha Kulkarni', email: 'owner@sunrise.example', password: ownerPassword } },
    { dbPrefix: platform.config.tenantDatabasePrefix },
  );
  // Replicas started together on one empty database race to seed: the demo slug lets one win; the
  // others start without seeding (their logins are not the demo's, so they are not kept).
  if (!('tenant' in result) && result.userErrors.some((e) => e.code === 'SLUG_TAKEN')) {
    logins.drop();
    platform.logger.info('demo tenant seeded by another process');
    return false;
  }
  if (!('tenant' in result) || result.tenant.status !== 'ACTIVE') {
    logins.drop();
    throw new Error(`demo seed failed: ${JSON.stringify(result.userErrors)}`);
  }
  logins.keep();
  const tenant = result.tenant;
  const admin = await platform.core.user.create({ data: { name: 'Platform Admin', email: 'admin@studyspot.local', role: 'SUPER_ADMIN', passwordHash: await hashPassword(adminPassword) } });
  const allocations = await platform.tenants.withTenant(tenant.id, async (db) => {
    const library = await db.library.create({
      data: {
        name: 'Sunrise Reading Room',
        city: 'Pune',
        state: 'MH',
        address: '14 FC Road, Shivajinagar',
        latitude: 18.5308,
        longitude: 73.8475,
        capacity: 40,
        amenities: ['wifi', 'ac', 'locker', 'water'],
        openingHours: [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opens: '06:00', closes: '23:00' })),
      },
    });
    await db.seat.createMany({
      data: Array.from({ length: 40 }, (_, i) => ({ libraryId: library.id, label: `A${String(i + 1).padStart(2, '0')}`, zone: i < 20 ? 'AC hall' : 'Quiet hall', kind: i < 20 ? ('AC' as const) : ('NON_AC' as const) })),
    });
    const seats = await db.seat.findMany({ where: { libraryId: library.id }, orderBy: { label: 'asc' } });
    const fullDay = await db.shift.create({ data: { libraryId: library.id, name: 'Full day', startMinute: 360, endMinute: 1320, monthlyPricePaise: 150_000 } });
    await db.shift.createMany({
      data: [
        { libraryId: library.id, name: 'Morning', startMinute: 360, endMinute: 840, monthlyPricePaise: 90_000 },
        { libraryId: library.id, name: 'Evening', startMinute: 840, endMinute: 1320, monthlyPricePaise: 90_000 },
      ],
    });
    const today = istDay();
    // Six months of history (insights' heatmaps, trends and models have something to show), on the
    // seats the named students and the converted lead below do not take.
    const historySeats = seats.filter((x, i) => i >= 5 && x.label !== 'A21').map((x) => x.id);
    const started = performance.now();
    const history = await generateHistory(db, { libraryId: library.id, from: addDays(today, -182), to: addDays(today, -1), students: 90, seed: 2026, phonePrefix: '919700000', seatIds: historySeats });
    platform.logger.info({ ...history, ms: Math.round(performance.now() - started) }, 'demo history generated');
    // Two full billing months.
    const twoMonths = addDays(new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + 2, today.getUTCDate())), -1);
    const out: { allocationId: string; studentId: string }[] = [];
    for (const [i, name] of names.entries()) {
      const student = await db.student.create({ data: { name, phone: phones[i]!, libraryId: library.id, preparingFor: i % 2 ? 'MPSC' : 'UPSC CSE' } });
      const allocation = await db.seatAllocation.create({
        data: { libraryId: library.id, seatId: seats[i]!.id, shiftId: fullDay.id, studentId: student.id, startDate: today, endDate: twoMonths, shiftStart: 360, shiftEnd: 1320, pricePaise: 150_000 },
      });
      out.push({ allocationId: allocation.id, studentId: student.id });
      if (i < 3) await db.notification.create({ data: { studentId: student.id, channel: 'sms', body: `Hi ${name.split(' ')[0]}, your seat fee of Rs 1500 is received.`, status: 'DELIVERED' } });
    }
    return out;
  });
  // Fees and payments go through billing's own services: two months of dues each; the first three
  // students paid their first month at the desk (cash, UPI to the QR, a bank transfer).
  const ctx = subgraphContext(platform, { requestId: 'seed', claims: { sub: admin.id, role: 'SUPER_ADMIN', tenantId: null }, actingTenantId: tenant.id });
  try {
    for (const a of allocations) await ports.billing.syncAllocationDues(ctx, tenant.id, a.allocationId);
    const scope = await billingScope(ctx);
    // Referrals: the third student came through the first's code (recorded before their first fee).
    const engagement = await ctx.scope(tenant.id);
    await demoReferral.record(ctx, engagement, { referrerId: allocations[0]!.studentId, referredId: allocations[2]!.studentId });
    const methods = [{ method: 'CASH' as const }, { method: 'UPI_QR' as const, reference: 'UPI-DEMO-0001' }, { method: 'BANK_TRANSFER' as const, reference: 'NEFT-DEMO-0001' }];
    for (const [i, m] of methods.entries()) await recordPayment(scope, { studentId: allocations[i]!.studentId, amountPaise: 150_000, ...m });
    await seedPlatformBilling(ctx, tenant.id);
    await seedSmsTemplates(ctx, tenant.id);
    // Admissions: leads in every stage of the board, one converted onto seat A21's morning shift.
    const place = await platform.tenants.withTenant(tenant.id, async (db) => ({
      library: await db.library.findFirstOrThrow(),
      morning: await db.shift.findFirstOrThrow({ where: { name: 'Morning' } }),
      seat: await db.seat.findFirstOrThrow({ where: { label: 'A21' } }),
    }));
    // Its conversion came through the second student's code; the third's first fee (above) earns the
    // first student ₹200 off their next due.
    await seedDemoAdmissions(ctx, engagement, { libraryId: place.library.id, shiftId: place.morning.id, seatId: place.seat.id, referrerId: allocations[1]!.studentId });
    await demoReferral.reward(ctx, engagement);
    // The help desk: a resolved ticket (with an internal note), one waiting on its student, a new one.
    await seedDemoTickets(ctx, engagement, allocations.map((a) => a.studentId));
    // Insights roll the history up on the first read of them (which then schedules the nightly work),
    // not in the background of every fresh start: an unread demo costs no CPU.
  } finally {
    await ctx.dispose();
  }
  return true;
}

/** The demo tenant's DLT header and its six approved templates (the seed's figures), ready to send. */
async function seedSmsTemplates(ctx: ReturnType<typeof subgraphContext>, tenantId: string) {
  const db = await ctx.tenantDb(tenantId);
  const sender = await db.smsSender.create({ data: { header: 'SUNRSE', entityId: '1101000000000001' } });
  const templates: [string, 'SERVICE_IMPLICIT' | 'PROMOTIONAL', string][] = [
    ['fee-due', 'SERVICE_IMPLICIT', 'Dear {#var#}, your seat fee of Rs {#var#} is due on {#var#}. Pay at the desk or online. -SUNRISE'],
    ['fee-overdue', 'SERVICE_IMPLICIT', 'Dear {#var#}, your seat fee of Rs {#var#} is overdue. Please pay to keep your seat. -SUNRISE'],
    ['payment-receipt', 'SERVICE_IMPLICIT', 'Dear {#var#}, we received Rs {#var#}. Receipt {#var#}. Thank you. -SUNRISE'],
    ['absence', 'SERVICE_IMPLICIT', 'Dear {#var#}, we have missed you for {#var#} days at {#var#}. All well? -SUNRISE'],
    ['seat-allocated', 'SERVICE_IMPLICIT', 'Dear {#var#}, seat {#var#} is yours from {#var#} ({#var#} shift). -SUNRISE'],
    ['seat-offered', 'SERVICE_IMPLICIT', 'Dear {#var#}, a seat is free for you at {#var#}. Accept it by {#var#}. -SUNRISE'],
  ];
  for (const [name, category, body] of templates) {
    await db.smsTemplate.create({ data: { name, senderId: sender.id, dltTemplateId: `1107${String(templates.findIndex((t) => t[0] === name) + 1).padStart(15, '0')}`, msg91TemplateId: `demo-${name}`, category, body, approval: 'APPROVED' } });
  }
}

/**
 * The platform's side: two plans, SMS credits bought wholesale (the seed's ₹0.15 each), and the demo
 * tenant on the Starter trial with its included credits — through billing's own services.
 */
async function seedPlatformBilling(ctx: ReturnType<typeof subgraphContext>, tenantId: string) {
  await purchaseWholesale({ core: ctx.core, events: ctx.events }, { vendor: 'MSG91', credits: 100_000, costPaise: 1_500_000, idempotencyKey: 'demo-wholesale-1' });
  const starter = await createPlan(ctx, { code: 'starter', name: 'Starter', pricePaise: 99_900, cycle: 'MONTHLY', trialDays: 14, limits: { libraries: 2, seats: 120, students: 200, staff: 5 }, includedCredits: 500, features: ['Live occupancy', 'Online fees'] });
  await createPlan(ctx, { code: 'growth', name: 'Growth', pricePaise: 249_900, cycle: 'MONTHLY', trialDays: 0, limits: { libraries: 10, seats: 1_000, students: 2_000, staff: 50 }, includedCredits: 3_000, features: ['Live occupancy', 'Online fees', 'Campaigns'] });
  if ('plan' in starter && starter.plan) await subscribe(ctx, tenantId, starter.plan.id, istToday());
}

/**
 * The demo tenant's Razorpay and Cashfree accounts on the gateway's own simulators (the seed's fee
 * figures: Razorpay 2% + ₹0, Cashfree 1.5% + ₹3, breakeven ₹600), connected through billing like an
 * owner would. Runs after the gateway listens: connecting checks the credentials against it.
 */
export async function connectDemoGateways(platform: Platform, simulators: PaymentSimulators | null): Promise<void> {
  if (!simulators) return;
  const demo = await platform.core.tenant.findUnique({ where: { slug: DEMO_SLUG }, select: { id: true, webhookKey: true } });
  if (!demo) return;
  const ctx = systemContext(platform, 'demo seed', demo.id, 'seed');
  try {
    const scope = await billingScope(ctx);
    for (const [provider, feePercentBp, feeFixedPaise] of [['razorpay', 200, 0], ['cashfree', 150, 300]] as const) {
      const account = simulators[provider].state.credentialsFor(demo.webhookKey)!;
      const r = await connectAccount(scope, { provider, keyId: account.keyId, keySecret: account.keySecret, webhookSecret: account.webhookSecret, feePercentBp, feeFixedPaise });
      if (r.userErrors.length) throw new Error(`demo ${provider} account: ${r.userErrors[0]!.message}`);
    }
  } finally {
    await ctx.dispose();
  }
}

/** A 12-hour access token of the demo tenant's owner (outside production: printed at start, prefilled in the explorer), or null without a demo tenant. */
export async function demoOwnerToken(platform: Platform): Promise<string | null> {
  const demo = await platform.core.tenant.findUnique({ where: { slug: DEMO_SLUG }, include: { users: { where: { role: 'OWNER' }, take: 1 } } });
  const owner = demo?.users[0];
  return owner ? signAccessToken(platform.config.keyRing, { sub: owner.id, role: 'OWNER', tenantId: demo.id }, 12 * 3600) : null;
}
