/**
 * The scenario file of the simulator (`playbooks/scenarios/*.yaml`): a funnel of
 * stages, each with the true conversion probability of every arm and how long
 * customers take to move on, how many customers arrive and how fast, and how the
 * market moves during the run.
 * @module
 */
import { z } from "zod";

/** A stage or variant name as the playbooks spell it. */
const nameSchema = z.string().min(1);

/** A probability in [0, 1]. */
const probabilitySchema = z.number().min(0).max(1);

/**
 * What the arm's follow-up does to a customer who went quiet (one who would not move on): with
 * probability `revive` it brings them back (they move on after it), with `opt_out` they opt out
 * (lost, and counted against the arm); otherwise nothing changes.
 */
const followUpModelSchema = z
  .strictObject({
    revive: probabilitySchema,
    opt_out: probabilitySchema,
    /** Hours after the assignment when the follow-up goes out; default 24. */
    after_hours: z.number().gt(0).default(24),
  })
  .refine((f) => f.revive + f.opt_out <= 1, "revive + opt_out must be at most 1");

/** One arm of a stage and its true success probability. */
const armSchema = z.strictObject({
  /** The variant id (as in `playbooks/variants/<stage>/<variant>.yaml`). */
  variant: nameSchema,
  /** True probability that a customer given this arm moves on to the next stage within the window (without follow-ups). */
  p: probabilitySchema,
  /** The arm's follow-up policy, when it has one; `closer simulate --no-follow-ups` leaves it out. */
  follow_up: followUpModelSchema.optional(),
});

/**
 * How long a customer who moves on takes to do so, in hours from the assignment:
 * lognormal with this median and log-scale spread, limited to the window (the
 * customers who would move later are the failures that `p` already counts).
 */
const delaySchema = z.strictObject({
  /** Median delay in hours, > 0 and at most the stage's window. */
  median: z.number().gt(0),
  /** σ of the delay's logarithm; default 1.0. */
  sigma: z.number().min(0).default(1.0),
});

const stageSchema = z.strictObject({
  /** The funnel stage id, e.g. `first_contact`. */
  stage: nameSchema,
  /** The conversion window in hours: not moving on by then is a failure, learned when the window closes. */
  window_hours: z.number().gt(0),
  delay_hours: delaySchema,
  /** The arms in rotation from the start. */
  arms: z.array(armSchema).min(1),
});

/** A market change: from the customer with this number on (customers are numbered from 0), an arm's p changes. */
const changeSchema = z.strictObject({
  at_customer: z.number().int().min(0),
  stage: nameSchema,
  variant: nameSchema,
  p: probabilitySchema,
});

/** A challenger that joins a stage's rotation (as an `active` arm) from the customer with this number on. */
const newArmSchema = z.strictObject({
  at_customer: z.number().int().min(0),
  stage: nameSchema,
  variant: nameSchema,
  p: probabilitySchema,
});

/**
 * Weekly reflection, simulated: every `every_days` days each stage gets
 * `proposals_per_stage` new candidate arms, each a child of the arm the policy
 * believes best (highest posterior mean) whose true p is the parent's plus a
 * normal draw, clipped to [0.01, 0.99]. They enter under the product's rules
 * (candidate cap, graduation, automatic retirement, max_arms).
 */
const reflectionSchema = z.strictObject({
  /** Days between reflections; the first one is after this many days. */
  every_days: z.number().gt(0),
  /** New arms per stage and reflection (fewer when max_arms leaves no room). */
  proposals_per_stage: z.number().int().min(1),
  /** How a proposal's true p differs from its parent's: a normal draw with this mean and standard deviation. */
  child_p: z.strictObject({
    mean_delta: z.number().min(-1).max(1),
    sd: z.number().min(0),
  }),
  /** Most arms per stage that are not retired; default 6, the funnel's default. */
  max_arms: z.number().int().min(2).default(6),
  /** Resolved decisions before a hopeless candidate is retired; default 100, the funnel's default. */
  min_decisions: z.number().int().min(0).default(100),
});

const scenarioObjectSchema = z.strictObject({
  name: nameSchema,
  /** Customers entering the funnel over the run. */
  customers: z.number().int().min(1),
  /** Stages in funnel order; success in the last stage means the customer is won. */
  stages: z.array(stageSchema).min(1),
  /** Mean arrivals per simulated day (a Poisson process); default 500. */
  arrivals_per_day: z.number().gt(0).default(500),
  changes: z.array(changeSchema).default([]),
  new_arms: z.array(newArmSchema).default([]),
  /** Optional: simulated reflection (see above); `closer simulate --no-reflection` runs the scenario without it. */
  reflection: reflectionSchema.optional(),
});

/** The scenario file as written; parse with it. Keys are snake_case, as in the YAML. */
export const scenarioSchema = scenarioObjectSchema.superRefine(checkReferences);

/** A validated scenario. */
export type Scenario = z.infer<typeof scenarioSchema>;
/** One stage of a {@link Scenario}. */
export type ScenarioStage = Scenario["stages"][number];
/** One market change of a {@link Scenario}. */
export type ScenarioChange = Scenario["changes"][number];
/** One arm that arrives during a {@link Scenario}. */
export type ScenarioNewArm = Scenario["new_arms"][number];
/** The reflection block of a {@link Scenario}. */
export type ScenarioReflection = NonNullable<Scenario["reflection"]>;

/** Cross-field rules: unique names, changes and new arms that refer to what exists, delays inside windows. */
function checkReferences(scenario: z.output<typeof scenarioObjectSchema>, ctx: z.RefinementCtx): void {
  const arrivals = new Map<string, Map<string, number>>();
  scenario.stages.forEach(function checkStage(stage, s) {
    if (arrivals.has(stage.stage)) {
      ctx.addIssue({
        code: "custom",
        path: ["stages", s, "stage"],
        message: `stage \`${stage.stage}\` is listed twice`,
      });
    }
    const arms = new Map<string, number>();
    stage.arms.forEach(function checkArm(arm, k) {
      if (arms.has(arm.variant)) {
        const message = `variant \`${arm.variant}\` is listed twice in stage \`${stage.stage}\``;
        ctx.addIssue({ code: "custom", path: ["stages", s, "arms", k, "variant"], message });
      }
      arms.set(arm.variant, 0);
    });
    stage.arms.forEach(function checkFollowUp(arm, k) {
      if (arm.follow_up !== undefined && arm.follow_up.after_hours >= stage.window_hours) {
        const message = `follow_up.after_hours ${arm.follow_up.after_hours} must be inside window_hours ${stage.window_hours}`;
        ctx.addIssue({ code: "custom", path: ["stages", s, "arms", k, "follow_up", "after_hours"], message });
      }
    });
    if (stage.delay_hours.median > stage.window_hours) {
      const message = `median delay ${stage.delay_hours.median} h must not exceed window_hours ${stage.window_hours}`;
      ctx.addIssue({ code: "custom", path: ["stages", s, "delay_hours", "median"], message });
    }
    arrivals.set(stage.stage, arms);
  });
  if (scenario.reflection !== undefined && scenario.new_arms.length > 0) {
    const message = "a scenario with a reflection block cannot also have new_arms: reflection adds the arms";
    ctx.addIssue({ code: "custom", path: ["new_arms"], message });
  }
  scenario.new_arms.forEach(function checkNewArm(arm, i) {
    const arms = arrivals.get(arm.stage);
    if (arms === undefined) {
      ctx.addIssue({ code: "custom", path: ["new_arms", i, "stage"], message: unknownStage(arm.stage) });
      return;
    }
    if (arms.has(arm.variant)) {
      const message = `variant \`${arm.variant}\` is already in stage \`${arm.stage}\``;
      ctx.addIssue({ code: "custom", path: ["new_arms", i, "variant"], message });
    }
    arms.set(arm.variant, arm.at_customer);
    if (arm.at_customer >= scenario.customers) {
      ctx.addIssue({ code: "custom", path: ["new_arms", i, "at_customer"], message: neverReached(scenario.customers) });
    }
  });
  scenario.changes.forEach(function checkChange(change, i) {
    const arms = arrivals.get(change.stage);
    if (arms === undefined) {
      ctx.addIssue({ code: "custom", path: ["changes", i, "stage"], message: unknownStage(change.stage) });
      return;
    }
    const from = arms.get(change.variant);
    if (from === undefined) {
      const message = `stage \`${change.stage}\` has no variant \`${change.variant}\``;
      ctx.addIssue({ code: "custom", path: ["changes", i, "variant"], message });
    } else if (change.at_customer < from) {
      const message = `\`${change.variant}\` only arrives at customer ${from}, so it cannot change at ${change.at_customer}`;
      ctx.addIssue({ code: "custom", path: ["changes", i, "at_customer"], message });
    }
    if (change.at_customer >= scenario.customers) {
      ctx.addIssue({ code: "custom", path: ["changes", i, "at_customer"], message: neverReached(scenario.customers) });
    }
  });
}

function unknownStage(stage: string): string {
  return `no stage \`${stage}\` in stages`;
}

function neverReached(customers: number): string {
  return `must be below customers (${customers}), or it never happens`;
}
