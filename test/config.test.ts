import { describe, expect, it } from "vitest";
import { loadConfig, pacingFromConfig } from "../src/config.js";
import { DEFAULT_PACING } from "../src/engine/pacing.js";

describe("the pacing configuration", () => {
  it("defaults to DEFAULT_PACING, in human mode for a live gateway and off in the playground", () => {
    const live = loadConfig({ GATEWAY: "gowa" });
    expect(pacingFromConfig(live)).toEqual({ ...DEFAULT_PACING, mode: "human" });
    expect(pacingFromConfig(loadConfig({})).mode).toBe("off");
  });

  it("takes every bound from its CLOSER_* variable", () => {
    const config = loadConfig({
      CLOSER_PACING: "human",
      CLOSER_SEEN_DELAY_MS: "100",
      CLOSER_TYPING_BASE_MS: "200",
      CLOSER_TYPING_PER_CHAR_MS: "1.5",
      CLOSER_TYPING_MAX_MS: "3000",
      CLOSER_PACING_JITTER: "0.1",
      CLOSER_MIN_GAP_MS: "500",
      CLOSER_MAX_PER_MINUTE: "5",
      CLOSER_MAX_PER_HOUR: "50",
      CLOSER_QUIET_HOURS: "22-7",
      CLOSER_FRESH_REPLY_MS: "60000",
    });
    expect(pacingFromConfig(config)).toEqual({
      mode: "human",
      seenDelayMs: 100,
      typingBaseMs: 200,
      typingPerCharMs: 1.5,
      typingMaxMs: 3000,
      jitter: 0.1,
      minGapPerChatMs: 500,
      maxPerMinute: 5,
      maxPerHour: 50,
      quietHours: { start: 22, end: 7 },
      freshReplyMs: 60000,
    });
  });

  it("takes the shop's time zone, and names the variable when the zone is unknown", () => {
    expect(loadConfig({ SHOP_TIMEZONE: "Europe/Madrid" }).SHOP_TIMEZONE).toBe("Europe/Madrid");
    expect(loadConfig({}).SHOP_TIMEZONE).toBe("UTC");
    expect(() => loadConfig({ SHOP_TIMEZONE: "Mars/Olympus" })).toThrow(/SHOP_TIMEZONE: an IANA time zone/);
  });

  it("turns quiet hours off with 'off'", () => {
    expect(pacingFromConfig(loadConfig({ CLOSER_QUIET_HOURS: "off" })).quietHours).toEqual({ start: 0, end: 0 });
  });

  it.each([
    ["CLOSER_QUIET_HOURS", "9pm-8am"],
    ["CLOSER_QUIET_HOURS", "21-24"],
    ["CLOSER_MAX_PER_MINUTE", "0"],
    ["CLOSER_PACING_JITTER", "1.5"],
    ["CLOSER_SEEN_DELAY_MS", "-1"],
    ["GATEWAY_HEALTH_CHECK_MS", "10"],
  ])("refuses %s=%s, naming the variable", (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}: `));
  });
});
