import { decodeTime } from "ulid";
import { CoerceError, coerceValue, parseIsoDate } from "./coerce";
import type { SourceValue } from "./define-etl";
import type { IdMap } from "./id-map";
import { decodeStored, keptSystemFields } from "./orrery-tables";
import type { FieldPlan, TablePlan } from "./plan-table";
import { keyText, rowObject, type SourceRecord } from "./source-rows";

/** What `--on-dangling` does with a reference to a row that is not loaded. */
export type DanglingPolicy = "fail" | "null" | "skip";

/** A source row after the transform: a document, a row left out, or what is wrong with it. */
export type RowOutcome =
  | {
      readonly kind: "row";
      readonly key: string;
      readonly doc: Record<string, unknown>;
      /** The `_id` was minted by this call. */
      readonly minted: boolean;
      /** The `_id` is not in the target yet: its id map entry goes with the row. */
      readonly pending: boolean;
      /** Dangling references `--on-dangling null` left out. */
      readonly nulled: readonly string[];
    }
  /** Left out by `--on-dangling skip`. */
  | { readonly kind: "skip"; readonly key: string; readonly reason: string }
  /** Would load, but the id map has no `_id` for it (not loaded yet). */
  | { readonly kind: "unmapped"; readonly key: string }
  | {
      readonly kind: "problems";
      readonly key: string;
      readonly problems: readonly string[];
      readonly dangling: boolean;
      /** The `_id` minted for it anyway, so rows referencing it are not reported too. */
      readonly minted?: string;
    };

export interface ChunkOptions {
  readonly plan: TablePlan;
  readonly ids: IdMap;
  readonly onDangling: DanglingPolicy;
  /**
   * Gives each row that loads its `_id`, in source order: the map's, or a new one (the first
   * pass of a run). Without it (loading, verifying) a row takes the id the map has, if any.
   */
  readonly assignId?: (record: SourceRecord, existing: string | undefined) => string;
}

const show = (value: unknown): string =>
  typeof value === "string" ? JSON.stringify(value) : value instanceof Uint8Array ? "a BLOB" : String(value);

/** A row as problems name it: `post_table row id=17`. */
export function rowName(plan: TablePlan, key: SourceValue): string {
  return `${plan.source.name} row ${plan.keyColumn ?? "rowid"}=${show(key)}`;
}

function columnName(field: FieldPlan): string {
  return field.column === undefined ? `field ${field.field} (transform)` : `column ${field.column}`;
}

/** The ms since the epoch in a row's timestamp column: the time part of its ULID. */
export function timestampOf(plan: TablePlan, record: SourceRecord): number {
  const { column, unit } = plan.timestamp!;
  const value = record.values[record.columns.get(column)!];
  let ms: number | undefined;
  if (typeof value === "number" || typeof value === "bigint") ms = Number(value) * (unit === "s" ? 1000 : 1);
  else if (typeof value === "string")
    ms = parseIsoDate(value) ?? (/^\d+$/.test(value) ? Number(value) * (unit === "s" ? 1000 : 1) : undefined);
  if (ms === undefined || !Number.isInteger(ms) || ms < 0 || ms > 2 ** 48 - 1)
    throw new CoerceError(`timestamp ${show(value)} is not a time from 1970 on (ms, s or ISO text)`);
  return ms;
}

/** Runs the table's transforms on one row; a transform that throws is a problem of that field. */
function preValues(plan: TablePlan, record: SourceRecord, problems: string[]): unknown[] {
  let row: Record<string, SourceValue> | undefined;
  return plan.fields.map((field) => {
    const raw = field.column === undefined ? undefined : record.values[record.columns.get(field.column)!];
    if (!field.transform) return raw;
    row ??= rowObject(record);
    try {
      return field.transform(raw, row);
    } catch (error) {
      problems.push(
        `${columnName(field)}: the transform threw: ${(error as Error)?.message ?? String(error)}`,
      );
      return undefined;
    }
  });
}

/**
 * Transforms one chunk of source rows into documents: each row's `_id` from the id map (or
 * minted), each reference rewritten through the map (a dangling one failed, nulled or skipped
 * per `onDangling`), each value coerced to its field. The same code serves the check before
 * writing, the load and the verify, so all three see the same documents.
 */
export function transformChunk(records: readonly SourceRecord[], options: ChunkOptions): RowOutcome[] {
  const { plan, ids, onDangling } = options;
  const keys = records.map((record) => keyText(record.key));
  const rowProblems = records.map((): string[] => []);
  const pre = records.map((record, i) => preValues(plan, record, rowProblems[i]!));
  // A reference the rows' query could not join (its value comes from a transform): one lookup
  // per field for the whole chunk.
  const looked = plan.fields.map((field, f) => {
    if (field.references === undefined || records[0]?.refs[f] !== undefined) return undefined;
    const wanted = pre
      .map((values) => keyText(values[f] as SourceValue))
      .filter((k): k is string => k !== undefined);
    return ids.lookup(field.references, wanted);
  });
  const parentOf = (record: SourceRecord, f: number, value: unknown): string | null | undefined => {
    const joined = record.refs[f];
    if (joined !== undefined) return joined;
    const parentKey = keyText(value as SourceValue);
    return parentKey === undefined ? undefined : looked[f]?.get(parentKey)?.docId;
  };

  return records.map((record, i): RowOutcome => {
    const key = keys[i];
    const problems = rowProblems[i]!;
    if (key === undefined || key.length > 255)
      return {
        kind: "problems",
        key: show(record.key),
        problems: [`key ${show(record.key)} is not an integer or text of at most 255 characters`],
        dangling: false,
      };
    const doc: Record<string, unknown> = {};
    const nulled: string[] = [];
    let dangling = false;
    let skip: string | undefined;
    plan.fields.forEach((field, f) => {
      const value = pre[i]![f];
      if (field.references !== undefined && value !== null && value !== undefined) {
        const parent = parentOf(record, f, value);
        if (parent) {
          doc[field.field] = parent;
          return;
        }
        const what = `${columnName(field)}: ${show(value)} references no loaded row of ${field.references}`;
        if (onDangling === "skip") skip ??= what;
        else if (onDangling === "null" && field.validator.isOptional) nulled.push(what);
        else {
          dangling = true;
          problems.push(
            onDangling === "null" ? `${what}, and field ${field.field} is required (cannot be null)` : what,
          );
        }
        return;
      }
      try {
        const coerced = field.stored ? decodeStored(value, field.stored, field) : coerceValue(value, field);
        if (coerced !== undefined) doc[field.field] = coerced;
      } catch (error) {
        if (!(error instanceof CoerceError)) throw error;
        problems.push(`${columnName(field)} → ${plan.targetTable}.${field.field}: ${error.message}`);
      }
    });
    if (skip !== undefined && problems.length === 0) return { kind: "skip", key, reason: skip };
    let docId = record.docId ?? undefined;
    let minted = false;
    if (options.assignId) {
      try {
        const assigned = options.assignId(record, docId);
        minted = assigned !== docId;
        docId = assigned;
      } catch (error) {
        if (!(error instanceof CoerceError)) throw error;
        problems.push(plan.timestamp ? `column ${plan.timestamp.column}: ${error.message}` : error.message);
      }
    }
    let system: { _creationTime: number; _version?: number } | undefined;
    try {
      if (docId !== undefined)
        system = plan.orreryTable ? keptSystemFields(record) : { _creationTime: decodeTime(docId) };
    } catch (error) {
      if (!(error instanceof CoerceError)) throw error;
      problems.push(error.message);
    }
    if (problems.length > 0)
      return { kind: "problems", key, problems, dangling, minted: minted ? docId : undefined };
    if (docId === undefined || system === undefined) return { kind: "unmapped", key };
    return {
      kind: "row",
      key,
      doc: { _id: docId, ...system, ...doc },
      minted,
      pending: minted || record.pending,
      nulled,
    };
  });
}
