/**
 * Checks the gateway's health on a schedule for `/healthz` and the metrics, and
 * raises an alert when it has been disconnected for longer than a grace period.
 * @module
 */
import type { Alerts } from "./alerts.js";
import type { Clock } from "./clock.js";
import type { WhatsAppGateway } from "./gateway/index.js";

/** How often the gateway is asked, ms. */
export const HEALTH_CHECK_INTERVAL_MS = 30_000;
/** Disconnected for longer than this raises an alert, ms. */
export const DISCONNECTED_ALERT_AFTER_MS = 5 * 60_000;

/** The last known state. */
export interface GatewayHealthState {
  connected: boolean;
  detail: string;
  /** Since when the gateway has been in this state (epoch ms). */
  since: number;
}

/** What the monitor needs. */
export interface GatewayHealthMonitorDeps {
  gateway: WhatsAppGateway;
  clock: Clock;
  alerts: Alerts;
  /** Called when the gateway comes back after being down (to resume sending). */
  onRecovered?: () => void;
  intervalMs?: number;
  alertAfterMs?: number;
}

/** Polls the gateway's health. */
export class GatewayHealthMonitor {
  readonly #deps: GatewayHealthMonitorDeps;
  #state: GatewayHealthState;
  #alerted = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(deps: GatewayHealthMonitorDeps) {
    this.#deps = deps;
    this.#state = { connected: true, detail: "not checked yet", since: deps.clock.now() };
  }

  /** The last known state. */
  current(): GatewayHealthState {
    return this.#state;
  }

  /** Checks now, then on the interval. */
  start(): void {
    void this.check();
    this.#timer = setInterval(() => void this.check(), this.#deps.intervalMs ?? HEALTH_CHECK_INTERVAL_MS);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Asks the gateway once and updates the state; raises or clears the alert. */
  async check(): Promise<GatewayHealthState> {
    const { gateway, clock, alerts } = this.#deps;
    let health: { connected: boolean; detail: string };
    try {
      health = await gateway.health();
    } catch (error) {
      health = { connected: false, detail: `unreachable: ${error instanceof Error ? error.message : String(error)}` };
    }
    const now = clock.now();
    const was = this.#state;
    this.#state = {
      connected: health.connected,
      detail: health.detail,
      since: was.connected === health.connected ? was.since : now,
    };
    if (
      !health.connected &&
      !this.#alerted &&
      now - this.#state.since >= (this.#deps.alertAfterMs ?? DISCONNECTED_ALERT_AFTER_MS)
    ) {
      this.#alerted = true;
      alerts.raise("gateway_disconnected", `The ${gateway.name} gateway has been disconnected for over 5 minutes`, {
        detail: health.detail,
      });
    }
    if (health.connected && !was.connected) {
      if (this.#alerted) alerts.raise("gateway_reconnected", `The ${gateway.name} gateway is connected again`);
      this.#alerted = false;
      this.#deps.onRecovered?.();
    }
    return this.#state;
  }
}
