/**
 * The exposure settings (issue 12): who gets the playground, which Host names are answered, and
 * the secrets refused at start — every placeholder `.env.example` ships, read from the file itself.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  allowedHostNames,
  bareHostName,
  loadConfig,
  parseDotEnv,
  playgroundAccess,
  SECRET_VARIABLES,
} from "../src/config.js";
import { isCloserError } from "../src/errors.js";

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(isCloserError(error, "config_invalid")).toBe(true);
    return (error as Error).message;
  }
  throw new Error("the configuration was accepted");
}

describe("the playground's exposure (PLAYGROUND=auto|on|off)", () => {
  it.each([
    { env: {}, access: "open" },
    { env: { HOST: "localhost" }, access: "open" },
    { env: { HOST: "::1" }, access: "open" },
    { env: { HOST: "0.0.0.0" }, access: "closed" },
    { env: { HOST: "192.168.1.20" }, access: "closed" },
    { env: { GATEWAY: "gowa" }, access: "closed" },
    { env: { PLAYGROUND: "off" }, access: "closed" },
    { env: { PLAYGROUND: "on", HOST: "0.0.0.0" }, access: "admin" },
  ])("is $access with $env", ({ env, access }) => {
    expect(playgroundAccess(loadConfig(env))).toBe(access);
  });

  it("is off in the Docker image's default environment (HOST=0.0.0.0, PLAYGROUND=auto)", () => {
    const dockerfile = readFileSync(resolve(import.meta.dirname, "../Dockerfile"), "utf8");
    const env = Object.fromEntries(
      [...dockerfile.matchAll(/^\s*(?:ENV\s+)?([A-Z_]+)=(\S+?)\s*\\?$/gm)].map((m) => [m[1], m[2]]),
    );
    expect(env.HOST).toBe("0.0.0.0");
    expect(playgroundAccess(loadConfig(env))).toBe("closed");
  });
});

describe("ALLOWED_HOSTS", () => {
  it("defaults to the bound host plus localhost, 127.0.0.1 and ::1 on loopback", () => {
    expect([...(allowedHostNames(loadConfig({})) ?? [])].sort()).toEqual(["127.0.0.1", "::1", "localhost"]);
    expect([...(allowedHostNames(loadConfig({ HOST: "10.0.0.5" })) ?? [])]).toEqual(["10.0.0.5"]);
  });

  it("answers any host on 0.0.0.0 unless set, and takes a list (ports ignored) or *", () => {
    expect(allowedHostNames(loadConfig({ HOST: "0.0.0.0" }))).toBeNull();
    expect([...(allowedHostNames(loadConfig({ ALLOWED_HOSTS: "Shop.Example:443, closer" })) ?? [])]).toEqual([
      "shop.example",
      "closer",
    ]);
    expect(allowedHostNames(loadConfig({ ALLOWED_HOSTS: "*" }))).toBeNull();
  });

  it.each([
    ["localhost:3210", "localhost"],
    ["[::1]:3210", "::1"],
    ["EXAMPLE.com", "example.com"],
    ["::1", "::1"],
  ])("reads the Host header %s as %s", (header, name) => {
    expect(bareHostName(header)).toBe(name);
  });
});

describe("secrets refused at start", () => {
  it("refuses an admin token shorter than 32 characters by name", () => {
    expect(configError({ CLOSER_ADMIN_TOKEN: "a-token-of-twenty-chars" })).toMatch(
      /CLOSER_ADMIN_TOKEN: at least 32 characters/,
    );
    expect(loadConfig({ CLOSER_ADMIN_TOKEN: "x".repeat(32) }).CLOSER_ADMIN_TOKEN).toBe("x".repeat(32));
  });

  it("refuses every placeholder .env.example ships, naming each variable", () => {
    const example = parseDotEnv(readFileSync(resolve(import.meta.dirname, "../.env.example"), "utf8"));
    const secrets = Object.entries(example).filter(([name]) => (SECRET_VARIABLES as readonly string[]).includes(name));
    expect(secrets.map(([name]) => name)).toEqual(
      expect.arrayContaining(["GOWA_BASIC_AUTH", "GOWA_WEBHOOK_SECRET", "WAHA_API_KEY", "WAHA_WEBHOOK_SECRET"]),
    );
    for (const [name, value] of secrets) {
      const message = configError({ ...example, [name]: value });
      expect(message, name).toContain(`${name}: still the placeholder from .env.example`);
      expect(message, name).not.toContain(value);
    }
  });

  it("accepts real-looking secrets", () => {
    const config = loadConfig({
      GATEWAY: "gowa",
      GOWA_WEBHOOK_SECRET: "3f9c2b7e8a1d4c6f0b5e9a2d7c4f1e8b",
      GOWA_BASIC_AUTH: "closer:Xk29-vLq8-Pw3z-Mn7r",
    });
    expect(config.GOWA_WEBHOOK_SECRET).toBe("3f9c2b7e8a1d4c6f0b5e9a2d7c4f1e8b");
  });
});
