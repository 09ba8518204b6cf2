/**
 * A weekly report with every section filled, for renderer and rule tests: four
 * stages, a stage with a winner that is not yet champion, a weak arm, revenue
 * in two currencies, customers' topics, and service figures under target. It
 * is validated by the product's schema, so it is a report the builder could make.
 */
import { type Metric, type WeeklyReport, weeklyReportSchema } from "../../src/analytics/index.js";

/** A metric with its change. */
export function m(value: number | null, previous: number | null): Metric {
  return { value, previous, delta: value === null || previous === null ? null : value - previous };
}

const arm = (name: string, over: Partial<WeeklyReport["experiments"]["stages"][number]["arms"][number]> = {}) => ({
  arm: name,
  status: "active" as const,
  decisions: 120,
  rate: 0.3,
  lower: 0.22,
  upper: 0.39,
  pBest: 0.3,
  weight: 0.3,
  earlyWins: 4,
  assignedInPeriod: 35,
  ...over,
});

/** A full report of the week 2026-11-16 → 2026-11-23 (Europe/Madrid). */
export function fullReport(): WeeklyReport {
  return weeklyReportSchema.parse({
    schemaVersion: 1,
    generatedAt: "2026-11-23T06:00:00.000Z",
    period: {
      from: "2026-11-15T23:00:00.000Z",
      to: "2026-11-22T23:00:00.000Z",
      previousFrom: "2026-11-08T23:00:00.000Z",
      previousTo: "2026-11-15T23:00:00.000Z",
      timeZone: "Europe/Madrid",
    },
    funnel: {
      stages: [
        {
          stage: "first_contact",
          entered: m(240, 210),
          movedOn: m(180, 150),
          conversion: m(0.75, 150 / 210),
          pending: 12,
          medianHoursInStage: m(0.6, 0.8),
        },
        {
          stage: "building_trust",
          entered: m(180, 150),
          movedOn: m(110, 100),
          conversion: m(110 / 180, 100 / 150),
          pending: 9,
          medianHoursInStage: m(5.2, 4.9),
        },
        {
          stage: "intent",
          entered: m(110, 100),
          movedOn: m(40, 60),
          conversion: m(40 / 110, 0.6),
          pending: 14,
          medianHoursInStage: m(11, 9.5),
        },
        {
          stage: "closing",
          entered: m(40, 60),
          movedOn: m(22, 30),
          conversion: m(0.55, 0.5),
          pending: 6,
          medianHoursInStage: m(20.5, 18),
        },
      ],
      newCustomers: m(240, 210),
      won: m(22, 30),
      lost: m(31, 25),
      wentQuiet: m(58, 47),
      weekly: Array.from({ length: 8 }, (_, i) => {
        const entered = 150 + i * 12;
        const won = 12 + (i % 3) * 3;
        return {
          weekStart: new Date(Date.UTC(2026, 8, 28 + 7 * i)).toISOString(),
          entered,
          won,
          conversion: won / entered,
        };
      }),
    },
    sales: {
      wonCustomers: m(22, 30),
      revenue: [
        { currency: "EUR", revenue: m(2640.5, 3300), orders: m(20, 27), averageOrderValue: m(132.025, 3300 / 27) },
        { currency: "USD", revenue: m(310, 0), orders: m(2, 0), averageOrderValue: m(155, null) },
      ],
      revenueByArm: [
        { stage: "first_contact", arm: "warm-welcome@1", currency: "EUR", revenue: 1500, customers: 11 },
        { stage: "first_contact", arm: "question-led@2", currency: "EUR", revenue: 1140.5, customers: 9 },
        { stage: "closing", arm: "reserve-now@1", currency: "EUR", revenue: 1900, customers: 14 },
        {
          stage: "closing",
          arm: "limited-offer-with-a-long-descriptive-name@3",
          currency: "USD",
          revenue: 310,
          customers: 2,
        },
      ],
    },
    experiments: {
      stages: [
        {
          stage: "first_contact",
          verdict: "winner",
          winner: "question-led@2",
          champion: "warm-welcome@1",
          srm: { pValue: 0.4, alarm: false },
          arms: [
            arm("warm-welcome@1", {
              status: "champion",
              rate: 0.7,
              lower: 0.64,
              upper: 0.76,
              pBest: 0.03,
              weight: 0.1,
            }),
            arm("question-led@2", { rate: 0.8, lower: 0.75, upper: 0.85, pBest: 0.97, weight: 0.9, decisions: 400 }),
          ],
        },
        {
          stage: "building_trust",
          verdict: "no_winner_yet",
          winner: null,
          champion: "patient-answers@1",
          srm: { pValue: 0.0002, alarm: true },
          arms: [
            arm("patient-answers@1", { status: "champion", pBest: 0.92, rate: 0.62, lower: 0.55, upper: 0.69 }),
            arm("proof-first@1", { pBest: 0.07 }),
            arm("story-telling@1", { pBest: 0.01, rate: 0.18, lower: 0.11, upper: 0.27, decisions: 90 }),
          ],
        },
        {
          stage: "intent",
          verdict: "collecting",
          winner: null,
          champion: "direct-fit@1",
          srm: { pValue: 1, alarm: false },
          arms: [arm("direct-fit@1", { status: "champion", pBest: 1, weight: 1, decisions: 20 })],
        },
        {
          stage: "closing",
          verdict: "collecting",
          winner: null,
          champion: "reserve-now@1",
          srm: { pValue: 0.7, alarm: false },
          arms: [
            arm("reserve-now@1", { status: "champion", pBest: 0.5, weight: 0.45 }),
            arm("limited-offer-with-a-long-descriptive-name@3", { pBest: 0.45, weight: 0.45 }),
            arm("pilot@1", { status: "candidate", pBest: 0.05, weight: 0.1, decisions: 8, lower: 0.05, upper: 0.7 }),
            arm("old-push@1", { status: "retired", pBest: null, weight: 0, assignedInPeriod: 0 }),
          ],
        },
      ],
      changes: [
        {
          stage: "closing",
          arm: "old-push@1",
          kind: "retire",
          reason: "pushy",
          actor: "cli:ana",
          at: "2026-11-18T10:00:00.000Z",
        },
      ],
      reflectionProposals: [{ stage: "closing", arm: "pilot@1", status: "candidate", at: "2026-11-16T02:00:00.000Z" }],
    },
    customers: {
      won: {
        customers: 22,
        interests: [
          { name: "skillet", count: 12 },
          { name: "blender", count: 7 },
        ],
        concerns: [{ name: "shipping", count: 5 }],
        objections: 9,
      },
      lost: {
        customers: 31,
        interests: [{ name: "blender", count: 14 }],
        concerns: [
          { name: "price", count: 17 },
          { name: "quality", count: 6 },
        ],
        objections: 40,
      },
      lostReasons: [
        { name: "too expensive", count: 11 },
        { name: "(none given)", count: 20 },
      ],
      languages: [
        { name: "en", count: 180 },
        { name: "es", count: 60 },
      ],
      sources: null,
    },
    service: {
      targets: { sendSuccessRate: 0.95, replyLatencySeconds: 30, automationRate: 0.7 },
      sendSuccessRate: m(0.91, 0.97),
      messagesSent: m(1900, 1700),
      sendFailures: m(188, 52),
      replyLatencyP50Seconds: m(6.5, 5.9),
      replyLatencyP95Seconds: m(41, 25),
      firstResponseP50Seconds: m(7.2, 6.1),
      optOuts: m(4, 2),
      humanTakeovers: m(90, 40),
      humanRequested: null,
      conversations: m(260, 230),
      automationRate: m(170 / 260, 190 / 230),
      llm: null,
    },
    alerts: null,
    nextActions: [],
    narrative: { status: "not_configured", text: null, reason: null },
  });
}
