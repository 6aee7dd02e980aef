-- The placement map: the servers tenant databases live on, and which one each tenant is on.
-- CreateEnum
CREATE TYPE "DatabaseServerState" AS ENUM ('OPEN', 'DRAINING', 'CLOSED');

-- CreateTable
CREATE TABLE "database_servers" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT,
    "capacity" INTEGER,
    "state" "DatabaseServerState" NOT NULL DEFAULT 'OPEN',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "database_servers_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "database_servers_name_key" ON "database_servers"("name");

-- The core's own server (url null): where every tenant so far lives.
INSERT INTO "database_servers" ("id", "name") VALUES ('00000000-0000-4000-8000-000000000001', 'primary');

-- AlterTable: every existing tenant is on the primary server; db_url (read, never written) goes.
ALTER TABLE "tenants" ADD COLUMN "server_id" UUID NOT NULL DEFAULT '00000000-0000-4000-8000-000000000001'::uuid;
ALTER TABLE "tenants" DROP COLUMN "db_url";

-- AddForeignKey
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_server_id_fkey" FOREIGN KEY ("server_id") REFERENCES "database_servers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
