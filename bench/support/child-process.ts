/**
 * Benchmark children: a script run in its own node process (so a server does not
 * share an event loop with the load generator), talking to the parent over IPC
 * with `{type, id, …}` messages. The parent side is {@link startChild}; the child
 * side is {@link serveParent}.
 * @module
 */
import { type ChildProcess, fork } from "node:child_process";
import { closeSync, openSync } from "node:fs";

/** A message between the parent and a child. */
export interface IpcMessage {
  type: string;
  /** Correlates a request with its answer. */
  id?: number;
  [key: string]: unknown;
}

/** Options of {@link startChild}. */
export interface StartChildOptions {
  /** The child's whole environment. */
  env: NodeJS.ProcessEnv;
  /** Node flags, e.g. `--cpu-prof`. */
  execArgv?: string[];
  /** File that receives the child's stdout and stderr (default: discarded). */
  logFile?: string;
  /** Milliseconds to wait for the child's `ready` message; default 60 s. */
  readyTimeoutMs?: number;
}

/** A running child. */
export interface BenchChild {
  readonly pid: number;
  /** What the child sent with `ready`. */
  readonly ready: IpcMessage;
  /** Sends `{type, …payload}` and resolves with the child's answer of the same type and id. */
  request<T extends IpcMessage>(type: string, payload?: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  /** Asks the child to stop (`stop` request), then waits for it to exit; kills it after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<number | null>;
}

/**
 * Forks `script` and waits for its `{type: "ready"}` message.
 * @throws Error when the child exits or stays silent before it is ready.
 */
export async function startChild(script: string, options: StartChildOptions): Promise<BenchChild> {
  const { env, execArgv = [], logFile, readyTimeoutMs = 60_000 } = options;
  const fd = logFile === undefined ? "ignore" : openSync(logFile, "a");
  const child = fork(script, [], { env, execArgv, stdio: ["ignore", fd, fd, "ipc"] });
  if (typeof fd === "number") closeSync(fd);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const ready = await waitForMessage(child, (m) => m.type === "ready", readyTimeoutMs, `${script} to start`);
  let nextId = 1;
  return {
    pid: child.pid ?? -1,
    ready,
    async request<T extends IpcMessage>(type: string, payload: Record<string, unknown> = {}, timeoutMs = 60_000) {
      const id = nextId++;
      const answer = waitForMessage(child, (m) => m.type === type && m.id === id, timeoutMs, `${type} from ${script}`);
      child.send({ ...payload, type, id });
      return (await answer) as T;
    },
    async stop(timeoutMs = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      if (child.connected) child.send({ type: "stop", id: 0 });
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Child side: answers requests by type; `stop` runs `onStop` and exits the process. */
export function serveParent(
  handlers: Record<string, (message: IpcMessage) => Promise<Record<string, unknown>> | Record<string, unknown>>,
  onStop: () => Promise<void>,
): void {
  process.on("message", (raw) => {
    const message = raw as IpcMessage;
    if (message.type === "stop") {
      onStop().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
      return;
    }
    const handler = handlers[message.type];
    if (handler === undefined) return;
    Promise.resolve(handler(message)).then(
      (answer) => process.send?.({ ...answer, type: message.type, id: message.id }),
      (error: unknown) => process.send?.({ type: message.type, id: message.id, error: String(error) }),
    );
  });
  process.on("disconnect", () => {
    // The parent is gone: do not linger.
    onStop().finally(() => process.exit(0));
  });
}

/** Tells the parent the child is ready, with `details`. */
export function announceReady(details: Record<string, unknown>): void {
  process.send?.({ ...details, type: "ready" });
}

function waitForMessage(
  child: ChildProcess,
  accept: (message: IpcMessage) => boolean,
  timeoutMs: number,
  what: string,
): Promise<IpcMessage> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
    };
    const onMessage = (raw: unknown) => {
      const message = raw as IpcMessage;
      if (!accept(message)) return;
      cleanup();
      if (typeof message["error"] === "string") reject(new Error(`${what}: ${message["error"]}`));
      else resolve(message);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`child exited (code ${code}) while waiting for ${what}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}
