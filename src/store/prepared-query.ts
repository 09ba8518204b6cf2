/**
 * Queries built and compiled once, run many times: kysely builds and compiles
 * every query anew (an immutable tree cloned at each step, then visited), which
 * the pipeline benchmark's profile showed at ~10% of the server's time. A hot
 * query of a fixed shape is built once per database dialect with a named slot
 * in place of each varying value; each run copies the compiled SQL and fills
 * the slots. The SQL and the values are exactly those kysely would produce.
 * @module
 */
import type { Compilable, CompiledQuery, Kysely, QueryResult } from "kysely";
import type { Database } from "./database.js";

/** What a slot holds while the query is built: a string no caller can pass. */
const SLOT_MARK = "\u0000closer-slot:";

interface Compiled<R> {
  query: CompiledQuery<R>;
  /** For each parameter, the slot it is filled from, or null for a constant of the query. */
  slots: (string | null)[];
}

/**
 * A query of a fixed shape whose values vary. `build` receives the slots as
 * stand-ins for the values: use each where kysely makes a parameter (a compared
 * value, an inserted or set value, a limit), never to choose the query's shape.
 */
export class PreparedQuery<P extends object, R> {
  readonly #build: (db: Kysely<Database>, slots: P) => Compilable<R>;
  /** Per dialect adapter: the SQL differs between SQLite and PostgreSQL, and transactions share their database's adapter. */
  readonly #compiled = new WeakMap<object, Compiled<R>>();

  constructor(build: (db: Kysely<Database>, slots: P) => Compilable<R>) {
    this.#build = build;
  }

  /** Runs the query with `values` in its slots. */
  execute(db: Kysely<Database>, values: P): Promise<QueryResult<R>> {
    const adapter = db.getExecutor().adapter;
    let compiled = this.#compiled.get(adapter);
    if (compiled === undefined) {
      compiled = this.#compile(db);
      this.#compiled.set(adapter, compiled);
    }
    const { query, slots } = compiled;
    const parameters = query.parameters.map((constant, i) => {
      const slot = slots[i];
      return slot === null || slot === undefined ? constant : (values as Record<string, unknown>)[slot];
    });
    return db.executeQuery<R>({ ...query, parameters });
  }

  /** The rows of a run. */
  async rows(db: Kysely<Database>, values: P): Promise<R[]> {
    return (await this.execute(db, values)).rows;
  }

  /** The first row of a run, or undefined. */
  async first(db: Kysely<Database>, values: P): Promise<R | undefined> {
    return (await this.execute(db, values)).rows[0];
  }

  #compile(db: Kysely<Database>): Compiled<R> {
    const stand = new Proxy({} as P, { get: (_target, name) => `${SLOT_MARK}${String(name)}` });
    const query = this.#build(db, stand).compile();
    if (query.sql.includes(SLOT_MARK))
      throw new Error("a prepared query's slot became part of its SQL, not a parameter");
    const slots = query.parameters.map((value) =>
      typeof value === "string" && value.startsWith(SLOT_MARK) ? value.slice(SLOT_MARK.length) : null,
    );
    return { query, slots };
  }
}

/**
 * An update by id whose set columns vary from call to call (a patch object): one
 * {@link PreparedQuery} per set of columns, so each call site's shape is built once.
 */
export class PreparedPatch<Patch extends object> {
  readonly #build: (db: Kysely<Database>, patch: Patch, id: string | number) => Compilable<unknown>;
  readonly #byShape = new Map<string, PreparedQuery<Record<string, unknown>, unknown>>();

  constructor(build: (db: Kysely<Database>, patch: Patch, id: string | number) => Compilable<unknown>) {
    this.#build = build;
  }

  /** Sets the patch's defined values on the row `id` (kysely leaves undefined values out too). */
  async execute(db: Kysely<Database>, id: string | number, patch: Patch): Promise<void> {
    const entries = Object.entries(patch).filter(([, value]) => value !== undefined);
    const shape = entries.map(([key]) => key).join(",");
    let query = this.#byShape.get(shape);
    if (query === undefined) {
      const keys = entries.map(([key]) => key);
      query = new PreparedQuery((qdb, slots: Record<string, unknown>) =>
        this.#build(
          qdb,
          Object.fromEntries(keys.map((key) => [key, slots[`set.${key}`]])) as Patch,
          slots["id"] as string,
        ),
      );
      this.#byShape.set(shape, query);
    }
    const values: Record<string, unknown> = { id };
    for (const [key, value] of entries) values[`set.${key}`] = value;
    await query.execute(db, values);
  }
}
