-- CreateEnum
CREATE TYPE "LedgerAccountKind" AS ENUM ('VENDOR', 'MASTER', 'TENANT_WALLET', 'TENANT_HOLD', 'CONSUMED');

-- CreateEnum
CREATE TYPE "LedgerTransactionKind" AS ENUM ('WHOLESALE_PURCHASE', 'RETAIL_PURCHASE', 'GRANT', 'PLAN_CREDITS', 'CONSUMPTION', 'RESERVATION', 'COMMIT', 'RELEASE');

-- CreateEnum
CREATE TYPE "ReservationStatus" AS ENUM ('HELD', 'COMMITTED', 'RELEASED');

-- CreateTable
CREATE TABLE "ledger_accounts" (
    "id" UUID NOT NULL,
    "kind" "LedgerAccountKind" NOT NULL,
    "tenant_id" UUID,
    "name" TEXT NOT NULL,
    "balance" BIGINT NOT NULL DEFAULT 0,
    "low_balance_threshold" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_accounts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ledger_transactions" (
    "id" UUID NOT NULL,
    "kind" "LedgerTransactionKind" NOT NULL,
    "tenant_id" UUID,
    "idempotency_key" TEXT,
    "credits" INTEGER NOT NULL,
    "amount_paise" INTEGER,
    "reservation_id" UUID,
    "memo" TEXT,
    "actor_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_transactions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ledger_entries" (
    "id" BIGSERIAL NOT NULL,
    "transaction_id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "credits" BIGINT NOT NULL,
    "balance_after" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "credit_reservations" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "credits" INTEGER NOT NULL,
    "status" "ReservationStatus" NOT NULL DEFAULT 'HELD',
    "idempotency_key" TEXT NOT NULL,
    "purpose" TEXT,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settled_at" TIMESTAMPTZ(3),

    CONSTRAINT "credit_reservations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ledger_accounts_tenant_id_idx" ON "ledger_accounts"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "ledger_accounts_kind_tenant_id_name_key" ON "ledger_accounts"("kind", "tenant_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "ledger_transactions_idempotency_key_key" ON "ledger_transactions"("idempotency_key");

-- CreateIndex
CREATE INDEX "ledger_transactions_tenant_id_created_at_idx" ON "ledger_transactions"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "ledger_transactions_kind_created_at_idx" ON "ledger_transactions"("kind", "created_at");

-- CreateIndex
CREATE INDEX "ledger_entries_account_id_id_idx" ON "ledger_entries"("account_id", "id");

-- CreateIndex
CREATE INDEX "ledger_entries_transaction_id_idx" ON "ledger_entries"("transaction_id");

-- CreateIndex
CREATE UNIQUE INDEX "credit_reservations_idempotency_key_key" ON "credit_reservations"("idempotency_key");

-- CreateIndex
CREATE INDEX "credit_reservations_status_expires_at_idx" ON "credit_reservations"("status", "expires_at");

-- AddForeignKey
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_transaction_id_fkey" FOREIGN KEY ("transaction_id") REFERENCES "ledger_transactions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "ledger_accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The ledger's rules live in the database, not only in code.
-- One MASTER and one CONSUMED account, one wallet and one hold per tenant, one account per vendor name.
DROP INDEX "ledger_accounts_kind_tenant_id_name_key";
CREATE UNIQUE INDEX "ledger_accounts_kind_tenant_id_name_key" ON "ledger_accounts"("kind", "tenant_id", "name") NULLS NOT DISTINCT;

-- No account but a vendor's ever goes below zero: concurrent debits of one wallet serialize on its
-- row (the balance update below) and the one that would overdraw it fails.
ALTER TABLE "ledger_accounts" ADD CONSTRAINT "ledger_accounts_balance_check" CHECK ("kind" = 'VENDOR' OR "balance" >= 0);
ALTER TABLE "ledger_transactions" ADD CONSTRAINT "ledger_transactions_credits_check" CHECK ("credits" > 0);
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_credits_check" CHECK ("credits" <> 0);
ALTER TABLE "credit_reservations" ADD CONSTRAINT "credit_reservations_credits_check" CHECK ("credits" > 0);

-- An entry moves its account's balance (and records the balance after it).
CREATE FUNCTION ledger_apply_entry() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "ledger_accounts" SET "balance" = "balance" + NEW."credits" WHERE "id" = NEW."account_id"
    RETURNING "balance" INTO NEW."balance_after";
  IF NOT FOUND THEN
    RAISE EXCEPTION 'ledger account % does not exist', NEW."account_id" USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER "ledger_entries_apply" BEFORE INSERT ON "ledger_entries" FOR EACH ROW EXECUTE FUNCTION ledger_apply_entry();

-- Every transaction balances: checked when the database transaction commits, after all its entries.
CREATE FUNCTION ledger_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE total numeric; n int;
BEGIN
  SELECT coalesce(sum("credits"), 0), count(*) INTO total, n FROM "ledger_entries" WHERE "transaction_id" = NEW."transaction_id";
  IF total <> 0 OR n < 2 THEN
    RAISE EXCEPTION 'ledger transaction % does not balance (% entries summing to %)', NEW."transaction_id", n, total USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER "ledger_entries_balanced" AFTER INSERT ON "ledger_entries" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();

-- The ledger is append-only: history is corrected by new transactions, never edited.
CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER "ledger_entries_append_only" BEFORE UPDATE OR DELETE ON "ledger_entries" FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER "ledger_transactions_append_only" BEFORE UPDATE OR DELETE ON "ledger_transactions" FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER "ledger_entries_no_truncate" BEFORE TRUNCATE ON "ledger_entries" FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER "ledger_transactions_no_truncate" BEFORE TRUNCATE ON "ledger_transactions" FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
-- Balances change only through entries.
CREATE FUNCTION ledger_balance_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."balance" IS DISTINCT FROM OLD."balance" AND pg_trigger_depth() < 2 THEN
    RAISE EXCEPTION 'ledger balances change only through ledger entries' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER "ledger_accounts_balance_guard" BEFORE UPDATE ON "ledger_accounts" FOR EACH ROW EXECUTE FUNCTION ledger_balance_guard();

-- The platform's own accounts exist from the start.
INSERT INTO "ledger_accounts" ("id", "kind", "name") VALUES (gen_random_uuid(), 'MASTER', 'Platform master wallet'), (gen_random_uuid(), 'CONSUMED', 'Credits used');
