-- CreateTable
CREATE TABLE "tenant_work" (
    "tenant_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "due_at" TIMESTAMPTZ(3),
    "pending_at" TIMESTAMPTZ(3),
    "lease_until" TIMESTAMPTZ(3),

    CONSTRAINT "tenant_work_pkey" PRIMARY KEY ("tenant_id","kind")
);

-- CreateIndex
CREATE INDEX "tenant_work_kind_due_at_idx" ON "tenant_work"("kind", "due_at");

-- AddForeignKey
ALTER TABLE "tenant_work" ADD CONSTRAINT "tenant_work_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "tenant_work" ADD CONSTRAINT "tenant_work_kind_check" CHECK ("kind" IN ('campus', 'billing', 'messages'));

-- Tenants that exist already are looked at once by each sweep, which then records their next due time.
INSERT INTO "tenant_work" ("tenant_id", "kind", "due_at")
SELECT t."id", k.kind, now() FROM "tenants" t CROSS JOIN (VALUES ('campus'), ('billing'), ('messages')) AS k(kind)
WHERE t."status" IN ('ACTIVE', 'SUSPENDED');
