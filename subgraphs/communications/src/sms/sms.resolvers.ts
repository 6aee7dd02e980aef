// DLT registry, sending and history: resolvers translate arguments into calls of the SMS services.
import { DateScalar, present } from '@studyspot/runtime';
import { sendSms } from './sms.service.ts';
import * as sms from './templates.service.ts';
import type { Resolvers } from '../generated/resolvers.ts';

export const smsResolvers: Resolvers = {
  Date: DateScalar,
  Query: {
    smsAnalytics: (_p, a, ctx) => sms.smsAnalytics(ctx, a.from, a.to),
    smsTemplates: (_p, _a, ctx) => sms.listTemplates(ctx),
    smsSenders: (_p, _a, ctx) => sms.listSenders(ctx),
    smsMessages: (_p, a, ctx) => sms.listMessages(ctx, a, a.studentId),
  },
  Mutation: {
    createSmsSender: (_p, a, ctx) => sms.createSender(ctx, a.header, a.entityId),
    createSmsTemplate: (_p, a, ctx) => sms.createTemplate(ctx, a.input),
    setSmsTemplateApproval: (_p, a, ctx) => sms.setTemplateApproval(ctx, a.id, a.approval),
    sendSms: async (_p, a, ctx) => {
      const { tenantId, db } = await ctx.currentTenant();
      return sendSms(ctx, tenantId, db, a.input);
    },
    setSmsConsent: (_p, a, ctx) => sms.setConsent(ctx, a.phone, a.promotional),
  },
  Student: {
    __resolveReference: (ref) => ({ id: ref.id }),
    messages: (st, a, ctx) => {
      ctx.authorize('tenant:notifications:read');
      return sms.listMessages(ctx, a, st.id);
    },
  },
  SmsTemplate: {
    __resolveReference: (ref, ctx) => {
      ctx.authorize('tenant:notifications:read');
      return sms.templateById(ctx, ref.id);
    },
  },
  SmsMessage: {
    __resolveReference: (ref, ctx) => {
      ctx.authorize('tenant:notifications:read');
      return sms.messageById(ctx, ref.id);
    },
    student: (m) => (m.studentId ? { __typename: 'Student', id: m.studentId } : null),
    template: async (m, _a, ctx) => present(await sms.templateById(ctx, m.templateId), 'template'),
  },
};
