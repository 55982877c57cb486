import { type ExternalEngine, encodeValue, type SqlValue } from "@orrery/schema";
import type { TablePlan } from "./plan-table";

/**
 * A document as the values of one row of the chunk's INSERT: `_id`, `_creationTime`,
 * `_version` (1: a row etl inserts is at its first version; an Orrery table's row keeps its
 * own), `_namespace`, then the fields etl fills, each encoded by the schema's codec (as the
 * store writes them).
 */
export function encodeRow(
  table: TablePlan,
  doc: Readonly<Record<string, unknown>>,
  engine: ExternalEngine,
  namespace: string,
): SqlValue[] {
  const version = (doc._version as number | undefined) ?? 1;
  const row: SqlValue[] = [doc._id as string, doc._creationTime as number, version, namespace];
  for (const field of table.fields) row.push(encodeValue(field.spec, doc[field.field], engine));
  return row;
}

/**
 * Throws what {@link encodeRow} would: of values that passed their validators, only JSON can
 * still fail to encode (a `$`-key the tagged encoding reserves, say).
 */
export function checkEncodable(
  table: TablePlan,
  doc: Readonly<Record<string, unknown>>,
  engine: ExternalEngine,
): void {
  for (const field of table.fields)
    if (field.codec === "json") encodeValue(field.spec, doc[field.field], engine);
}
