import { CodecError, type ExternalEngine, JsonEncodeError } from "@orrery/schema";
import { CanonicalForm, RowsChecksum } from "./canonical";
import { checkEncodable } from "./encode-row";
import { EtlProblems } from "./etl-problems";
import type { IdMap } from "./id-map";
import { keptId } from "./orrery-tables";
import type { EtlPlan } from "./plan-etl";
import type { TablePlan } from "./plan-table";
import { type SourceRecord, sourceChunks } from "./source-rows";
import type { SqliteDatabase } from "./sqlite";
import { type DanglingPolicy, rowName, timestampOf, transformChunk } from "./transform-chunk";
import { UlidSequence } from "./ulid-sequence";

/** What the check found for one table. */
export interface TableCounts {
  readonly table: TablePlan;
  /** Rows that load: new ones and those an earlier run loaded. */
  readonly rows: number;
  readonly minted: number;
  readonly skipped: number;
  /** Dangling references left out (`--on-dangling null`) or rows skipped (`skip`): the first few. */
  readonly notes: readonly string[];
  readonly nulled: number;
  /** The rows that load, as verify's source side: counted and summed canonical rows. */
  readonly checksum: RowsChecksum;
}

const SHOWN_PROBLEMS = 50;
const SHOWN_NOTES = 10;

/**
 * The pass before anything is written: every row of every table (parents first) is transformed
 * and encoded as it will be loaded, and gets its `_id`: the id map's, or a new ULID that keeps
 * the source order (its time part from the timestamp column, else `now`). New ids wait in the
 * in-memory map as pending, so children's references resolve. Any row that cannot be loaded (a
 * value that cannot be coerced, a dangling reference under `--on-dangling fail`) is collected;
 * if there is one, {@link EtlProblems} names them all (the first 50 in full). The rows that
 * load are summed into each table's checksum: the source side of the verify that follows.
 */
export function checkRows(options: {
  readonly db: SqliteDatabase;
  readonly ids: IdMap;
  readonly plan: EtlPlan;
  readonly engine: ExternalEngine;
  readonly chunkSize: number;
  readonly onDangling: DanglingPolicy;
  readonly now: number;
  readonly onTable?: (counts: TableCounts) => void;
}): TableCounts[] {
  const problems: string[] = [];
  let badRows = 0;
  let danglingRows = 0;
  const result: TableCounts[] = [];
  for (const table of options.plan.tables) {
    const sequence = new UlidSequence();
    const assignId = (record: SourceRecord, existing: string | undefined) => {
      if (table.orreryTable) return existing ?? keptId(record.key);
      if (existing !== undefined) {
        sequence.observe(existing);
        return existing;
      }
      return sequence.next(table.timestamp ? timestampOf(table, record) : options.now);
    };
    let rows = 0;
    let minted = 0;
    let skipped = 0;
    let nulled = 0;
    const notes: string[] = [];
    const checksum = new RowsChecksum();
    const canonical = new CanonicalForm(table.fields);
    const note = (line: string) => {
      if (notes.length < SHOWN_NOTES) notes.push(line);
    };
    for (const chunk of sourceChunks(options.db, table, options.chunkSize)) {
      const outcomes = transformChunk(chunk, {
        plan: table,
        ids: options.ids,
        onDangling: options.onDangling,
        assignId,
      });
      const fresh: [string, string][] = [];
      for (const [i, outcome] of outcomes.entries()) {
        const name = () => rowName(table, chunk[i]!.key);
        if (outcome.kind === "skip") {
          skipped++;
          note(`${name()} skipped: ${outcome.reason}`);
          continue;
        }
        let rowProblems: readonly string[] = [];
        if (outcome.kind === "row") {
          if (outcome.minted) fresh.push([outcome.key, String(outcome.doc._id)]);
          if (outcome.nulled.length > 0) nulled++;
          for (const what of outcome.nulled) note(`${name()}: ${what}, left empty`);
          try {
            checkEncodable(table, outcome.doc, options.engine);
            checksum.add(canonical.line(outcome.doc));
            rows++;
            if (outcome.minted) minted++;
          } catch (error) {
            if (!(error instanceof CodecError || error instanceof JsonEncodeError)) throw error;
            rowProblems = [error.message];
          }
        } else if (outcome.kind === "problems") {
          // It keeps an id, so rows that reference it are not reported as dangling too.
          if (outcome.minted) fresh.push([outcome.key, outcome.minted]);
          rowProblems = outcome.problems;
          if (outcome.dangling) danglingRows++;
        }
        if (rowProblems.length === 0) continue;
        badRows++;
        for (const problem of rowProblems)
          if (problems.length < SHOWN_PROBLEMS) problems.push(`${name()}, ${problem}`);
      }
      options.ids.stage(table.source.name, fresh);
    }
    options.ids.commitStaged();
    const counts = { table, rows, minted, skipped, nulled, notes, checksum };
    result.push(counts);
    options.onTable?.(counts);
  }
  if (badRows > 0) {
    const more = badRows > SHOWN_PROBLEMS ? ` (the first ${SHOWN_PROBLEMS} problems below)` : "";
    const hint =
      danglingRows > 0 ? `; for dangling references, --on-dangling null or skip loads the rest` : "";
    throw new EtlProblems(`${badRows} rows cannot be loaded${more}, so nothing was written${hint}`, problems);
  }
  return result;
}
