/**
 * A minimal GOWA for the pipeline benchmark: answers `POST /send/message` with
 * GOWA's success envelope and counts the sends, says `/app/status` is connected,
 * and accepts read marks and chat presence. Loopback only. Written for speed,
 * not fidelity: the contract fake for tests lives in test/support.
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One send the sink received. */
export interface SinkSend {
  /** The `phone` field (`<digits>@s.whatsapp.net`). */
  phone: string;
  /** `reply_message_id`: the inbound message this answers, when quoted. */
  replyTo: string | null;
  /** `performance.now()` when the send arrived, ms (the sink runs in the load generator's process). */
  at: number;
}

/** A running sink. */
export class GowaSink {
  /** Successful sends so far. */
  sends = 0;
  /** Called for every successful send. */
  onSend: (send: SinkSend) => void = () => undefined;
  readonly #server: Server;
  #counter = 0;

  private constructor() {
    this.#server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
      this.#handle(req, res).catch(() => res.destroy());
    });
  }

  /** Starts a sink on a free port of 127.0.0.1. */
  static async start(): Promise<GowaSink> {
    const sink = new GowaSink();
    await new Promise<void>((resolve, reject) => {
      sink.#server.once("error", reject);
      sink.#server.listen(0, "127.0.0.1", () => resolve());
    });
    return sink;
  }

  /** The base URL, e.g. `http://127.0.0.1:41234`. */
  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Stops listening and drops open connections. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (req.method === "POST" && path === "/send/message") return this.#send(res, raw);
    if (req.method === "GET" && path === "/app/status") {
      return success(res, "Connection status retrieved", {
        is_connected: true,
        is_logged_in: true,
        device_id: "6281234567890@s.whatsapp.net",
      });
    }
    if (req.method === "POST" && (path === "/send/chat-presence" || /^\/message\/[^/]+\/read$/.test(path))) {
      return success(res, "ok", { message_id: "presence", status: "ok" });
    }
    res.writeHead(404, { "content-type": "text/plain" });
    res.end(`Cannot ${req.method} ${path}`);
  }

  #send(res: ServerResponse, raw: string): void {
    let body: { phone?: unknown; message?: unknown; reply_message_id?: unknown };
    try {
      body = JSON.parse(raw) as typeof body;
    } catch {
      json(res, 500, { code: "INTERNAL_SERVER_ERROR", message: "unexpected end of JSON input" });
      return;
    }
    if (typeof body.phone !== "string" || typeof body.message !== "string" || body.message === "") {
      json(res, 400, { code: "VALIDATION_ERROR", message: "phone and message are required" });
      return;
    }
    this.#counter += 1;
    const messageId = `3EB0${this.#counter.toString(16).toUpperCase().padStart(16, "0")}`;
    const status = `Message sent to ${body.phone}`;
    success(res, status, { message_id: messageId, status });
    this.sends += 1;
    this.onSend({
      phone: body.phone,
      replyTo: typeof body.reply_message_id === "string" ? body.reply_message_id : null,
      at: performance.now(),
    });
  }
}

function success(res: ServerResponse, message: string, results: unknown): void {
  json(res, 200, { code: "SUCCESS", message, results });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(payload) });
  res.end(payload);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
