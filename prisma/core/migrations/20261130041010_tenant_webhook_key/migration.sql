-- AlterTable: every tenant, existing ones too, gets an opaque key for its payment webhook URLs.
ALTER TABLE "tenants" ADD COLUMN     "webhook_key" UUID NOT NULL DEFAULT gen_random_uuid();

-- CreateIndex
CREATE UNIQUE INDEX "tenants_webhook_key_key" ON "tenants"("webhook_key");
