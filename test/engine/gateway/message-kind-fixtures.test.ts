/**
 * Every message-kind fixture of every gateway normalises to events that carry
 * no media bytes: no base64 thumbnail, no raw vCard, no media download url.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { normalizeCloudWebhook, normalizeGowaWebhook, normalizeWahaWebhook } from "../../../src/engine/index.js";
import { REPO_ROOT } from "../../support/start-server.js";
import { goJsonMarshal } from "../../support/webhook-signing.js";

const NOW = Date.UTC(2026, 11, 2, 10, 0, 0);
const NORMALISERS = {
  gowa: (body: string) => normalizeGowaWebhook(goJsonMarshal(JSON.parse(body)), { now: NOW, deviceId: "org_2" }),
  waha: (body: string) => normalizeWahaWebhook(body, { now: NOW, session: "default" }),
  cloud: (body: string) => normalizeCloudWebhook(body, { now: NOW, phoneNumberId: "106540352242922" }),
} as const;

const cases = Object.entries(NORMALISERS).flatMap(([gateway, normalise]) => {
  const dir = join(REPO_ROOT, "test/contracts", gateway, "kinds");
  return readdirSync(dir)
    .filter((file) => file.endsWith(".json"))
    .map((file) => [`${gateway}/${file}`, normalise, readFileSync(join(dir, file), "utf8")] as const);
});

describe("message-kind fixtures", () => {
  it("exist for every gateway", () => {
    for (const gateway of Object.keys(NORMALISERS)) {
      expect(cases.filter(([name]) => name.startsWith(`${gateway}/`)).length).toBeGreaterThan(20);
    }
  });

  it.each(cases)("%s normalises to events without media bytes, vCards or media urls", (_name, normalise, body) => {
    const result = normalise(body);
    expect(result.ok).toBe(true);
    const events = JSON.stringify(result.ok ? result.events : []);
    expect(events).not.toMatch(/[A-Za-z0-9+/]{120,}/);
    expect(events).not.toContain("BEGIN:VCARD");
    expect(events).not.toContain("mmg.whatsapp.net");
    expect(events).not.toContain("/api/files/");
  });
});
