/**
 * Picks the gateway adapter from config: a registry keyed by name
 * (`playground`, `gowa`, `waha`, `cloud`) that also takes a custom instance or
 * factory. A live gateway without its URL or secrets is refused, naming the
 * variables; risky but legal settings come back as warnings for the caller to log.
 * @module
 */
import type { Config } from "../../config.js";
import { CloserError } from "../../errors.js";
import type { Clock } from "../clock.js";
import { CloudGateway } from "./cloud-gateway.js";
import { GowaGateway } from "./gowa-gateway.js";
import type { HttpDeps } from "./http-json.js";
import { PlaygroundGateway } from "./playground-gateway.js";
import { WahaGateway } from "./waha-gateway.js";
import type { GatewayName, WhatsAppGateway } from "./whatsapp-gateway.js";

/** The config variables the gateways read (`GATEWAY` picks one). */
export type GatewaySettings = { GATEWAY: GatewayName } & Partial<
  Pick<
    Config,
    | "GOWA_URL"
    | "GOWA_BASIC_AUTH"
    | "GOWA_DEVICE_ID"
    | "GOWA_WEBHOOK_SECRET"
    | "WAHA_URL"
    | "WAHA_API_KEY"
    | "WAHA_SESSION"
    | "WAHA_WEBHOOK_SECRET"
    | "CLOUD_API_URL"
    | "CLOUD_PHONE_NUMBER_ID"
    | "CLOUD_ACCESS_TOKEN"
    | "CLOUD_APP_SECRET"
    | "CLOUD_VERIFY_TOKEN"
  >
>;

/** I/O handed to the adapters. */
export interface GatewayDeps extends HttpDeps {
  /** The playground stamps its sends with it; default the system clock. */
  clock?: Clock;
}

/** Builds a gateway from settings that `requiredSettings` found complete. */
export type GatewayFactory = (settings: GatewaySettings, deps: GatewayDeps) => WhatsAppGateway;

/** Options of `createGateway`. */
export interface CreateGatewayOptions extends GatewayDeps {
  /** A ready gateway, or a factory, used instead of the one `GATEWAY` names (tests, embedding). */
  adapter?: WhatsAppGateway | GatewayFactory;
}

/** A built gateway and the warnings about its settings. */
export interface GatewayBuild {
  gateway: WhatsAppGateway;
  /** Human-readable, one per risky setting; safe to log (no secrets). */
  warnings: string[];
}

/** GOWA's default webhook secret: signatures made with it prove nothing. */
export const GOWA_DEFAULT_WEBHOOK_SECRET = "secret";

/** The adapters by name. */
export const gatewayAdapters: Readonly<Record<GatewayName, GatewayFactory>> = Object.freeze({
  playground: (_settings, deps) => new PlaygroundGateway(deps.clock ? { clock: deps.clock } : {}),
  gowa: (settings, deps) =>
    new GowaGateway(
      { url: settings.GOWA_URL!, basicAuth: settings.GOWA_BASIC_AUTH, deviceId: settings.GOWA_DEVICE_ID },
      deps,
    ),
  waha: (settings, deps) =>
    new WahaGateway({ url: settings.WAHA_URL!, apiKey: settings.WAHA_API_KEY, session: settings.WAHA_SESSION }, deps),
  cloud: (settings, deps) =>
    new CloudGateway(
      {
        apiUrl: settings.CLOUD_API_URL!,
        phoneNumberId: settings.CLOUD_PHONE_NUMBER_ID!,
        accessToken: settings.CLOUD_ACCESS_TOKEN!,
      },
      deps,
    ),
});

const REQUIRED: Readonly<Record<GatewayName, readonly (keyof GatewaySettings)[]>> = {
  playground: [],
  gowa: ["GOWA_URL", "GOWA_WEBHOOK_SECRET"],
  waha: ["WAHA_URL", "WAHA_WEBHOOK_SECRET"],
  cloud: ["CLOUD_API_URL", "CLOUD_PHONE_NUMBER_ID", "CLOUD_ACCESS_TOKEN", "CLOUD_APP_SECRET", "CLOUD_VERIFY_TOKEN"],
};

/**
 * Builds the gateway `settings.GATEWAY` names, or `options.adapter`.
 * @throws CloserError `config_invalid` naming every missing variable of a live gateway.
 */
export function createGateway(settings: GatewaySettings, options: CreateGatewayOptions = {}): GatewayBuild {
  const { adapter, ...deps } = options;
  if (adapter !== undefined && typeof adapter !== "function") return { gateway: adapter, warnings: [] };
  const missing = requiredSettings(settings);
  if (missing.length > 0) {
    throw new CloserError(
      "config_invalid",
      `GATEWAY=${settings.GATEWAY} needs ${missing.join(", ")} (see the README, "Go live")`,
      { details: { missing } },
    );
  }
  const factory = adapter ?? gatewayAdapters[settings.GATEWAY];
  return { gateway: factory(settings, deps), warnings: gatewayWarnings(settings) };
}

/** The variables the chosen gateway needs that are unset or blank. */
export function requiredSettings(settings: GatewaySettings): string[] {
  return REQUIRED[settings.GATEWAY].filter((name) => {
    const value = settings[name];
    return typeof value !== "string" || value.trim() === "";
  });
}

/** Warnings about legal but risky gateway settings. */
export function gatewayWarnings(settings: GatewaySettings): string[] {
  const warnings: string[] = [];
  if (settings.GATEWAY === "gowa") {
    if (settings.GOWA_WEBHOOK_SECRET === GOWA_DEFAULT_WEBHOOK_SECRET) {
      warnings.push(
        "GOWA_WEBHOOK_SECRET is GOWA's well-known default: anyone can forge webhooks. " +
          "Set the same long random value as WHATSAPP_WEBHOOK_SECRET in GOWA and GOWA_WEBHOOK_SECRET here.",
      );
    }
    if (!settings.GOWA_DEVICE_ID) {
      warnings.push("GOWA_DEVICE_ID is unset: GOWA answers DEVICE_ID_REQUIRED once a second device is registered.");
    }
    if (!settings.GOWA_BASIC_AUTH) {
      warnings.push("GOWA_BASIC_AUTH is unset: GOWA's API must not be reachable by anyone else (set APP_BASIC_AUTH).");
    }
  }
  if (settings.GATEWAY === "waha" && !settings.WAHA_API_KEY) {
    warnings.push("WAHA_API_KEY is unset: an open WAHA API gets numbers banned; set WAHA_API_KEY on both sides.");
  }
  return warnings;
}
