/**
 * A benchmark child that runs Closer as `closer serve` does, from the
 * environment the parent hands it (GATEWAY=gowa at the sink, a temporary
 * DATA_DIR, CLOSER_PACING=off), and answers `rss`, `metrics` and `cpu` requests.
 * @module
 */
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/log.js";
import { startCloser } from "../../src/main.js";
import { announceReady, serveParent } from "../support/child-process.js";

const config = loadConfig(process.env);
const logger = createLogger({ level: config.LOG_LEVEL });
const closer = await startCloser(config, logger);

serveParent(
  {
    rss: () => {
      const usage = process.memoryUsage();
      return { rss: usage.rss, heapUsed: usage.heapUsed, maxRssKb: process.resourceUsage().maxRSS };
    },
    metrics: () => ({ metrics: plainFields(closer.engine.metrics) }),
    cpu: () => ({ cpu: process.cpuUsage(), processed: closer.engine.metrics.inboundProcessed }),
  },
  () => closer.stop(),
);
/** The metrics' counters and counted maps, without the prom-client registry (circular, not JSON). */
function plainFields(metrics: object): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(metrics)
      .filter(
        ([, value]) =>
          typeof value !== "object" ||
          value === null ||
          Object.getPrototypeOf(value) === Object.prototype ||
          value instanceof Map,
      )
      .map(([key, value]) => [key, value instanceof Map ? Object.fromEntries(value) : value]),
  );
}

announceReady({ url: closer.url, adminToken: closer.adminToken, pid: process.pid });
