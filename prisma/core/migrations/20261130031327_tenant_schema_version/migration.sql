-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "schema_version" TEXT;
