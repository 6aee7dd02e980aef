-- Insights' platform rollups: per tenant and IST day, and the day's SMS credit trade (src/platform/).
CREATE TABLE "insight_platform_tenant_days" (
    "day" DATE NOT NULL,
    "tenant_id" UUID NOT NULL,
    "state" TEXT NOT NULL,
    "subscription" TEXT,
    "plan" TEXT,
    "mrr_paise" INTEGER NOT NULL CHECK ("mrr_paise" >= 0),
    "payments" JSONB NOT NULL CHECK (jsonb_typeof("payments") = 'object'),
    "sms_credits_used" INTEGER NOT NULL CHECK ("sms_credits_used" >= 0),
    "final" BOOLEAN NOT NULL,
    "built_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "insight_platform_tenant_days_pkey" PRIMARY KEY ("day", "tenant_id")
);

CREATE TABLE "insight_platform_days" (
    "day" DATE NOT NULL,
    "credits_sold" INTEGER NOT NULL CHECK ("credits_sold" >= 0),
    "retail_paise" INTEGER NOT NULL CHECK ("retail_paise" >= 0),
    "wholesale_cost_paise" INTEGER NOT NULL CHECK ("wholesale_cost_paise" >= 0),
    "final" BOOLEAN NOT NULL,
    "built_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "insight_platform_days_pkey" PRIMARY KEY ("day")
);
