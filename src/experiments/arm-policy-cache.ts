/**
 * The arms and the current policy of each stage, kept in memory between
 * assignments: entering a stage read both from the store (two queries and a
 * JSON parse per new assignment). The cache is valid while the store's arms
 * stamp (`armsStamp`: changed by triggers in the transaction of any write to
 * variant versions or policies, by this process, the CLI, or another instance)
 * is the one it was filled under; each use reads the stamp first, inside the
 * caller's transaction, so a promotion, a retirement, a weight update or a
 * playbook reload is seen by the very next assignment.
 * @module
 */
import type { Kysely } from "kysely";
import {
  armsStamp,
  type Database,
  latestPolicyVersion,
  type PolicyVersion,
  type VariantVersionRow,
} from "../store/index.js";
import { trafficVersions } from "./arms.js";

/** What one assignment reads, from the cache when it is current. */
export interface ArmPolicyView {
  /** The stage's versions that may receive customers, in variant and version order. */
  trafficVersions(stage: string): Promise<readonly VariantVersionRow[]>;
  /** The stage's newest policy version. */
  latestPolicy(stage: string): Promise<PolicyVersion | undefined>;
}

/** One per running engine; shared by every transaction on its database. */
export class ArmPolicyCache {
  #stamp: string | null = null;
  readonly #versions = new Map<string, Promise<VariantVersionRow[]>>();
  readonly #policies = new Map<string, Promise<PolicyVersion | undefined>>();
  /** Reads of the store the cache made (for tests and the benchmark). */
  storeReads = 0;

  /**
   * The view for one assignment in `db` (a transaction): the stamp is read now, and what was
   * cached under another stamp is dropped. Reads made after the caller writes arms or policies
   * in the same transaction must not go through the view (they would see the cached state).
   */
  async view(db: Kysely<Database>): Promise<ArmPolicyView> {
    const stamp = await armsStamp(db);
    if (stamp !== this.#stamp) {
      this.#versions.clear();
      this.#policies.clear();
      this.#stamp = stamp;
    }
    return {
      trafficVersions: (stage) => this.#cached(this.#versions, stage, () => trafficVersions(db, stage)),
      latestPolicy: (stage) => this.#cached(this.#policies, stage, () => latestPolicyVersion(db, stage)),
    };
  }

  #cached<T>(map: Map<string, Promise<T>>, stage: string, read: () => Promise<T>): Promise<T> {
    const kept = map.get(stage);
    if (kept !== undefined) return kept;
    this.storeReads++;
    const reading = read();
    map.set(stage, reading);
    // A failed read is not kept.
    reading.catch(() => {
      if (map.get(stage) === reading) map.delete(stage);
    });
    return reading;
  }
}
