/**
 * A fake OpenAI-compatible chat-completions server on loopback: checks the path,
 * the bearer key, the model and the body like the real API, answers in its
 * format, and can be scripted to fail, stall or answer badly.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { LoopbackServer, readBody, sendJson } from "./loopback-server.js";

/** A request the fake received. */
export interface FakeOpenAiRequest {
  path: string;
  authorization: string | undefined;
  body: {
    model?: string;
    messages?: { role: string; content: string }[];
    response_format?: { type: string; json_schema?: { name: string; schema: unknown } };
  };
}

/** What the fake answers with: the assistant's content, an HTTP error, or a stall. */
export type FakeOpenAiBehaviour =
  | { kind: "content"; content: string }
  | { kind: "error"; status: number }
  | { kind: "stall"; ms: number; content: string };

/** The fake server. */
export class FakeOpenAi {
  readonly requests: FakeOpenAiRequest[] = [];
  #script: FakeOpenAiBehaviour[] = [];
  #fallback: FakeOpenAiBehaviour = { kind: "content", content: '{"reply":"Hello from the model."}' };
  readonly #server: LoopbackServer;
  readonly #apiKey: string;
  readonly #model: string;

  private constructor(apiKey: string, model: string) {
    this.#server = new LoopbackServer((req, res) => this.handle(req, res));
    this.#apiKey = apiKey;
    this.#model = model;
  }

  /** Starts on 127.0.0.1 on a free port. */
  static async start({ apiKey = "sk-test", model = "test-model" } = {}): Promise<FakeOpenAi> {
    const fake = new FakeOpenAi(apiKey, model);
    await fake.#server.up();
    return fake;
  }

  /** The base URL to give the client (`…/v1`). */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.#server.port}/v1`;
  }

  /** Answers every request from now on with this behaviour (after any scripted ones). */
  always(behaviour: FakeOpenAiBehaviour): void {
    this.#fallback = behaviour;
  }

  /** Answers the next requests with these behaviours, in order. */
  script(...behaviours: FakeOpenAiBehaviour[]): void {
    this.#script.push(...behaviours);
  }

  async close(): Promise<void> {
    await this.#server.down();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = req.url ?? "";
    let body: FakeOpenAiRequest["body"];
    try {
      body = JSON.parse(raw) as FakeOpenAiRequest["body"];
    } catch {
      return send(res, 400, {
        error: { message: "We could not parse the JSON body of your request.", type: "invalid_request_error" },
      });
    }
    this.requests.push({ path, authorization: req.headers.authorization, body });
    if (req.method !== "POST" || path !== "/v1/chat/completions") {
      return send(res, 404, {
        error: { message: `Invalid URL (${req.method} ${path})`, type: "invalid_request_error" },
      });
    }
    if (req.headers.authorization !== `Bearer ${this.#apiKey}`) {
      return send(res, 401, {
        error: { message: "Incorrect API key provided.", type: "invalid_request_error", code: "invalid_api_key" },
      });
    }
    if (body.model !== this.#model) {
      return send(res, 404, {
        error: { message: `The model '${body.model}' does not exist`, code: "model_not_found" },
      });
    }
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      return send(res, 400, { error: { message: "'messages' is a required property", type: "invalid_request_error" } });
    }
    const behaviour = this.#script.shift() ?? this.#fallback;
    if (behaviour.kind === "error") {
      return send(res, behaviour.status, {
        error: { message: "The server had an error while processing your request.", type: "server_error" },
      });
    }
    if (behaviour.kind === "stall") await new Promise((r) => setTimeout(r, behaviour.ms));
    if (res.destroyed) return;
    send(res, 200, {
      id: `chatcmpl-${this.requests.length}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: this.#model,
      choices: [{ index: 0, message: { role: "assistant", content: behaviour.content }, finish_reason: "stop" }],
      usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
    });
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  sendJson(res, status, body, "application/json");
}
