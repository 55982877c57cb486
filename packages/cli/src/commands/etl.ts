import path from "node:path";
import type { SchemaDefinition } from "@orrery/schema";
import { type CommandIo, defineCommand, UsageError } from "../command";
import { loadConfig } from "../config";
import { parseDatabaseUrl } from "../database-url";
import { EtlProblems } from "../etl/etl-problems";
import { EtlTarget } from "../etl/etl-target";
import { ETL_CONFIG_FILE, loadEtlConfig } from "../etl/load-etl-config";
import { openSource } from "../etl/open-source";
import { orreryTablesConfig } from "../etl/orrery-tables";
import { planEtl } from "../etl/plan-etl";
import { barProgress, lineProgress } from "../etl/progress";
import { runEtl, runVerify } from "../etl/run-etl";
import { describeSourceTables } from "../etl/source-tables";
import type { SqliteDatabase } from "../etl/sqlite";
import type { DanglingPolicy } from "../etl/transform-chunk";

const SHARED_OPTIONS = `  --config <file>        the ETL config (default: ${ETL_CONFIG_FILE}), exporting
                         defineEtl(schema, { tables }) from "@orrery/cli/etl"
  --url <url>            the target (default: $DATABASE_URL): postgres://… or mysql://…
  --namespace <ns>       the namespace the rows belong to (default: "namespace" in the config)
  --schema <file>        the module exporting the schema (default: "schema" in orrery.config.json,
                         else orrery/schema.ts)
  --on-dangling <what>   a reference to a row that is not there: fail (default), null (leave an
                         optional field empty) or skip (leave the row out)`;

const HELP = `Usage: orrery etl [<source>] [options]
       orrery etl verify [<source>] [options]

Copies a D1/SQLite database into the schema's .global() tables on Postgres or MySQL: every row
gets a ULID _id (in source order; time part from the table's timestamp column), references are
rewritten through the old→new id map (kept in the target's _orrery_etl_ids), values are
coerced to the fields' types, tables load parents first in chunks of one transaction each, and
the result is verified: row counts, a checksum of the canonical rows on both sides, no dangling
references. A re-run continues where a crashed run stopped and never duplicates a row.

<source> is a SQLite file (a local D1 database under .wrangler/state/v3/d1, or that folder when
it holds one), or a SQL dump as "wrangler d1 export" writes it (default: "source" in the config).
The config, the schema, the source and the target tables are all checked before a row is
written; so is every row.

An app leaving D1 needs no config: without ${ETL_CONFIG_FILE} (and --config), the schema's
.global() tables that the source holds as Orrery made them in D1 are copied into themselves,
the namespace's rows only, each keeping its _id, _creationTime and _version. The same goes for
such a table named in a config.

Options:
${SHARED_OPTIONS}
  --chunk-size <n>       rows per INSERT and transaction (default: 1000)
  --dry-run              do everything but write: check the config, the target and every row
  --diff                 when verify finds a difference, print the first differing rows
  -h, --help             show this help

Progress: a bar per table on a terminal, else a line per chunk.
Exit codes: 0 loaded and verified, 1 a problem (config, source, target, rows, verify), 2 bad usage.`;

const VERIFY_HELP = `Usage: orrery etl verify [<source>] [options]

Checks a load against its source without writing: per table, the row counts and a checksum of
the canonical rows (the source's rows transformed as orrery etl does, against the target's rows
of the namespace, both in _id order), and no reference field pointing at a missing row.

Options:
${SHARED_OPTIONS}
  --diff                 print the first differing rows of a table that differs
  -h, --help             show this help

Exit codes: 0 the same, 1 a difference or a problem, 2 bad usage.`;

const OPTIONS = {
  config: { type: "string" },
  url: { type: "string" },
  namespace: { type: "string" },
  schema: { type: "string" },
  "on-dangling": { type: "string" },
  diff: { type: "boolean" },
} as const;

const POLICIES: readonly DanglingPolicy[] = ["fail", "null", "skip"];
const DIFF_ROWS = 10;
const MAX_NAMESPACE = 255;

function chunkSizeOf(value: unknown): number {
  if (value === undefined) return 1000;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100_000)
    throw new UsageError(`--chunk-size ${String(value)}: expected a whole number from 1 to 100000`);
  return n;
}

/** Everything both subcommands need, checked in order; every failure is one line (or one report). */
async function prepare(
  values: Record<string, unknown>,
  positionals: string[],
  io: CommandIo,
  chunkSize: number,
) {
  const show = (file: string) => path.relative(io.cwd, file) || ".";
  if (positionals.length > 1) throw new UsageError(`expected at most one source, got ${positionals.length}`);
  const onDangling = (values["on-dangling"] ?? "fail") as DanglingPolicy;
  if (!POLICIES.includes(onDangling))
    throw new UsageError(`--on-dangling ${String(onDangling)}: expected fail, null or skip`);
  const raw = typeof values.url === "string" ? values.url : process.env.DATABASE_URL;
  if (!raw) throw new UsageError("no target: set DATABASE_URL or pass --url postgres://… or mysql://…");
  const url = parseDatabaseUrl(raw);
  const schemaFile =
    typeof values.schema === "string" ? path.resolve(io.cwd, values.schema) : loadConfig(io.cwd).schema;
  const loaded = await loadEtlConfig(values.config as string | undefined, schemaFile, io.cwd, show);
  const config = loaded.config ?? {};
  const where = loaded.config ? ` in ${show(loaded.file)}` : "";
  const sourceArg =
    positionals[0] !== undefined
      ? path.resolve(io.cwd, positionals[0])
      : typeof config.source === "string"
        ? path.resolve(path.dirname(loaded.file), config.source)
        : undefined;
  if (sourceArg === undefined)
    throw new UsageError(
      `no source: pass the D1 SQLite file or dump${where ? `, or set "source"${where}` : ""}`,
    );
  const namespace = typeof values.namespace === "string" ? values.namespace : config.namespace;
  if (typeof namespace !== "string" || namespace === "")
    throw new UsageError(`no namespace: pass --namespace${where ? ` or set "namespace"${where}` : ""}`);
  if (namespace.length > MAX_NAMESPACE)
    throw new UsageError(`--namespace is longer than ${MAX_NAMESPACE} characters`);
  const source = await openSource(sourceArg, show);
  try {
    const plan = planEtl(loaded.config ?? ownTablesConfig(loaded.schema, source, show(loaded.file), io), {
      schema: loaded.schema,
      db: source.db,
      engine: url.engine,
      configName: show(loaded.file),
      sourceName: show(source.file),
      chunkSize,
      namespace,
    });
    const target = await EtlTarget.open(url, namespace);
    return { source, plan, target, schema: loaded.schema, onDangling };
  } catch (error) {
    source.db.close();
    throw error;
  }
}

/**
 * Without a config file: the schema's `.global()` tables the source holds as Orrery made them
 * in D1 (an app leaving D1 for Postgres/MySQL), each into itself, keeping ids and versions.
 */
function ownTablesConfig(
  schema: SchemaDefinition,
  source: { readonly db: SqliteDatabase; readonly file: string },
  configName: string,
  io: CommandIo,
) {
  const config = orreryTablesConfig(schema, describeSourceTables(source.db));
  const names = Object.keys(config.tables);
  if (names.length === 0) {
    const globals = Object.keys(schema.tables).filter((name) => schema.tables[name]!.isGlobal);
    throw new UsageError(
      `no ${configName}, and the source holds none of the schema's .global() tables (${globals.join(", ") || "none"}) as Orrery made them: write one with export default defineEtl(schema, { tables }) from "@orrery/cli/etl", or pass --config <file>`,
      1,
    );
  }
  io.out(
    `No ${configName}: the app's own .global() tables, as Orrery wrote them in D1 (ids and versions kept): ${names.join(", ")}`,
  );
  return config;
}

/** Prints a report of several problems, one line each; exit 1. */
function reportProblems(error: unknown, name: string, io: CommandIo): number {
  if (!(error instanceof EtlProblems)) throw error;
  io.err(`orrery ${name}: ${error.headline}`);
  for (const problem of error.problems) io.err(`  ${problem}`);
  return 1;
}

const verifySubcommand = defineCommand({
  name: "verify",
  summary: "Compare a load with its source: counts, checksums, dangling references",
  help: VERIFY_HELP,
  positionals: true,
  options: OPTIONS,
  async run({ values, positionals, io }) {
    try {
      const { source, plan, target, schema, onDangling } = await prepare(values, positionals, io, 1000);
      try {
        return await runVerify({
          db: source.db,
          plan,
          schema,
          target,
          onDangling,
          diff: values.diff ? DIFF_ROWS : 0,
          io,
        });
      } finally {
        await target.close();
        source.db.close();
      }
    } catch (error) {
      return reportProblems(error, "etl verify", io);
    }
  },
});

export const etlCommand = defineCommand({
  name: "etl",
  summary: "Load a D1/SQLite database into the .global() tables on Postgres/MySQL (and verify)",
  help: HELP,
  positionals: true,
  subcommands: [verifySubcommand],
  options: { ...OPTIONS, "chunk-size": { type: "string" }, "dry-run": { type: "boolean" } },
  async run({ values, positionals, io }) {
    const chunkSize = chunkSizeOf(values["chunk-size"]);
    try {
      const { source, plan, target, schema, onDangling } = await prepare(values, positionals, io, chunkSize);
      try {
        return await runEtl({
          db: source.db,
          plan,
          schema,
          target,
          chunkSize,
          onDangling,
          dryRun: values["dry-run"] === true,
          diff: values.diff ? DIFF_ROWS : 0,
          io,
          progress: io.terminal ? barProgress(io.terminal) : lineProgress(io.out),
        });
      } finally {
        await target.close();
        source.db.close();
      }
    } catch (error) {
      return reportProblems(error, "etl", io);
    }
  },
});
