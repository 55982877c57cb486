import type { Codec } from "@orrery/schema";
import { affinityOf } from "./source-tables";

const ACCEPTS: Record<Exclude<Codec, "id">, readonly string[]> = {
  text: ["TEXT", "INTEGER", "REAL", "NUMERIC"],
  float: ["INTEGER", "REAL", "NUMERIC", "TEXT"],
  // A REAL column's whole numbers fit; a fractional one is reported by row.
  int64: ["INTEGER", "NUMERIC", "TEXT", "REAL"],
  boolean: ["INTEGER", "NUMERIC", "TEXT"],
  json: ["TEXT", "INTEGER", "REAL", "NUMERIC"],
  bytes: ["BLOB"],
};

const FIELD_KIND: Record<Codec, string> = {
  text: "a string",
  id: "an id",
  float: "a number",
  int64: "an int64",
  boolean: "a boolean",
  json: "a JSON",
  bytes: "a bytes",
};

/**
 * Why a column of this declared type can never fill a field of this codec, or undefined when
 * its values may (each is still checked by row). A column without a declared type takes
 * anything, so it may fill any field. An id field takes only a column that references a table.
 */
export function cannotReceive(codec: Codec, declaredType: string): string | undefined {
  if (declaredType.trim() === "") return undefined;
  const affinity = affinityOf(declaredType);
  if (codec === "id")
    return "ids are rewritten from references: say which table the column references (references: { <column>: <table> })";
  if (ACCEPTS[codec].includes(affinity)) return undefined;
  return `a ${declaredType} column cannot fill ${FIELD_KIND[codec]} field`;
}
