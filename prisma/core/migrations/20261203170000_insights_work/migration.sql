-- Insights' nightly rollups of each tenant's closed days are a kind of due work too.
ALTER TABLE "tenant_work" DROP CONSTRAINT "tenant_work_kind_check";
ALTER TABLE "tenant_work" ADD CONSTRAINT "tenant_work_kind_check" CHECK ("kind" IN ('campus', 'billing', 'messages', 'engagement', 'insights'));
