/**
 * One simulated run: one policy, one seeded customer stream, discrete events in
 * simulated time. Customers arrive (Poisson), enter the first stage and get an arm
 * from the policy; the arm moves them on with its true p after a lognormal delay
 * inside the window (the policy learns the success then, and the customer enters
 * the next stage at once), or they do not move on and the policy learns the failure
 * when the window closes, and the customer is lost. Success in the last stage wins
 * the customer. With `reflection`, new candidate arms join during the run and the
 * product's lifecycle rules graduate or retire them (see reflection-sim.ts).
 * Pure: no I/O, no clock, every draw from seeded streams.
 * @module
 */
import { createSeededRandom, deriveSeed, type PolicyArm } from "../experiments/index.js";
import { arrivalTimes, customersSeed, MS_PER_DAY, type StageDraws, stageDraws } from "./customer-stream.js";
import { DecisionLooks, type DecisionLooksOptions, type VerdictCounts } from "./decision-looks.js";
import { EventQueue } from "./event-queue.js";
import { type MarketPlan, MarketState } from "./market.js";
import { MaturedCounts, zeroCounts } from "./matured-counts.js";
import { type ReflectionPolicySettings, SimReflection } from "./reflection-sim.js";
import { type ChangeDetectionRecord, RunRecorder, type RunResult } from "./run-recorder.js";
import type { ScenarioReflection } from "./scenario-schema.js";
import type { SimPolicy, SimPolicyAlarm } from "./sim-policy.js";

/** What one run needs besides the policy. */
export interface RunSpec {
  readonly market: MarketPlan;
  readonly customers: number;
  readonly arrivalsPerDay: number;
  /** The run's seed: the customer stream is a function of it alone. */
  readonly seed: number;
  /** Points of the curves; default 100 (fewer when there are fewer customers). */
  readonly curvePoints?: number;
  /** Daily verdict looks, or false for none; `counts` defaults to `matured`, as in the product. */
  readonly looks: (Omit<DecisionLooksOptions, "stages" | "everyMs"> & { readonly counts?: VerdictCounts }) | false;
  /**
   * Simulated reflection, with the policy settings its rules share with the product
   * policy; absent: the arms stay the scenario's. Not combined with `looks`.
   */
  readonly reflection?: { readonly block: ScenarioReflection; readonly settings?: ReflectionPolicySettings };
  /** Apply the arms' follow-up models; default true (false: `--no-follow-ups`). */
  readonly followUps?: boolean;
}

/** An assignment waiting for its outcome. */
interface Pending {
  readonly customer: number;
  readonly stage: number;
  readonly arm: number;
  readonly success: boolean;
  readonly assignedAt: number;
}

/**
 * Runs `policy` on the customer stream of `spec.seed` until every customer is won
 * or lost.
 * @throws RangeError when the policy chooses an arm that is not in rotation.
 */
export function simulateRun(spec: RunSpec, policy: SimPolicy): RunResult {
  const { market: plan, customers, seed } = spec;
  const followUpsOn = spec.followUps !== false;
  const stageCount = plan.stages.length;
  const market = new MarketState(plan);
  const arrivals = arrivalTimes(seed, customers, spec.arrivalsPerDay);
  const root = customersSeed(seed);
  const widest = Math.max(...plan.stages.map((stage) => stage.arms.length));
  let draws: StageDraws = { u: new Float64Array(widest), delayMs: new Float64Array(widest) };
  const counts = zeroCounts(plan);
  const inRotation = (s: number): readonly PolicyArm[] => counts[s]!.slice(0, market.available(s));
  let trueP = plan.stages.map((_, s) => market.probabilities(s));
  const recorder = new RunRecorder(plan, customers);
  const queue = new EventQueue<Pending>();
  const reflection = spec.reflection && new SimReflection(spec.reflection.block, plan, seed, spec.reflection.settings);
  if (reflection && spec.looks !== false) throw new RangeError("a run with reflection takes no verdict looks");
  const looks =
    spec.looks === false ? undefined : new DecisionLooks({ ...spec.looks, stages: stageCount, everyMs: MS_PER_DAY });
  const matured =
    spec.looks !== false && (spec.looks.counts ?? "matured") === "matured" ? new MaturedCounts(plan) : undefined;
  const verdictArms = matured
    ? (s: number, at: number) => matured.until(s, at).slice(0, market.available(s))
    : (s: number) => inRotation(s);
  let endMs = 0;

  const enter = (customer: number, s: number, now: number): void => {
    const stage = plan.stages[s]!;
    const available = market.available(s);
    if (available > draws.u.length)
      draws = { u: new Float64Array(available * 2), delayMs: new Float64Array(available * 2) };
    stageDraws(root, customer, s, available, stage, draws);
    const k = policy.choose({ now, customer, stage: s, arms: inRotation(s), trueP: trueP[s]! });
    if (!(Number.isInteger(k) && k >= 0 && k < available)) {
      throw new RangeError(`policy ${policy.name} chose arm ${k} of ${available} in ${stage.stage}`);
    }
    let success = draws.u[k]! < market.p(s, k);
    let delayMs = draws.delayMs[k]!;
    // A quiet customer gets the arm's follow-up, from a stream of its own (the other draws stay paired).
    const followUp = followUpsOn && !success ? (stage.followUps[k] ?? null) : null;
    if (followUp !== null) {
      const rng = createSeededRandom(deriveSeed(deriveSeed(deriveSeed(root, customer), s), "follow-up"));
      const u = rng.next();
      recorder.followUp(
        u < followUp.revive ? "revived" : u < followUp.revive + followUp.optOut ? "opted_out" : "quiet",
      );
      if (u < followUp.revive) {
        success = true;
        delayMs = followUp.afterMs + rng.next() * (stage.windowMs - followUp.afterMs) * 0.5;
      }
    }
    recorder.decided(customer, s, k, market, success);
    matured?.assigned(s, k, now, success);
    reflection?.assigned(s, k, now, success);
    const resolvesAt = now + (success ? delayMs : stage.windowMs);
    queue.push(resolvesAt, { customer, stage: s, arm: k, success, assignedAt: now });
  };

  const resolve = (pending: Pending, now: number): void => {
    const arm = counts[pending.stage]![pending.arm]!;
    if (pending.success) arm.successes++;
    else arm.failures++;
    policy.observe({ ...pending, resolvedAt: now });
    if (!pending.success) return;
    if (pending.stage + 1 < stageCount) enter(pending.customer, pending.stage + 1, now);
    else recorder.won(pending.customer);
  };

  for (let next = 0; next < customers || queue.size > 0; ) {
    const arrivalAt = next < customers ? arrivals[next]! : Number.POSITIVE_INFINITY;
    const eventAt = queue.peekTime();
    const now = Math.min(arrivalAt, eventAt);
    looks?.until(now, verdictArms, market);
    if (reflection?.until(now, counts, market)) trueP = plan.stages.map((_, s) => market.probabilities(s));
    endMs = now;
    if (eventAt <= arrivalAt) {
      resolve(queue.pop(), eventAt);
      continue;
    }
    if (market.advanceTo(next)) trueP = plan.stages.map((_, s) => market.probabilities(s));
    enter(next++, 0, arrivalAt);
  }

  return recorder.result({
    policy: policy.name,
    seed,
    endMs,
    looks: looks?.records ?? [],
    ...(reflection ? { reflection: reflection.counts } : {}),
    ...(policy.alarms ? { changeDetection: changeRecord(plan, arrivals, endMs, policy.alarms) } : {}),
    arrivalsMs: arrivals,
    ...(spec.curvePoints === undefined ? {} : { curvePoints: spec.curvePoints }),
  });
}

/** Month of the false-alarm rate: 30 days. */
const MONTH_MS = 30 * MS_PER_DAY;

/**
 * Scores a run's alarms against the scenario's true changes: the first alarm on an
 * arm after its p changed detects that change (its delay from the arrival of the
 * changing customer); every other alarm is false. Arm-months count each initial
 * arm from the start and each new arm from its arrival (arms added by reflection
 * are not scored).
 */
function changeRecord(
  plan: MarketPlan,
  arrivals: Float64Array | readonly number[],
  endMs: number,
  alarms: readonly SimPolicyAlarm[],
): ChangeDetectionRecord {
  const timeOf = (customer: number) => arrivals[Math.min(customer, arrivals.length - 1)] ?? 0;
  const changes = plan.events
    .filter((event) => event.kind === "change")
    .map((event) => ({
      stage: event.stage,
      arm: plan.stages[event.stage]!.arms[event.arm]!,
      at: timeOf(event.atCustomer),
      detectedAt: null as number | null,
    }));
  let falseAlarms = 0;
  let scored = 0;
  for (const alarm of alarms) {
    const known = plan.stages[alarm.stage]?.arms.includes(alarm.arm) ?? false;
    if (!known) continue;
    scored++;
    const change = changes.find(
      (c) => c.stage === alarm.stage && c.arm === alarm.arm && c.at <= alarm.at && c.detectedAt === null,
    );
    if (change) change.detectedAt = alarm.at;
    else falseAlarms++;
  }
  let armMs = 0;
  for (const stage of plan.stages) {
    stage.availableFrom.forEach((from) => {
      armMs += Math.max(0, endMs - timeOf(from));
    });
  }
  return {
    alarms: scored,
    falseAlarms,
    armMonths: armMs / MONTH_MS,
    delaysMs: changes.map((c) => (c.detectedAt === null ? null : c.detectedAt - c.at)),
  };
}
