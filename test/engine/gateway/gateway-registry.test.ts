import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { CloudGateway } from "../../../src/engine/gateway/cloud-gateway.js";
import { createGateway } from "../../../src/engine/gateway/gateway-registry.js";
import { GowaGateway } from "../../../src/engine/gateway/gowa-gateway.js";
import { PlaygroundGateway } from "../../../src/engine/gateway/playground-gateway.js";
import { WahaGateway } from "../../../src/engine/gateway/waha-gateway.js";
import type { WhatsAppGateway } from "../../../src/engine/gateway/whatsapp-gateway.js";
import { CloserError } from "../../../src/errors.js";
import { FakeGowa } from "../../support/fake-gowa.js";

function thrown(run: () => unknown): CloserError {
  try {
    run();
  } catch (error) {
    if (error instanceof CloserError) return error;
    throw error;
  }
  throw new Error("expected a CloserError");
}

describe("createGateway", () => {
  let fake: FakeGowa | undefined;

  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it("should build the playground by default, without warnings", () => {
    const build = createGateway(loadConfig({}));
    expect(build.gateway).toBeInstanceOf(PlaygroundGateway);
    expect(build.warnings).toEqual([]);
  });

  it.each([
    ["gowa", {}, ["GOWA_URL", "GOWA_WEBHOOK_SECRET"]],
    ["gowa", { GOWA_URL: "http://127.0.0.1:3000" }, ["GOWA_WEBHOOK_SECRET"]],
    ["gowa", { GOWA_URL: "http://127.0.0.1:3000", GOWA_WEBHOOK_SECRET: "   " }, ["GOWA_WEBHOOK_SECRET"]],
    ["waha", { WAHA_URL: "http://127.0.0.1:3000", WAHA_API_KEY: "k" }, ["WAHA_WEBHOOK_SECRET"]],
    ["cloud", {}, ["CLOUD_PHONE_NUMBER_ID", "CLOUD_ACCESS_TOKEN", "CLOUD_APP_SECRET", "CLOUD_VERIFY_TOKEN"]],
  ])("should refuse GATEWAY=%s without its URL or secrets, naming each (%j)", (name, env, missing) => {
    const error = thrown(() => createGateway(loadConfig({ GATEWAY: name, ...env })));
    expect(error.code).toBe("config_invalid");
    for (const variable of missing) expect(error.message).toContain(variable);
    expect(error.details).toEqual({ missing });
  });

  it("should warn when the GOWA secret is GOWA's well-known default", () => {
    const build = createGateway(
      loadConfig({
        GATEWAY: "gowa",
        GOWA_URL: "http://127.0.0.1:3000",
        GOWA_WEBHOOK_SECRET: "secret",
        GOWA_BASIC_AUTH: "u:p",
        GOWA_DEVICE_ID: "org_2",
      }),
    );
    expect(build.gateway).toBeInstanceOf(GowaGateway);
    expect(build.warnings).toEqual([expect.stringContaining("GOWA_WEBHOOK_SECRET is GOWA's well-known default")]);
  });

  it("should warn about a GOWA without device id or Basic auth, and never put secrets in warnings", () => {
    const build = createGateway(
      loadConfig({ GATEWAY: "gowa", GOWA_URL: "http://127.0.0.1:3000", GOWA_WEBHOOK_SECRET: "a-long-random-value" }),
    );
    expect(build.warnings).toEqual([
      expect.stringContaining("GOWA_DEVICE_ID"),
      expect.stringContaining("GOWA_BASIC_AUTH"),
    ]);
    expect(build.warnings.join(" ")).not.toContain("a-long-random-value");
  });

  it("should build WAHA and the Cloud API from complete settings", () => {
    const waha = createGateway(
      loadConfig({ GATEWAY: "waha", WAHA_URL: "http://127.0.0.1:3000", WAHA_WEBHOOK_SECRET: "h", WAHA_API_KEY: "k" }),
    );
    expect(waha).toEqual({ gateway: expect.any(WahaGateway), warnings: [] });
    const cloud = createGateway(
      loadConfig({
        GATEWAY: "cloud",
        CLOUD_PHONE_NUMBER_ID: "1",
        CLOUD_ACCESS_TOKEN: "t",
        CLOUD_APP_SECRET: "s",
        CLOUD_VERIFY_TOKEN: "v",
      }),
    );
    expect(cloud.gateway).toBeInstanceOf(CloudGateway);
  });

  it("should warn when WAHA runs without an API key", () => {
    const build = createGateway(
      loadConfig({ GATEWAY: "waha", WAHA_URL: "http://127.0.0.1:3000", WAHA_WEBHOOK_SECRET: "h" }),
    );
    expect(build.warnings).toEqual([expect.stringContaining("WAHA_API_KEY")]);
  });

  it("should hand back a custom instance as is", () => {
    const custom: WhatsAppGateway = new PlaygroundGateway();
    expect(createGateway(loadConfig({ GATEWAY: "gowa" }), { adapter: custom })).toEqual({
      gateway: custom,
      warnings: [],
    });
  });

  it("should call a custom factory with the settings once they are complete", () => {
    const seen: string[] = [];
    const build = createGateway(
      loadConfig({ GATEWAY: "waha", WAHA_URL: "http://127.0.0.1:1", WAHA_WEBHOOK_SECRET: "h" }),
      {
        adapter: (settings) => {
          seen.push(settings.WAHA_URL ?? "");
          return new PlaygroundGateway();
        },
      },
    );
    expect(build.gateway).toBeInstanceOf(PlaygroundGateway);
    expect(seen).toEqual(["http://127.0.0.1:1"]);
  });

  it("should wire the configured GOWA auth and device id through to the requests", async () => {
    fake = await FakeGowa.start({ basicAuth: "closer:pw", devices: ["org_1", "org_2"] });
    const { gateway } = createGateway(
      loadConfig({
        GATEWAY: "gowa",
        GOWA_URL: fake.url,
        GOWA_BASIC_AUTH: "closer:pw",
        GOWA_DEVICE_ID: "org_1",
        GOWA_WEBHOOK_SECRET: "long-random",
      }),
    );
    await gateway.send({ to: "6289876543210", text: "hi" });
    expect(fake.sent).toMatchObject([{ deviceId: "org_1", phone: "6289876543210@s.whatsapp.net" }]);
  });
});
