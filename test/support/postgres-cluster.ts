/**
 * A throwaway PostgreSQL server for the tests: Debian's `postgresql` package
 * (initdb, pg_ctl under /usr/lib/postgresql/<version>/bin) makes a cluster in a
 * temp folder, listening on a unix socket in that folder only (no TCP port, so
 * parallel runs never collide), with fsync off (a test cluster need not
 * survive a power cut). As root it runs as the `postgres` user, since the
 * server refuses to run as root.
 * @module
 */
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";

/** The role and database every test cluster has. */
export const TEST_CLUSTER_USER = "closer";

/** A running test cluster. */
export interface PostgresCluster {
  /** `postgres://closer@localhost/closer?host=<socket dir>`: trust auth, superuser. */
  readonly url: string;
  /** The folder holding the data directory and the socket. */
  readonly dir: string;
  /** Stops the server (fast shutdown) and deletes the folder. Safe to call twice. */
  stop(): void;
}

/**
 * The folder with `initdb`, `pg_ctl` and `postgres`: `$POSTGRES_BIN` when set,
 * else the newest /usr/lib/postgresql/<version>/bin; undefined when none exists.
 */
export function findPostgresBinaries(): string | undefined {
  const fromEnv = process.env["POSTGRES_BIN"];
  if (fromEnv && existsSync(join(fromEnv, "initdb"))) return fromEnv;
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "initdb")) && existsSync(join(root, v, "bin", "pg_ctl")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], "bin");
}

/** Options of {@link startPostgresCluster}. */
export interface PostgresClusterOptions {
  /**
   * Keep PostgreSQL's durable defaults (fsync, synchronous commit, full page
   * writes), as a production server runs: the benchmark compares it with
   * SQLite's `synchronous=FULL`. Default false: the tests skip the syncs.
   */
  durable?: boolean;
}

/**
 * Creates and starts a cluster; resolves once it accepts connections.
 * @throws when no binaries are found or the server does not start (its log is in the message).
 */
export function startPostgresCluster({ durable = false }: PostgresClusterOptions = {}): PostgresCluster {
  const bin = findPostgresBinaries();
  if (bin === undefined) throw new Error("No PostgreSQL binaries (install Debian's postgresql package).");
  const dir = mkdtempSync(join(tmpdir(), "closer-pg-"));
  const asRoot = userInfo().uid === 0;
  if (asRoot) chownSync(dir, postgresUid(), postgresGid());
  const data = join(dir, "data");
  const log = join(dir, "server.log");
  const run = (tool: string, args: string[]): void => {
    const command = join(bin, tool);
    if (asRoot) execFileSync("runuser", ["-u", "postgres", "--", command, ...args], { stdio: "pipe" });
    else execFileSync(command, args, { stdio: "pipe" });
  };
  try {
    run("initdb", ["-D", data, "-U", TEST_CLUSTER_USER, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
    const serverOptions = [
      "-c listen_addresses=''",
      `-c unix_socket_directories='${dir}'`,
      ...(durable ? [] : ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]),
      "-c max_connections=300",
      `-c shared_buffers=${durable ? "128MB" : "32MB"}`,
    ].join(" ");
    run("pg_ctl", ["-D", data, "-l", log, "-o", serverOptions, "-w", "-t", "60", "start"]);
    run("createdb", ["-h", dir, "-U", TEST_CLUSTER_USER, TEST_CLUSTER_USER]);
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? "";
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`The test PostgreSQL cluster did not start: ${stderr || String(error)}`);
  }
  let stopped = false;
  return {
    url: `postgres://${TEST_CLUSTER_USER}@localhost/${TEST_CLUSTER_USER}?host=${encodeURIComponent(dir)}`,
    dir,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function postgresUid(): number {
  return Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
}

function postgresGid(): number {
  return Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
}

/** `url` pointing at database `name` on the same server. */
export function postgresDatabaseUrl(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}
