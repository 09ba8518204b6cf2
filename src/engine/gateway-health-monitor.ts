/**
 * Checks the gateway's health on a schedule for `/healthz`, the metrics and the
 * `gateway_offline` alert rule (which reads `current()`), and asks the sender
 * to resume when the gateway comes back.
 * @module
 */
import type { Clock } from "./clock.js";
import type { WhatsAppGateway } from "./gateway/index.js";

/** How often the gateway is asked, ms. */
export const HEALTH_CHECK_INTERVAL_MS = 30_000;

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
  /** Called when the gateway comes back after being down (to resume sending). */
  onRecovered?: () => void;
  intervalMs?: number;
}

/** Polls the gateway's health. */
export class GatewayHealthMonitor {
  readonly #deps: GatewayHealthMonitorDeps;
  #state: GatewayHealthState;
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

  /** Asks the gateway once and updates the state. */
  async check(): Promise<GatewayHealthState> {
    const { gateway, clock } = this.#deps;
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
    if (health.connected && !was.connected) this.#deps.onRecovered?.();
    return this.#state;
  }
}
