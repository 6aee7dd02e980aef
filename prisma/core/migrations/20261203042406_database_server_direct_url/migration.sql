-- AlterTable
ALTER TABLE "database_servers" ADD COLUMN     "direct_url" TEXT;
