// The live notification stream (gateway/src/live/ runs it). Until the communications issue adds
// stored in-app notifications, it is fed by the events billing publishes on the tenant's topic.
import { clock, inBranches, liveTrigger, topics, type BusEvent, type LiveField, type LiveFields, type LiveResolver } from '@studyspot/runtime';
import type { LiveNotificationKind, ResolversTypes } from '../generated/resolvers.ts';

type EventKind = Exclude<LiveNotificationKind, 'MESSAGE'>;
const FOR_STUDENTS = new Set<string>(['PAYMENT_CAPTURED', 'PAYMENT_FAILED', 'REFUND_PROCESSED', 'DUE_CREATED', 'DUE_OVERDUE'] satisfies EventKind[]);
const FOR_STAFF = new Set<string>(['PAYMENT_CAPTURED', 'PAYMENT_REVIEW', 'REFUND_FAILED', 'DUE_OVERDUE'] satisfies EventKind[]);
/** The stream's kind of an accepted event (only those two sets and in-app notifications are accepted). */
const kindOf = (type: string): LiveNotificationKind => {
  if (type === 'IN_APP_NOTIFICATION') return 'MESSAGE';
  if (FOR_STUDENTS.has(type) || FOR_STAFF.has(type)) return type as EventKind;
  throw new Error(`No live notification kind for ${type}`);
};

const notifications: LiveField<Record<string, never>> = {
  kind: 'stream',
  topic: (_a, c) => topics.tenant(c.tenantId),
  accepts: (e, _a, c) =>
    // In-app notifications are for one account; billing's events by role and scope.
    e.type === 'IN_APP_NOTIFICATION' ? e.userId === c.claims.sub : c.claims.role === 'STUDENT' ? FOR_STUDENTS.has(e.type) && e.studentId === c.claims.sub : FOR_STAFF.has(e.type) && inBranches(e, c.claims),
};

export const communicationsLive: LiveFields = { notifications } as LiveFields;

const rupees = (paise: unknown) => (typeof paise === 'number' ? `Rs. ${(paise / 100).toFixed(2)}` : 'a payment');

function title(e: BusEvent): string {
  switch (e.type) {
    case 'IN_APP_NOTIFICATION':
      return String(e.title ?? 'A new notification');
    case 'PAYMENT_CAPTURED':
      return `Payment of ${rupees(e.amountPaise)} received`;
    case 'PAYMENT_FAILED':
      return 'An online payment did not go through';
    case 'PAYMENT_REVIEW':
      return 'A payment needs review: its amount did not match the order';
    case 'REFUND_PROCESSED':
      return `Refund of ${rupees(e.amountPaise)} processed`;
    case 'REFUND_FAILED':
      return `A refund of ${rupees(e.amountPaise)} failed`;
    case 'DUE_CREATED':
      return `A fee of ${rupees(e.amountPaise)} is due${typeof e.dueDate === 'string' ? ` on ${e.dueDate}` : ''}`;
    default:
      return 'A fee is overdue';
  }
}

export const liveResolvers: { Subscription: { notifications: LiveResolver<ResolversTypes['NotificationUpdate'], Record<string, never>> } } = {
  Subscription: {
    notifications: (root, _a, ctx) => {
      const t = liveTrigger(root, 'notifications', ctx.liveTrigger);
      const claims = ctx.claims!;
      ctx.requireTenant(ctx.tenantId);
      // Staff hear of payments: a role that cannot read them has no stream.
      if (claims.role !== 'STUDENT') ctx.authorize('tenant:payments:read');
      const at = clock.now();
      const items = t.events.map((e) => ({
        sequence: e.seq ?? t.sequence,
        kind: kindOf(e.type),
        notificationId: typeof e.notificationId === 'string' ? e.notificationId : null,
        title: title(e),
        at,
        student: typeof e.studentId === 'string' ? { __typename: 'Student' as const, id: e.studentId } : null,
        payment: typeof e.paymentId === 'string' ? { __typename: 'Payment' as const, id: e.paymentId } : null,
      }));
      return { sequence: t.sequence, snapshot: t.snapshot, dropped: t.dropped, items };
    },
  },
};
