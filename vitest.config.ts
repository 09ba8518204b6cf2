import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

/**
 * The store's tests run twice: on SQLite (project `sqlite`, with every other
 * test) and on a real PostgreSQL server (project `postgres`), which
 * test/support/postgres-global-setup.ts starts in a temporary cluster from
 * Debian's `postgresql` package. Without that package locally the `postgres`
 * project is left out with a message; in CI (`CI` set) it is never left out,
 * so a missing server fails the run instead of passing it silently.
 */
const POSTGRES_TESTS = [
  "test/store/*.repository.test.ts",
  "test/store/transaction.test.ts",
  "test/store/ciphertext-rebinding.test.ts",
  // The cache of arms and policies sees another instance's changes through the store's triggers.
  "test/experiments/arm-policy-cache.test.ts",
  "test/**/*.postgres.test.ts",
];

function hasPostgresBinaries(): boolean {
  const fromEnv = process.env["POSTGRES_BIN"];
  if (fromEnv) return existsSync(join(fromEnv, "initdb"));
  const root = "/usr/lib/postgresql";
  return existsSync(root) && readdirSync(root).some((v) => existsSync(join(root, v, "bin", "initdb")));
}

const withPostgres = hasPostgresBinaries() || Boolean(process.env["CI"]);
if (!withPostgres) {
  console.warn(
    "PostgreSQL tests skipped: no initdb under /usr/lib/postgresql/*/bin (apt-get install postgresql, or set POSTGRES_BIN).",
  );
}

export default defineConfig({
  test: {
    // Wide: the e2e tests spawn servers and browsers, and the 2-core machines they run on are shared.
    testTimeout: 90_000,
    hookTimeout: 120_000,
    pool: "forks",
    // The JSON report lets .ci/run print a plain "N passed, N failed" line.
    reporters: ["default", ["json", { outputFile: "test-artifacts/vitest.json" }]],
    projects: [
      {
        extends: true,
        test: { name: "sqlite", include: ["test/**/*.test.ts"], exclude: ["test/**/*.postgres.test.ts"] },
      },
      ...(withPostgres
        ? [
            {
              extends: true,
              test: {
                name: "postgres",
                include: POSTGRES_TESTS,
                env: { CLOSER_TEST_DATABASE: "postgres" },
                globalSetup: ["test/support/postgres-global-setup.ts"],
              },
            },
          ]
        : []),
    ],
  },
});
