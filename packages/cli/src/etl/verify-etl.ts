import {
  type ColumnSpec,
  decodeValue,
  type ExternalEngine,
  type SchemaDefinition,
  tableColumns,
} from "@orrery/schema";
import type { SqlRow } from "@orrery/store";
import type { CommandIo } from "../command";
import { CanonicalForm, RowsChecksum } from "./canonical";
import { EtlTarget } from "./etl-target";
import type { IdMap } from "./id-map";
import type { EtlPlan } from "./plan-etl";
import type { TablePlan } from "./plan-table";
import { sourceChunks } from "./source-rows";
import type { SqliteDatabase } from "./sqlite";
import { type DanglingPolicy, rowName, transformChunk } from "./transform-chunk";

const PAGE = 2000;
const SHOWN = 400;

export interface VerifyOptions {
  readonly db: SqliteDatabase;
  readonly ids: IdMap;
  readonly plan: EtlPlan;
  readonly schema: SchemaDefinition;
  readonly target: EtlTarget;
  readonly onDangling: DanglingPolicy;
  /** How many differing rows to print per table (0: none, only the counts). */
  readonly diff: number;
  readonly io: CommandIo;
}

/** One side of one table: how many rows, and their checksum. */
export interface SideSums {
  readonly rows: number;
  readonly checksum: string;
}

/** The source side, as a run's check computes it (or {@link sourceSums}). */
export interface SourceSums extends SideSums {
  /** Rows that should be in the target but have no `_id` in the id map. */
  readonly notLoaded: number;
  readonly skipped: number;
}

/** One table's verdict: the counts and checksums of both sides. */
export interface TableVerdict {
  readonly table: string;
  readonly source: SourceSums;
  readonly target: SideSums;
  readonly ok: boolean;
}

interface Keyed {
  readonly id: string;
  readonly line: string;
}

const clip = (text: string) => (text.length > SHOWN ? `${text.slice(0, SHOWN)}…` : text);
const short = (checksum: string) => checksum.slice(0, 16);

/** The source rows etl loads, transformed as a run transforms them, counted and summed. */
export function sourceSums(options: VerifyOptions, table: TablePlan): SourceSums {
  const canonical = new CanonicalForm(table.fields);
  const sum = new RowsChecksum();
  let notLoaded = 0;
  let skipped = 0;
  for (const chunk of sourceChunks(options.db, table, PAGE, "any"))
    for (const outcome of transformChunk(chunk, {
      plan: table,
      ids: options.ids,
      onDangling: options.onDangling,
    })) {
      if (outcome.kind === "row") sum.add(canonical.line(outcome.doc));
      else if (outcome.kind === "skip") skipped++;
      else notLoaded++;
    }
  return { rows: sum.count + notLoaded, checksum: sum.digest(), notLoaded, skipped };
}

/** A target row as a document (its `_id`, `_creationTime` and fields), decoded as the store decodes it. */
function decodeRow(
  columns: readonly ColumnSpec[],
  row: SqlRow,
  engine: ExternalEngine,
): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  for (const column of columns) {
    const value = decodeValue(column, row[column.name], engine);
    if (value !== undefined) doc[column.name] = value;
  }
  return doc;
}

/** The namespace's rows of the table in `_id` order, the next page fetched while this one is used. */
async function* targetRows(options: VerifyOptions, table: TablePlan): AsyncGenerator<Keyed> {
  const canonical = new CanonicalForm(table.fields);
  const wanted = new Set(canonical.names);
  const columns = tableColumns(table.definition, options.target.engine).filter((c) => wanted.has(c.name));
  const names = columns.map((c) => c.name);
  const fetch = (after: string) => {
    const page = options.target.readRows(table.targetTable, names, after, PAGE);
    // Fetched ahead: a failure is thrown where it is awaited, even if the reader stopped first.
    page.catch(() => undefined);
    return page;
  };
  let page = fetch("");
  for (;;) {
    const rows = await page;
    if (rows.length === PAGE) page = fetch(String(rows[rows.length - 1]!._id));
    for (const row of rows) {
      const doc = decodeRow(columns, row, options.target.engine);
      yield { id: String(doc._id), line: canonical.line(doc) };
    }
    if (rows.length < PAGE) return;
  }
}

/** The target side of a table: its rows of the namespace, counted and summed. */
export async function targetSums(options: VerifyOptions, table: TablePlan): Promise<SideSums> {
  const sum = new RowsChecksum();
  for await (const row of targetRows(options, table)) sum.add(row.line);
  return { rows: sum.count, checksum: sum.digest() };
}

/** The fields two canonical rows disagree on, each with both values. */
function describeDifference(names: readonly string[], source: string, target: string): string {
  const a = JSON.parse(source) as unknown[];
  const b = JSON.parse(target) as unknown[];
  return names
    .flatMap((name, i) =>
      JSON.stringify(a[i]) === JSON.stringify(b[i])
        ? []
        : [`${name}: source ${clip(JSON.stringify(a[i]))}, target ${clip(JSON.stringify(b[i]))}`],
    )
    .join("; ");
}

/** The source rows in `_id` order (those without one first, reported as not loaded). */
function* sourceRowsById(
  options: VerifyOptions,
  table: TablePlan,
  report: (line: string) => void,
): Generator<Keyed> {
  const canonical = new CanonicalForm(table.fields);
  for (const chunk of sourceChunks(options.db, table, PAGE, "docId")) {
    const outcomes = transformChunk(chunk, { plan: table, ids: options.ids, onDangling: options.onDangling });
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.kind === "row") yield { id: String(outcome.doc._id), line: canonical.line(outcome.doc) };
      else if (outcome.kind !== "skip") {
        const why = outcome.kind === "problems" ? outcome.problems.join("; ") : "no _id in the id map";
        report(`not loaded: ${rowName(table, chunk[i]!.key)} (${why})`);
      }
    }
  }
}

/**
 * The first `options.diff` differences of a table that differs: both sides in `_id` order,
 * merged, rows missing from the target, extra in it, or differing field by field.
 */
async function diffTable(options: VerifyOptions, table: TablePlan): Promise<string[]> {
  const lines: string[] = [];
  const report = (line: string) => {
    if (lines.length < options.diff) lines.push(line);
  };
  const { names } = new CanonicalForm(table.fields);
  const source = sourceRowsById(options, table, report);
  const target = targetRows(options, table);
  let s = source.next();
  let t = await target.next();
  while ((!s.done || !t.done) && lines.length < options.diff) {
    if (!s.done && (t.done || s.value.id < t.value.id)) {
      report(`missing in target: ${s.value.id} ${clip(s.value.line)}`);
      s = source.next();
    } else if (!t.done && (s.done || t.value.id < s.value.id)) {
      report(`extra in target (not from the source): ${t.value.id} ${clip(t.value.line)}`);
      t = await target.next();
    } else if (!s.done && !t.done) {
      if (s.value.line !== t.value.line)
        report(`differs ${s.value.id}: ${describeDifference(names, s.value.line, t.value.line)}`);
      s = source.next();
      t = await target.next();
    }
  }
  await target.return(undefined);
  source.return(undefined);
  return lines;
}

/**
 * Verifies a load: per table, the row counts and the checksum of the canonical rows of both
 * sides (the source's rows transformed as a run transforms them, the target's rows of the
 * namespace decoded as the store decodes them); then that no reference field of the loaded
 * tables points at a row its table does not have. `source` is the source side a run's check
 * already computed; without it, it is computed here. Prints one line per table and per
 * reference (with `diff`, the first differing rows under a table that differs).
 */
export async function verifyEtl(
  options: VerifyOptions,
  /** The source side per target table, as a run's check computed it. */
  source?: ReadonlyMap<string, SourceSums>,
): Promise<{ ok: boolean; tables: TableVerdict[] }> {
  const tables: TableVerdict[] = [];
  const { io } = options;
  for (const table of options.plan.tables) {
    const sourceSide = source?.get(table.targetTable) ?? sourceSums(options, table);
    const targetSide = await targetSums(options, table);
    const ok =
      sourceSide.notLoaded === 0 &&
      sourceSide.rows === targetSide.rows &&
      sourceSide.checksum === targetSide.checksum;
    tables.push({ table: table.targetTable, source: sourceSide, target: targetSide, ok });
    const name = `${table.source.name} → ${table.targetTable}`;
    const skipped = sourceSide.skipped > 0 ? `, ${sourceSide.skipped} skipped (--on-dangling skip)` : "";
    if (ok) {
      io.out(
        `✔ ${name}: ${targetSide.rows} rows${skipped}, checksum ${short(targetSide.checksum)} on both sides`,
      );
      continue;
    }
    const notLoaded = sourceSide.notLoaded > 0 ? `, ${sourceSide.notLoaded} of them not loaded` : "";
    io.out(
      `✘ ${name}: source ${sourceSide.rows} rows${notLoaded} (checksum ${short(sourceSide.checksum)}), target ${targetSide.rows} rows (checksum ${short(targetSide.checksum)})${options.diff > 0 ? "" : "; --diff shows the rows that differ"}`,
    );
    if (options.diff > 0) for (const line of await diffTable(options, table)) io.out(`    ${line}`);
  }
  let ok = tables.every((verdict) => verdict.ok);
  for (const check of EtlTarget.referenceChecks(options.plan, options.schema)) {
    const { count, rows } = await options.target.danglingReferences(check, options.diff);
    const name = `${check.table}.${check.field} → ${check.parent}`;
    if (count === 0) {
      io.out(`✔ ${name}: no dangling references`);
      continue;
    }
    ok = false;
    io.out(
      `✘ ${name}: ${count} rows point at no ${check.parent} row${options.diff > 0 ? "" : " (--diff shows them)"}`,
    );
    for (const row of rows) io.out(`    ${row.id}: ${check.field} = ${row.ref}`);
  }
  return { ok, tables };
}
