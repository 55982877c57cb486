import { existsSync } from "node:fs";
import path from "node:path";
import type { ExternalEngine } from "@orrery/schema";
import { type Command, type CommandIo, defineCommand, UsageError } from "../command";
import { loadConfig } from "../config";
import { parseDatabaseUrl } from "../database-url";
import { labelFromName } from "../generate/migration-label";
import { loadSchemaModule } from "../load-schema-module";
import { openDatabase } from "../migrate/database";
import { ENGINES, engineFolder } from "../migrate/folder";
import { generateMigrations, type SchemaDdl } from "../migrate/generate";
import { type MigrateAction, runMigrateAction } from "../migrate/runner";

const FOLDER_HELP = `The folder holds one subfolder per engine (postgres/, mysql/) with NNNN_<label>.up.sql and
.down.sql (statements separated by "-- statement-breakpoint"), journal.json (the migrations in
order, with the SHA-256 of each up file) and snapshot.json (the tables as of the last one).`;

const DIR_OPTION = `  --dir <dir>      the migrations folder (default: "globalMigrations" in orrery.config.json,
                   else migrations-global/)`;

const CONNECT_HELP = `  --url <url>      the database (default: $DATABASE_URL): postgres://… or mysql://…; the
                   engine picks the folder's subfolder
${DIR_OPTION}
  -h, --help       show this help

Runs hold a lock (pg_advisory_lock / GET_LOCK('orrery_migrate')) so two at once are safe. On
Postgres each migration runs in a transaction with its record in _orrery_migrations; MySQL commits
DDL as it goes, so a failure names the statement that failed and those already applied, and
records nothing for that migration. An applied migration whose up file changed is refused.

Exit codes: 0 done, 1 a failure (connection, migration, checksum), 2 bad usage.`;

const GENERATE_HELP = `Usage: orrery migrate generate [--name <label>] [--allow-data-loss] [--engine postgres|mysql|all]

Compares the schema's .global() tables (and the store's tables beside them) with the last
migration's snapshot.json and writes the next migration for each engine: an up and a down file.
Writes nothing when nothing changed. A new required (not optional) field on an existing table is
refused: its rows have no value for it (declare it v.optional(...), fill it in, make it required).

${FOLDER_HELP}

Options:
  --name <label>     the migration's label (default: derived from the change, e.g. add_due_date)
  --allow-data-loss  write a migration that drops a table or column or narrows a type (its down
                     re-creates the structure, not the data)
  --engine <engine>  postgres, mysql or all (default: all)
  --schema <file>    the module exporting the schema (default: "schema" in orrery.config.json,
                     else orrery/schema.ts)
${DIR_OPTION.replace("--dir <dir>     ", "--dir <dir>       ").replace("\n                   ", "\n                     ")}
  -h, --help         show this help

Exit codes: 0 written or no changes, 1 data loss without --allow-data-loss or an error, 2 bad usage.`;

const CONNECT_OPTIONS = { url: { type: "string" }, dir: { type: "string" } } as const;

function folderRoot(values: Record<string, unknown>, io: CommandIo): string {
  return typeof values.dir === "string"
    ? path.resolve(io.cwd, values.dir)
    : loadConfig(io.cwd).globalMigrations;
}

const show = (io: CommandIo) => (file: string) => path.relative(io.cwd, file) || ".";

function actionCommand(action: MigrateAction, summary: string, usage: string): Command {
  return defineCommand({
    name: action,
    summary,
    help: `Usage: orrery migrate ${action} [--url <url>] [--dir <dir>]

${usage}

Options:
${CONNECT_HELP}`,
    options: CONNECT_OPTIONS,
    async run({ values, io }) {
      const raw = typeof values.url === "string" ? values.url : process.env.DATABASE_URL;
      if (!raw) throw new UsageError("no database: set DATABASE_URL or pass --url postgres://… or mysql://…");
      const target = parseDatabaseUrl(raw);
      const root = folderRoot(values, io);
      const db = await openDatabase(target);
      try {
        return await runMigrateAction(action, {
          db,
          folder: engineFolder(root, target.engine),
          show: show(io),
          io,
        });
      } finally {
        await db.close();
      }
    },
  });
}

const generateSubcommand = defineCommand({
  name: "generate",
  summary: "Write the next migration of the .global() tables",
  help: GENERATE_HELP,
  options: {
    name: { type: "string" },
    "allow-data-loss": { type: "boolean" },
    engine: { type: "string" },
    schema: { type: "string" },
    dir: { type: "string" },
  },
  async run({ values, io }) {
    const label = typeof values.name === "string" ? labelFromName(values.name) : undefined;
    const engineArg = typeof values.engine === "string" ? values.engine : "all";
    if (engineArg !== "all" && !ENGINES.includes(engineArg as ExternalEngine))
      throw new UsageError(`--engine "${engineArg}": expected postgres, mysql or all`);
    const engines = engineArg === "all" ? ENGINES : [engineArg as ExternalEngine];
    const config = loadConfig(io.cwd);
    const schemaFile =
      typeof values.schema === "string" ? path.resolve(io.cwd, values.schema) : config.schema;
    if (!existsSync(schemaFile))
      throw new UsageError(
        `${show(io)(schemaFile)} not found (pass --schema or set "schema" in orrery.config.json)`,
      );
    const { schema, orrery } = await loadSchemaModule<{
      schemaDdl: SchemaDdl["schemaDdl"];
      systemTablesDdl: SchemaDdl["systemTablesDdl"];
    }>(schemaFile, show(io)(schemaFile), ["schemaDdl", "systemTablesDdl"]);
    return generateMigrations({
      schema,
      ddl: orrery,
      root: folderRoot(values, io),
      engines,
      label,
      allowDataLoss: values["allow-data-loss"] === true,
      io,
      show: show(io),
    });
  },
});

const SUBCOMMANDS: readonly Command[] = [
  generateSubcommand,
  actionCommand("latest", "Apply every pending migration", "Applies every pending migration, in order."),
  actionCommand("up", "Apply the next pending migration", "Applies the next pending migration."),
  actionCommand(
    "down",
    "Revert the last applied migration",
    "Runs the last applied migration's down file and deletes its record. A down that re-creates a\ndropped table or column brings back its structure, not its data.",
  ),
  actionCommand(
    "list",
    "Show each migration, applied (when) or pending",
    "Prints each migration of the folder, applied (with when, ISO time) or pending, and any migration\nrecorded in the database but missing from the folder. Changes nothing.",
  ),
];

const width = Math.max(...SUBCOMMANDS.map((c) => c.name.length));

const HELP = `Usage: orrery migrate <subcommand> [options]

Versioned migrations for .global() tables on Postgres and MySQL (DO SQLite and D1 use
"orrery generate"). latest, up, down and list connect to DATABASE_URL (or --url).

Subcommands:
${SUBCOMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}

Run "orrery migrate <subcommand> --help" for its options.`;

export const migrateCommand = defineCommand({
  name: "migrate",
  summary: "Migrations for .global() tables on Postgres/MySQL (generate, latest, up, down, list)",
  help: HELP,
  options: {},
  positionals: true,
  subcommands: SUBCOMMANDS,
  async run({ positionals }) {
    if (positionals.length === 0)
      throw new UsageError(`expected a subcommand: ${SUBCOMMANDS.map((c) => c.name).join(", ")}`);
    throw new UsageError(
      `unknown subcommand "${positionals[0]}" (expected one of: ${SUBCOMMANDS.map((c) => c.name).join(", ")})`,
    );
  },
});
