// Resolver types generated from this subgraph's SDL (tools/codegen/resolvers.ts); each entity's
// parent is the repository row its resolvers return.
import { resolverTypes } from '../../tools/codegen/resolvers.ts';

export default resolverTypes({
  Campaign: '../campaigns/campaigns.repository.ts#CampaignRow',
  Notification: '../notifications/notifications.repository.ts#NotificationRow',
  SmsTemplate: '../sms/sms.repository.ts#TemplateView',
  SmsMessage: '../sms/sms.repository.ts#MessageRow',
  Student: '{ id: string }',
  TenantStats: '{ tenantId: string }',
});
