import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { GlobalBackendChoice, GlobalBackendFactory } from "@orrery/cloudflare";
import { type GlobalMigrationsJournal, mysql } from "@orrery/cloudflare/mysql";
import { postgres } from "@orrery/cloudflare/postgres";
import { defineSchema, defineTable, v } from "@orrery/schema";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { direct, engine, placeholder } from "./database";

/** A `.global()` table no migration creates: a build that ensured tables would create it. */
const ITEMS = "migration_check_items";
const schema = defineSchema({ [ITEMS]: defineTable({ note: v.string() }).global() });

/** A journal of two migrations, as `orrery migrate` writes it; the checksums stand in for the files'. */
const journal: GlobalMigrationsJournal = {
  engine: engine(),
  migrations: [
    { name: "0001_init", checksum: "a".repeat(64) },
    { name: "0002_add_due_date", checksum: "b".repeat(64) },
  ],
};
const [first, second] = journal.migrations as [
  GlobalMigrationsJournal["migrations"][number],
  GlobalMigrationsJournal["migrations"][number],
];
const binding = engine() === "postgres" ? "HYPERDRIVE_PG" : "HYPERDRIVE_MYSQL";

/** The Worker's Hyperdrive backend for this run's engine; with `migrations` when given. */
function backendFactory(migrations?: GlobalMigrationsJournal): GlobalBackendFactory {
  const options = migrations ? { migrations } : {};
  return engine() === "postgres" ? postgres(options) : mysql(options);
}

/**
 * Builds a backend inside a Durable Object (where GlobalStore builds it) and keeps it between
 * calls, as the object's instance does: `step` runs inside the object each time.
 */
function inDurableObject(name: string) {
  let backend: GlobalBackendChoice | undefined;
  return {
    run<R>(
      factory: () => GlobalBackendFactory,
      step: (backend: GlobalBackendChoice) => Promise<R>,
    ): Promise<R> {
      return runInDurableObject(env.GLOBAL_STORE.getByName(name), async () => {
        backend ??= factory()(env as unknown as Record<string, unknown>, schema);
        return step(backend);
      });
    },
  };
}

const selectOne = { sql: "SELECT 1 AS one", params: [] };

async function tableExists(table: string): Promise<boolean> {
  const current = engine() === "postgres" ? "current_schema()" : "DATABASE()";
  const [row] = await direct<{ n: number | string }>(
    `SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name = ${placeholder(1)} AND table_schema = ${current}`,
    [table],
  );
  return Number(row?.n) > 0;
}

async function record(migration: { name: string; checksum: string }): Promise<void> {
  await direct(
    `INSERT INTO _orrery_migrations (name, checksum, applied_at) VALUES (${placeholder(1)}, ${placeholder(2)}, ${placeholder(3)})`,
    [migration.name, migration.checksum, Date.now()],
  );
}

/** A database with `_orrery_migrations` recording `applied` (none: no such table), and no items table. */
async function prepare(applied: readonly { name: string; checksum: string }[] | null): Promise<void> {
  await direct(`DROP TABLE IF EXISTS ${ITEMS}`);
  await direct("DROP TABLE IF EXISTS _orrery_migrations");
  if (applied === null) return;
  await direct(
    "CREATE TABLE _orrery_migrations (name VARCHAR(255) PRIMARY KEY, checksum VARCHAR(64) NOT NULL, applied_at BIGINT NOT NULL)",
  );
  for (const migration of applied) await record(migration);
}

const unique = () => crypto.randomUUID().slice(0, 8);

beforeEach(() => prepare(null));
afterAll(() => prepare(null));

describe(`.global() migrations on ${engine()} through Hyperdrive: the build checks the journal`, () => {
  it("refuses to serve against a database one migration behind, naming it; serves once it is applied, creating no table", async () => {
    await prepare([first]);
    const object = inDurableObject(`migrations-behind-${unique()}`);
    const factory = () => backendFactory(journal);

    const refused = await object.run(factory, (backend) =>
      backend.exec.run(selectOne).then(
        () => undefined,
        (error: unknown) => error,
      ),
    );
    // Nothing was sent, so a mutation here is UNAVAILABLE too, never "outcome unknown".
    expect(refused).toMatchObject({ name: "NotSentError", code: "UNAVAILABLE" });
    const { message } = refused as Error;
    expect(message).toContain(`Hyperdrive binding "${binding}"`);
    expect(message).toContain("is at 0001_init; 0002_add_due_date is pending");
    expect(message).toContain("orrery migrate latest");
    // ctx.sql shares the build, so it is refused too.
    await expect(
      object.run(factory, async (backend) => backend.sql?.().query("SELECT 1 AS one")),
    ).rejects.toThrow("0002_add_due_date is pending");
    expect(await tableExists(ITEMS)).toBe(false);

    // `orrery migrate latest` ran: the failed build was not kept, so the next call checks again.
    await record(second);
    const rows = await object.run(factory, (backend) => backend.exec.run(selectOne));
    expect(rows.rows).toEqual([{ one: 1 }]);
    const builds = await object.run(
      factory,
      async (backend) => (backend.exec as unknown as { builds: number }).builds,
    );
    expect(builds).toBe(1);
    // Checked, not created: the schema's `.global()` table the migrations did not make is still absent.
    expect(await tableExists(ITEMS)).toBe(false);
  });

  it("without _orrery_migrations, the database has no migration applied: the first is pending", async () => {
    const object = inDurableObject(`migrations-none-${unique()}`);
    await expect(
      object.run(
        () => backendFactory(journal),
        (backend) => backend.exec.run(selectOne),
      ),
    ).rejects.toThrow(/has no migration applied; 0001_init is pending \(and 1 more after it\)/);
    expect(await tableExists("_orrery_migrations")).toBe(false);
    expect(await tableExists(ITEMS)).toBe(false);
  });

  it("a migration applied with another checksum than the journal's is refused, naming it", async () => {
    await prepare([first, { name: second.name, checksum: "c".repeat(64) }]);
    const object = inDurableObject(`migrations-changed-${unique()}`);
    await expect(
      object.run(
        () => backendFactory(journal),
        (backend) => backend.exec.run(selectOne),
      ),
    ).rejects.toThrow(`0002_add_due_date applied with checksum ${"c".repeat(64)}`);
  });

  it("without a journal (the local-dev default), the first use creates the missing .global() tables", async () => {
    const object = inDurableObject(`migrations-dev-${unique()}`);
    await object.run(
      () => backendFactory(),
      (backend) => backend.exec.run(selectOne),
    );
    expect(await tableExists(ITEMS)).toBe(true);
  });
});
