/**
 * A fake OpenAI-compatible chat-completions server on loopback: checks the path,
 * the bearer key, the model and the body like the real API, answers in its
 * format, and can be scripted to fail, stall or answer badly, to answer the way
 * reasoning models do (`reasoning_content` beside the content), to ask for a
 * wait (429 with `Retry-After`), or to refuse `response_format` types it does
 * not support, as many OpenAI-compatible servers do. A responder function can
 * answer from the request itself (an obedient model that repeats what the
 * customer asks it to say).
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
    [field: string]: unknown;
  };
}

/** What the fake answers with: the assistant's content, an HTTP error, or a stall. */
export type FakeOpenAiBehaviour =
  | {
      kind: "content";
      content: string;
      /** Reasoning beside the content, as DeepSeek-R1 and vLLM's reasoning parsers send it. */
      reasoningContent?: string;
      usage?: { prompt_tokens: number; completion_tokens: number };
    }
  | {
      kind: "error";
      status: number;
      headers?: Record<string, string>;
      message?: string;
      /** `top_level`: the message at the body's top level, as older vLLM servers answer; default OpenAI's `{error: …}`. */
      shape?: "openai" | "top_level";
    }
  | { kind: "stall"; ms: number; content: string }
  /** Answers `{"reply": <the draft reply the prompt carries>}`: the template's text, as a model that keeps it would. */
  | { kind: "echo_draft" };

/** Answers one request from its body; undefined: the next scripted behaviour or the default. */
export type FakeOpenAiResponder = (request: FakeOpenAiRequest) => FakeOpenAiBehaviour | undefined;

/** The `response_format` types a server accepts; `none` means a request without one. */
export type FakeResponseFormat = "json_schema" | "json_object" | "none";

/** How the fake server is set up. */
export interface FakeOpenAiOptions {
  /** The key it expects as a bearer token; null: none, and no `Authorization` header at all (Ollama). */
  apiKey?: string | null;
  model?: string;
  /** The `response_format` types it accepts; others get a 400 naming the field. Default all. */
  responseFormats?: readonly FakeResponseFormat[];
}

/** The fake server. */
export class FakeOpenAi {
  readonly requests: FakeOpenAiRequest[] = [];
  #script: FakeOpenAiBehaviour[] = [];
  #responder: FakeOpenAiResponder | null = null;
  #fallback: FakeOpenAiBehaviour = { kind: "content", content: '{"reply":"Hello from the model."}' };
  readonly #server: LoopbackServer;
  readonly #apiKey: string | null;
  readonly #model: string;
  /** The `response_format` types accepted. */
  responseFormats: readonly FakeResponseFormat[];

  private constructor(apiKey: string | null, model: string, responseFormats: readonly FakeResponseFormat[]) {
    this.#server = new LoopbackServer((req, res) => this.handle(req, res));
    this.#apiKey = apiKey;
    this.#model = model;
    this.responseFormats = responseFormats;
  }

  /** Starts on 127.0.0.1 on a free port. */
  static async start({
    apiKey = "sk-test",
    model = "test-model",
    responseFormats = ["json_schema", "json_object", "none"],
  }: FakeOpenAiOptions = {}): Promise<FakeOpenAi> {
    const fake = new FakeOpenAi(apiKey, model, responseFormats);
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

  /** Answers every request with what `responder` returns for it (before scripts and the default). */
  respond(responder: FakeOpenAiResponder | null): void {
    this.#responder = responder;
  }

  /** Forgets requests, scripts and the responder, answers the default content, and accepts every `response_format` again. */
  reset(): void {
    this.requests.length = 0;
    this.#script = [];
    this.#responder = null;
    this.#fallback = { kind: "content", content: '{"reply":"Hello from the model."}' };
    this.responseFormats = ["json_schema", "json_object", "none"];
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
    if (req.headers.authorization !== (this.#apiKey === null ? undefined : `Bearer ${this.#apiKey}`)) {
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
    const format = (body.response_format?.type ?? "none") as FakeResponseFormat;
    if (!this.responseFormats.includes(format)) {
      return send(res, 400, {
        error: {
          message: `Invalid parameter: 'response_format' of type '${format}' is not supported with this model.`,
          type: "invalid_request_error",
          param: "response_format",
        },
      });
    }
    const behaviour =
      this.#responder?.({ path, authorization: req.headers.authorization, body }) ??
      this.#script.shift() ??
      this.#fallback;
    if (behaviour.kind === "error") {
      const error = {
        message: behaviour.message ?? "The server had an error while processing your request.",
        type: behaviour.status === 429 ? "rate_limit_error" : "server_error",
      };
      const errorBody =
        behaviour.shape === "top_level" ? { object: "error", ...error, code: behaviour.status } : { error };
      return send(res, behaviour.status, errorBody, behaviour.headers);
    }
    if (behaviour.kind === "stall") await new Promise((r) => setTimeout(r, behaviour.ms));
    if (res.destroyed) return;
    const content = behaviour.kind === "echo_draft" ? echoDraft(body) : behaviour.content;
    const reasoning =
      behaviour.kind === "content" && behaviour.reasoningContent !== undefined
        ? { reasoning_content: behaviour.reasoningContent }
        : {};
    const usage = (behaviour.kind === "content" ? behaviour.usage : undefined) ?? {
      prompt_tokens: 100,
      completion_tokens: 20,
    };
    send(res, 200, {
      id: `chatcmpl-${this.requests.length}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: this.#model,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content, ...reasoning },
          finish_reason: "stop",
        },
      ],
      usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
    });
  }
}

/** The draft reply in the system prompt, as `{"reply": …}`. */
/** The draft reply the prompt gives, as the model's reply: it sits in the user-role context, JSON-encoded. */
function echoDraft(body: FakeOpenAiRequest["body"]): string {
  for (const message of body.messages ?? []) {
    if (message.role !== "user" || typeof message.content !== "string") continue;
    const json = /^[^\n]*\n(\{[\s\S]*\})\n/.exec(message.content)?.[1];
    if (json === undefined) continue;
    try {
      const draft = (JSON.parse(json) as { draft_reply?: unknown }).draft_reply;
      if (typeof draft === "string") return JSON.stringify({ reply: draft.trim() });
    } catch {
      // not the context message
    }
  }
  return JSON.stringify({ reply: "" });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  sendJson(res, status, body, "application/json");
}
