import { type SchemaDefinition, type SqlValue, SYSTEM_TABLES } from "@orrery/schema";
import { type CommandIo, UsageError } from "../command";
import { OUTBOX_TABLE, unsentMessages } from "./carry-outbox";
import { checkRows, type TableCounts } from "./check-rows";
import { encodeRow } from "./encode-row";
import type { EtlTarget } from "./etl-target";
import { IdMap } from "./id-map";
import type { EtlPlan } from "./plan-etl";
import type { TablePlan } from "./plan-table";
import type { StartProgress } from "./progress";
import { type SourceRecord, sourceChunks } from "./source-rows";
import type { SqliteDatabase } from "./sqlite";
import { type DanglingPolicy, transformChunk } from "./transform-chunk";
import { type SourceSums, verifyEtl } from "./verify-etl";

export interface EtlRunOptions {
  readonly db: SqliteDatabase;
  readonly plan: EtlPlan;
  readonly schema: SchemaDefinition;
  readonly target: EtlTarget;
  readonly chunkSize: number;
  readonly onDangling: DanglingPolicy;
  readonly dryRun: boolean;
  readonly diff: number;
  readonly io: CommandIo;
  readonly progress: StartProgress;
}

const megabytes = (kilobytes: number) => `${Math.round(kilobytes / 1024)} MB`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Peak resident memory of this process so far. */
export const peakRss = () => megabytes(process.resourceUsage().maxRSS);

function describeCounts(counts: TableCounts): string {
  const { table, rows, minted, skipped, nulled } = counts;
  const parts = [`${minted} new`, `${rows - minted} loaded before`];
  if (skipped > 0) parts.push(`${skipped} skipped`);
  if (nulled > 0) parts.push(`${nulled} with a dangling reference left empty`);
  return `${table.source.name} → ${table.targetTable}: ${plural(rows, "row")} (${parts.join(", ")})`;
}

/** A chunk ready to write: its rows' values and the id map entries that go with them. */
interface PreparedChunk {
  readonly rows: SqlValue[][];
  readonly pending: [sourceId: string, docId: string][];
}

function prepareChunk(
  options: EtlRunOptions,
  table: TablePlan,
  ids: IdMap,
  chunk: SourceRecord[],
): PreparedChunk {
  const { target } = options;
  const rows: SqlValue[][] = [];
  const pending: [string, string][] = [];
  for (const outcome of transformChunk(chunk, { plan: table, ids, onDangling: options.onDangling })) {
    if (outcome.kind === "skip") continue;
    if (outcome.kind !== "row")
      throw new Error(
        `${table.source.name}: row ${outcome.key} changed its outcome between the check and the load`,
      );
    rows.push(encodeRow(table, outcome.doc, target.engine, target.namespace));
    if (outcome.pending) pending.push([outcome.key, String(outcome.doc._id)]);
  }
  return { rows, pending };
}

/**
 * Loads one table, parents already loaded: its rows in source order, a chunk per transaction
 * with the id map entries minted for it (see {@link EtlTarget.writeChunk}). The next chunk is
 * read and transformed while the database writes this one; chunks still commit in order.
 */
async function loadTable(
  options: EtlRunOptions,
  table: TablePlan,
  ids: IdMap,
  total: number,
): Promise<number> {
  const progress = options.progress(table.targetTable, total);
  const write = async ({ rows, pending }: PreparedChunk) => {
    await options.target.writeChunk(table, rows, pending);
    progress.advance(rows.length);
  };
  let inFlight: Promise<void> = Promise.resolve();
  try {
    for (const chunk of sourceChunks(options.db, table, options.chunkSize)) {
      const prepared = prepareChunk(options, table, ids, chunk);
      await inFlight;
      if (prepared.rows.length > 0) inFlight = write(prepared);
    }
    await inFlight;
  } catch (error) {
    await inFlight.catch(() => undefined);
    throw error;
  }
  return progress.done();
}

/**
 * `orrery etl`: checks every row (nothing written if one cannot load), loads the tables
 * parents first, then verifies. With `dryRun`, stops after the check and says so.
 * Returns the exit code.
 */
export async function runEtl(options: EtlRunOptions): Promise<number> {
  const { io, target, plan } = options;
  const started = Date.now();
  const mapExists = await target.hasIdMap();
  await target.checkTables(plan, mapExists);
  const messages = unsentMessages(options.db, target.namespace);
  if (messages.length > 0 && !(await target.hasTable(OUTBOX_TABLE)))
    throw new UsageError(
      `the source holds ${plural(messages.length, "unsent outbox message")} of namespace "${target.namespace}" and ${target.url.display} has no ${OUTBOX_TABLE} to carry them into: run "orrery migrate latest" against it first (its migrations make the store's tables too)`,
      1,
    );
  const ids = new IdMap(options.db);
  if (mapExists)
    await target.loadIdMap(
      ids,
      plan.tables.map((t) => t.source.name),
    );
  const counts = checkRows({
    db: options.db,
    ids,
    plan,
    engine: target.engine,
    chunkSize: options.chunkSize,
    onDangling: options.onDangling,
    now: started,
    onTable: (table) => {
      io.out(`${options.dryRun ? "would load" : "checked"} ${describeCounts(table)}`);
      for (const note of table.notes) io.out(`    ${note}`);
    },
  });
  const total = counts.reduce((sum, c) => sum + c.rows, 0);
  const carrying = `${plural(messages.length, "unsent outbox message")} of D1's ${OUTBOX_TABLE}`;
  if (options.dryRun) {
    io.out(
      `Dry run: nothing was written to ${target.url.display}; ${plural(total, "row")} in ${plural(counts.length, "table")} would load into namespace "${target.namespace}"${messages.length > 0 ? `, and ${carrying} would be carried over` : ""}. Peak RSS ${peakRss()}.`,
    );
    return 0;
  }
  if (!mapExists) await target.createIdMap();
  const loadStarted = Date.now();
  const rates: string[] = [];
  for (const { table, rows } of counts) {
    const rate = await loadTable(options, table, ids, rows);
    rates.push(`${table.targetTable} ${Math.round(rate).toLocaleString("en-US")} rows/s`);
  }
  const loadSeconds = (Date.now() - loadStarted) / 1000;
  if (messages.length > 0) {
    await target.carryMessages(messages);
    io.out(`Carried ${carrying} into the target's: its relay sends them, under the same message ids.`);
  }
  io.out(
    `Loaded ${plural(total, "row")} into ${target.url.display}, namespace "${target.namespace}"; verifying…`,
  );
  const source = new Map<string, SourceSums>(
    counts.map((c) => [
      c.table.targetTable,
      { rows: c.rows, checksum: c.checksum.digest(), notLoaded: 0, skipped: c.skipped },
    ]),
  );
  const verdict = await verifyEtl({ ...options, ids }, source);
  const overall = Math.round(total / Math.max(loadSeconds, 0.001)).toLocaleString("en-US");
  io.out(
    `${verdict.ok ? "Done" : "Loaded, but verify found differences"}: ${plural(total, "row")} in ${plural(counts.length, "table")}, load ${loadSeconds.toFixed(1)} s (${overall} rows/s: ${rates.join(", ")}), all ${((Date.now() - started) / 1000).toFixed(1)} s; peak RSS ${peakRss()}.`,
  );
  return verdict.ok ? 0 : 1;
}

/** `orrery etl verify`: the verify of a run, alone, against the id map the target keeps. */
export async function runVerify(
  options: Omit<EtlRunOptions, "chunkSize" | "dryRun" | "progress">,
): Promise<number> {
  const { target, plan, io } = options;
  const started = Date.now();
  if (!(await target.hasIdMap()))
    throw new UsageError(
      `${target.url.display} has no ${SYSTEM_TABLES.etlIds.name}: orrery etl has not loaded anything into it`,
      1,
    );
  await target.checkTables(plan, true, { foreignRows: false });
  const ids = new IdMap(options.db);
  await target.loadIdMap(
    ids,
    plan.tables.map((t) => t.source.name),
  );
  const verdict = await verifyEtl({ ...options, ids });
  const rows = verdict.tables.reduce((sum, t) => sum + t.target.rows, 0);
  io.out(
    `${verdict.ok ? "Verified" : "Verify found differences"}: ${plural(verdict.tables.length, "table")}, ${plural(rows, "row")} in ${target.url.display}, namespace "${target.namespace}", ${((Date.now() - started) / 1000).toFixed(1)} s; peak RSS ${peakRss()}.`,
  );
  return verdict.ok ? 0 : 1;
}
