-- CreateEnum
CREATE TYPE "TenantMoveState" AS ENUM ('RUNNING', 'DONE', 'FAILED');

-- CreateTable
CREATE TABLE "tenant_moves" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "from_server_id" UUID NOT NULL,
    "to_server_id" UUID NOT NULL,
    "method" TEXT,
    "reason" TEXT,
    "state" "TenantMoveState" NOT NULL DEFAULT 'RUNNING',
    "step" TEXT NOT NULL DEFAULT 'plan',
    "bytes" BIGINT,
    "pause_ms" INTEGER,
    "copy_ms" INTEGER,
    "total_ms" INTEGER,
    "error" TEXT,
    "runner" TEXT NOT NULL,
    "heartbeat_at" TIMESTAMPTZ(3) NOT NULL,
    "requested_by" UUID,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "tenant_moves_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "tenant_moves_tenant_id_started_at_idx" ON "tenant_moves"("tenant_id", "started_at");

-- AddForeignKey
ALTER TABLE "tenant_moves" ADD CONSTRAINT "tenant_moves_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tenant_moves" ADD CONSTRAINT "tenant_moves_from_server_id_fkey" FOREIGN KEY ("from_server_id") REFERENCES "database_servers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tenant_moves" ADD CONSTRAINT "tenant_moves_to_server_id_fkey" FOREIGN KEY ("to_server_id") REFERENCES "database_servers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- One running move per tenant.
CREATE UNIQUE INDEX "tenant_moves_one_running" ON "tenant_moves" ("tenant_id") WHERE "state" = 'RUNNING';
