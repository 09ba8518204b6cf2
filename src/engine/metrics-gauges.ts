/**
 * Gauges read from the store when `/metrics` is scraped: queue depths (inbox
 * and outbox rows by status) and the bandit's current weight of every arm.
 * @module
 */
import type { Kysely } from "kysely";
import { countInboxByStatus, countOutboxByStatus, type Database, latestPolicyVersion } from "../store/index.js";
import type { EngineMetrics } from "./metrics.js";

/** Registers `closer_inbox_rows`, `closer_outbox_rows` and `closer_arm_weight` on `metrics`. */
export function observeStoreGauges(metrics: EngineMetrics, db: Kysely<Database>, stageIds: readonly string[]): void {
  metrics.observe("closer_inbox_rows", "Inbox rows by status (pending is the queue depth).", ["status"], async () =>
    Object.entries(await countInboxByStatus(db)).map(([status, n]) => ({ labels: { status }, value: n })),
  );
  metrics.observe("closer_outbox_rows", "Outbox rows by status (pending is the queue depth).", ["status"], async () =>
    Object.entries(await countOutboxByStatus(db)).map(([status, n]) => ({ labels: { status }, value: n })),
  );
  metrics.observe(
    "closer_arm_weight",
    "Probability that a customer entering the stage now gets the arm (the bandit's current weight).",
    ["stage", "arm"],
    async () => {
      const readings = [];
      for (const stage of stageIds) {
        const policy = await latestPolicyVersion(db, stage);
        for (const [arm, weight] of Object.entries(policy?.weights ?? {})) {
          readings.push({ labels: { stage, arm }, value: weight });
        }
      }
      return readings;
    },
  );
}
