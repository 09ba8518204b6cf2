/**
 * The load generator's HTTP client: POSTs over loopback with node's `http` and
 * a keep-alive agent (one socket per concurrent request), timing each request
 * from its start to the end of the answer.
 * @module
 */
import { Agent, request } from "node:http";

/** What one POST got. */
export interface PostResult {
  status: number;
  /** Milliseconds from `performance.now()` at the call to the end of the answer. */
  ms: number;
}

/** POSTs JSON bodies to one URL. */
export class WebhookClient {
  readonly #agent: Agent;
  readonly #host: string;
  readonly #port: number;
  readonly #path: string;

  /** @param url a loopback URL such as `http://127.0.0.1:3210/webhooks/gowa`. */
  constructor(url: string, maxSockets: number) {
    const parsed = new URL(url);
    if (parsed.hostname !== "127.0.0.1" && parsed.hostname !== "localhost") {
      throw new Error(`the load generator only talks to loopback, not ${parsed.hostname}`);
    }
    this.#host = parsed.hostname;
    this.#port = Number(parsed.port);
    this.#path = parsed.pathname;
    this.#agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  /** POSTs `body` with `headers`; network errors come back as status 0. */
  post(body: string, headers: Record<string, string>, startedAt = performance.now()): Promise<PostResult> {
    return new Promise((resolve) => {
      const req = request(
        {
          agent: this.#agent,
          host: this.#host,
          port: this.#port,
          path: this.#path,
          method: "POST",
          headers: { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - startedAt }));
          res.on("error", () => resolve({ status: 0, ms: performance.now() - startedAt }));
        },
      );
      req.on("error", () => resolve({ status: 0, ms: performance.now() - startedAt }));
      req.end(body);
    });
  }

  /** Closes the kept-alive sockets. */
  close(): void {
    this.#agent.destroy();
  }
}
