/**
 * Turning runs into what `closer simulate` reports: per policy the mean and
 * standard error over seeds of regret and customers won, the best-arm share per
 * stage, regret over the Lai–Robbins term, decision quality under daily looks, and
 * the mean curves.
 * @module
 */
import type { VerdictCounts } from "./decision-looks.js";
import type { ReflectionCounts } from "./reflection-sim.js";
import type { ChangeDetectionRecord, RunResult } from "./run-recorder.js";
import { type SimulationOptions, simulationRuns } from "./simulation.js";

/** A mean over seeds and its standard error (sample standard deviation / √seeds; 0 for one seed). */
export interface MeanSe {
  readonly mean: number;
  readonly se: number;
}

/** One policy's figures, as `--json` writes them. */
export interface PolicySummary {
  readonly regret: MeanSe;
  readonly won: MeanSe;
  /** Follow-ups to quiet customers per run, those that revived the customer, and the opt-outs they caused. */
  readonly followUps: { readonly sent: MeanSe; readonly revived: MeanSe; readonly optOuts: MeanSe };
  /** Per stage, the mean share of its decisions that went to the arm that was best at that moment. */
  readonly bestArmShare: Record<string, number>;
  /** Mean over seeds of regret / Σ_stages C(p_s)·ln(n_s); null when the bound is 0 (e.g. all arms equal). */
  readonly regretOverLaiRobbins: number | null;
}

/** One policy's decision quality over every (seed, stage) experiment. */
export interface PolicyDecisionQuality {
  /** (seed, stage) experiments with at least two arms. */
  readonly experiments: number;
  /** Share of them in which some daily look named a winner. */
  readonly namedWinnerRate: number;
  /** Share of them in which some daily look named a winner that was not the best arm then. */
  readonly wrongWinnerRate: number;
  /** Per stage, the same two rates and the mean day of the first correct winner (null if never). */
  readonly stages: Record<
    string,
    { namedWinnerRate: number; wrongWinnerRate: number; meanFirstCorrectDay: number | null }
  >;
}

/** One stage's figures for one policy. */
export interface StagePolicySummary {
  readonly decisions: MeanSe;
  readonly regret: MeanSe;
  /** The expected regret of uniform rotation on the same decisions: Σ (p* − p̄). */
  readonly uniformRegret: MeanSe;
}

/** Mean curves of one policy, at evenly spaced customer counts and per simulated week of arrival. */
export interface PolicyCurves {
  readonly customers: readonly number[];
  readonly regret: readonly number[];
  readonly conversion: readonly number[];
  /** Weeks of arrival, 1 first. */
  readonly weeks: readonly number[];
  /** Mean cumulative regret of the customers who arrived by the end of each week. */
  readonly weeklyRegret: readonly number[];
  /** Mean share of each week's arrivals who were won (runs without arrivals that week left out). */
  readonly weeklyConversion: readonly number[];
}

/** Everything a simulation reports. */
export interface SimulationSummary {
  readonly scenario: string;
  readonly customers: number;
  readonly seeds: number;
  readonly policies: Record<string, PolicySummary>;
  readonly decisionQuality: {
    /** How often the verdict was looked at. */
    readonly looks: "daily";
    /** What the verdict counted: every resolved outcome (as the product does) or matured assignments only. */
    readonly counts: VerdictCounts;
    /** True when every stage's arms are equal (an A/A test): any named winner is a false one. */
    readonly aa: boolean;
    readonly policies: Record<string, PolicyDecisionQuality>;
  };
  /** Per stage and policy: decisions, regret, and uniform rotation's expected regret on those decisions. */
  readonly stages: Record<string, Record<string, StagePolicySummary>>;
  readonly curves: Record<string, PolicyCurves>;
  /**
   * Per policy, per simulated week of arrival (week 1 first), the mean over seeds of the
   * share of that week's customers who were won: the curves' `weeklyConversion`, in the JSON.
   */
  readonly weeklyConversion: Record<string, readonly number[]>;
  /** Per run with reflection, the mean over seeds of what reflection did. */
  readonly reflection: Record<string, ReflectionCounts>;
  /** Per policy with change detection, how its detector did. */
  readonly changeDetection: Record<string, ChangeDetectionSummary>;
}

/** A policy's change detector over every seed. */
export interface ChangeDetectionSummary {
  /** Alarms per run. */
  readonly alarms: MeanSe;
  /** False alarms (no true change of that arm) over all runs, and the arm-months they are out of. */
  readonly falseAlarms: number;
  readonly armMonths: number;
  /** False alarms per arm per 30-day month. */
  readonly falseAlarmsPerArmMonth: number;
  /** True changes, and how many of them an alarm followed. */
  readonly changes: number;
  readonly detected: number;
  /** Days from a change to its first alarm, over the detected ones; null when none was. */
  readonly detectionDelayDays: MeanSe | null;
}

/**
 * Aggregates the runs (any order) of the simulation `options` describes, per policy,
 * in the order of `policies` (default: the options' policies).
 */
export function summarise(
  options: SimulationOptions,
  runs: readonly RunResult[],
  policies: readonly string[] = simulationRuns(options).map((plan) => plan.name),
): SimulationSummary {
  const { scenario } = options;
  const stageNames = scenario.stages.map((stage) => stage.stage);
  const byPolicy = new Map(policies.map((name) => [name, runs.filter((run) => run.policy === name)]));
  const first = runs[0];
  const entries = <T>(make: (runs: RunResult[]) => T): Record<string, T> =>
    Object.fromEntries(policies.map((name) => [name, make(byPolicy.get(name) ?? [])]));
  const curves = entries(meanCurves);
  return {
    scenario: scenario.name,
    customers: first?.customers ?? scenario.customers,
    seeds: new Set(runs.map((run) => run.seed)).size,
    policies: entries((mine) => policySummary(mine, stageNames)),
    decisionQuality: {
      looks: "daily",
      counts: options.verdictCounts ?? "matured",
      aa: scenario.stages.every((stage) => new Set(stage.arms.map((arm) => arm.p)).size === 1),
      policies: entries((mine) => decisionQuality(mine, stageNames)),
    },
    stages: Object.fromEntries(
      stageNames.map((stage, s) => [
        stage,
        entries((mine) => ({
          decisions: meanSe(mine.map((run) => run.stages[s]!.decisions)),
          regret: meanSe(mine.map((run) => run.stages[s]!.regret)),
          uniformRegret: meanSe(mine.map((run) => run.stages[s]!.uniformRegret)),
        })),
      ]),
    ),
    curves,
    weeklyConversion: Object.fromEntries(policies.map((name) => [name, curves[name]!.weeklyConversion])),
    changeDetection: Object.fromEntries(
      policies.flatMap((name) => {
        const records = (byPolicy.get(name) ?? []).flatMap((run) => (run.changeDetection ? [run.changeDetection] : []));
        return records.length > 0 ? [[name, changeSummary(records)]] : [];
      }),
    ),
    reflection: Object.fromEntries(
      policies.flatMap((name) => {
        const mine = (byPolicy.get(name) ?? []).flatMap((run) => (run.reflection ? [run.reflection] : []));
        return mine.length > 0 ? [[name, meanReflection(mine)]] : [];
      }),
    ),
  };
}

function changeSummary(records: readonly ChangeDetectionRecord[]): ChangeDetectionSummary {
  const falseAlarms = records.reduce((sum, r) => sum + r.falseAlarms, 0);
  const armMonths = records.reduce((sum, r) => sum + r.armMonths, 0);
  const delays = records.flatMap((r) => r.delaysMs);
  const detected = delays.filter((d): d is number => d !== null);
  return {
    alarms: meanSe(records.map((r) => r.alarms)),
    falseAlarms,
    armMonths,
    falseAlarmsPerArmMonth: armMonths > 0 ? falseAlarms / armMonths : 0,
    changes: delays.length,
    detected: detected.length,
    detectionDelayDays: detected.length > 0 ? meanSe(detected.map((d) => d / 86_400_000)) : null,
  };
}

function meanReflection(counts: readonly ReflectionCounts[]): ReflectionCounts {
  const mean = (key: keyof ReflectionCounts) => meanSe(counts.map((c) => c[key])).mean;
  return {
    proposed: mean("proposed"),
    graduated: mean("graduated"),
    retired: mean("retired"),
    retiredForRoom: mean("retiredForRoom"),
    noRoom: mean("noRoom"),
  };
}

/** Mean and standard error of `values`. */
export function meanSe(values: readonly number[]): MeanSe {
  const n = values.length;
  if (n === 0) return { mean: 0, se: 0 };
  const mean = values.reduce((total, v) => total + v, 0) / n;
  if (n === 1) return { mean, se: 0 };
  const variance = values.reduce((total, v) => total + (v - mean) ** 2, 0) / (n - 1);
  return { mean, se: Math.sqrt(variance / n) };
}

function policySummary(runs: readonly RunResult[], stageNames: readonly string[]): PolicySummary {
  const ratios = runs.filter((run) => run.laiRobbins > 0).map((run) => run.regret / run.laiRobbins);
  return {
    regret: meanSe(runs.map((run) => run.regret)),
    won: meanSe(runs.map((run) => run.won)),
    followUps: {
      sent: meanSe(runs.map((run) => run.followUps?.sent ?? 0)),
      revived: meanSe(runs.map((run) => run.followUps?.revived ?? 0)),
      optOuts: meanSe(runs.map((run) => run.followUps?.optOuts ?? 0)),
    },
    bestArmShare: Object.fromEntries(
      stageNames.map((stage, s) => [
        stage,
        meanSe(
          runs.flatMap((run) => {
            const { decisions, bestArmDecisions } = run.stages[s]!;
            return decisions > 0 ? [bestArmDecisions / decisions] : [];
          }),
        ).mean,
      ]),
    ),
    regretOverLaiRobbins: ratios.length === runs.length && ratios.length > 0 ? meanSe(ratios).mean : null,
  };
}

function decisionQuality(runs: readonly RunResult[], stageNames: readonly string[]): PolicyDecisionQuality {
  const records = runs.flatMap((run) => run.looks.filter((record) => record.looks > 0));
  const rate = (list: readonly { namedWinner: boolean; wrongWinner: boolean }[], key: "namedWinner" | "wrongWinner") =>
    list.length === 0 ? 0 : list.filter((record) => record[key]).length / list.length;
  return {
    experiments: records.length,
    namedWinnerRate: rate(records, "namedWinner"),
    wrongWinnerRate: rate(records, "wrongWinner"),
    stages: Object.fromEntries(
      stageNames.map((stage, s) => {
        const mine = runs.flatMap((run) => {
          const record = run.looks[s];
          return record && record.looks > 0 ? [record] : [];
        });
        const days = mine.flatMap((record) => (record.firstCorrectDay === null ? [] : [record.firstCorrectDay]));
        return [
          stage,
          {
            namedWinnerRate: rate(mine, "namedWinner"),
            wrongWinnerRate: rate(mine, "wrongWinner"),
            meanFirstCorrectDay: days.length > 0 ? meanSe(days).mean : null,
          },
        ];
      }),
    ),
  };
}

function meanCurves(runs: readonly RunResult[]): PolicyCurves {
  const first = runs[0];
  if (first === undefined) {
    return { customers: [], regret: [], conversion: [], weeks: [], weeklyRegret: [], weeklyConversion: [] };
  }
  const points = first.regretCurve.length;
  const average = (pick: (run: RunResult) => readonly number[]) =>
    Array.from({ length: points }, (_, i) => runs.reduce((total, run) => total + (pick(run)[i] ?? 0), 0) / runs.length);
  return {
    customers: Array.from({ length: points }, (_, i) => Math.round(((i + 1) * first.customers) / points)),
    regret: average((run) => run.regretCurve),
    conversion: average((run) => run.conversionCurve),
    ...meanWeeks(runs),
  };
}

/** Per week of arrival, the runs' mean cumulative regret and mean conversion, over the runs that reached it. */
function meanWeeks(runs: readonly RunResult[]): Pick<PolicyCurves, "weeks" | "weeklyRegret" | "weeklyConversion"> {
  const count = Math.max(0, ...runs.map((run) => run.weeklyArrivals.length));
  const weeks = Array.from({ length: count }, (_, w) => w + 1);
  const cumulative = runs.map((run) => {
    let total = 0;
    return run.weeklyRegret.map((r) => (total += r));
  });
  const weeklyRegret = weeks.map((_, w) => {
    // A run that ended before week w has kept its final total since.
    const totals = cumulative.map((c) => c[Math.min(w, c.length - 1)] ?? 0);
    return totals.reduce((a, b) => a + b, 0) / Math.max(1, totals.length);
  });
  const weeklyConversion = weeks.map((_, w) => {
    const shares = runs.flatMap((run) => {
      const arrived = run.weeklyArrivals[w] ?? 0;
      return arrived > 0 ? [(run.weeklyWon[w] ?? 0) / arrived] : [];
    });
    return shares.length === 0 ? 0 : shares.reduce((a, b) => a + b, 0) / shares.length;
  });
  return { weeks, weeklyRegret, weeklyConversion };
}

/**
 * The `--json` document: `{scenario, customers, seeds, policies, decisionQuality, stages,
 * weeklyConversion, reflection}` (curves stay in the HTML report).
 */
export function simulationJson(summary: SimulationSummary): Omit<SimulationSummary, "curves"> {
  const { curves: _curves, ...rest } = summary;
  return rest;
}
