-- CreateTable
CREATE TABLE "insight_forecasts" (
    "key" TEXT NOT NULL,
    "made_on" DATE NOT NULL,
    "points" JSONB NOT NULL,
    "backtest" JSONB NOT NULL,
    "built_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "insight_forecasts_pkey" PRIMARY KEY ("key")
);
