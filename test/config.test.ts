import { describe, expect, it } from "vitest";
import { loadConfig, pacingFromConfig, parseDotEnv } from "../src/config.js";
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

  it("reads the LLM provider settings, with defaults that send nothing extra and spend without limit", () => {
    const defaults = loadConfig({});
    expect(defaults).toMatchObject({
      LLM_MAX_TOKENS_PARAM: "max_tokens",
      LLM_EXTRA_BODY: {},
      LLM_CONCURRENCY: 4,
      LLM_PRICE_PER_MTOK_IN: 0,
      LLM_PRICE_PER_MTOK_OUT: 0,
    });
    expect(defaults.LLM_MAX_TOKENS).toBeUndefined();
    expect(defaults.LLM_DAILY_BUDGET_USD).toBeUndefined();
    const minimax = loadConfig({
      LLM_EXTRA_BODY: '{"reasoning_split": true}',
      LLM_MAX_TOKENS_PARAM: "max_completion_tokens",
      LLM_MAX_TOKENS: "2048",
      LLM_DAILY_BUDGET_USD: "5.5",
    });
    expect(minimax).toMatchObject({
      LLM_EXTRA_BODY: { reasoning_split: true },
      LLM_MAX_TOKENS_PARAM: "max_completion_tokens",
      LLM_MAX_TOKENS: 2048,
      LLM_DAILY_BUDGET_USD: 5.5,
    });
  });

  it("reads LLM_EXTRA_BODY's JSON from a .env line as written", () => {
    const env = parseDotEnv('LLM_EXTRA_BODY={"reasoning_split":true}   # MiniMax\n');
    expect(loadConfig(env).LLM_EXTRA_BODY).toEqual({ reasoning_split: true });
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
    ["LLM_EXTRA_BODY", "{reasoning_split: yes"],
    ["LLM_EXTRA_BODY", "[1, 2]"],
    ["LLM_MAX_TOKENS_PARAM", "max_output_tokens"],
    ["LLM_CONCURRENCY", "0"],
    ["LLM_DAILY_BUDGET_USD", "-1"],
  ])("refuses %s=%s, naming the variable", (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}: `));
  });
});
