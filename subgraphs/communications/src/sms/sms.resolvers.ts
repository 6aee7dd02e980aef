// DLT registry, sending and history: resolvers translate arguments into calls of the SMS services.
import { DateScalar, type ConnectionArgs, type Resolvers, type SubgraphContext } from '@studyspot/runtime';
import { sendSms, type SendInput } from './sms.service.ts';
import * as sms from './templates.service.ts';

export const smsResolvers: Resolvers = {
  Date: DateScalar,
  Query: {
    smsAnalytics: (_p, a: { from: Date; to: Date }, ctx) => sms.smsAnalytics(ctx, a.from, a.to),
    smsTemplates: (_p, _a, ctx) => sms.listTemplates(ctx),
    smsSenders: (_p, _a, ctx) => sms.listSenders(ctx),
    smsMessages: (_p, a: ConnectionArgs & { studentId?: string | null }, ctx) => sms.listMessages(ctx, a, a.studentId),
  },
  Mutation: {
    createSmsSender: (_p, a: { header: string; entityId?: string | null }, ctx) => sms.createSender(ctx, a.header, a.entityId),
    createSmsTemplate: (_p, a: { input: sms.TemplateInput }, ctx) => sms.createTemplate(ctx, a.input),
    setSmsTemplateApproval: (_p, a: { id: string; approval: 'PENDING' | 'APPROVED' | 'REJECTED' }, ctx) => sms.setTemplateApproval(ctx, a.id, a.approval),
    sendSms: async (_p, a: { input: SendInput }, ctx) => {
      const { tenantId, db } = await ctx.currentTenant();
      return sendSms(ctx, tenantId, db, a.input);
    },
    setSmsConsent: (_p, a: { phone: string; promotional: boolean }, ctx) => sms.setConsent(ctx, a.phone, a.promotional),
  },
  Student: {
    __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
    messages: (st: { id: string }, a: ConnectionArgs, ctx) => {
      ctx.authorize('tenant:notifications:read');
      return sms.listMessages(ctx, a, st.id);
    },
  },
  SmsTemplate: {
    __resolveReference: (ref: { id: string }, ctx: SubgraphContext) => {
      ctx.authorize('tenant:notifications:read');
      return sms.templateById(ctx, ref.id);
    },
  },
  SmsMessage: {
    __resolveReference: (ref: { id: string }, ctx: SubgraphContext) => {
      ctx.authorize('tenant:notifications:read');
      return sms.messageById(ctx, ref.id);
    },
    student: (m: { studentId: string | null }) => (m.studentId ? { __typename: 'Student', id: m.studentId } : null),
    template: (m: { templateId: string }, _a, ctx) => sms.templateById(ctx, m.templateId),
  },
};
