/**
 * What an MCP client sees over either transport (stdio, Streamable HTTP): the
 * tools with their annotations, the experiments, promoting an arm, customers
 * with masked numbers, outcomes, handoffs, a small simulation, the resources,
 * and every call in the audit log. Each transport's test runs this suite.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Kysely } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { experimentReportSchema, weeklyReportSchema } from "../../src/analytics/index.js";
import { type Database, recentAudit } from "../../src/store/index.js";
import { PLAYBOOKS_DIR } from "../cli/cli-fixtures.js";
import { PROPOSED_ARM } from "../support/proposed-playbooks.js";

/** The customer every suite seeds through the playground before connecting. */
export const SEEDED_PHONE = "+15551230042";

/** What the suite needs from a transport's test. */
export interface McpSuiteTarget {
  client(): Client;
  /** The store the server writes to (for the audit log). */
  db(): Kysely<Database>;
  /** The actor the audit log names. */
  actor: string;
  /** The server's DATA_DIR (the weekly job writes reports in its reports/ folder). */
  dataDir(): string;
}

const READ_ONLY = [
  "experiments_status",
  "customer_find",
  "customer_show",
  "simulate",
  "report_weekly",
  "candidates_list",
];
const MUTATING = ["promote_arm", "retire_arm", "record_outcome", "handoff_start", "handoff_end", "candidate_review"];

interface ToolAnswer {
  isError?: boolean;
  structuredContent?: Record<string, unknown>;
  content?: { type: string; text?: string }[];
}

/** Runs the suite against `target`. */
export function describeMcpSuite(transport: string, target: McpSuiteTarget): void {
  const call = async (name: string, args: Record<string, unknown> = {}) =>
    (await target.client().callTool({ name, arguments: args })) as ToolAnswer;

  describe(`the MCP server over ${transport}`, () => {
    let customerId: string;

    beforeAll(async () => {
      const found = await call("customer_find", { phoneEnding: "0042" });
      customerId = (found.structuredContent?.customers as { id: string }[] | undefined)?.[0]?.id ?? "";
    });

    it("lists every tool, read-only ones and mutating ones annotated as such", async () => {
      const { tools } = await target.client().listTools();
      expect(tools.map((t) => t.name).sort()).toEqual([...READ_ONLY, ...MUTATING].sort());
      for (const tool of tools) {
        expect(tool.inputSchema.type).toBe("object");
        expect(tool.annotations?.readOnlyHint, tool.name).toBe(READ_ONLY.includes(tool.name));
      }
    });

    it("reads the experiments as closer experiments --json shows them", async () => {
      const answer = await call("experiments_status");
      const report = experimentReportSchema.parse(answer.structuredContent);
      expect(report.stages.map((s) => s.stage)).toEqual(["first_contact", "building_trust", "intent", "closing"]);
      expect(JSON.parse(answer.content?.[0]?.text ?? "{}")).toEqual(answer.structuredContent);
    });

    it("refuses to promote while the stage is collecting unless forced, then promotes with the evidence as warning", async () => {
      const refused = await call("promote_arm", { stage: "closing", arm: "simple-steps@2", reason: "owner's pick" });
      expect(refused.isError).toBe(true);
      expect(refused.content?.[0]?.text).toMatch(/force/);
      const answer = await call("promote_arm", {
        stage: "closing",
        arm: "simple-steps@2",
        reason: "owner's pick",
        force: true,
      });
      expect(answer.isError).not.toBe(true);
      expect(answer.structuredContent).toMatchObject({
        stage: "closing",
        champion: "simple-steps@2",
        weights: { "simple-steps@2": 1 },
      });
      expect(answer.structuredContent?.warning).toMatch(/Promoted with force/);
      expect(answer.structuredContent?.note).toMatch(/keep it until they leave the stage/);
      const report = experimentReportSchema.parse((await call("experiments_status")).structuredContent);
      const closing = report.stages.find((s) => s.stage === "closing");
      expect(closing?.arms.find((a) => `${a.variant}@${a.version}` === "simple-steps@2")?.status).toBe("champion");
    });

    it("answers a tool error naming the problem, and refuses arguments its schema rejects", async () => {
      const unknown = await call("retire_arm", { stage: "closing", arm: "no-such-arm@1", reason: "test" });
      expect(unknown.isError).toBe(true);
      expect(unknown.content?.[0]?.text).toMatch(/no-such-arm@1/);
      const bad = await call("promote_arm", { stage: "closing", arm: "simple-steps", reason: "x" });
      expect(bad.isError).toBe(true);
      expect(bad.content?.[0]?.text).toMatch(/variant@version/);
    });

    it("lists the reflection's proposal with its rationale, approves it with a reason, then lists it as candidate", async () => {
      const listed = await call("candidates_list", { stage: "intent" });
      expect(listed.isError).not.toBe(true);
      expect(listed.structuredContent?.candidates).toEqual([
        expect.objectContaining({
          stage: "intent",
          arm: PROPOSED_ARM,
          status: "proposed",
          origin: "reflection",
          parents: ["fit-finder@2"],
          rationale: expect.stringMatching(/ask about their cooking first/),
        }),
      ]);
      const noReason = await call("candidate_review", { stage: "intent", arm: PROPOSED_ARM, decision: "approve" });
      expect(noReason.isError).toBe(true);
      const approved = await call("candidate_review", {
        stage: "intent",
        arm: PROPOSED_ARM,
        decision: "approve",
        reason: "worth a try",
      });
      expect(approved.isError).not.toBe(true);
      expect(approved.structuredContent).toMatchObject({ stage: "intent", arm: PROPOSED_ARM, status: "candidate" });
      const after = await call("candidates_list", {});
      expect(after.structuredContent?.candidates).toEqual([
        expect.objectContaining({ arm: PROPOSED_ARM, status: "candidate" }),
      ]);
      const again = await call("candidate_review", {
        stage: "intent",
        arm: PROPOSED_ARM,
        decision: "approve",
        reason: "twice",
      });
      expect(again.isError).toBe(true);
      expect(again.content?.[0]?.text).toMatch(/not proposed/);
      const entries = (await recentAudit(target.db(), 200)).filter((e) => e.action === "mcp:candidate_review");
      expect(entries.map((e) => JSON.parse(e.detail_json ?? "{}").arguments.reason)).toContain("worth a try");
    });

    it("finds and shows a customer with the phone number masked", async () => {
      const found = await call("customer_find", { phoneEnding: "0042" });
      expect(found.structuredContent?.customers).toEqual([
        expect.objectContaining({ id: customerId, phone: "…0042", stage: expect.any(String) }),
      ]);
      const shown = await call("customer_show", { customer: SEEDED_PHONE, messages: 5 });
      expect(shown.structuredContent).toMatchObject({ id: customerId, phone: "…0042" });
      const transcript = shown.structuredContent?.transcript as { direction: string; text: string }[];
      expect(transcript[0]).toMatchObject({ direction: "in", text: "Hi! How much is the skillet?" });
      expect(JSON.stringify(shown.structuredContent)).not.toContain("5551230042");
    });

    it("starts and ends a handoff", async () => {
      const started = await call("handoff_start", { customer: customerId, hours: 2 });
      expect(started.structuredContent).toMatchObject({ customer: customerId });
      const during = await call("customer_show", { customer: customerId, messages: 0 });
      expect(during.structuredContent?.handoffUntil).toBe(started.structuredContent?.until);
      expect((await call("handoff_end", { customer: customerId })).structuredContent).toEqual({
        customer: customerId,
        resumed: true,
      });
      expect((await call("customer_show", { customer: customerId, messages: 0 })).structuredContent?.handoffUntil).toBe(
        null,
      );
    });

    it("records an outcome once per event id", async () => {
      const args = {
        customer: SEEDED_PHONE,
        outcome: "won",
        value: 49,
        currency: "USD",
        eventId: `order-${transport}`,
      };
      expect((await call("record_outcome", args)).structuredContent).toMatchObject({ duplicate: false, stage: "won" });
      expect((await call("record_outcome", args)).structuredContent).toMatchObject({ duplicate: true });
    });

    it("runs a small simulation and refuses a large one", async () => {
      const small = await call("simulate", { seeds: 1, customers: 100, policies: ["thompson", "uniform"] });
      expect(Object.keys(small.structuredContent?.policies as object).sort()).toEqual(["thompson", "uniform"]);
      const large = await call("simulate", { seeds: 50 });
      expect(large.isError).toBe(true);
    });

    it("offers the playbook files read-only and the experiment report as resources", async () => {
      const { resources } = await target.client().listResources();
      const uris = resources.map((r) => r.uri);
      expect(uris).toContain("closer://playbooks/funnel.yaml");
      expect(uris).toContain("closer://playbooks/variants/closing/reserve-now.yaml");
      const funnel = await target.client().readResource({ uri: "closer://playbooks/funnel.yaml" });
      expect(textOf(funnel.contents[0])).toBe(readFileSync(join(PLAYBOOKS_DIR, "funnel.yaml"), "utf8"));
      await expect(target.client().readResource({ uri: "closer://playbooks/../package.json" })).rejects.toThrow();
      const report = await target.client().readResource({ uri: "closer://reports/experiments" });
      expect(experimentReportSchema.parse(JSON.parse(textOf(report.contents[0]))).stages).toHaveLength(4);
    });

    it("builds the weekly report, and offers the latest one the weekly job wrote", async () => {
      const answer = await call("report_weekly", { since: "7d" });
      expect(answer.isError).not.toBe(true);
      const report = weeklyReportSchema.parse(answer.structuredContent);
      expect(report.narrative.status).toBe("not_configured");
      await expect(target.client().readResource({ uri: "closer://reports/weekly-latest" })).rejects.toThrow(
        /No weekly report has been written yet/,
      );
      mkdirSync(join(target.dataDir(), "reports"), { recursive: true });
      writeFileSync(join(target.dataDir(), "reports", "weekly-2026-03-02--2026-03-09.json"), JSON.stringify(report));
      const latest = await target.client().readResource({ uri: "closer://reports/weekly-latest" });
      expect(weeklyReportSchema.parse(JSON.parse(textOf(latest.contents[0])))).toEqual(report);
    });

    it("writes every call to the audit log with its arguments, phone numbers masked", async () => {
      await call("customer_show", { customer: SEEDED_PHONE, messages: 1 });
      const entries = (await recentAudit(target.db(), 200)).filter((e) => e.actor === target.actor);
      const actions = new Set(entries.map((e) => e.action));
      for (const tool of [
        "experiments_status",
        "promote_arm",
        "retire_arm",
        "customer_show",
        "simulate",
        "report_weekly",
      ]) {
        expect(actions, tool).toContain(`mcp:${tool}`);
      }
      const show = entries.find((e) => e.action === "mcp:customer_show");
      expect(JSON.parse(show?.detail_json ?? "{}")).toEqual({ arguments: { customer: "…0042", messages: 1 } });
      const failed = entries.find((e) => e.action === "mcp:retire_arm");
      expect(JSON.parse(failed?.detail_json ?? "{}")).toMatchObject({ error: expect.any(String) });
      expect(entries.map((e) => e.detail_json).join("\n")).not.toContain("5551230042");
    });
  });
}

/** The text of a resource's contents (playbooks and reports are text, never blobs). */
function textOf(contents: { text: string } | { blob: string } | undefined): string {
  if (contents === undefined || !("text" in contents)) throw new Error("expected text contents");
  return contents.text;
}
