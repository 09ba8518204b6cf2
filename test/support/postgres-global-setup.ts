/**
 * vitest global setup of the `postgres` project: one temporary PostgreSQL
 * cluster for the whole run (see postgres-cluster.ts) holding a migrated
 * template database, which each test database is copied from (a copy takes
 * ~0.1 s where running the migrations takes ~0.7 s). Provides the cluster's
 * URL as `postgresUrl` and the template's name as `postgresTemplate`; stops
 * and deletes the cluster at the end.
 * @module
 */
import { sql } from "kysely";
import type { TestProject } from "vitest/node";
import { migrateToLatest } from "../../src/store/migrate.js";
import { openPostgresDatabase } from "../../src/store/postgres-database.js";
import { postgresDatabaseUrl, startPostgresCluster } from "./postgres-cluster.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** URL of the run's test cluster (a superuser, trust auth, unix socket). */
    postgresUrl: string;
    /** A migrated database to copy test databases from. */
    postgresTemplate: string;
  }
}

const TEMPLATE = "closer_template";

export default async function setup(project: TestProject): Promise<() => void> {
  const cluster = startPostgresCluster();
  try {
    const admin = openPostgresDatabase({ url: cluster.url, maxConnections: 1 });
    await sql`create database ${sql.id(TEMPLATE)}`.execute(admin);
    await admin.destroy();
    const template = openPostgresDatabase({ url: postgresDatabaseUrl(cluster.url, TEMPLATE), maxConnections: 1 });
    await migrateToLatest(template);
    await template.destroy();
  } catch (error) {
    cluster.stop();
    throw error;
  }
  project.provide("postgresUrl", cluster.url);
  project.provide("postgresTemplate", TEMPLATE);
  return () => cluster.stop();
}
