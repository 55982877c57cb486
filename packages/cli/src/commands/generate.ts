import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { defineCommand, UsageError } from "../command";
import { loadConfig } from "../config";
import { loadDrizzleTables } from "../generate/load-drizzle-tables";
import { describeChange, labelFromName } from "../generate/migration-label";
import { migrationWarnings } from "../generate/migration-warnings";
import { nextMigration } from "../generate/next-migration";
import { planMigration } from "../generate/plan-migration";
import { readMigrationsFolder } from "../generate/read-migrations-folder";

const HELP = `Usage: orrery generate [--name <label>] [--schema <file>] [--out <dir>] [--check]

Writes the next SQL migration for the schema: diffs the tables of defineSchema(...) (and the
store's own _orrery_* tables) against the last snapshot in the migrations folder, and writes
drizzle-kit's folder format (NNNN_<label>.sql, meta/, migrations.js) that the Durable Object's
durable-sqlite migrator and "wrangler d1 migrations apply" both read. Writes nothing when the
schema has not changed.

Options:
  --name <label>   the migration's label (default: derived from the change, e.g. add_due_date)
  --schema <file>  the module exporting the schema (default: "schema" in orrery.config.json,
                   else orrery/schema.ts)
  --out <dir>      the migrations folder (default: "migrations" in orrery.config.json,
                   else migrations/)
  --check          write nothing; exit 1 when a migration is due (for CI)
  -h, --help       show this help

Exit codes: 0 written or up to date, 1 a migration is due (--check) or an error, 2 bad usage.`;

export const generateCommand = defineCommand({
  name: "generate",
  summary: "Write the next SQL migration from the schema",
  help: HELP,
  options: {
    name: { type: "string" },
    schema: { type: "string" },
    out: { type: "string" },
    check: { type: "boolean" },
  },
  async run({ values, io }) {
    const show = (file: string) => path.relative(io.cwd, file) || ".";
    const label = typeof values.name === "string" ? labelFromName(values.name) : undefined;
    const config = loadConfig(io.cwd);
    const schemaFile =
      typeof values.schema === "string" ? path.resolve(io.cwd, values.schema) : config.schema;
    const outDir = typeof values.out === "string" ? path.resolve(io.cwd, values.out) : config.migrations;
    if (!existsSync(schemaFile)) {
      throw new UsageError(
        `${show(schemaFile)} not found (pass --schema or set "schema" in orrery.config.json)`,
      );
    }

    const folder = readMigrationsFolder(outDir, show);
    const tables = await loadDrizzleTables(schemaFile, show(schemaFile));
    const previousName = folder.previousFile ? show(folder.previousFile) : "an empty database";
    const plan = await planMigration(folder.previous, tables, previousName);
    if (plan.statements.length === 0) {
      io.out(`No schema changes; migrations in ${show(outDir)} are up to date.`);
      return 0;
    }

    const next = nextMigration(
      folder,
      plan,
      label ?? describeChange(folder.previous, plan.snapshot),
      Date.now(),
    );
    const count = `${plan.statements.length} statement${plan.statements.length === 1 ? "" : "s"}`;
    if (values.check) {
      io.err(`${show(next.sqlFile)} (${count}) is due: the schema changed since the last migration.`);
      io.err('Run "orrery generate" and commit the migration.');
      return 1;
    }
    for (const file of next.files) {
      if (file.created && existsSync(file.path))
        throw new UsageError(`${show(file.path)} already exists but is not in meta/_journal.json`, 1);
    }
    mkdirSync(path.join(outDir, "meta"), { recursive: true });
    for (const file of next.files) {
      const verb = existsSync(file.path) ? "updated" : "wrote";
      writeFileSync(file.path, file.contents);
      io.out(`${verb} ${show(file.path)}${file.path === next.sqlFile ? ` (${count})` : ""}`);
    }
    for (const warning of migrationWarnings(folder.previous, plan, show(next.sqlFile))) io.err(warning);
    return 0;
  },
});
