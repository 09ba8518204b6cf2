import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CommandIo } from "../../src/cli/command.js";
import { playbooksLintCommand } from "../../src/cli/commands/playbooks-lint.js";
import { markVersionServed, openSqliteDatabase } from "../../src/store/index.js";
import { runBuiltCli } from "../support/start-server.js";
import { lineOf, SHIPPED_DIR } from "./playbook-fixtures.js";

interface FakeIo extends CommandIo {
  stdout: string[];
  stderr: string[];
}

function fakeIo(cwd: string, env: NodeJS.ProcessEnv = {}): FakeIo {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (text) => stdout.push(text), err: (text) => stderr.push(text), env, cwd, isTty: false };
}

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), "closer-lint-"));
  await cp(SHIPPED_DIR, join(cwd, "playbooks"), { recursive: true });
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

async function breakFile(relative: string, find: string, replace: string): Promise<string> {
  const path = join(cwd, "playbooks", relative);
  const text = (await readFile(path, "utf8")).replace(find, replace);
  await writeFile(path, text);
  return text;
}

describe("closer playbooks lint", () => {
  it("should exit 0 and print a summary of stages, variants, products and offers when clean", async () => {
    const io = fakeIo(cwd);
    expect(await playbooksLintCommand(["playbooks"], io)).toBe(0);
    const output = io.stdout.join("\n");
    expect(output).toMatch(/^playbooks: 4 stages, 13 variants, 6 products, 2 offers/);
    expect(output).toMatch(/first_contact\s+3 variants: .*warm-welcome@2 \(champion\)/);
    expect(output).toMatch(/closing\s+4 variants: /);
    expect(io.stderr).toEqual([]);
  });

  it("should default to PLAYBOOKS_DIR, then ./playbooks, relative to the working directory", async () => {
    expect(await playbooksLintCommand([], fakeIo(cwd))).toBe(0);
    await cp(join(cwd, "playbooks"), join(cwd, "shop"), { recursive: true });
    const io = fakeIo(cwd, { PLAYBOOKS_DIR: "shop" });
    expect(await playbooksLintCommand([], io)).toBe(0);
    expect(io.stdout[0]).toMatch(/^shop: /);
  });

  it("should print each problem as file:line:column message, relative to the working directory, and exit 1", async () => {
    const text = await breakFile(
      "variants/first_contact/warm-welcome.yaml",
      "How can I help you today?",
      "How can I help {{custmer.name}}?",
    );
    const catalog = await breakFile("catalog.yaml", "    stock: 37\n", "    stock: lots\n");
    const io = fakeIo(cwd);
    expect(await playbooksLintCommand(["playbooks"], io)).toBe(1);
    expect(io.stdout).toContain(
      `playbooks/catalog.yaml:${lineOf(catalog, "stock: lots")}:12 products[1].stock: expected number, received string`,
    );
    expect(io.stdout).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^playbooks/variants/first_contact/warm-welcome\\.yaml:${lineOf(text, "custmer")}:\\d+ template \`default\`: unknown template variable custmer\\.name`,
        ),
      ),
    );
    expect(io.stdout).toContain(
      "playbooks/catalog.yaml:1:1 warning: not checked: the prices, discounts and scarcity in the templates of 13 variant files, " +
        "because catalog.yaml has errors; fix it and lint again",
    );
    expect(io.stdout.slice(-2)).toEqual([
      "\nServed versions: not checked (no database at data/closer.db); set DATA_DIR to the service's data folder to check that no version that served customers was edited.",
      "2 errors, 1 warning",
    ]);
  });

  it("should exit 1 on an unbacked price in a template, naming file and line", async () => {
    const text = await breakFile(
      "variants/intent/fit-finder.yaml",
      "    Does that match what you had in mind?",
      "    Special price $99. Does that match?",
    );
    const io = fakeIo(cwd);
    expect(await playbooksLintCommand(["playbooks"], io)).toBe(1);
    expect(io.stdout[0]).toMatch(
      new RegExp(
        `^playbooks/variants/intent/fit-finder\\.yaml:${lineOf(text, "$99")}:\\d+ template \`default\`: "\\$99" is not a catalog price`,
      ),
    );
  });

  it("should report a folder that does not exist without a stack trace", async () => {
    const io = fakeIo(cwd);
    expect(await playbooksLintCommand(["nowhere"], io)).toBe(1);
    expect(io.stdout[0]).toMatch(/^nowhere:1:1 cannot read the playbooks folder .*nowhere/);
    expect(io.stdout.join("\n")).not.toMatch(/\n\s+at /);
  });

  it("should print help and exit 0", async () => {
    const io = fakeIo(cwd);
    expect(await playbooksLintCommand(["--help"], io)).toBe(0);
    expect(io.stdout[0]).toMatch(/^closer playbooks lint \[dir\]/);
  });

  it("should exit 2 on an unknown option or too many folders", async () => {
    const io = fakeIo(cwd);
    expect(await playbooksLintCommand(["--fix"], io)).toBe(2);
    expect(io.stderr[0]).toBe("closer playbooks lint: unknown option --fix");
    expect(await playbooksLintCommand(["a", "b"], fakeIo(cwd))).toBe(2);
  });

  it("should turn an unexpected failure into a one-line message and exit 2", async () => {
    const io = fakeIo(cwd);
    io.out = () => {
      throw new Error("stdout closed");
    };
    expect(await playbooksLintCommand(["playbooks"], io)).toBe(2);
    expect(io.stderr).toEqual(["closer playbooks lint: stdout closed"]);
  });
});

// The real commands, each in a process of its own, on one install: DATA_DIR as `closer serve` uses it.
describe("closer playbooks lint, with the service's database", () => {
  const env = () => ({ DATA_DIR: join(cwd, "data"), PLAYBOOKS_DIR: "playbooks", LOG_LEVEL: "silent" });
  const WELCOME = "variants/first_contact/warm-welcome.yaml";

  async function serveOnce(): Promise<void> {
    // What a first customer does to a version: the service records its hash at first service.
    expect(runBuiltCli(["experiments"], { cwd, env: env() }).status).toBe(0);
    const db = openSqliteDatabase({ file: join(cwd, "data", "closer.db") });
    try {
      await markVersionServed(db, "warm-welcome@2", Date.now());
    } finally {
      await db.destroy();
    }
  }

  it("should report an edited served version exactly as serve refuses it, and exit 1", async () => {
    await serveOnce();
    const text = await breakFile(WELCOME, "How can I help you today?", "What brings you here today?");
    const problem =
      `playbooks/${WELCOME}:${lineOf(text, "version: 2")}:10 ` +
      "variant warm-welcome@2 has served customers and its text changed; bump `version` to 3 to make a new arm";
    const lint = runBuiltCli(["playbooks", "lint"], { cwd, env: env() });
    expect(lint.lines).toEqual([
      problem,
      "Served versions: checked against data/closer.db (1 version has served customers).",
      "1 error",
    ]);
    expect(lint.status).toBe(1);
    const serve = runBuiltCli(["serve"], { cwd, env: { ...env(), PORT: "0", HOST: "127.0.0.1" } });
    expect(serve.lines).toEqual([`closer serve: ${problem}`]);
    expect(serve.status).toBe(1);
  });

  it("should pass an unedited served version and say what it checked against", async () => {
    await serveOnce();
    const lint = runBuiltCli(["playbooks", "lint"], { cwd, env: env() });
    expect(lint.status).toBe(0);
    expect(lint.lines.at(-1)).toBe("Served versions: checked against data/closer.db (1 version has served customers).");
  });

  it("should say the check was not made when DATA_DIR has no database, without creating one", async () => {
    await breakFile(WELCOME, "How can I help you today?", "What brings you here today?");
    const lint = runBuiltCli(["playbooks", "lint"], { cwd, env: env() });
    expect(lint.status).toBe(0);
    expect(lint.lines.at(-1)).toBe(
      "Served versions: not checked (no database at data/closer.db); set DATA_DIR to the service's data folder " +
        "to check that no version that served customers was edited.",
    );
    expect(existsSync(join(cwd, "data"))).toBe(false);
  });

  it("should say the check was not made when the database cannot be read", async () => {
    await mkdir(join(cwd, "data"));
    await writeFile(join(cwd, "data", "closer.db"), "a note, not a database");
    const lint = runBuiltCli(["playbooks", "lint"], { cwd, env: env() });
    expect(lint.status).toBe(0);
    expect(lint.lines.at(-1)).toMatch(
      /^Served versions: not checked \(cannot read data\/closer\.db: file is not a database\); set DATA_DIR/,
    );
  });

  it("should reject a signal regex that backtracks catastrophically, at its line (issue 12, finding 6)", async () => {
    // This regex blocked the event loop for 7.5 s on a 30-character message.
    const text = await breakFile("funnel.yaml", "      - /^\\s*(hi|hello|hey)\\b/", "      - /^(\\w+\\s?)+\\?$/");
    const io = fakeIo(cwd);
    expect(await playbooksLintCommand(["playbooks"], io)).toBe(1);
    const line = lineOf(text, "/^(\\w+\\s?)+\\?$/");
    expect(io.stdout.join("\n")).toMatch(
      new RegExp(`funnel\\.yaml:${line}:\\d+ .*can backtrack catastrophically \\(exponential time`),
    );
  });
});
