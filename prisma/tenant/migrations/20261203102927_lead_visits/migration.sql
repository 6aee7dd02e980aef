-- AlterTable
ALTER TABLE "leads" ADD COLUMN     "visited_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "leads_created_at_idx" ON "leads"("created_at");
