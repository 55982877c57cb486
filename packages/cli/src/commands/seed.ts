import { existsSync } from "node:fs";
import path from "node:path";
import type { SeedKeyValue } from "@orrery/schema";
import { defineCommand, UsageError } from "../command";
import { loadConfig } from "../config";
import { parseDatabaseUrl } from "../database-url";
import { loadSchemaModule } from "../load-schema-module";
import { type PreparedTable, prepareSeed, seedDefinitionOf } from "../seed/prepare-seed";
import { type SeedCounts, seedDatabase } from "../seed/sql-target";
import { seedWorker } from "../seed/worker-target";
import { adminToken } from "../worker-admin";

const HELP = `Usage: orrery seed [file] --url <DATABASE_URL> --namespace <ns>
       orrery seed [file] --worker <url> --namespace <ns> [--token <admin token>]

Upserts the rows of a seed file (default orrery/seed.ts, which exports
defineSeed(schema, { tables: { <table>: { key: [...], rows } } }) from @orrery/schema).
Every row of every table is checked against the schema before anything is written. A row's
_id is derived from its table and natural key (seedId), so running the seed again updates
the same rows in place: same ids, same _creationTime, _version raised only when a value
changed.

Targets:
  --url <url>        Postgres or MySQL (postgres://…, mysql://…; default $DATABASE_URL): the
                     seed's .global() tables, with _namespace = --namespace, one transaction
                     per table; plain tables are skipped (they live in each namespace's
                     Durable Object: seed them with --worker)
  --worker <url>     a running worker (e.g. orrery dev's http://localhost:8787/api; a bare
                     origin gets /api): every table, through POST <url>/<ns>/admin/seed, in
                     one mutation of the namespace's Durable Object (DO SQLite and D1)

Options:
  --namespace <ns>   the namespace to seed (required)
  --token <token>    the worker's admin token (default $ORRERY_ADMIN_TOKEN)
  --schema <file>    the module exporting the schema (default: "schema" in orrery.config.json,
                     else orrery/schema.ts)
  -h, --help         show this help

Exit codes: 0 seeded, 1 a row failed validation or the database/worker refused, 2 bad usage.`;

const MAX_NAMESPACE = 255;

function countsLine(table: string, rows: number, counts: SeedCounts): string {
  return `${table}: ${rows} row${rows === 1 ? "" : "s"} (${counts.inserted} inserted, ${counts.updated} updated, ${counts.unchanged} unchanged)`;
}

export const seedCommand = defineCommand({
  name: "seed",
  summary: "Upsert a seed file's rows (Postgres/MySQL by DATABASE_URL, or a running worker)",
  help: HELP,
  positionals: true,
  options: {
    url: { type: "string" },
    namespace: { type: "string" },
    worker: { type: "string" },
    token: { type: "string" },
    schema: { type: "string" },
  },
  async run({ values, positionals, io }) {
    const show = (file: string) => path.relative(io.cwd, file) || ".";
    if (positionals.length > 1)
      throw new UsageError(`expected at most one seed file, got ${positionals.length}`);
    const config = loadConfig(io.cwd);
    const seedFile = path.resolve(io.cwd, positionals[0] ?? path.join(config.functions, "seed.ts"));
    const schemaFile =
      typeof values.schema === "string" ? path.resolve(io.cwd, values.schema) : config.schema;
    const worker = values.worker as string | undefined;
    const url =
      (values.url as string | undefined) ?? (worker === undefined ? process.env.DATABASE_URL : undefined);
    const namespace = values.namespace as string | undefined;

    if (worker !== undefined && values.url !== undefined)
      throw new UsageError("pass either --url (Postgres/MySQL) or --worker (a running worker), not both");
    if (worker === undefined && !url)
      throw new UsageError(
        "nowhere to seed: pass --url <DATABASE_URL> (or set DATABASE_URL) or --worker <url>",
      );
    if (namespace === undefined || namespace === "")
      throw new UsageError("--namespace is required: the namespace whose rows the seed writes");
    if (namespace.length > MAX_NAMESPACE)
      throw new UsageError(`--namespace is longer than ${MAX_NAMESPACE} characters`);
    const token = worker === undefined ? undefined : adminToken(values.token);
    const target = url !== undefined && worker === undefined ? parseDatabaseUrl(url) : undefined;
    if (!existsSync(seedFile))
      throw new UsageError(`${show(seedFile)} not found (pass the seed file as an argument)`);
    if (!existsSync(schemaFile))
      throw new UsageError(
        `${show(schemaFile)} not found (pass --schema or set "schema" in orrery.config.json)`,
      );

    // The seed file runs with the project's own @orrery/schema, so its seedId is the one used here.
    const { schema, orrery, modules } = await loadSchemaModule<{
      seedId: (table: string, key: Record<string, SeedKeyValue>) => string;
    }>(schemaFile, show(schemaFile), ["seedId"], { seed: seedFile });
    if (typeof orrery.seedId !== "function")
      throw new UsageError("the project's @orrery/schema has no seedId: update @orrery/schema", 1);
    const tables = await prepareSeed(
      schema,
      seedDefinitionOf(modules.seed ?? {}, show(seedFile)),
      orrery.seedId,
    );
    const total = (table: PreparedTable) => table.rows.length;

    if (target) {
      const global = tables.filter((table) => table.definition.isGlobal);
      const plain = tables.filter((table) => !table.definition.isGlobal);
      if (global.length === 0)
        throw new UsageError(
          `${show(seedFile)} seeds no .global() tables, the only ones in ${target.engine}; seed plain tables with --worker`,
          1,
        );
      if (plain.length > 0)
        io.err(
          `Skipping plain table${plain.length === 1 ? "" : "s"} ${plain.map((t) => `"${t.name}"`).join(", ")}: they live in each namespace's Durable Object (seed them with --worker).`,
        );
      await seedDatabase(target, namespace, global, (name, counts) =>
        io.out(countsLine(name, total(global.find((t) => t.name === name)!), counts)),
      );
      io.out(
        `Seeded ${global.length} table${global.length === 1 ? "" : "s"} in ${target.display}, namespace "${namespace}".`,
      );
      return 0;
    }

    const counts = await seedWorker(worker!, namespace, token!, tables);
    for (const table of tables) {
      const tableCounts = counts[table.name];
      if (tableCounts) io.out(countsLine(table.name, total(table), tableCounts));
    }
    io.out(
      `Seeded ${tables.length} table${tables.length === 1 ? "" : "s"} through ${worker}, namespace "${namespace}".`,
    );
    return 0;
  },
});
